from qgis.core import QgsProcessingParameterRasterDestination

from ..core.data import resample as core_resample
from ..core.data.io import read_raster, write_raster
from . import names as P
from .base import LstFusionAlgorithm, add_enum, add_raster


class Resample(LstFusionAlgorithm):
    ALG_ID = "resample"
    DISPLAY = "Resample onto the Landsat grid"
    GROUP = "preprocessing"
    HELP = ("Reprojects and resamples a coarse raster (e.g. MODIS sinusoidal) onto the exact grid of "
            "<b>REFERENCE</b> (CRS, transform, width, height), e.g. the Landsat UTM 30 m grid.<br>"
            "<b>METHOD</b>: bicubic (default, as in the reference experiment), bilinear, nearest, average. "
            "Nodata stays nodata.")

    TAGS = ("resampling", "reprojection", "co-registration", "bicubic", "grid")
    PARAM_HELP = {
        P.INPUT: "Coarse raster to resample, e.g. MODIS LST in its sinusoidal projection.",
        P.REFERENCE: "Raster whose grid (CRS, transform, width, height) the output takes exactly, e.g. a Landsat LST.",
        P.METHOD: "Resampling kernel: bicubic (as in the reference experiment), bilinear, nearest or average.",
        P.OUTPUT: "INPUT on the grid of REFERENCE; nodata stays nodata.",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        add_raster(self, P.INPUT, "Coarse raster")
        add_raster(self, P.REFERENCE, "Reference raster (target grid)")
        add_enum(self, P.METHOD, "Resampling", list(core_resample.METHODS))
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "Resampled raster"))

    def execute(self, parameters, context, feedback, progress, cancel):
        from ..core.data.checks import check_lst
        from ..core.data.io import read_grid

        src = read_raster(self.raster_source(parameters, P.INPUT, context), P.INPUT)
        check_lst(P.INPUT, src.data, src.path)

        ref = read_grid(self.raster_source(parameters, P.REFERENCE, context, single_band=False), P.REFERENCE)
        method = self.enum_value(parameters, P.METHOD, context, list(core_resample.METHODS))
        data = core_resample.resample_to_grid(src.data, src.grid, ref, method)
        out = self.parameterAsOutputLayer(parameters, P.OUTPUT, context)
        write_raster(out, data, ref, tags=src.tags)
        return {P.OUTPUT: out}
