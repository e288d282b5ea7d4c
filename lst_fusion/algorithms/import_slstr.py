"""lstfusion:import_slstr - a Sentinel-3 SLSTR SL_2_LST swath product gridded to LST."""
from qgis.core import (
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterExtent,
    QgsProcessingParameterFile,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterString,
)

from ..core.data import slstr
from ..core.data.io import read_grid
from . import names as P
from .aoi import optional_aoi
from .base import UNITS, LstFusionAlgorithm, add_enum, add_raster


class ImportSlstr(LstFusionAlgorithm):
    ALG_ID = "import_slstr"
    DISPLAY = "Import Sentinel-3 SLSTR LST (SL_2_LST)"
    GROUP = "preprocessing"
    HELP = ("Grids a Sentinel-3A/3B SLSTR Level-2 LST product (SL_2_LST, overpass about 10:00, the daily 1 km "
            "source closest to Landsat's 10:10-10:30) to land-surface temperature.<br><b>INPUT</b>: the product's "
            "folder (.SEN3) or one of its NetCDF files, with LST_in.nc (LST), geodetic_in.nc (latitude_in, "
            "longitude_in) and flags_in.nc (confidence_in) together (GDAL's netCDF driver reads them).<br>Masked: "
            "the confidence_in flags unfilled, summary_cloud and summary_pointing (found by their flag_meanings), "
            "fill, and values outside 150-400 K.<br><b>Resampling</b>: each swath pixel goes into the cell that "
            "contains its geodetic centre; a cell is the mean of its clear swath pixels; a cell containing no "
            "swath centre takes the nearest swath pixel within 0.75 of that pixel's spacing (never across a "
            "cloud edge).<br><b>REFERENCE</b> (optional): the grid to make (e.g. a MODIS or VIIRS raster of the "
            "series); without it, the MODLAND sinusoidal 1 km grid (the MODIS/VIIRS pixels) over the swath, or "
            "over <b>AOI</b>.<br>Output: float32 GeoTIFF in UNIT with the tags PLATFORM, SENSING_START_UTC and "
            "VIEW_TIME (local solar hours at the grid's centre).")
    TAGS = ("Sentinel-3", "SLSTR", "SL_2_LST", "LST", "NetCDF", "swath", "Copernicus")
    PARAM_HELP = {
        P.INPUT: "The SL_2_LST product: its .SEN3 folder or one of its NetCDF files (the others beside it).",
        P.REFERENCE: "Optional raster whose grid the swath is put on (any CRS and cell size).",
        P.AOI: "Optional area: the MODLAND 1 km grid is made over it (ignored with REFERENCE).",
        P.OUTPUT: "Float32 LST in UNIT; cloudy, flagged and unobserved cells are nodata.",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(P.INPUT, "SL_2_LST product (.SEN3 folder or one of its .nc)"))
        add_raster(self, P.REFERENCE, "Reference grid", optional=True)
        self.addParameter(QgsProcessingParameterExtent(P.AOI, "Area of interest", optional=True))
        add_enum(self, P.UNIT, "Output unit", UNITS)
        self.addParameter(QgsProcessingParameterString(P.DATE, "Acquisition date (YYYY-MM-DD)", optional=True))
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "SLSTR LST"))
        self.addOutput(QgsProcessingOutputNumber(P.CLEAR_PERCENT, "Clear cells (%)"))
        self.addOutput(QgsProcessingOutputString(P.DATE, "Acquisition date"))
        self.addOutput(QgsProcessingOutputNumber(P.VIEW_TIME, "View time (local solar hours)"))

    def execute(self, parameters, context, feedback, progress, cancel):
        ref = self.raster_source(parameters, P.REFERENCE, context, optional=True)
        aoi = optional_aoi(self, parameters, context)
        res = slstr.import_slstr(
            self.parameterAsFile(parameters, P.INPUT, context),
            self.parameterAsOutputLayer(parameters, P.OUTPUT, context),
            reference_grid=read_grid(ref, P.REFERENCE) if ref else None,
            unit=self.enum_value(parameters, P.UNIT, context, UNITS),
            date=self.parameterAsString(parameters, P.DATE, context) or None,
            aoi=aoi,
        )
        feedback.pushInfo(f"{res[P.DATE]}: {res[P.CLEAR_PERCENT]:.1f} % clear cells, view time "
                          f"{res[P.VIEW_TIME]:.2f} h")
        return res
