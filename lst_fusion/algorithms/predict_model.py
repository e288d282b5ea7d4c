"""lstfusion:predict_<model> for every registered deep model."""
import os

from qgis.core import QgsProcessingParameterFile, QgsProcessingParameterRasterDestination

from ..core.platform import backends
from ..core.platform.errors import LstFusionError
from ..deep.checkpoint import BUNDLED, bundled_checkpoint  # noqa: F401 - re-exported
from ..models import registry
from . import names as P
from .base import (
    DEVICES,
    LstFusionAlgorithm,
    add_enum,
    add_fusion_inputs,
    add_int,
    add_residual_correction,
    corrected_with_params,
    read_role_rasters,
)
from .outputs import write_fused_output


class PredictModel(LstFusionAlgorithm):
    MODEL_ID = ""
    GROUP = "deep"

    def roles(self):
        return [registry.PARAMETER_OF_ROLE[r] for r in registry.info(self.MODEL_ID).inputs]

    PARAM_HELP = {
        P.CHECKPOINT: ("A .pt file written by lstfusion:train_<model>; leave empty for the checkpoint bundled with the "
                       "plugin (trained on the small sample, see README). No path is stored by default, so a saved "
                       "model3 stays portable."),
        P.TILE_SIZE: "Side of the tiles the scene is predicted in (pixels); overlapping tiles are blended smoothly.",
        P.OUTPUT: "Predicted fine LST of the target date: .tif, .img, .nc or .gpkg (a .vrt cannot hold pixels).",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        # empty = the bundled checkpoint, resolved at run time: no absolute default path is stored in the
        # parameter (a saved model3 would carry it to other machines); optional because QGIS 3.22's
        # qgis_process does not fill a mandatory parameter from its default
        self.addParameter(QgsProcessingParameterFile(P.CHECKPOINT, "Checkpoint (.pt; empty = bundled)", extension="pt",
                                                     optional=True))
        # EDCSTFN also takes a second pair, used by checkpoints trained with TWO_PAIRS
        optional = [registry.PARAMETER_OF_ROLE[r] for r in registry.inputs(self.MODEL_ID, {"two_pairs": True})
                    if registry.PARAMETER_OF_ROLE[r] not in self.roles()]
        add_fusion_inputs(self, [n for n in (P.COARSE_TARGET, P.FINE_REF1, P.COARSE_REF1, P.FINE_REF2, P.COARSE_REF2)
                                 if n in self.roles() or n in optional], optional=optional)
        add_enum(self, P.DEVICE, "Device", DEVICES)
        add_int(self, P.TILE_SIZE, "Tile size (pixels)", 256, 32)
        add_residual_correction(self)
        self.addParameter(QgsProcessingParameterRasterDestination(P.OUTPUT, f"{registry.info(self.MODEL_ID).name} prediction"))

    def execute(self, parameters, context, feedback, progress, cancel):
        backends.require_torch()
        from ..core.data.checks import check_lst, check_prediction
        from ..core.data.provenance import sha256_of
        from ..deep.checkpoint import load_checkpoint
        from ..deep.predict import predict_array

        given = self.parameterAsFile(parameters, P.CHECKPOINT, context)
        ckpt_path = given or bundled_checkpoint(self.MODEL_ID)
        if not given and not os.path.exists(ckpt_path):
            raise LstFusionError(P.CHECKPOINT, f"no checkpoint given and no bundled {registry.info(self.MODEL_ID).name} "
                                 f"checkpoint; train one with lstfusion:train_{self.MODEL_ID}")
        ckpt, model = load_checkpoint(ckpt_path, self.MODEL_ID)  # says so when a given file does not exist
        names = [registry.PARAMETER_OF_ROLE[r] for r in registry.inputs(self.MODEL_ID, ckpt.get("hparams"))]
        r = read_role_rasters(self, parameters, context, names, feedback=feedback)
        role_of = {v: k for k, v in registry.PARAMETER_OF_ROLE.items()}
        params = {P.CHECKPOINT: os.path.basename(ckpt_path) + (" (bundled)" if ckpt_path == bundled_checkpoint(
                      self.MODEL_ID) else ""),
                  "CHECKPOINT_SHA256": sha256_of(ckpt_path),
                  "TRAIN_DATES": ",".join(str(d) for d in ckpt.get("train_dates", [])),
                  P.SIZE: (ckpt.get("hparams") or {}).get("size", "small"),
                  P.DEVICE: self.enum_value(parameters, P.DEVICE, context, DEVICES),
                  P.TILE_SIZE: self.parameterAsInt(parameters, P.TILE_SIZE, context)}
        out = predict_array(ckpt, model, {role_of[k]: v.data for k, v in r.items()}, tile=params[P.TILE_SIZE],
                            device=params[P.DEVICE], progress=progress, cancel=cancel)
        check_prediction(out, check_lst(names[0], r[names[0]].data), ckpt_path)
        out, params = corrected_with_params(self, parameters, context, feedback, out, r, params)
        path = write_fused_output(self, parameters, context, out, r, registry.info(self.MODEL_ID).name, params,
                                  feedback=feedback)
        return {P.OUTPUT: path}


def predict_class(model_id):
    spec = registry.info(model_id)
    help_text = (f"Predicts the fine LST of the target date with a trained {spec.name} checkpoint ({spec.citation}). "
                 "The bundled checkpoint (trained on the small sample; see README) is the default. All rasters must "
                 "share one grid. Whole scenes are processed in overlapping tiles with smooth blending; nodata is "
                 "propagated. The output carries the model, date, unit, checkpoint and its SHA-256 as GDAL "
                 f"metadata and loads with a temperature style named '{spec.name} date'.")
    if not backends.torch_available():
        help_text = backends.TORCH_HINT + ".<br><br>" + help_text
    return type(f"Predict_{model_id}", (PredictModel,), {
        "MODEL_ID": model_id, "ALG_ID": f"predict_{model_id}", "DISPLAY": f"Predict with {spec.name}",
        "HELP": help_text, "TAGS": (spec.name, model_id, spec.family, "predict", "inference", "checkpoint")})
