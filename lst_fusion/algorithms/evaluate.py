from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterRasterDestination,
)

from ..core.data.io import write_raster
from ..core.data.provenance import target_date
from ..core.evaluation import metrics, report
from ..core.platform.safety import check_not_scored_against_itself
from . import names as P
from .base import LstFusionAlgorithm, add_raster, read_role_rasters
from .subregions import add_subregion_parameters, read_subregions, subregion_masks

HELP = ("Scores a prediction against a reference LST raster on the same grid, over the whole image and over "
        "each polygon of <b>SUBREGIONS</b> (pixels whose centres fall inside; <b>NAME_FIELD</b> names them). "
        "NaN/nodata pixels are excluded everywhere, also inside SSIM windows.<br>"
        "RMSE, MAE, BIAS (prediction &minus; reference) in the data unit; CC Pearson; PSNR and SSIM with the "
        "reference's max&minus;min over valid pixels of the whole image as data range (SSIM: 7&times;7 window, "
        "scikit-image conventions); SAM: angle in degrees between the prediction and reference image vectors "
        "(one band has no per-pixel spectrum), in Kelvin; ERGAS = 100&middot;(fine/coarse pixel size)&middot;"
        "RMSE/mean, mean in Kelvin; <b>RESOLUTION_RATIO</b> 30/1000 = 0.03 (33.3 is read the same way).<br>"
        "Outputs: <b>OUTPUT_TABLE</b> (CSV), <b>OUTPUT_HTML</b> (report with maps, scatter plot and error "
        "histogram), <b>OUTPUT_ERROR</b> (signed error raster), and each whole-image metric as a number.")


class Evaluate(LstFusionAlgorithm):
    ALG_ID = "evaluate"
    DISPLAY = "Evaluate a prediction"
    GROUP = "evaluation"
    HELP = HELP

    TAGS = ("evaluation", "comparison", "HTML report", "subregions", "MAE", "bias")
    PARAM_HELP = {
        P.PREDICTION: "Predicted LST raster (e.g. an ESTARFM or deep-model output).",
        P.REFERENCE: "Reference LST on the same grid, e.g. the real Landsat LST of the predicted date.",
        P.OUTPUT_TABLE: "Metric table, one row per region: CSV, or a GeoPackage attribute table (.gpkg).",
        P.OUTPUT_HTML: (
            "Optional self-contained HTML report: header, table, maps with subregion outlines, scatter, histogram."),
        P.OUTPUT_ERROR: "Optional signed error raster, prediction minus reference.",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        add_raster(self, P.PREDICTION, "Predicted LST")
        add_raster(self, P.REFERENCE, "Reference LST (e.g. real Landsat of that date)")
        add_subregion_parameters(self)
        self.addParameter(QgsProcessingParameterFileDestination(P.OUTPUT_TABLE, "Metric table", "CSV (*.csv);;GeoPackage (*.gpkg)"))
        self.addParameter(QgsProcessingParameterFileDestination(P.OUTPUT_HTML, "Report", "HTML (*.html)", optional=True))
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT_ERROR, "Error (prediction - reference)",
                                                                  optional=True, createByDefault=False))
        for m in (P.RMSE, P.SSIM, P.PSNR, P.SAM, P.CC, P.ERGAS, P.MAE, P.BIAS):
            self.addOutput(QgsProcessingOutputNumber(m, m))
        self.addOutput(QgsProcessingOutputString(P.UNIT, "Unit of RMSE, MAE and BIAS (from the reference's tags)"))

    def execute(self, parameters, context, feedback, progress, cancel):
        check_not_scored_against_itself(P.PREDICTION, self.raster_source(parameters, P.PREDICTION, context),
                                        self.raster_source(parameters, P.REFERENCE, context))
        r = read_role_rasters(self, parameters, context, [P.REFERENCE, P.PREDICTION], feedback=feedback)
        pred, ref = r[P.PREDICTION].data, r[P.REFERENCE].data
        regions = read_subregions(self, parameters, context, r[P.REFERENCE].grid)
        masks = subregion_masks(regions, r[P.REFERENCE].grid, feedback)
        rows = metrics.evaluate_regions(pred, ref, masks, self.parameterAsDouble(parameters, P.RESOLUTION_RATIO, context))
        res = {k: rows[0][k] for k in metrics.METRICS}
        res[P.UNIT] = report.unit_label(r[P.REFERENCE])  # what its tags declare, else a guess labelled as one
        err = self.parameterAsOutputLayer(parameters, P.OUTPUT_ERROR, context)
        if err:  # the raster first: the largest output, so a full disk stops the run before the table is written
            write_raster(err, pred - ref, r[P.REFERENCE].grid, description="prediction - reference",
                         parameter=P.OUTPUT_ERROR)
            res[P.OUTPUT_ERROR] = err
        table = self.parameterAsFileOutput(parameters, P.OUTPUT_TABLE, context)
        report.write_table(table, rows)
        res[P.OUTPUT_TABLE] = table
        html = self.parameterAsFileOutput(parameters, P.OUTPUT_HTML, context)
        if html:
            pred_layer = self.parameterAsRasterLayer(parameters, P.PREDICTION, context)
            header = report.report_header(
                method=(r[P.PREDICTION].tags or {}).get("METHOD") or pred_layer.name(),
                date=target_date(r[P.PREDICTION], pred_layer.name()) or target_date(r[P.REFERENCE]),
                inputs={"Prediction": r[P.PREDICTION].path, "Reference": r[P.REFERENCE].path},
                unit=res[P.UNIT], regions=regions)
            report.write_html(html, "LST Fusion evaluation", rows, pred, ref, header=header, regions=regions,
                              transform=r[P.REFERENCE].grid.transform)
            res[P.OUTPUT_HTML] = html
        feedback.pushInfo(report.markdown_table(rows))
        return res


