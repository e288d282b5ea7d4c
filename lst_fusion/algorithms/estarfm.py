from qgis.core import QgsProcessingParameterRasterDestination

from ..core import estarfm as core_estarfm
from ..core.io import write_raster
from .base import (
    ENGINE_HELP,
    FUSION_ROLES,
    LstFusionAlgorithm,
    add_double,
    add_engine,
    add_fusion_inputs,
    add_int,
    engine_value,
    read_role_rasters,
)


class Estarfm(LstFusionAlgorithm):
    ALG_ID = "estarfm"
    DISPLAY = "ESTARFM"
    GROUP = "classical"
    HELP = ("Enhanced STARFM (Zhu et al. 2010): two reference pairs (before and after the target) plus the "
            "coarse image of the target date give the fine image of the target date. All inputs must share "
            "one grid (use lstfusion:resample).<br><b>WINDOW</b>: moving window in pixels (odd; 51 as in "
            "Zhu's code for 30 m/500 m). <b>CLASSES</b>: number of land-cover classes for the similar-pixel "
            "threshold (std&times;2/classes). <b>CHANGE_THRESHOLD</b>: minimum coarse change (degrees) over "
            "the similar pixels for the conversion coefficient to be estimated by regression; below it the "
            "coefficient is 1.<br>Spectral similarity for one band: 1 &minus; 0.5&middot;&Sigma;|(F&minus;C)/(F+C)| "
            "over the two pairs, in Kelvin. Nodata pixels never count as similar; the output is nodata where "
            "any input is nodata.<br>" + ENGINE_HELP)

    def initAlgorithm(self, config=None):  # noqa: N802
        add_fusion_inputs(self)
        add_int(self, "WINDOW", "Window size (pixels, odd)", 2 * core_estarfm.DEFAULT_HALF_WINDOW + 1, 3)
        add_int(self, "CLASSES", "Number of classes", core_estarfm.DEFAULT_CLASSES, 1)
        add_double(self, "CHANGE_THRESHOLD", "Coarse change threshold for regression (degrees)", 1.0, 0.0)
        add_engine(self)
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "ESTARFM prediction"))

    def execute(self, parameters, context, feedback, progress, cancel):
        r = read_role_rasters(self, parameters, context, FUSION_ROLES, feedback=feedback)
        out = core_estarfm.estarfm(
            *(r[k].data for k in FUSION_ROLES),
            window=self.parameterAsInt(parameters, "WINDOW", context),
            classes=self.parameterAsInt(parameters, "CLASSES", context),
            change_threshold=self.parameterAsDouble(parameters, "CHANGE_THRESHOLD", context),
            progress=progress, cancel=cancel, engine=engine_value(self, parameters, context, feedback))
        path = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        write_raster(path, out, r["COARSE_TARGET"].grid, tags={"METHOD": "ESTARFM"})
        return {"OUTPUT": path}
