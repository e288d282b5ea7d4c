from qgis.core import QgsProcessingParameterRasterDestination

from ..core.fusion import fsdaf as core_fsdaf
from . import names as P
from .base import (
    LstFusionAlgorithm,
    add_engine,
    add_fusion_inputs,
    add_int,
    add_residual_correction,
    corrected_with_params,
    set_advanced,
)
from .fitfc import ONE_PAIR, read_one_pair
from .outputs import write_fused_output


class Fsdaf(LstFusionAlgorithm):
    ALG_ID = "fsdaf"
    DISPLAY = "FSDAF"
    GROUP = "classical"
    HELP = ("FSDAF (Zhu et al. 2016): one reference pair plus the coarse image of the target date give the fine "
            "image of the target date. The fine reference is classified (k-means, deterministic); each class's "
            "temporal change comes from the purest MODIS pixels by bounded least squares; a thin plate spline of "
            "the coarse target and a homogeneity index distribute the residual; a filter over similar pixels gives "
            "the result. As Zhu's IDL code, step by step (docs/fitfc_fsdaf.md). All inputs must share one grid (use "
            "lstfusion:resample). The output carries its method, date, unit and parameters as GDAL metadata and "
            "loads with a temperature style named 'FSDAF date'.")
    TAGS = ("FSDAF", "Zhu", "thin plate spline", "unmixing")
    PARAM_HELP = {
        P.WINDOW: "Side of the window of the homogeneity index and of the final filter in pixels, odd; 41 as Zhu's "
                  "code (w = 20).",
        P.CLASSES: "Number of k-means classes of the fine reference (4, the lower end of Zhu's ISODATA range 4-6).",
        P.SIMILAR_PIXELS: "Number of similar pixels of the final filter; 20 as Zhu's code.",
        P.PURE_PIXELS: "Number of purest MODIS pixels per class used for its temporal change; 100 as Zhu's code.",
        P.COARSE_PIXEL: ("MODIS pixel size in metres (1000 for MOD11A1 LST): FSDAF's coarse pixel, and the footprint "
                         "of the residual correction."),
        P.OUTPUT: "Fused fine LST of the target date: .tif, .img, .nc or .gpkg (a .vrt cannot hold pixels).",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        add_fusion_inputs(self, names=ONE_PAIR)
        add_int(self, P.WINDOW, "Window size (pixels, odd)", core_fsdaf.DEFAULT_WINDOW, 3)
        add_int(self, P.CLASSES, "Number of classes", core_fsdaf.DEFAULT_CLASSES, 1)
        add_int(self, P.SIMILAR_PIXELS, "Number of similar pixels", core_fsdaf.DEFAULT_SIMILAR, 1)
        add_int(self, P.PURE_PIXELS, "Purest MODIS pixels per class", core_fsdaf.DEFAULT_PURE, 1)
        set_advanced(self, P.PURE_PIXELS)
        add_engine(self)
        add_residual_correction(self)
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "FSDAF prediction"))

    def execute(self, parameters, context, feedback, progress, cancel):
        r, factor, params = read_one_pair(self, parameters, context, feedback,
                                          (P.WINDOW, P.CLASSES, P.SIMILAR_PIXELS, P.PURE_PIXELS))
        out = core_fsdaf.fsdaf(r[P.FINE_REF1].data, r[P.COARSE_REF1].data, r[P.COARSE_TARGET].data, factor,
                               window=params[P.WINDOW], classes=params[P.CLASSES], similar=params[P.SIMILAR_PIXELS],
                               pure=params[P.PURE_PIXELS], progress=progress, cancel=cancel, engine=params[P.ENGINE])
        out, params = corrected_with_params(self, parameters, context, feedback, out, r, params)
        return {P.OUTPUT: write_fused_output(self, parameters, context, out, r, "FSDAF", params, feedback=feedback)}
