from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
)

from ..core.data import pairing
from ..core.data import resample as core_resample
from ..core.data.io import read_grid
from . import names as P
from . import qgis_enums
from .base import (
    SOURCE_ORDER_HELP,
    LstFusionAlgorithm,
    add_double,
    add_enum,
    add_int,
    add_source_order,
    set_advanced,
)


class AlignPairs(LstFusionAlgorithm):
    ALG_ID = "align_pairs"
    DISPLAY = "Align same-day MODIS/Landsat pairs into a dataset"
    GROUP = "preprocessing"
    HELP = ("Matches MODIS and Landsat LST rasters by the date in their names, resamples every MODIS "
            "raster onto the grid of the earliest Landsat raster (cropped to <b>AOI</b> if given), drops "
            "pairs whose clear percentage is below <b>MIN_CLEAR</b>, and writes a dataset folder: "
            "Dates are read from the names in every common form (YYYYMMDD, YYYY-MM-DD, YYYY_MM_DD as Earth "
            "Engine writes them, year + day of year 2020068, MODIS A2021227, Landsat product ids) or from an "
            "ACQUISITION_DATE tag. Multi-band exports: <b>LANDSAT_BAND</b> and <b>MODIS_BAND</b> choose the LST "
            "band. A MODIS sinusoidal CRS declared on the WGS84 ellipsoid (Earth Engine) is read on the MODIS "
            "sphere, with a log line. The log states each input's detected unit. "
            "L_YYYYMMDD.tif, M_YYYYMMDD.tif and index.csv (date, files, clear %, status = pair / "
            "training_pair / modis_only / rejected; <b>MIN_CLEAR_TRAINING</b>: partly cloudy pairs kept for training "
            "only). Training and the reference experiment read this layout.<br>"
            "<b>COREGISTER</b>: MODIS's shift relative to Landsat is estimated jointly over the pairs and, when "
            "its correlation gain is significant, applied to every MODIS raster, so that every method and "
            "baseline downstream uses the same co-registered MODIS (lstfusion:coregister; "
            "docs/coregistration.md); the log and coregistration.csv give the shift per pair and jointly.")

    TAGS = ("pairs", "dataset", "training data", "same-day", "clear percentage")
    PARAM_HELP = {
        P.MODIS: ("MODIS LST rasters dated by their names (YYYYMMDD, YYYY-MM-DD, YYYY_MM_DD, year + day of year "
                  "2020068, MODIS A2021227) or an ACQUISITION_DATE tag; a sinusoidal CRS declared on the WGS84 "
                  "ellipsoid (Earth Engine) is read on the MODIS sphere."),
        P.LANDSAT: "Landsat LST rasters dated by their names; the earliest one's grid is the dataset grid.",
        P.LANDSAT_BAND: "Band of the Landsat rasters that holds LST (Earth Engine exports often add NDVI etc.).",
        P.MODIS_BAND: "Band of the MODIS rasters that holds LST.",
        P.MIN_CLEAR: ("Pairs where either raster has fewer clear pixels than this percentage are not used as "
                      "references or test dates (status pair from it on)."),
        P.MIN_CLEAR_TRAINING: ("Pairs below MIN_CLEAR but at least this clear (%) are kept as training pairs (status "
                               "training_pair): the deep models train on them with a masked loss, no method uses "
                               "them as references or test truth. 100 (default), or MIN_CLEAR and above: none."),
        P.AOI: "Optional polygon layer; the dataset grid is cropped to its extent (any CRS).",
        P.METHOD: "Resampling kernel for MODIS onto the Landsat grid: bicubic, bilinear, nearest or average.",
        P.COREGISTER: ("Estimate MODIS's shift relative to Landsat (PSF-aggregated Landsat, correlation over shifts, "
                       "jointly over the pairs) and apply it to every MODIS raster when the gain is significant."),
        P.OUTPUT: "Folder written with L_YYYYMMDD.tif, M_YYYYMMDD.tif and index.csv (date, files, clear %, status).",
        P.SOURCE_ORDER: SOURCE_ORDER_HELP,
        P.LANDSAT_SCALE: ("Factor applied to the Landsat values on reading (e.g. 0.0001 for reflectance x 10000). The "
                          "dataset's rasters must be of one quantity (LST or reflectance) in one unit; it is written "
                          "in their QUANTITY and LST_UNIT tags."),
        P.MODIS_SCALE: "Factor applied to the MODIS values on reading.",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterMultipleLayers(P.MODIS, "MODIS LST rasters", qgis_enums.SOURCE_RASTER))
        self.addParameter(QgsProcessingParameterMultipleLayers(P.LANDSAT, "Landsat LST rasters", qgis_enums.SOURCE_RASTER))
        add_double(self, P.MIN_CLEAR, "Minimum clear pixels (%)", 0.0, 0.0)
        add_double(self, P.MIN_CLEAR_TRAINING, "Minimum clear pixels of training-only pairs (%)", 100.0, 0.0)
        self.parameterDefinition(P.MIN_CLEAR_TRAINING).setMaximum(100.0)
        self.addParameter(QgsProcessingParameterFeatureSource(P.AOI, "Area of interest", [qgis_enums.SOURCE_VECTOR_POLYGON],
                                                              optional=True))
        add_enum(self, P.METHOD, "MODIS resampling", list(core_resample.METHODS))
        add_int(self, P.LANDSAT_BAND, "Band of the Landsat rasters holding LST", 1, 1)
        add_int(self, P.MODIS_BAND, "Band of the MODIS rasters holding LST", 1, 1)
        self.add_coregistration()
        self.addParameter(QgsProcessingParameterFolderDestination(P.OUTPUT, "Dataset folder"))
        self.addOutput(QgsProcessingOutputNumber(P.N_PAIRS, "Number of same-day pairs"))
        self.addOutput(QgsProcessingOutputFile(P.INDEX, "Index CSV"))
        add_source_order(self)
        for name, label in ((P.LANDSAT_SCALE, "Landsat scale factor"), (P.MODIS_SCALE, "MODIS scale factor")):
            add_double(self, name, label, 1.0)
        set_advanced(self, P.LANDSAT_SCALE, P.MODIS_SCALE)

    def add_coregistration(self):
        self.addParameter(QgsProcessingParameterBoolean(P.COREGISTER, "Co-register MODIS to Landsat", False))

    def coregistration(self, parameters, context):
        """(coregister, max_shift in MODIS pixels or None)."""
        return self.parameterAsBool(parameters, P.COREGISTER, context), None

    def execute(self, parameters, context, feedback, progress, cancel):
        return self.align(parameters, context, feedback, progress, cancel)[0]

    def align(self, parameters, context, feedback, progress, cancel):
        """The align_pairs run: (results, report) with ``report["coregistration"]`` when co-registered."""
        modis_layers = self.parameterAsLayerList(parameters, P.MODIS, context)
        landsat_layers = self.parameterAsLayerList(parameters, P.LANDSAT, context)
        modis = [lyr.source() for lyr in modis_layers]
        landsat = [lyr.source() for lyr in landsat_layers]
        bounds = None
        aoi = self.parameterAsSource(parameters, P.AOI, context)
        if aoi is not None:
            dated = pairing.list_rasters(landsat, P.LANDSAT, [lyr.name() for lyr in landsat_layers])
            ref = read_grid(dated[min(dated)], P.LANDSAT)
            dst = QgsCoordinateReferenceSystem.fromWkt(ref.crs.to_wkt())
            xform = QgsCoordinateTransform(aoi.sourceCrs(), dst, context.transformContext())
            rect = xform.transformBoundingBox(aoi.sourceExtent())
            bounds = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
        out = self.parameterAsString(parameters, P.OUTPUT, context)
        coregister, max_shift = self.coregistration(parameters, context)
        report = {}
        rows = pairing.align_pairs(modis, landsat, out, self.parameterAsDouble(parameters, P.MIN_CLEAR, context),
                                   bounds, self.enum_value(parameters, P.METHOD, context, list(core_resample.METHODS)),
                                   progress=progress, cancel=cancel,
                                   modis_band=self.parameterAsInt(parameters, P.MODIS_BAND, context),
                                   landsat_band=self.parameterAsInt(parameters, P.LANDSAT_BAND, context),
                                   log=feedback.pushInfo, modis_names=[lyr.name() for lyr in modis_layers],
                                   landsat_names=[lyr.name() for lyr in landsat_layers],
                                   coregister=coregister, max_shift=max_shift, report=report,
                                   min_clear_training=self.parameterAsDouble(parameters, P.MIN_CLEAR_TRAINING, context),
                                   source_order=self.parameterAsString(parameters, P.SOURCE_ORDER, context) or None,
                                   scales=(self.parameterAsDouble(parameters, P.LANDSAT_SCALE, context),
                                           self.parameterAsDouble(parameters, P.MODIS_SCALE, context)))
        for r in rows:
            feedback.pushInfo(f"{r['date']}: {r['status']} (Landsat {r['landsat_clear']} %, MODIS {r['modis_clear']} %)")
        import os

        return {P.OUTPUT: out, P.N_PAIRS: sum(r["status"] == pairing.PAIR for r in rows),
                P.INDEX: os.path.join(out, "index.csv")}, report
