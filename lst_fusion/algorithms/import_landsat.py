from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)

from ..core.data import products
from ..core.data.checks import require_single_band_file
from . import names as P
from .base import UNITS, LstFusionAlgorithm, add_double, add_enum


class ImportLandsat(LstFusionAlgorithm):
    ALG_ID = "import_landsat"
    DISPLAY = "Import Landsat LST (C2 L2 ST_B10)"
    GROUP = "preprocessing"
    HELP = ("Converts a Landsat 8/9 Collection 2 Level-2 ST_B10 band to land-surface temperature with "
            "clouds as nodata.<br><b>INPUT</b>: ST_B10 GeoTIFF. <b>QA</b>: QA_PIXEL GeoTIFF (optional).<br>"
            "<b>QA_BITS</b>: QA_PIXEL bits that mask a pixel, default 1,3,4,5 (dilated cloud, cloud, cloud "
            "shadow, snow).<br><b>SCALE</b>/<b>OFFSET</b>: K = DN &times; 0.00341802 + 149.0 by default (use 1 and "
            "0 for inputs already in Kelvin). DN 0 is fill.<br><b>DATE</b>: from the product id "
            "(LC08_L2SP_PPPRRR_YYYYMMDD_...) unless given.<br>Output: float32 GeoTIFF, original UTM grid; "
            "CLEAR_PERCENT is returned.")

    TAGS = ("Landsat 8", "Landsat 9", "Collection 2", "ST_B10", "QA_PIXEL", "cloud mask")
    PARAM_HELP = {
        P.INPUT: "Landsat 8/9 Collection 2 Level-2 ST_B10 GeoTIFF (surface temperature band).",
        P.QA: "QA_PIXEL GeoTIFF of the same scene; without it no cloud is masked.",
        P.QA_BITS: "Comma-separated QA_PIXEL bits that mask a pixel; 1,3,4,5 = dilated cloud, cloud, cloud shadow, snow.",
        P.OUTPUT: "Float32 LST in UNIT on the original UTM grid; clouds and fill (DN 0, QA_PIXEL bit 0) are nodata.",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(P.INPUT, "Landsat ST_B10 band"))
        self.addParameter(QgsProcessingParameterFile(P.QA, "QA_PIXEL band", optional=True))
        self.addParameter(QgsProcessingParameterString(P.QA_BITS, "QA_PIXEL bits to mask", "1,3,4,5"))
        add_enum(self, P.UNIT, "Output unit", UNITS)
        add_double(self, P.SCALE, "Scale factor (DN to K)", products.LANDSAT_SCALE, 0.0)
        add_double(self, P.OFFSET, "Offset (K)", products.LANDSAT_OFFSET)
        self.addParameter(QgsProcessingParameterString(P.DATE, "Acquisition date (YYYY-MM-DD)", optional=True))
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "Landsat LST"))
        self.addOutput(QgsProcessingOutputNumber(P.CLEAR_PERCENT, "Clear pixels (%)"))
        self.addOutput(QgsProcessingOutputString(P.DATE, "Acquisition date"))

    def execute(self, parameters, context, feedback, progress, cancel):
        if "BAND" not in parameters:  # a multi-band export needs its band named, never band 1 silently
            require_single_band_file(P.INPUT, self.parameterAsFile(parameters, P.INPUT, context))
        res = products.import_landsat(
            self.parameterAsFile(parameters, P.INPUT, context),
            self.parameterAsOutputLayer(parameters, P.OUTPUT, context),
            qa_path=self.parameterAsFile(parameters, P.QA, context) or None,
            unit=self.enum_value(parameters, P.UNIT, context, UNITS),
            scale=self.parameterAsDouble(parameters, P.SCALE, context),
            offset=self.parameterAsDouble(parameters, P.OFFSET, context),
            qa_bits=products.parse_bits(self.parameterAsString(parameters, P.QA_BITS, context)),
            date=self.parameterAsString(parameters, P.DATE, context) or None,
        )
        feedback.pushInfo(f"{res[P.DATE]}: {res[P.CLEAR_PERCENT]:.1f} % clear pixels")
        return res
