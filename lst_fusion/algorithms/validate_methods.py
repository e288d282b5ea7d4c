"""lstfusion:validate_methods - which method works on this series? Leave-one-date-out, inside QGIS."""

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
)

from ..core.evaluation import validation
from ..core.fusion import methods
from ..validation.inputs import dataset_folder
from . import names as P
from . import qgis_enums
from .base import LstFusionAlgorithm, add_double, add_int, add_raster, set_advanced

# MIN_CLEAR's default: search_download's (a date whose AOI is less than 20 % clear is not even downloaded), so a
# series downloaded with the defaults is validated whole, and a date that is mostly cloud is not a test truth
DEFAULT_MIN_CLEAR = 20.0


FIRST = ("starfm", "estarfm")  # options 0 and 1 since the algorithm exists (cheaper first); the rest follow the
# method table's order, so a method appended to the table is appended here too and saved indices keep meaning


def method_options():
    """(label, value) of every method of the method table, in the METHODS enum's append-only order;
    value: the label for classical methods (as the validation tables name them), the id for deep models."""
    ids = list(FIRST) + [m for m in methods.IDS if m not in FIRST and methods.get(m).fusion]  # MODIS: a baseline row
    return [(methods.get(m).label, methods.get(m).label if methods.get(m).classical else m) for m in ids]


