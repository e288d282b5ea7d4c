"""Checkpoint files: one ``.pt`` holding everything needed to predict.

Content: format tag and version, model id, constructor hyper-parameters
(``hparams``, with the size - ``small`` or ``paper`` - under ``"size"``; a
checkpoint without one is ``small``, as the bundled ones),
weights, normalisation (mean, std, unit), training dates, training summary and
the package version.  :func:`load_checkpoint` checks all of it and explains
any mismatch in one sentence.
"""
import os

from ..models import registry
from ..version import __version__
from .errors import LstFusionError
from .io import atomic_path

FORMAT = "lstfusion-checkpoint"
FORMAT_VERSION = 1


def make_checkpoint(model_id, model, norm, train_dates, summary, hparams=None):
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "model_id": model_id,
        "hparams": dict(hparams or {}), "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "norm": dict(norm), "train_dates": list(train_dates), "summary": dict(summary),
        "package_version": __version__,
    }


def checkpoint_size(ckpt):
    """The size a checkpoint was trained at; checkpoints written before sizes existed are ``small``."""
    return (ckpt.get("hparams") or {}).get("size", "small")


def save_checkpoint(ckpt, path):
    import torch

    path = str(path)
    with atomic_path(path, ".pt") as tmp:
        torch.save(ckpt, tmp)
    return path


def load_checkpoint(path, model_id=None, parameter="CHECKPOINT"):
    """(checkpoint dict, model in eval mode); ``model_id`` must match if given."""
    registry.require_torch()
    import torch

    if not os.path.exists(str(path)):
        raise LstFusionError(parameter, f"checkpoint {path!r} does not exist")
    try:
        ckpt = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as exc:
        raise LstFusionError(parameter, f"{os.path.basename(str(path))} is not a readable checkpoint ({exc})") from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise LstFusionError(parameter, "not an LST Fusion checkpoint (made by lstfusion:train_<model>)")
    if ckpt.get("format_version") != FORMAT_VERSION:
        raise LstFusionError(parameter, f"checkpoint format {ckpt.get('format_version')} is not supported by "
                             f"this version ({FORMAT_VERSION}); retrain it with LST Fusion {__version__}")
    mid = ckpt.get("model_id")
    if mid not in registry.MODELS:
        raise LstFusionError(parameter, f"checkpoint is for an unknown model {mid!r}")
    if model_id is not None and mid != model_id:
        raise LstFusionError(parameter, f"checkpoint was trained for {registry.info(mid).name}, "
                             f"not {registry.info(model_id).name}; use lstfusion:predict_{mid}")
    for key in ("state_dict", "norm"):
        if key not in ckpt:
            raise LstFusionError(parameter, f"checkpoint lacks {key!r}: the file is damaged")
    hparams = dict(ckpt.get("hparams") or {})
    hparams["size"] = checkpoint_size(ckpt)
    try:
        model, _ = registry.build(mid, **hparams)
    except LstFusionError as exc:
        raise LstFusionError(parameter, f"its settings do not fit {registry.info(mid).name} of this version "
                             f"({exc})") from None
    try:
        model.load_state_dict(ckpt["state_dict"], strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()[0]
        raise LstFusionError(parameter, f"weights do not fit {registry.info(mid).name} of this version: {first}") from None
    model.eval()
    return ckpt, model
