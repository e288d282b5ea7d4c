from qgis.core import QgsProcessingParameterRasterDestination

from ..core.fusion import methods as fusion_methods
from ..core.fusion import residual
from ..core.fusion import sharpen as core_sharpen
from . import names as P
from .base import (
    LstFusionAlgorithm,
    add_fusion_inputs,
    add_int,
    add_residual_correction,
    corrected_with_params,
    read_role_rasters,
    set_advanced,
)
from .fitfc import ONE_PAIR
from .outputs import write_fused_output

ENTRY = fusion_methods.get("sharpen")


class Sharpen(LstFusionAlgorithm):
    ALG_ID = "sharpen"
    DISPLAY = "Thermal sharpening"
    GROUP = "classical"
    HELP = ("Thermal sharpening of the target day (the TsHARP / DisTrad / Data Mining Sharpener family, Gao, Kustas "
            "&amp; Anderson 2012): the target day's MODIS LST, averaged over each MODIS footprint, is regressed on "
            "the fine reference LST averaged over the same footprints (a regression tree with a line per leaf, "
            "scikit-learn; or one line over the scene with DEPTH 0), the regression is applied at the fine scale, "
            "and each footprint's residual is corrected so that the result averages to the day's MODIS over every "
            "footprint. The fine pattern is the reference's, its contrast the target day's own. COARSE_REF1 is not "
            "used. All inputs must share one grid (use lstfusion:resample). The output carries its method, date, "
            "unit and parameters as GDAL metadata and loads with a temperature style named 'Thermal sharpening "
            "date'.")
    TAGS = ("sharpening", "TsHARP", "DisTrad", "DMS", "downscaling", "disaggregation", "regression tree")
    PARAM_HELP = {
        P.DEPTH: ENTRY.param(P.DEPTH).help,
        P.MIN_FOOTPRINTS: ENTRY.param(P.MIN_FOOTPRINTS).help,
        P.COARSE_PIXEL: ("MODIS pixel size in metres (1000 for MOD11A1 LST): the footprint over which the regression "
                         "is fitted and the residual corrected, and of the optional extra residual correction."),
        P.RESIDUAL_CORRECTION: ("An extra correction after the method's own: the method already keeps each MODIS "
                                "footprint's mean, so 'MODIS footprint' changes nothing and 'scene mean' almost "
                                "nothing; 'none' by default."),
        P.OUTPUT: "Fused fine LST of the target date: .tif, .img, .nc or .gpkg (a .vrt cannot hold pixels).",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        add_fusion_inputs(self, names=ONE_PAIR)
        add_int(self, P.DEPTH, "Tree depth (0 = one line)", core_sharpen.DEFAULT_DEPTH, 0, core_sharpen.MAX_DEPTH)
        add_int(self, P.MIN_FOOTPRINTS, "Fewest MODIS footprints per leaf", core_sharpen.DEFAULT_MIN_FOOTPRINTS, 1)
        set_advanced(self, P.MIN_FOOTPRINTS)
        add_residual_correction(self)
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "Thermal sharpening prediction"))

    def execute(self, parameters, context, feedback, progress, cancel):
        r = read_role_rasters(self, parameters, context, ONE_PAIR, feedback=feedback)
        pixel = self.parameterAsDouble(parameters, P.COARSE_PIXEL, context)
        factor = residual.footprint_pixels(r[P.COARSE_TARGET].grid, pixel)
        feedback.pushInfo(f"{self.DISPLAY}: the MODIS pixel ({pixel:g} m) is {factor}x{factor} fine pixels")
        params = {name: self.parameterAsInt(parameters, name, context) for name in (P.DEPTH, P.MIN_FOOTPRINTS)}
        params[P.COARSE_PIXEL] = pixel
        out = core_sharpen.sharpen(r[P.FINE_REF1].data, r[P.COARSE_REF1].data, r[P.COARSE_TARGET].data, factor,
                                   depth=params[P.DEPTH], min_footprints=params[P.MIN_FOOTPRINTS], progress=progress,
                                   cancel=cancel)
        out, params = corrected_with_params(self, parameters, context, feedback, out, r, params)
        return {P.OUTPUT: write_fused_output(self, parameters, context, out, r, self.DISPLAY, params)}
