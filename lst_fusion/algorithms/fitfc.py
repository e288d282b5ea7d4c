from qgis.core import QgsProcessingParameterRasterDestination

from ..core.fusion import fitfc as core_fitfc
from ..core.fusion import residual
from . import names as P
from .base import (
    LstFusionAlgorithm,
    add_engine,
    add_fusion_inputs,
    add_int,
    add_residual_correction,
    corrected_with_params,
    engine_value,
    read_role_rasters,
)
from .outputs import write_fused_output

ONE_PAIR = (P.COARSE_TARGET, P.FINE_REF1, P.COARSE_REF1)


def filter_engine_value(alg, parameters, context, feedback):
    """ENGINE resolved as for ESTARFM, then to the engine of the similar-pixel filter (numba or NumPy), logged."""
    from ..core.fusion.kernels import describe_engine

    engine = engine_value(alg, parameters, context, feedback)
    run = core_fitfc.filter_engine(engine)
    if run != engine:
        feedback.pushInfo(f"{alg.DISPLAY}: the similar-pixel filter has no PyTorch engine; {describe_engine(run)}")
    return run


def read_one_pair(alg, parameters, context, feedback, int_names):
    """What Fit-FC and FSDAF read alike: the one pair's rasters, the MODIS pixel in fine pixels (logged), and
    the parameters for the provenance tags (the integers ``int_names``, COARSE_PIXEL and the filter's ENGINE)."""
    r = read_role_rasters(alg, parameters, context, ONE_PAIR, feedback=feedback)
    pixel = alg.parameterAsDouble(parameters, P.COARSE_PIXEL, context)
    factor = residual.footprint_pixels(r[P.COARSE_TARGET].grid, pixel)
    feedback.pushInfo(f"{alg.DISPLAY}: the MODIS pixel ({pixel:g} m) is {factor}x{factor} fine pixels")
    params = {name: alg.parameterAsInt(parameters, name, context) for name in int_names}
    params.update({P.COARSE_PIXEL: pixel, P.ENGINE: filter_engine_value(alg, parameters, context, feedback)})
    return r, factor, params


class FitFc(LstFusionAlgorithm):
    ALG_ID = "fitfc"
    DISPLAY = "Fit-FC"
    GROUP = "classical"
    HELP = ("Fit-FC (Wang &amp; Atkinson 2018): one reference pair plus the coarse image of the target date give the "
            "fine image of the target date, built for strong temporal change. Regression model fitting (a local line "
            "from the coarse reference to the coarse target in a moving window, applied to the fine reference), "
            "spatial filtering (a weighted mean over the most similar pixels) and residual compensation (the "
            "coarse residual, averaged over each MODIS pixel and interpolated bicubically). Defaults as the "
            "ImageFusion package's Fit-FC (docs/fitfc_fsdaf.md). All inputs must share one grid (use "
            "lstfusion:resample). The output carries its method, date, unit and parameters as GDAL metadata and "
            "loads with a temperature style named 'Fit-FC date'.")
    TAGS = ("Fit-FC", "FitFC", "Wang", "Atkinson", "regression")
    PARAM_HELP = {
        P.WINDOW: "Side of the moving window of the regression and of the filter in pixels, odd; 51 as ImageFusion.",
        P.SIMILAR_PIXELS: "Number of most similar pixels (the centre included) averaged by the filter; 10 as "
                          "ImageFusion.",
        P.COARSE_PIXEL: ("MODIS pixel size in metres (1000 for MOD11A1 LST): the footprint over which Fit-FC averages "
                         "its residual before interpolating it, and of the residual correction."),
        P.OUTPUT: "Fused fine LST of the target date: .tif, .img, .nc or .gpkg (a .vrt cannot hold pixels).",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        add_fusion_inputs(self, names=ONE_PAIR)
        add_int(self, P.WINDOW, "Window size (pixels, odd)", core_fitfc.DEFAULT_WINDOW, 3)
        add_int(self, P.SIMILAR_PIXELS, "Number of similar pixels", core_fitfc.DEFAULT_SIMILAR, 1)
        add_engine(self)
        add_residual_correction(self)
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "Fit-FC prediction"))

    def execute(self, parameters, context, feedback, progress, cancel):
        r, factor, params = read_one_pair(self, parameters, context, feedback, (P.WINDOW, P.SIMILAR_PIXELS))
        out = core_fitfc.fitfc(r[P.FINE_REF1].data, r[P.COARSE_REF1].data, r[P.COARSE_TARGET].data, factor,
                               window=params[P.WINDOW], similar=params[P.SIMILAR_PIXELS], progress=progress,
                               cancel=cancel, engine=params[P.ENGINE])
        out, params = corrected_with_params(self, parameters, context, feedback, out, r, params)
        return {P.OUTPUT: write_fused_output(self, parameters, context, out, r, "Fit-FC", params, feedback=feedback)}
