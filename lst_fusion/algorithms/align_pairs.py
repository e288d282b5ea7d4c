from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsProcessing,
    QgsProcessingOutputFile,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterFolderDestination,
    QgsProcessingParameterMultipleLayers,
)

from ..core import pairing
from ..core import resample as core_resample
from ..core.io import read_grid
from .base import LstFusionAlgorithm, add_double, add_enum, add_int


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
            "modis_only / rejected). Training and the reference experiment read this layout.")

    TAGS = ("pairs", "dataset", "training data", "same-day", "clear percentage")
    PARAM_HELP = {
        "MODIS": ("MODIS LST rasters dated by their names (YYYYMMDD, YYYY-MM-DD, YYYY_MM_DD, year + day of year "
                  "2020068, MODIS A2021227) or an ACQUISITION_DATE tag; a sinusoidal CRS declared on the WGS84 "
                  "ellipsoid (Earth Engine) is read on the MODIS sphere."),
        "LANDSAT": "Landsat LST rasters dated by their names; the earliest one's grid is the dataset grid.",
        "LANDSAT_BAND": "Band of the Landsat rasters that holds LST (Earth Engine exports often add NDVI etc.).",
        "MODIS_BAND": "Band of the MODIS rasters that holds LST.",
        "MIN_CLEAR": "Pairs where either raster has fewer clear pixels than this percentage are rejected.",
        "AOI": "Optional polygon layer; the dataset grid is cropped to its extent (any CRS).",
        "METHOD": "Resampling kernel for MODIS onto the Landsat grid: bicubic, bilinear, nearest or average.",
        "OUTPUT": "Folder written with L_YYYYMMDD.tif, M_YYYYMMDD.tif and index.csv (date, files, clear %, status).",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterMultipleLayers("MODIS", "MODIS LST rasters", QgsProcessing.TypeRaster))
        self.addParameter(QgsProcessingParameterMultipleLayers("LANDSAT", "Landsat LST rasters", QgsProcessing.TypeRaster))
        add_double(self, "MIN_CLEAR", "Minimum clear pixels (%)", 0.0, 0.0)
        self.addParameter(QgsProcessingParameterFeatureSource("AOI", "Area of interest", [QgsProcessing.TypeVectorPolygon],
                                                              optional=True))
        add_enum(self, "METHOD", "MODIS resampling", list(core_resample.METHODS))
        add_int(self, "LANDSAT_BAND", "Band of the Landsat rasters holding LST", 1, 1)
        add_int(self, "MODIS_BAND", "Band of the MODIS rasters holding LST", 1, 1)
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT", "Dataset folder"))
        self.addOutput(QgsProcessingOutputNumber("N_PAIRS", "Number of same-day pairs"))
        self.addOutput(QgsProcessingOutputFile("INDEX", "Index CSV"))

    def execute(self, parameters, context, feedback, progress, cancel):
        modis_layers = self.parameterAsLayerList(parameters, "MODIS", context)
        landsat_layers = self.parameterAsLayerList(parameters, "LANDSAT", context)
        modis = [lyr.source() for lyr in modis_layers]
        landsat = [lyr.source() for lyr in landsat_layers]
        bounds = None
        aoi = self.parameterAsSource(parameters, "AOI", context)
        if aoi is not None:
            dated = pairing.list_rasters(landsat, "LANDSAT", [lyr.name() for lyr in landsat_layers])
            ref = read_grid(dated[min(dated)], "LANDSAT")
            dst = QgsCoordinateReferenceSystem.fromWkt(ref.crs.to_wkt())
            xform = QgsCoordinateTransform(aoi.sourceCrs(), dst, context.transformContext())
            rect = xform.transformBoundingBox(aoi.sourceExtent())
            bounds = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
        out = self.parameterAsString(parameters, "OUTPUT", context)
        rows = pairing.align_pairs(modis, landsat, out, self.parameterAsDouble(parameters, "MIN_CLEAR", context),
                                   bounds, self.enum_value(parameters, "METHOD", context, list(core_resample.METHODS)),
                                   progress=progress, cancel=cancel,
                                   modis_band=self.parameterAsInt(parameters, "MODIS_BAND", context),
                                   landsat_band=self.parameterAsInt(parameters, "LANDSAT_BAND", context),
                                   log=feedback.pushInfo, modis_names=[lyr.name() for lyr in modis_layers],
                                   landsat_names=[lyr.name() for lyr in landsat_layers])
        for r in rows:
            feedback.pushInfo(f"{r['date']}: {r['status']} (Landsat {r['landsat_clear']} %, MODIS {r['modis_clear']} %)")
        import os

        return {"OUTPUT": out, "N_PAIRS": sum(r["status"] == "pair" for r in rows),
                "INDEX": os.path.join(out, "index.csv")}
