from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)

from ..core.data import products
from ..core.data.checks import require_single_band_file
from . import names as P
from .base import UNITS, LstFusionAlgorithm, add_double, add_enum

LAYERS = ["Day", "Night"]


class ImportModis(LstFusionAlgorithm):
    ALG_ID = "import_modis"
    DISPLAY = "Import MODIS LST (MOD11A1/MYD11A1)"
    GROUP = "preprocessing"
    HELP = ("Converts a MODIS MOD11A1/MYD11A1 LST product to land-surface temperature with cloudy and "
            "low-quality pixels as nodata.<br><b>INPUT</b>: the .hdf granule (LST and QC sub-datasets are "
            "read through GDAL's HDF4 driver) or an LST GeoTIFF (AppEEARS/Earth Engine export).<br>"
            "<b>QC</b>: QC GeoTIFF for a GeoTIFF input (optional). Clear = QC bits 0-1 &le; 1, bits 2-3 = 0, "
            "bits 6-7 &le; 2 (LST error &le; 3 K).<br><b>SCALE</b>/<b>OFFSET</b>: K = DN &times; 0.02 by default; "
            "use 1 and 0 for inputs already in Kelvin. DN 0 is fill.<br><b>DATE</b>: read from the name "
            "(A{YYYY}{DDD}, YYYY-MM-DD or YYYYMMDD) unless given.<br>Output: float32 GeoTIFF in the chosen "
            "unit (Celsius by default), original grid; CLEAR_PERCENT is returned.")

    TAGS = ("MODIS", "MOD11A1", "MYD11A1", "HDF", "QC", "quality")
    PARAM_HELP = {
        P.INPUT: (
            "MOD11A1/MYD11A1 granule (.hdf, read through GDAL's HDF4 driver) or an LST GeoTIFF export (AppEEARS, Earth Engine)."),
        P.QC: "QC GeoTIFF matching a GeoTIFF INPUT; ignored for an .hdf granule, whose QC sub-dataset is used.",
        P.LAYER: "Overpass: Day (LST_Day_1km, QC_Day) or Night (LST_Night_1km, QC_Night).",
        P.USE_QC: (
            "Mask pixels whose QC says cloudy or poor: bits 0-1 above 1, bits 2-3 not 0, or LST error above 3 K (bits 6-7)."),
        P.OUTPUT: "Float32 LST in UNIT on the product's grid; clouds and fill are nodata.",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(P.INPUT, "MODIS LST product (.hdf or GeoTIFF)"))
        self.addParameter(QgsProcessingParameterFile(P.QC, "QC raster (GeoTIFF input only)", optional=True))
        add_enum(self, P.LAYER, "Overpass", LAYERS)
        add_enum(self, P.UNIT, "Output unit", UNITS)
        add_double(self, P.SCALE, "Scale factor (DN to K)", products.MODIS_SCALE, 0.0)
        add_double(self, P.OFFSET, "Offset (K)", 0.0)
        self.addParameter(QgsProcessingParameterBoolean(P.USE_QC, "Mask pixels by QC", True))
        self.addParameter(QgsProcessingParameterString(P.DATE, "Acquisition date (YYYY-MM-DD)", optional=True))
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "MODIS LST"))
        self.addOutput(QgsProcessingOutputNumber(P.CLEAR_PERCENT, "Clear pixels (%)"))
        self.addOutput(QgsProcessingOutputString(P.DATE, "Acquisition date"))

    def execute(self, parameters, context, feedback, progress, cancel):
        if "BAND" not in parameters:  # a multi-band export needs its band named, never band 1 silently
            require_single_band_file(P.INPUT, self.parameterAsFile(parameters, P.INPUT, context))
        res = products.import_modis(
            self.parameterAsFile(parameters, P.INPUT, context),
            self.parameterAsOutputLayer(parameters, P.OUTPUT, context),
            qc_path=self.parameterAsFile(parameters, P.QC, context) or None,
            unit=self.enum_value(parameters, P.UNIT, context, UNITS),
            layer=self.enum_value(parameters, P.LAYER, context, LAYERS),
            scale=self.parameterAsDouble(parameters, P.SCALE, context),
            offset=self.parameterAsDouble(parameters, P.OFFSET, context),
            use_qc=self.parameterAsBool(parameters, P.USE_QC, context),
            date=self.parameterAsString(parameters, P.DATE, context) or None,
        )
        feedback.pushInfo(f"{res[P.DATE]}: {res[P.CLEAR_PERCENT]:.1f} % clear pixels")
        return res
