"""lstfusion:validate_methods - which method works on this series? Leave-one-date-out, inside QGIS."""
import os

from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
)

from ..core.evaluation import protocol, report, validation
from ..core.fusion import methods, residual
from ..core.platform.errors import LstFusionError
from . import names as P
from . import qgis_enums
from .base import INPUTS_MISSING, LstFusionAlgorithm, add_double, add_int, add_raster, set_advanced

EE_NDVI_BAND = 2  # Earth Engine exports: LST, NDVI, NDWI, NDBI
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
        add_raster(self, P.CLASS_RASTER, "Land-cover classes (optional)", optional=True)
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
        from ..core.data.io import read_raster
        from ..core.data.pairing import align_pairs, check_percent, read_index
        from ..validation import validate

        out_csv = self.parameterAsFileOutput(parameters, P.OUTPUT_CSV, context)
        out_html = self.parameterAsFileOutput(parameters, P.OUTPUT_HTML, context)
        dataset = self.parameterAsFile(parameters, P.DATASET, context)
        modis = [lyr.source() for lyr in self.parameterAsLayerList(parameters, P.MODIS, context)]
        landsat = [lyr.source() for lyr in self.parameterAsLayerList(parameters, P.LANDSAT, context)]
        lst_band = self.parameterAsInt(parameters, P.LANDSAT_BAND, context)
        raw_landsat = {}
        given_dataset = bool(dataset)
        if not dataset:
            if not (modis and landsat):
                raise LstFusionError("", INPUTS_MISSING)
            dataset = aligned_aside(dataset_folder(out_csv), lambda folder: align_pairs(
                modis, landsat, folder, modis_band=self.parameterAsInt(parameters, P.MODIS_BAND, context),
                landsat_band=lst_band, log=feedback.pushInfo, cancel=cancel))
            from ..core.data.pairing import list_rasters

            raw_landsat = list_rasters(landsat, P.LANDSAT)
        min_clear = check_percent(self.parameterAsDouble(parameters, P.MIN_CLEAR, context), P.MIN_CLEAR)
        rows = [r for r in read_index(dataset) if r["status"] == "pair"]
        if len(rows) < 3:
            raise LstFusionError(P.DATASET, protocol.NOT_ENOUGH.format(n=len(rows)))

        def parameter_of(path):  # the aligned files of MODIS and LANDSAT are named by their role
            name = os.path.basename(path)
            role = P.DATASET if given_dataset else (P.MODIS if name.startswith("M_") else P.LANDSAT)
            return f"{role} ({name})"

        pairs, grid, dropped = validation.read_series_pairs(rows, min_clear, parameter_of, feedback.pushInfo,
                                                            P.MIN_CLEAR)
        if len(pairs) < 3:
            why = "; ".join(f"{d}: {w}" for d, w in dropped)
            raise LstFusionError(P.MIN_CLEAR, f"only {len(pairs)} of the {len(rows)} pairs are clear enough "
                                 f"({why}); leave-one-date-out needs at least three: lower {P.MIN_CLEAR} or add "
                                 "clearer pairs")
        classes, source, bands = None, "", None
        class_layer = self.parameterAsRasterLayer(parameters, P.CLASS_RASTER, context)
        if class_layer is not None:
            from ..core.data.io import check_same_grid

            cr = read_raster(class_layer.source(), P.CLASS_RASTER)
            check_same_grid({P.LANDSAT: grid, P.CLASS_RASTER: cr})
            classes, source = cr.data.astype("int32"), f"the class raster {class_layer.name()}"
        elif raw_landsat and lst_band == 1:
            bands = ndvi_bands(raw_landsat, pairs, grid.shape)
            source = (f"NDVI (band {EE_NDVI_BAND} of the Landsat exports) of each test date's nearest pair, "
                      f"{validation.N_QUANTILE_CLASSES} quantile classes") if bands else ""
        options = method_options()
        methods = [options[i][1] for i in self.parameterAsEnums(parameters, P.METHODS, context)]
        if not methods:
            raise LstFusionError(P.METHODS, "choose at least one method")
        res = validate.run(pairs, methods, out_csv, out_html, block=residual.footprint_pixels(grid, 1000.0),
                           epochs=self.parameterAsInt(parameters, P.EPOCHS, context), classes=classes,
                           class_source=source, index_bands=bands, unit=report.unit_label(next(iter(pairs.values()))[0]),
                           progress=progress, cancel=cancel, log=feedback.pushInfo)
        for m in res["means"]:
            feedback.pushInfo(f"{m['method']} {m['variant']}: mean RMSE {m[P.RMSE]:.3f}, beats MODIS resampled "
                              f"{m['beats MODIS resampled']}")
        rec = res["recommendation"]
        return {P.OUTPUT_CSV: out_csv, P.OUTPUT_HTML: out_html, P.RECOMMENDED_METHOD: rec["method"],
                P.RECOMMENDED_VARIANT: rec["variant"], P.N_FOLDS: len(res["cases"])}


def dataset_folder(out_csv):
    return os.path.splitext(out_csv)[0] + "_dataset"


def aligned_aside(final, align):
    """``align(folder)`` into a new folder beside ``final``, published there with the run's other outputs at its
    end (core.platform.transaction: a failed or stopped run replaces nothing); returns the folder to read now."""
    import tempfile

    from ..core.platform import transaction

    t = transaction.current()
    if t is None:  # no transaction (a script calling execute itself): aligned in place
        align(final)
        return final
    parent = os.path.dirname(os.path.abspath(final))
    os.makedirs(parent, exist_ok=True)
    folder = tempfile.mkdtemp(prefix=".tmp_", suffix="_dataset", dir=parent)
    t.stage_folder(folder, final)
    with transaction.suspended():
        align(folder)
    return folder


def ndvi_bands(raw_landsat, pairs, shape):
    """{date: NDVI} from the raw Earth Engine exports (4 bands: LST, NDVI, NDWI, NDBI) when on the dataset grid."""
    import rasterio

    out = {}
    for d in pairs:
        path = raw_landsat.get(d)
        if not path:
            return None
        with rasterio.open(path) as src:
            if src.count < 4 or (src.height, src.width) != tuple(shape):
                return None
            desc = [(x or "").upper() for x in src.descriptions]
            band = desc.index("NDVI") + 1 if "NDVI" in desc else EE_NDVI_BAND
            out[d] = src.read(band).astype("float64")
    return out
