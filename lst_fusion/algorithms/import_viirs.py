"""lstfusion:import_viirs - a VIIRS LST granule (VNP21A1D, VJ121A1D, VJ221A1D) or its GeoTIFF assets to LST."""
from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)

from ..core.data import viirs
from . import names as P
from .aoi import optional_aoi
from .base import UNITS, LstFusionAlgorithm, add_double, add_enum, set_advanced

# QC_RULE options, in the order of viirs.QC_RULES (append only: saved models keep the indices)
QC_RULE_OPTIONS = ["Default: LST produced, clear (no cirrus, not next to a cloud), not a missing pixel",
                   "Strict: good quality, clear, LST error below 1.5 K",
                   "Produced: every pixel the product produced (cloudy ones are not produced)",
                   "None: mask fill only (QC not read)"]


class ImportViirs(LstFusionAlgorithm):
    ALG_ID = "import_viirs"
    DISPLAY = "Import VIIRS LST (VNP21A1D/VJ121A1D/VJ221A1D)"
    GROUP = "preprocessing"
    HELP = ("Converts a VIIRS LST Collection 2 daily day product (Suomi NPP VNP21A1D, NOAA-20 VJ121A1D, NOAA-21 "
            "VJ221A1D: the MODIS LST continuity, overpass about 13:30) to land-surface temperature on its 1 km "
            "MODLAND sinusoidal tile grid, with cloudy and low-quality pixels as nodata.<br><b>INPUT</b>: the .h5 "
            "granule (read through GDAL's HDF5 driver; its grid is taken from StructMetadata.0, else from the tile "
            "hHHvVV of the name, since GDAL gives it none) or its LST_1KM GeoTIFF asset (the QC, View_Angle and "
            "View_Time assets beside it are used).<br><b>QC_RULE</b>: Default = mandatory QC bits 0-1 &le; 1, cloud "
            "bits 4-5 = 0, data quality bits 2-3 &ne; 1; Strict adds good quality and LST error &lt; 1.5 K.<br>"
            "K = DN &times; 0.02, DN 0 is fill. <b>DATE</b>: from the name (A{YYYY}{DDD}) or the granule's "
            "RangeBeginningDate.<br><b>AOI</b> (optional): the output is cut to it, and CLEAR_PERCENT and the "
            "view tags are counted inside it.<br>Output: float32 GeoTIFF in UNIT with the tags VIEW_TIME (local "
            "solar hours) and VIEW_ANGLE (degrees), mean over the clear pixels of the AOI, SENSOR, PLATFORM, "
            "OVERPASS and QC_RULE.")
    TAGS = ("VIIRS", "VNP21A1D", "VJ121A1D", "VJ221A1D", "VNP21", "Suomi NPP", "NOAA-20", "NOAA-21", "HDF5", "QC",
            "MODIS continuity")
    PARAM_HELP = {
        P.INPUT: ("VIIRS LST granule (.h5, HDF-EOS5, Collection 2) or its LST_1KM GeoTIFF asset (then the QC, "
                  "View_Angle and View_Time assets of the same name beside it are read)."),
        P.QC: "QC GeoTIFF for a GeoTIFF INPUT whose QC asset is not beside it; ignored for an .h5 granule.",
        P.QC_RULE: "Which QC words keep a pixel (the first is the documented default; see the help).",
        P.AOI: "Optional area: the output is cut to it and the view time/angle tags are its mean.",
        P.OUTPUT: "Float32 LST in UNIT on the tile's sinusoidal grid (MODIS sphere); masked pixels are nodata.",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(P.INPUT, "VIIRS LST granule (.h5) or LST_1KM GeoTIFF"))
        self.addParameter(QgsProcessingParameterFile(P.QC, "QC raster (GeoTIFF input only)", optional=True))
        add_enum(self, P.QC_RULE, "QC rule", QC_RULE_OPTIONS)
        add_enum(self, P.UNIT, "Output unit", UNITS)
        self.addParameter(QgsProcessingParameterExtent(P.AOI, "Area of interest", optional=True))
        add_double(self, P.SCALE, "Scale factor (DN to K)", viirs.VIIRS_SCALE, 0.0)
        add_double(self, P.OFFSET, "Offset (K)", 0.0)
        self.addParameter(QgsProcessingParameterString(P.DATE, "Acquisition date (YYYY-MM-DD)", optional=True))
        set_advanced(self, P.SCALE, P.OFFSET)
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "VIIRS LST"))
        self.addOutput(QgsProcessingOutputNumber(P.CLEAR_PERCENT, "Clear pixels (%)"))
        self.addOutput(QgsProcessingOutputString(P.DATE, "Acquisition date"))
        self.addOutput(QgsProcessingOutputNumber(P.VIEW_TIME, "Mean view time (local solar hours)"))
        self.addOutput(QgsProcessingOutputNumber(P.VIEW_ANGLE, "Mean view zenith angle (degrees)"))

    def execute(self, parameters, context, feedback, progress, cancel):
        aoi = optional_aoi(self, parameters, context)
        res = viirs.import_viirs(
            self.parameterAsFile(parameters, P.INPUT, context),
            self.parameterAsOutputLayer(parameters, P.OUTPUT, context),
            qc_path=self.parameterAsFile(parameters, P.QC, context) or None,
            unit=self.enum_value(parameters, P.UNIT, context, UNITS),
            rule=viirs.QC_RULES[self.parameterAsEnum(parameters, P.QC_RULE, context)],
            date=self.parameterAsString(parameters, P.DATE, context) or None,
            aoi=aoi,
            scale=self.parameterAsDouble(parameters, P.SCALE, context),
            offset=self.parameterAsDouble(parameters, P.OFFSET, context),
        )
        feedback.pushInfo(f"{res[P.DATE]}: {res[P.CLEAR_PERCENT]:.1f} % clear pixels, view time "
                          f"{res[P.VIEW_TIME]:.2f} h, view angle {res[P.VIEW_ANGLE]:.1f} deg")
        return res
