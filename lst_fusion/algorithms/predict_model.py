"""lstfusion:predict_<model> for every registered deep model."""
import os

from qgis.core import QgsProcessingParameterFile, QgsProcessingParameterRasterDestination

from ..core.errors import LstFusionError
from ..models import registry
from .base import DEVICES, LstFusionAlgorithm, add_enum, add_fusion_inputs, add_int, read_role_rasters

BUNDLED = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "checkpoints")


def bundled_checkpoint(model_id):
    return os.path.join(BUNDLED, f"{model_id}.pt")


class PredictModel(LstFusionAlgorithm):
    MODEL_ID = ""
    GROUP = "deep"

    def roles(self):
        return [registry.PARAMETER_OF_ROLE[r] for r in registry.info(self.MODEL_ID).inputs]

    def initAlgorithm(self, config=None):  # noqa: N802
        default = bundled_checkpoint(self.MODEL_ID)
        # optional: when left empty the bundled checkpoint is used (QGIS 3.22 does not fill a
        # mandatory parameter from its default in qgis_process)
        self.addParameter(QgsProcessingParameterFile("CHECKPOINT", "Checkpoint (.pt; empty = bundled)", extension="pt",
                                                     defaultValue=default if os.path.exists(default) else None,
                                                     optional=True))
        add_fusion_inputs(self, [n for n in ("COARSE_TARGET", "FINE_REF1", "COARSE_REF1", "FINE_REF2", "COARSE_REF2")
                                 if n in self.roles()])
        add_enum(self, "DEVICE", "Device", DEVICES)
        add_int(self, "TILE_SIZE", "Tile size (pixels)", 256, 32)
        self.addParameter(QgsProcessingParameterRasterDestination("OUTPUT", f"{registry.info(self.MODEL_ID).name} prediction"))

    def execute(self, parameters, context, feedback, progress, cancel):
        registry.require_torch()
        from ..core.checkpoint import load_checkpoint
        from ..core.checks import check_lst, check_prediction
        from ..core.io import write_raster
        from ..core.predict import predict_array

        given = self.parameterAsFile(parameters, "CHECKPOINT", context)
        ckpt_path = given or bundled_checkpoint(self.MODEL_ID)
        if not given and not os.path.exists(ckpt_path):
            raise LstFusionError("CHECKPOINT", f"no checkpoint given and no bundled {registry.info(self.MODEL_ID).name} "
                                 f"checkpoint; train one with lstfusion:train_{self.MODEL_ID}")
        ckpt, model = load_checkpoint(ckpt_path, self.MODEL_ID)  # says so when a given file does not exist
        r = read_role_rasters(self, parameters, context, self.roles(), feedback=feedback)
        role_of = {v: k for k, v in registry.PARAMETER_OF_ROLE.items()}
        tile = self.parameterAsInt(parameters, "TILE_SIZE", context)
        out = predict_array(ckpt, model, {role_of[k]: v.data for k, v in r.items()}, tile=tile,
                            device=self.enum_value(parameters, "DEVICE", context, DEVICES),
                            progress=progress, cancel=cancel)
        check_prediction(out, check_lst(self.roles()[0], r[self.roles()[0]].data), ckpt_path)
        path = self.parameterAsOutputLayer(parameters, "OUTPUT", context)
        write_raster(path, out, r["COARSE_TARGET"].grid, tags={"METHOD": registry.info(self.MODEL_ID).name})
        return {"OUTPUT": path}


def predict_class(model_id):
    spec = registry.info(model_id)
    help_text = (f"Predicts the fine LST of the target date with a trained {spec.name} checkpoint ({spec.citation}). "
                 "The bundled checkpoint (trained on the small sample; see README) is the default. All rasters must "
                 "share one grid. Whole scenes are processed in overlapping tiles with smooth blending; nodata is "
                 "propagated. DEVICE auto uses a CUDA GPU when PyTorch sees one.")
    if not registry.torch_available():
        help_text = registry.TORCH_HINT + ".<br><br>" + help_text
    return type(f"Predict_{model_id}", (PredictModel,), {
        "MODEL_ID": model_id, "ALG_ID": f"predict_{model_id}", "DISPLAY": f"Predict with {spec.name}",
        "HELP": help_text})
