"""Checkpoint files: one ``.pt`` holding everything needed to predict.

Content: format tag and version, model id, constructor hyper-parameters
(``hparams``, with the size - ``small`` or ``paper`` - under ``"size"``; a
checkpoint without one is ``small``, as the bundled ones), weights, the sha256
of the weights, normalisation (mean, std, unit), training dates, training
summary and the package version.  :func:`load_checkpoint` checks all of it
(the weights against their sha256, so a damaged file is never used to
predict; weights that are not finite are refused too) and explains any
mismatch in one sentence.

Storage: float32, or float16 with ``save_checkpoint(..., half=True)`` (half the
size; the bundled checkpoints are stored so).  The sha256 covers the weights as
stored; :func:`load_checkpoint` turns float16 weights back into float32 before
they reach the model, so prediction always runs in float32.
"""
import hashlib
import io
import os

from ..core.data.io import atomic_write_bytes
from ..core.platform import backends
from ..core.platform.errors import LstFusionError
from ..models import registry
from ..version import __version__

BUNDLED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "resources", "checkpoints")


def bundled_checkpoint(model_id):
    """Path of the checkpoint shipped with the plugin for ``model_id`` (it may not exist)."""
    return os.path.join(BUNDLED, f"{model_id}.pt")


FORMAT = "lstfusion-checkpoint"
FORMAT_VERSION = 1


def weights_sha256(state_dict):
    """sha256 over every tensor's name, dtype, shape and bytes, in name order."""
    import torch

    h = hashlib.sha256()
    for name in sorted(state_dict):
        t = state_dict[name].detach().cpu().contiguous()
        h.update(name.encode("utf-8"))
        h.update(f"{t.dtype}{tuple(t.shape)}".encode("ascii"))
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


def make_checkpoint(model_id, model, norm, train_dates, summary, hparams=None):
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION, "model_id": model_id,
        "hparams": dict(hparams or {}), "state_dict": state, "weights_sha256": weights_sha256(state),
        "norm": dict(norm), "train_dates": list(train_dates), "summary": dict(summary),
        "package_version": __version__,
    }


def checkpoint_size(ckpt):
    """The size a checkpoint was trained at; checkpoints written before sizes existed are ``small``."""
    return (ckpt.get("hparams") or {}).get("size", "small")


def half_state(state_dict):
    """``state_dict`` with its float32 tensors stored as float16 (integer buffers unchanged)."""
    import torch

    out = {}
    for name, t in state_dict.items():
        if t.dtype == torch.float32:
            h = t.detach().cpu().to(torch.float16)
            if not torch.isfinite(h).all():
                raise LstFusionError("OUTPUT", f"weight {name} exceeds float16's range ({float(t.abs().max()):.3g}); "
                                     "save this checkpoint without half=True")
            t = h
        out[name] = t
    return out


def float_state(state_dict):
    """``state_dict`` with float16 tensors widened back to float32: the dtype every model computes in."""
    import torch

    return {name: t.float() if t.dtype == torch.float16 else t for name, t in state_dict.items()}


def save_checkpoint(ckpt, path, half=False):
    """Write ``ckpt`` atomically, with the sha256 of the weights it holds now; ``half``: store them as float16."""
    import torch

    path = str(path)
    state = half_state(ckpt["state_dict"]) if half else ckpt["state_dict"]
    ckpt = dict(ckpt, state_dict=state, weights_sha256=weights_sha256(state))
    buf = io.BytesIO()
    torch.save(ckpt, buf)  # whole in memory first: its size is checked against the free space, a full disk is one sentence
    return atomic_write_bytes(path, buf.getvalue(), "OUTPUT", ".pt")


def load_checkpoint(path, model_id=None, parameter="CHECKPOINT"):
    """(checkpoint dict, model in eval mode); ``model_id`` must match if given."""
    backends.require_torch()
    import torch

    if not os.path.exists(str(path)):
        raise LstFusionError(parameter, f"the checkpoint file {path!r} does not exist")
    name = os.path.basename(str(path))
    with open(str(path), "rb") as fh:
        head = fh.read(200)
    if head.startswith(b"version https://git-lfs.github.com/spec/"):
        raise LstFusionError(parameter, f"{name} is a Git LFS pointer ({os.path.getsize(str(path))} bytes), not the "
                             "checkpoint itself: fetch the real file with 'git lfs pull' (or download it again)")
    try:
        ckpt = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise LstFusionError(parameter, f"{name} is not a readable checkpoint ({first})") from None
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
    name = os.path.basename(str(path))
    stored = ckpt.get("weights_sha256")
    if not stored:
        raise LstFusionError(parameter, f"{name} carries no checksum of its weights, so its integrity cannot be "
                             f"checked; retrain it with LST Fusion {__version__} (lstfusion:train_{mid})")
    try:
        actual = weights_sha256(ckpt["state_dict"])
    except Exception:  # noqa: BLE001 - anything unreadable in the weights is damage
        actual = "unreadable"
    if actual != stored:
        raise LstFusionError(parameter, f"{name} is damaged: its weights do not match their sha256 checksum (stored "
                             f"{stored[:12]}..., found {actual[:12]}...); use an intact copy or retrain it")
    ckpt["state_dict"] = float_state(ckpt["state_dict"])
    bad = [k for k, t in ckpt["state_dict"].items() if t.is_floating_point() and not torch.isfinite(t).all()]
    if bad:
        raise LstFusionError(parameter, f"{name} holds weights that are not finite ({bad[0]}"
                             f"{f' and {len(bad) - 1} more' if len(bad) > 1 else ''}): the training diverged; "
                             f"retrain it (lstfusion:train_{mid})")
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
