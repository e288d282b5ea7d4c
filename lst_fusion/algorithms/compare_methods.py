import os

from qgis.core import QgsProcessing, QgsProcessingParameterFileDestination, QgsProcessingParameterMultipleLayers

from ..core import metrics, report
from ..core.checks import check_lst, harmonise_units, require_single_band
from ..core.errors import LstFusionError
from ..core.io import check_same_grid, read_raster
from .base import LstFusionAlgorithm, add_raster
from .subregions import add_subregion_parameters, read_subregions


class CompareMethods(LstFusionAlgorithm):
    ALG_ID = "compare_methods"
    DISPLAY = "Compare methods"
    GROUP = "evaluation"
    HELP = ("Scores several predictions of the same date against one reference, over the whole image and each "
            "subregion, and ranks them by RMSE per region. Method names are the layer names. Metric conventions "
            "as in lstfusion:evaluate. Outputs one CSV table and one HTML report.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterMultipleLayers("PREDICTIONS", "Predictions", QgsProcessing.TypeRaster))
        add_raster(self, "REFERENCE", "Reference LST")
        add_subregion_parameters(self)
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT_TABLE", "Ranking table", "CSV (*.csv);;GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT_HTML", "Report", "HTML (*.html)", optional=True))

    def execute(self, parameters, context, feedback, progress, cancel):
        ref = read_raster(self.raster_source(parameters, "REFERENCE", context), "REFERENCE")
        check_lst("REFERENCE", ref.data, ref.path)
        layers = self.parameterAsLayerList(parameters, "PREDICTIONS", context)
        if not layers:
            raise LstFusionError("PREDICTIONS", "no prediction given")
        masks = metrics.region_masks(ref.grid, read_subregions(self, parameters, context, ref.grid))
        ratio = self.parameterAsDouble(parameters, "RESOLUTION_RATIO", context)
        rows = []
        for i, lyr in enumerate(layers):
            param = f"PREDICTIONS ({lyr.name()})"
            require_single_band(param, lyr.source(), lyr.bandCount())
            pred = read_raster(lyr.source(), param)
            check_same_grid({"REFERENCE": ref, param: pred})
            harmonise_units({"REFERENCE": ref, param: pred}, feedback.pushInfo)
            name = lyr.name() or os.path.splitext(os.path.basename(lyr.source()))[0]
            rows += [{"method": name, **row}
                     for row in metrics.evaluate_regions(pred.data, ref.data, masks, ratio, param)]
            progress(100.0 * (i + 1) / len(layers))
        ranked = report.rank_methods(rows)
        cols = ["region", "rank", "method", "N"] + list(metrics.METRICS)
        table = self.parameterAsFileOutput(parameters, "OUTPUT_TABLE", context)
        report.write_table(table, ranked, cols)
        res = {"OUTPUT_TABLE": table}
        html = self.parameterAsFileOutput(parameters, "OUTPUT_HTML", context)
        if html:
            report.write_html(html, "LST Fusion - method comparison", ranked, columns=cols)
            res["OUTPUT_HTML"] = html
        feedback.pushInfo(report.markdown_table(ranked, cols))
        return res
