"""lstfusion:train_<model> for every registered deep model (one class per model, made here)."""

from qgis.core import (
    QgsProcessingParameterBoolean,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterMultipleLayers,
)

from ..core.platform import backends
from ..core.platform.errors import LstFusionError
from ..deep.training import MIN_VALID_PATCH
from ..models import registry
from . import names as P
from . import qgis_enums
from .base import DEVICES, INPUTS_MISSING, LstFusionAlgorithm, add_double, add_enum, add_int, set_advanced


class TrainModel(LstFusionAlgorithm):
    MODEL_ID = ""
    GROUP = "deep"

    PARAM_HELP = {
        P.DATASET: ("Dataset folder written by lstfusion:align_pairs (L_/M_YYYYMMDD.tif and index.csv): its pairs and "
                    "training_pairs (MIN_CLEAR_TRAINING); Landsat pixels marked gap-filled by lstfusion:gapfill "
                    "enter no loss term."),
        P.LANDSAT: "Instead of DATASET: Landsat LST rasters with dates in their names.",
        P.MODIS: "With LANDSAT: MODIS LST rasters on the same grid; rasters with the same date form a pair.",
        P.EPOCHS: "Passes over the training patches; training stops earlier when validation stops improving.",
        P.BATCH_SIZE: "Patches per optimisation step.",
        P.LEARNING_RATE: "Adam learning rate; 0 uses the paper's value.",
        P.PATCH_SIZE: "Side of the square training patches (pixels); patches with nodata are skipped.",
        P.STRIDE: "Step between patches (pixels); smaller gives more, overlapping patches.",
        P.SEED: "Random seed for the weights, the patch order and the augmentations (reproducible runs).",
        P.SIZE: ("Model size: 'paper' is the published architecture, loss, optimiser and learning rate (README table "
                 "of parameter counts; needs a GPU to train in reasonable time), 'small' the reduced configuration "
                 "that trains on a CPU (as the bundled checkpoints), 'auto' = paper on a CUDA GPU, else small. "
                 "Recorded in the checkpoint."),
        P.TWO_PAIRS: ("EDCSTFN only: train for the reference's two-pair prediction (pairs before and after each "
                      "target, blended by the inverse size of each pair's change features); needs three dates, and "
                      "FINE_REF2/COARSE_REF2 when predicting."),
        P.MIN_VALID_PATCH: ("Least fraction (above 0, at most 1) of a patch's pixels that must be valid for the patch "
                            "to be trained on: the Landsat target observed (not missing, not gap-filled) and every "
                            "input finite. 1 (default): patches without nodata; e.g. 0.5 also trains on partly "
                            "cloudy patches, whose invalid pixels enter no loss term (masked loss)."),
        P.OUTPUT: "Checkpoint (.pt) with the weights, normalisation, unit, training dates and versions.",
        P.OUTPUT_LOG: "Optional CSV log with the losses of each epoch.",
    }

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(P.DATASET, "Dataset folder (from align_pairs)",
                                                     qgis_enums.FILE_FOLDER, optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(P.LANDSAT, "or: Landsat LST rasters (dated names)",
                                                               qgis_enums.SOURCE_RASTER, optional=True))
        self.addParameter(QgsProcessingParameterMultipleLayers(P.MODIS, "and MODIS LST rasters on the same grid",
                                                               qgis_enums.SOURCE_RASTER, optional=True))
        add_int(self, P.EPOCHS, "Epochs", 30, 1)
        add_int(self, P.BATCH_SIZE, "Batch size", 16, 1)
        add_double(self, P.LEARNING_RATE, "Learning rate (0 = the paper's)", 0.0, 0.0)
        add_int(self, P.PATCH_SIZE, "Patch size (pixels)", 95, 8)
        add_int(self, P.STRIDE, "Patch stride (pixels)", 20, 1)
        add_enum(self, P.DEVICE, "Device", DEVICES)
        add_enum(self, P.SIZE, "Model size", list(registry.SIZE_CHOICES))
        if self.MODEL_ID == "edcstfn":
            self.addParameter(QgsProcessingParameterBoolean(P.TWO_PAIRS, "Predict from two pairs (reference weighting)",
                                                            False))
        add_int(self, P.SEED, "Random seed", 0, 0)
        add_double(self, P.MIN_VALID_PATCH, "Least valid fraction of a training patch (0-1]", MIN_VALID_PATCH, 0.0)
        set_advanced(self, P.MIN_VALID_PATCH)
        self.addParameter(QgsProcessingParameterFileDestination(P.OUTPUT, "Checkpoint", "Checkpoint (*.pt)"))
        self.addParameter(QgsProcessingParameterFileDestination(P.OUTPUT_LOG, "Training log", "CSV (*.csv)",
                                                                optional=True))

    def checkParameterValues(self, parameters, context):  # noqa: N802
        return self.check_dataset_or_lists(parameters, context)

    def execute(self, parameters, context, feedback, progress, cancel):
        backends.require_torch()
        from ..deep.training import train_on_inputs

        hparams = {"size": self.enum_value(parameters, P.SIZE, context, list(registry.SIZE_CHOICES))}
        if self.MODEL_ID == "edcstfn" and self.parameterAsBoolean(parameters, P.TWO_PAIRS, context):
            hparams["two_pairs"] = True
        dataset = self.parameterAsFile(parameters, P.DATASET, context)
        layers = {name: [(lyr.source(), lyr.name(), lyr.bandCount())
                         for lyr in self.parameterAsLayerList(parameters, name, context)] for name in (P.LANDSAT, P.MODIS)}
        if not dataset and not (layers[P.LANDSAT] and layers[P.MODIS]):
            raise LstFusionError("", INPUTS_MISSING)
        path = self.parameterAsFileOutput(parameters, P.OUTPUT, context)
        log_path = self.parameterAsFileOutput(parameters, P.OUTPUT_LOG, context)
        train_on_inputs(self.MODEL_ID, path, hparams, dataset, layers[P.LANDSAT], layers[P.MODIS], log_path, dict(
            epochs=self.parameterAsInt(parameters, P.EPOCHS, context),
            batch_size=self.parameterAsInt(parameters, P.BATCH_SIZE, context),
            lr=self.parameterAsDouble(parameters, P.LEARNING_RATE, context) or None,
            patch_size=self.parameterAsInt(parameters, P.PATCH_SIZE, context),
            stride=self.parameterAsInt(parameters, P.STRIDE, context),
            device=self.enum_value(parameters, P.DEVICE, context, DEVICES),
            seed=self.parameterAsInt(parameters, P.SEED, context),
            min_valid_patch=self.parameterAsDouble(parameters, P.MIN_VALID_PATCH, context)),
            progress=progress, cancel=cancel, log=feedback.pushInfo)
        return {P.OUTPUT: path, **({P.OUTPUT_LOG: log_path} if log_path else {})}


