from qgis.core import QgsProcessingParameterRasterDestination

from ..core.fusion import estarfm as core_estarfm
from ..core.fusion import methods
from . import names as P
from .base import (
    FUSION_ROLES,
    LstFusionAlgorithm,
    add_double,
    add_engine,
    add_enum,
    add_fusion_inputs,
    add_int,
    add_residual_correction,
    corrected_with_params,
    engine_value,
    read_role_rasters,
)
from .outputs import write_fused_output

ENTRY = methods.get("estarfm")


class Estarfm(LstFusionAlgorithm):
    ALG_ID = "estarfm"
    DISPLAY = "ESTARFM"
    GROUP = "classical"
    HELP = ("Enhanced STARFM (Zhu et al. 2010): two reference pairs (before and after the target) plus the "
            "coarse image of the target date give the fine image of the target date. All inputs must share "
            "one grid (use lstfusion:resample).<br>"
            "Spectral similarity for one band: 1 &minus; 0.5&middot;&Sigma;|(F&minus;C)/(F+C)| "
            "over the two pairs, in Kelvin. Nodata pixels never count as similar; the output is nodata where "
            "any input is nodata. The output carries its method, date, unit and parameters as GDAL metadata "
            "and loads with a temperature style named 'ESTARFM date'.<br>"
            "<b>MODE</b>: published (Zhu's ESTARFM, the default) or lst-robust, for LST references in other "
            "seasons: conversion coefficients shrunk towards 1 by their regression's standard error and bounded "
            "to 0.5-1.5, and the temporally nearer pair alone where the two one-pair predictions differ by more "
            "than 3 degrees (docs/coregistration.md).")
    TAGS = ("ESTARFM", "STARFM", "Zhu")
    PARAM_HELP = {
        P.WINDOW: "Side of the moving window in pixels, odd; 51 as in Zhu's code for 30 m Landsat and 500 m MODIS.",
        P.CLASSES: "Number of land-cover classes assumed for the similar-pixel threshold (2 std / classes).",
        P.CHANGE_THRESHOLD: ("Minimum coarse change (degrees) over the similar pixels for the conversion coefficient "
                             "to be estimated by regression; below it the coefficient is 1."),
        P.MODE: ENTRY.param(P.MODE).help,
        P.OUTPUT: "Fused fine LST of the target date: .tif, .img, .nc or .gpkg (a .vrt cannot hold pixels).",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        add_fusion_inputs(self)
        add_int(self, P.WINDOW, "Window size (pixels, odd)", 2 * core_estarfm.DEFAULT_HALF_WINDOW + 1, 3)
        add_int(self, P.CLASSES, "Number of classes", core_estarfm.DEFAULT_CLASSES, 1)
        add_double(self, P.CHANGE_THRESHOLD, "Coarse change threshold for regression (degrees)", 1.0, 0.0)
        add_enum(self, P.MODE, ENTRY.param(P.MODE).label, list(ENTRY.param(P.MODE).options), advanced=True)
        add_engine(self)
        add_residual_correction(self)
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, "ESTARFM prediction"))

    def execute(self, parameters, context, feedback, progress, cancel):
        r = read_role_rasters(self, parameters, context, FUSION_ROLES, feedback=feedback)
        params = {P.WINDOW: self.parameterAsInt(parameters, P.WINDOW, context),
                  P.CLASSES: self.parameterAsInt(parameters, P.CLASSES, context),
                  P.CHANGE_THRESHOLD: self.parameterAsDouble(parameters, P.CHANGE_THRESHOLD, context),
                  P.MODE: self.enum_value(parameters, P.MODE, context, list(ENTRY.param(P.MODE).options)),
                  P.ENGINE: engine_value(self, parameters, context, feedback)}
        out = core_estarfm.estarfm(
            *(r[k].data for k in FUSION_ROLES), window=params[P.WINDOW], classes=params[P.CLASSES],
            change_threshold=params[P.CHANGE_THRESHOLD], progress=progress, cancel=cancel, engine=params[P.ENGINE],
            mode=params[P.MODE])
        out, params = corrected_with_params(self, parameters, context, feedback, out, r, params)
        return {P.OUTPUT: write_fused_output(self, parameters, context, out, r, "ESTARFM", params, feedback=feedback)}
