"""Model registry: id -> class, inputs, loss, defaults.

Importing this module does not import torch; :func:`get_spec` does, and raises
:class:`~lst_fusion.core.errors.LstFusionError` with install instructions when
torch is missing.
"""
from dataclasses import dataclass, field

from ..core import install_hints
from ..core.errors import LstFusionError

TORCH_HINT = install_hints.missing("torch")

ONE_PAIR = ("fine_ref1", "coarse_ref1", "coarse_target")
TWO_PAIRS = ("fine_ref1", "coarse_ref1", "fine_ref2", "coarse_ref2", "coarse_target")


@dataclass(frozen=True)
class ModelInfo:
    id: str
    name: str
    family: str
    inputs: tuple
    lr: float
    weight_decay: float = 0.0
    gan: bool = False
    receptive_radius: int = None  # None: global context (blend tiles, no exactness claim)
    citation: str = ""
    defaults: dict = field(default_factory=dict)


MODELS = {
    "edcstfn": ModelInfo("edcstfn", "EDCSTFN", "autoencoder", ONE_PAIR, 1e-3, 1e-6, False, 8,
                         "Tan et al. 2019, Remote Sensing 11, 2898"),
    "sttfn": ModelInfo("sttfn", "STTFN", "CNN", TWO_PAIRS, 1e-3, 0.0, False, 10,
                       "Yin et al. 2021, IEEE TGRS 59(2)"),
    "mlffgan": ModelInfo("mlffgan", "MLFF-GAN", "GAN", ONE_PAIR, 2e-4, 0.0, True, None,
                         "Song et al. 2022, IEEE TGRS 60"),
    "ganstfm": ModelInfo("ganstfm", "GAN-STFM", "GAN", ("fine_ref1", "coarse_target"), 2e-4, 0.0, True, None,
                         "Tan et al. 2022, IEEE TGRS 60"),
    "swinstfm": ModelInfo("swinstfm", "SwinSTFM", "transformer", ONE_PAIR, 1e-4, 0.0, False, None,
                          "Chen et al. 2022, IEEE TGRS 60"),
}

# role -> Processing parameter name (one name for one thing everywhere)
PARAMETER_OF_ROLE = {
    "fine_ref1": "FINE_REF1", "coarse_ref1": "COARSE_REF1", "fine_ref2": "FINE_REF2",
    "coarse_ref2": "COARSE_REF2", "coarse_target": "COARSE_TARGET",
}


def model_ids():
    return list(MODELS)


def info(model_id):
    if model_id not in MODELS:
        raise LstFusionError("MODEL", f"unknown model {model_id!r}; known: {', '.join(MODELS)}")
    return MODELS[model_id]


def torch_available():
    try:
        import torch  # noqa: F401
    except Exception:  # ImportError or a broken install (DLL errors on Windows)
        return False
    return True


def require_torch():
    if not torch_available():
        raise LstFusionError("", TORCH_HINT)


def build(model_id, **kwargs):
    """(generator, discriminator or None) for a model id."""
    require_torch()
    spec = info(model_id)
    if model_id == "edcstfn":
        from .edcstfn import EDCSTFN as G
    elif model_id == "sttfn":
        from .sttfn import STTFN as G
    elif model_id == "mlffgan":
        from .mlffgan import MLFFGAN as G
    elif model_id == "ganstfm":
        from .ganstfm import GANSTFM as G
    else:
        from .swinstfm import SwinSTFM as G
    gen = G(**{**spec.defaults, **kwargs})
    disc = None
    if spec.gan:
        from .common import MultiscaleDiscriminator, PatchDiscriminator

        disc = MultiscaleDiscriminator() if model_id == "ganstfm" else PatchDiscriminator()
    return gen, disc


def content_loss(model_id, pred, target):
    """The paper's reconstruction loss (the GAN term is added by the trainer)."""
    import torch.nn.functional as F

    from .common import charbonnier, cosine_loss, ms_ssim

    if model_id == "edcstfn":
        return F.mse_loss(pred, target) + 0.8 * (1 - ms_ssim(pred, target))
    if model_id == "sttfn":
        return F.mse_loss(pred, target)
    if model_id == "mlffgan":
        return F.l1_loss(pred, target) + (1 - ms_ssim(pred, target)) + cosine_loss(pred, target)
    if model_id == "ganstfm":
        return F.l1_loss(pred, target) + (1 - ms_ssim(pred, target))
    return charbonnier(pred, target) + (1 - ms_ssim(pred, target))


GAN_WEIGHT = 0.01