def train_class(model_id):
    spec = registry.info(model_id)
    help_text = (f"Trains {spec.name} ({spec.family}; {spec.citation}) on same-day MODIS/Landsat pairs: a dataset "
                 "folder from lstfusion:align_pairs, or Landsat and MODIS rasters on one grid with dates in their "
                 f"names. Inputs of the model: {', '.join(registry.PARAMETER_OF_ROLE[r] for r in spec.inputs)}. "
                 f"Paper's learning rate: {spec.lr:g}. Patches without nodata by default ({95} px, stride 20) "
                 "(MIN_VALID_PATCH: partly cloudy ones too, with a masked loss), "
                 "random flips/rotations, validation on the latest date(s), early stopping; DEVICE auto uses a "
                 "CUDA GPU when PyTorch sees one (with mixed precision), SIZE auto the paper's configuration there "
                 "and the small one on a CPU. Writes one checkpoint (.pt) with weights, normalisation, "
                 "training dates and versions, and an optional CSV log per epoch.")
    if not backends.torch_available():
        help_text = backends.TORCH_HINT + ".<br><br>" + help_text
    return type(f"Train_{model_id}", (TrainModel,), {
        "MODEL_ID": model_id, "ALG_ID": f"train_{model_id}", "DISPLAY": f"Train {spec.name}", "HELP": help_text,
        "TAGS": (spec.name, model_id, spec.family, "train", "training", "checkpoint")})
