
from qgis.core import QgsProcessingParameterFileDestination, QgsProcessingParameterMultipleLayers

from ..core.evaluation.compare import compare_predictions, read_reference
from ..core.platform.errors import LstFusionError
from . import names as P
from . import qgis_enums
from .base import LstFusionAlgorithm, add_raster
from .subregions import add_subregion_parameters, read_subregions, subregion_masks


class CompareMethods(LstFusionAlgorithm):
    ALG_ID = "compare_methods"
    DISPLAY = "Compare methods"
    GROUP = "evaluation"
    HELP = ("Scores several predictions of the same date against one reference, over the whole image and each "
            "subregion, and ranks them by RMSE per region. Method names are the layer names. Metric conventions "
            "as in lstfusion:evaluate. Outputs one CSV table and one HTML report.<br>Baselines: with "
            "<b>COARSE_TARGET</b> (MODIS of the date on the same grid) the table gains the row 'MODIS resampled'; "
            "with <b>FINE_REF1</b> and <b>COARSE_REF1</b> (a reference pair) also 'Landsat ref + MODIS change' "
            "(FINE_REF1 + COARSE_TARGET &minus; COARSE_REF1). With both, every method gets a verdict: 'beats both' "
            "or 'LOSES to ...' (by RMSE, per region).")

    TAGS = ("comparison", "ranking", "benchmark", "HTML report", "subregions")
    PARAM_HELP = {
        P.PREDICTIONS: "Predictions of the same date by several methods; the layer names name the methods.",
        P.REFERENCE: "Reference LST on the same grid, e.g. the real Landsat LST of that date.",
        P.OUTPUT_TABLE: "Ranking table (by RMSE within each region): CSV, or a GeoPackage attribute table (.gpkg).",
        P.OUTPUT_HTML: "Optional HTML report: the ranking table, then a maps and error panel per method.",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterMultipleLayers(P.PREDICTIONS, "Predictions", qgis_enums.SOURCE_RASTER))
        add_raster(self, P.REFERENCE, "Reference LST")
        add_raster(self, P.COARSE_TARGET, "MODIS of the date, on the reference grid (baseline)", optional=True)
        add_raster(self, P.FINE_REF1, "Landsat of a reference pair (baseline)", optional=True)
        add_raster(self, P.COARSE_REF1, "MODIS of that reference pair (baseline)", optional=True)
        add_subregion_parameters(self)
        self.addParameter(QgsProcessingParameterFileDestination(P.OUTPUT_TABLE, "Ranking table", "CSV (*.csv);;GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterFileDestination(P.OUTPUT_HTML, "Report", "HTML (*.html)", optional=True))

    def execute(self, parameters, context, feedback, progress, cancel):
        ref = read_reference(self.raster_source(parameters, P.REFERENCE, context))
        layers = self.parameterAsLayerList(parameters, P.PREDICTIONS, context)
        if not layers:
            raise LstFusionError(P.PREDICTIONS, "no prediction given")
        regions = read_subregions(self, parameters, context, ref.grid)
        table = self.parameterAsFileOutput(parameters, P.OUTPUT_TABLE, context)
        html = self.parameterAsFileOutput(parameters, P.OUTPUT_HTML, context)
        compare_predictions(
            ref, [(lyr.source(), lyr.name(), lyr.bandCount()) for lyr in layers],
            {name: self.raster_source(parameters, name, context, optional=True)
             for name in (P.COARSE_TARGET, P.FINE_REF1, P.COARSE_REF1)},
            subregion_masks(regions, ref.grid, feedback), table, html, regions,
            self.parameterAsDouble(parameters, P.RESOLUTION_RATIO, context), progress, feedback.pushInfo)
        return {P.OUTPUT_TABLE: table, **({P.OUTPUT_HTML: html} if html else {})}
