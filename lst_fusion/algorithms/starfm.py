from qgis.core import QgsProcessingParameterRasterDestination

from ..core.fusion import methods
from ..core.fusion import starfm as core_starfm
from . import names as P
from .base import (
    FUSION_ROLES,
    LstFusionAlgorithm,
    add_double,
    add_engine,
    add_fusion_inputs,
    add_int,
    add_residual_correction,
    corrected_with_params,
    engine_value,
    read_role_rasters,
)
from .outputs import write_fused_output

ENTRY = methods.get("starfm")


class Starfm(LstFusionAlgorithm):
    ALG_ID = "starfm"
    DISPLAY = "STARFM"
    GROUP = "classical"
    HELP = ("STARFM (Gao et al. 2006): one reference pair (or two) plus the coarse image of the target date "
            "give the fine image of the target date. All inputs must share one grid (use lstfusion:resample). "
            "The output carries its method, date, unit and parameters as GDAL metadata and loads with a "
            "temperature style named 'STARFM date'.")
    TAGS = ("STARFM", "Gao")
    PARAM_HELP = {
        P.FINE_REF2: "Optional second fine (Landsat) reference; with COARSE_REF2 the prediction uses both pairs.",
        P.COARSE_REF2: "Optional coarse (MODIS) LST of the second reference date, with FINE_REF2.",
        P.WINDOW: "Side of the moving window in pixels, odd; 31 as in starfm4py.",
        P.CLASSES: "Number of land-cover classes assumed for the similar-pixel threshold (4 by default).",
        P.SPATIAL_FACTOR: ENTRY.param(P.SPATIAL_FACTOR).help,
        P.UNCERTAINTY: ENTRY.param(P.UNCERTAINTY).help,
        P.OUTPUT: "Fused fine LST of the target date: .tif, .img, .nc or .gpkg (a .vrt cannot hold pixels).",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        add_fusion_inputs(self, optional=(P.FINE_REF2, P.COARSE_REF2))
        add_int(self, P.WINDOW, "Window size (pixels, odd)", core_starfm.DEFAULT_WINDOW, 3)
        add_int(self, P.CLASSES, "Number of classes", core_starfm.DEFAULT_CLASSES, 1)
        for name in (P.SPATIAL_FACTOR, P.UNCERTAINTY):
            p = ENTRY.param(name)
            add_double(self, name, p.label, p.default, p.minimum)
        add_engine(self)
        add_residual_correction(self)
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "STARFM prediction"))

    def execute(self, parameters, context, feedback, progress, cancel):
        r = read_role_rasters(self, parameters, context, FUSION_ROLES, optional=(P.FINE_REF2, P.COARSE_REF2),
                              feedback=feedback)
        two = r[P.FINE_REF2] is not None
        params = {P.WINDOW: self.parameterAsInt(parameters, P.WINDOW, context),
                  P.CLASSES: self.parameterAsInt(parameters, P.CLASSES, context),
                  P.SPATIAL_FACTOR: self.parameterAsDouble(parameters, P.SPATIAL_FACTOR, context),
                  P.UNCERTAINTY: self.parameterAsDouble(parameters, P.UNCERTAINTY, context),
                  P.ENGINE: engine_value(self, parameters, context, feedback)}
        out = core_starfm.starfm(
            r[P.FINE_REF1].data, r[P.COARSE_REF1].data, r[P.COARSE_TARGET].data,
            fine2=r[P.FINE_REF2].data if two else None,
            coarse2=r[P.COARSE_REF2].data if r[P.COARSE_REF2] is not None else None,
            window=params[P.WINDOW], classes=params[P.CLASSES], spatial_factor=params[P.SPATIAL_FACTOR],
            uncertainty=params[P.UNCERTAINTY], progress=progress, cancel=cancel, engine=params[P.ENGINE])
        out, params = corrected_with_params(self, parameters, context, feedback, out, r, params)
        return {P.OUTPUT: write_fused_output(self, parameters, context, out, r, "STARFM", params, feedback=feedback)}
