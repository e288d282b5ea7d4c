from qgis.core import QgsProcessingParameterRasterDestination

from ..core import starfm as core_starfm
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


class Starfm(LstFusionAlgorithm):
    ALG_ID = "starfm"
    DISPLAY = "STARFM"
    GROUP = "classical"
    HELP = ("STARFM (Gao et al. 2006): one reference pair (or two) plus the coarse image of the target date "
            "give the fine image of the target date. All inputs must share one grid.<br><b>WINDOW</b>: 31 "
            "(starfm4py default). <b>CLASSES</b>: 4. <b>SPATIAL_FACTOR</b>: A in D = 1 + d/A (150). "
            "<b>UNCERTAINTY</b>: sensor uncertainty in degrees (0.5) used in the sample filter and the "
            "combined distance (S + &sigma;)(T + &sigma;)D.<br>" + ENGINE_HELP)

    def initAlgorithm(self, config=None):  # noqa: N802
        add_fusion_inputs(self, optional=("FINE_REF2", "COARSE_REF2"))
        add_int(self, "WINDOW", "Window size (pixels, odd)", core_starfm.DEFAULT_WINDOW, 3)
        add_int(self, "CLASSES", "Number of classes", core_starfm.DEFAULT_CLASSES, 1)
        add_double(self, "SPATIAL_FACTOR", "Spatial distance factor A", core_starfm.DEFAULT_SPATIAL_FACTOR, 1e-6)
        add_double(self, "UNCERTAINTY", "Sensor uncertainty (degrees)", core_starfm.DEFAULT_UNCERTAINTY, 1e-6)
        add_engine(self)
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", "STARFM prediction"))

    def execute(self, parameters, context, feedback, progress, cancel):
        r = read_role_rasters(self, parameters, context, FUSION_ROLES, optional=("FINE_REF2", "COARSE_REF2"),
                              feedback=feedback)
        two = r["FINE_REF2"] is not None
        out = core_starfm.starfm(
            r["FINE_REF1"].data, r["COARSE_REF1"].data, r["COARSE_TARGET"].data,
            fine2=r["FINE_REF2"].data if two else None,
            coarse2=r["COARSE_REF2"].data if r["COARSE_REF2"] is not None else None,
            window=self.parameterAsInt(parameters, "WINDOW", context),
            classes=self.parameterAsInt(parameters, "CLASSES", context),
            spatial_factor=self.parameterAsDouble(parameters, "SPATIAL_FACTOR", context),
            uncertainty=self.parameterAsDouble(parameters, "UNCERTAINTY", context),
            progress=progress, cancel=cancel, engine=engine_value(self, parameters, context, feedback))
        path = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        write_raster(path, out, r["COARSE_TARGET"].grid, tags={"METHOD": "STARFM"})
        return {"OUTPUT": path}