class ValidateMethods(LstFusionAlgorithm):
    ALG_ID = "validate_methods"
    DISPLAY = "Validate methods on this series"
    GROUP = "evaluation"
    HELP = ("Finds out which method works on your own series: leave-one-date-out over every same-day pair with a "
            "pair before and after it. Each method predicts that date from the other pairs only (deep models are "
            "trained anew without it, at small size, for at most EPOCHS epochs), as is, with the scene-mean "
            "correction (+SM) and per MODIS footprint (+RC), and is scored against that date's Landsat, beside the "
            "baselines 'MODIS resampled' and 'Landsat ref + MODIS change'. The row 'auto' is the method chosen for "
            "each date by an inner leave-one-date-out on the other pairs (classical methods). The recommendation "
            "is auto's rule on all pairs: the method and variant of lowest mean RMSE (a tie to the cheaper). "
            "The HTML report adds the errors per land-cover class and the temporal variability per date. "
            "Needs at least three pairs.")
    TAGS = ("validation", "leave-one-date-out", "accuracy", "auto", "recommendation", "cross-validation")
    PARAM_HELP = {
        P.DATASET: "A folder written by lstfusion:align_pairs (index.csv); or give MODIS and LANDSAT.",
        P.MODIS: "Instead of DATASET: MODIS LST rasters dated by their names (aligned first, as align_pairs does).",
        P.LANDSAT: "Instead of DATASET: Landsat LST rasters dated by their names (band LANDSAT_BAND holds LST).",
        P.METHODS: "Methods to score; the deep models are trained once per test date (small size, EPOCHS).",
        P.EPOCHS: "Training budget of each deep model per test date (epochs, with early stopping).",
        P.CLASS_RASTER: ("Optional land-cover class raster on the Landsat grid (integer classes > 0); without it, "
                         "quantile classes of NDVI (Earth Engine exports' band 2) or else of the reference LST."),
        P.LANDSAT_BAND: "Band of the Landsat rasters that holds LST (with MODIS and LANDSAT).",
        P.MODIS_BAND: "Band of the MODIS rasters that holds LST (with MODIS and LANDSAT).",
        P.OUTPUT_CSV: "CSV: method, variant, date, region and the metrics, with each row's verdict.",
        P.OUTPUT_HTML: "HTML report: tables per date, the mean table, auto's choices, both analyses, error maps.",
        P.MIN_CLEAR: ("A same-day pair whose Landsat or MODIS has fewer clear pixels than this percentage is neither "
                      "a test date nor a reference (said in the log); a pair without any clear pixel never is."),
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        from ..models import registry

        self.addParameter(QgsProcessingParameterFile(P.DATASET, "Dataset folder (align_pairs)",
                                                     qgis_enums.FILE_FOLDER, optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(P.MODIS, "MODIS LST rasters", qgis_enums.SOURCE_RASTER,
                                                               optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(P.LANDSAT, "Landsat LST rasters",
                                                               qgis_enums.SOURCE_RASTER, optional=True))
        options = method_options()
        torch = registry.torch_available()
        default = [i for i, (label, _) in enumerate(options) if torch or label in validation.CLASSICAL]
        self.addParameter(QgsProcessingParameterEnum(P.METHODS, "Methods", [o[0] for o in options],
                                                     allowMultiple=True, defaultValue=default))
        add_int(self, P.EPOCHS, "Deep models: epochs per test date", 5, 1)
        add_raster(self, P.CLASS_RASTER, "Land-cover classes", optional=True)
        add_int(self, P.LANDSAT_BAND, "Band of the Landsat rasters holding LST", 1, 1)
        add_int(self, P.MODIS_BAND, "Band of the MODIS rasters holding LST", 1, 1)
        set_advanced(self, P.LANDSAT_BAND, P.MODIS_BAND)
        self.addParameter(QgsProcessingParameterFileDestination(P.OUTPUT_CSV, "Results table", "CSV (*.csv)"))
        self.addParameter(QgsProcessingParameterFileDestination(P.OUTPUT_HTML, "Report", "HTML (*.html)"))
        add_double(self, P.MIN_CLEAR, "Minimum clear pixels of a pair (%)", DEFAULT_MIN_CLEAR, 0.0)
        self.parameterDefinition(P.MIN_CLEAR).setMaximum(100.0)
        self.addOutput(QgsProcessingOutputString(P.RECOMMENDED_METHOD, "Recommended method"))
        self.addOutput(QgsProcessingOutputString(P.RECOMMENDED_VARIANT, "Recommended variant"))
        self.addOutput(QgsProcessingOutputNumber(P.N_FOLDS, "Test dates (folds)"))

    def checkParameterValues(self, parameters, context):  # noqa: N802
        return self.check_dataset_or_lists(parameters, context)

    def derived_outputs(self, parameters, context):
        """With MODIS and LANDSAT: the aligned dataset folder beside OUTPUT_CSV (<its name>_dataset)."""
        if self.parameterAsFile(parameters, P.DATASET, context):
            return {}
        return {P.OUTPUT_CSV: (dataset_folder(self.parameterAsFileOutput(parameters, P.OUTPUT_CSV, context)),
                               self.FOLDER_FILES)}

    def execute(self, parameters, context, feedback, progress, cancel):
        from ..validation.validate import validate_inputs

        class_layer = self.parameterAsRasterLayer(parameters, P.CLASS_RASTER, context)
        options = method_options()
        out_csv = self.parameterAsFileOutput(parameters, P.OUTPUT_CSV, context)
        out_html = self.parameterAsFileOutput(parameters, P.OUTPUT_HTML, context)
        res = validate_inputs(
            self.parameterAsFile(parameters, P.DATASET, context),
            [lyr.source() for lyr in self.parameterAsLayerList(parameters, P.MODIS, context)],
            [lyr.source() for lyr in self.parameterAsLayerList(parameters, P.LANDSAT, context)],
            [options[i][1] for i in self.parameterAsEnums(parameters, P.METHODS, context)], out_csv, out_html,
            min_clear=self.parameterAsDouble(parameters, P.MIN_CLEAR, context),
            epochs=self.parameterAsInt(parameters, P.EPOCHS, context),
            class_raster=(class_layer.source(), class_layer.name()) if class_layer is not None else None,
            modis_band=self.parameterAsInt(parameters, P.MODIS_BAND, context),
            landsat_band=self.parameterAsInt(parameters, P.LANDSAT_BAND, context),
            progress=progress, cancel=cancel, log=feedback.pushInfo)
        rec = res["recommendation"]
        return {P.OUTPUT_CSV: out_csv, P.OUTPUT_HTML: out_html, P.RECOMMENDED_METHOD: rec["method"],
                P.RECOMMENDED_VARIANT: rec["variant"], P.N_FOLDS: len(res["cases"])}
