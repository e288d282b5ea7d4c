"""Model registry: every model is data - a :class:`ModelSpec` with its inputs and, per size, a
:class:`SizeConfig` holding the builder, constructor arguments, loss, optimiser settings and
discriminator (the torchvision/torchgeo pattern: a name maps to builders, no if/elif dispatch).

``build(model_id, size="small"|"paper"|"auto", **overrides)`` returns ``(generator, discriminator or
None)``.  ``small`` is the reduced configuration that trains on a CPU (the bundled checkpoints);
``paper`` follows the published architecture, loss, optimiser and learning rate (each model file's
docstring says what it follows and where it deviates); ``auto`` is ``paper`` on a CUDA device and
``small`` on the CPU.

Importing this module does not import torch; :func:`build` does, and raises
:class:`~lst_fusion.core.platform.errors.LstFusionError` with install instructions when torch is missing.
"""
import importlib
import inspect
from dataclasses import dataclass, field
from types import MappingProxyType

from ..core.data import roles
from ..core.platform.backends import TORCH_HINT, require_torch, torch_available  # noqa: F401 - re-exported for callers
from ..core.platform.errors import LstFusionError

ONE_PAIR, TWO_PAIRS = roles.ONE_PAIR_ROLES, roles.TWO_PAIR_ROLES  # the one definition: core.data.roles
SIZES = ("small", "paper")
SIZE_CHOICES = ("auto",) + SIZES  # the order of the Processing enum


# ---------------------------------------------------------------- losses (callables held by the specs)
# every loss is ``loss(pred, target, features=None)``; ``features`` is the frozen encoder of a size's
# ``feature_autoencoder`` (pretrained by the trainer), None for the sizes without one
def loss_mse_msssim(pred, target, features=None):
    """EDCSTFN small: MSE + 0.8 (1 - MS-SSIM)."""
    import torch.nn.functional as F

    from .common import ms_ssim

    return F.mse_loss(pred, target) + 0.8 * (1 - ms_ssim(pred, target))


def loss_edcstfn_paper(pred, target, features=None):
    """EDCSTFN as published: MSE + MSE of the pretrained encoder's features + 0.8 (1 - MS-SSIM)
    (without an encoder the feature term is left out)."""
    import torch.nn.functional as F

    feat = F.mse_loss(features(pred), features(target)) if features is not None else 0.0
    return loss_mse_msssim(pred, target) + feat


def loss_ganstfm_paper(pred, target, features=None):
    """GAN-STFM as published: MSE of the pretrained autoencoder's features + (1 - their cosine over channels)
    + (1 - MS-SSIM), no pixel term (the GAN term is added by the trainer).  Without an encoder: pixel L1 +
    (1 - image cosine) + (1 - MS-SSIM)."""
    import torch
    import torch.nn.functional as F

    from .common import cosine_loss, ms_ssim

    structure = 1 - ms_ssim(pred, target)
    if features is None:
        return F.l1_loss(pred, target) + cosine_loss(pred, target) + structure
    fp, ft = features(pred), features(target)
    return F.mse_loss(fp, ft) + (1 - torch.mean(F.cosine_similarity(fp, ft, dim=1))) + structure


def loss_mse(pred, target, features=None):
    """STTFN: MSE."""
    import torch.nn.functional as F

    return F.mse_loss(pred, target)


def loss_l1_msssim_cosine(pred, target, features=None):
    """MLFF-GAN: L1 + (1 - MS-SSIM) + (1 - cosine) (the GAN term is added by the trainer)."""
    import torch.nn.functional as F

    from .common import cosine_loss, ms_ssim

    return F.l1_loss(pred, target) + (1 - ms_ssim(pred, target)) + cosine_loss(pred, target)


def loss_l1_msssim(pred, target, features=None):
    """GAN-STFM small: L1 + (1 - MS-SSIM) (the GAN term is added by the trainer)."""
    import torch.nn.functional as F

    from .common import ms_ssim

    return F.l1_loss(pred, target) + (1 - ms_ssim(pred, target))


def loss_charbonnier_msssim(pred, target, features=None):
    """SwinSTFM: Charbonnier + (1 - MS-SSIM)."""
    from .common import charbonnier, ms_ssim

    return charbonnier(pred, target) + (1 - ms_ssim(pred, target))


# ---------------------------------------------------------------- builders (lazy: torch is imported on call)
def _builder(module, name):
    def build(**kwargs):
        return getattr(importlib.import_module(f".{module}", __package__), name)(**kwargs)

    build.target = (module, name)
    return build


@dataclass(frozen=True)
class SizeConfig:
    """One size of one model: what to build and how to train it."""
    builder: object                   # callable(**kwargs) -> nn.Module (the generator)
    kwargs: dict                      # constructor arguments of this size
    loss: object                      # callable(pred, target) -> scalar tensor (the content loss)
    lr: float
    weight_decay: float = 0.0
    discriminator: object = None      # callable() -> nn.Module, or None for a non-GAN
    gan_weight: float = 0.0
    receptive_radius: int = None      # None: global context (blend tiles, no exactness claim)
    follows: str = ""                 # what this size follows (README table)
    feature_autoencoder: object = None  # callable() -> FeatureAutoencoder the loss's feature term needs


@dataclass(frozen=True)
class ModelSpec:
    id: str
    name: str
    family: str
    inputs: tuple
    citation: str
    sizes: dict = field(default_factory=dict)
    reference_params: int = None      # trainable generator parameters of the public reference code, 1 band

    # the small size's settings, for callers that do not care about the size
    @property
    def lr(self):
        return self.sizes["small"].lr

    @property
    def weight_decay(self):
        return self.sizes["small"].weight_decay

    @property
    def gan(self):
        return self.sizes["small"].discriminator is not None

    @property
    def receptive_radius(self):
        return self.sizes["small"].receptive_radius


ModelInfo = ModelSpec  # the earlier name


MODELS = MappingProxyType({
    "edcstfn": ModelSpec(
        "edcstfn", "EDCSTFN", "autoencoder", ONE_PAIR, "Tan et al. 2019, Remote Sensing 11, 2898",
        reference_params=278209, sizes={
            "small": SizeConfig(_builder("edcstfn", "EDCSTFN"), {}, loss_mse_msssim, 1e-3, 1e-6,
                                receptive_radius=8, follows="widths 32-64-128, zero padding, 3x3 output conv"),
            "paper": SizeConfig(_builder("edcstfn", "EDCSTFN"),
                                {"pad_mode": "replicate", "encoder_relu": True, "decoder_relu": False,
                                 "out_kernel": 1}, loss_edcstfn_paper, 1e-3, 1e-6, receptive_radius=8,
                                feature_autoencoder=_builder("common", "edcstfn_autoencoder"),
                                follows="theonegis/edcstfn layer by layer; two-pair weighting with two_pairs=True; "
                                        "feature loss from an encoder pretrained on the training patches"),
        }),
    "sttfn": ModelSpec(
        "sttfn", "STTFN", "CNN", TWO_PAIRS, "Yin et al. 2021, IEEE TGRS 59(2)", sizes={
            "small": SizeConfig(_builder("sttfn", "STTFN"), {"channels": 32}, loss_mse, 1e-3, receptive_radius=10,
                                follows="the paper's structure at 32 filters"),
            "paper": SizeConfig(_builder("sttfn", "STTFN"), {"channels": 64}, loss_mse, 1e-3, receptive_radius=10,
                                follows="the paper's description at 64 filters (no public code)"),
        }),
    "mlffgan": ModelSpec(
        "mlffgan", "MLFF-GAN", "GAN", ONE_PAIR, "Song et al. 2022, IEEE TGRS 60", reference_params=5917360, sizes={
            "small": SizeConfig(_builder("mlffgan", "MLFFGAN"), {}, loss_l1_msssim_cosine, 2e-4,
                                discriminator=_builder("common", "PatchDiscriminator"), gan_weight=0.01,
                                follows="plain-conv pyramid 16..128, bilinear decoder, 32-filter PatchGAN"),
            "paper": SizeConfig(_builder("mlffgan", "MLFFGANPaper"), {}, loss_l1_msssim_cosine, 2e-4,
                                discriminator=_builder("mlffgan", "PaperDiscriminator"), gan_weight=0.01,
                                follows="songbingze/MLFF-GAN layer by layer, pix2pixHD discriminator"),
        }),
    "ganstfm": ModelSpec(
        "ganstfm", "GAN-STFM", "GAN", ("fine_ref1", "coarse_target"), "Tan et al. 2022, IEEE TGRS 60",
        reference_params=577225, sizes={
            "small": SizeConfig(_builder("ganstfm", "GANSTFM"), {}, loss_l1_msssim, 2e-4,
                                discriminator=_builder("common", "MultiscaleDiscriminator"), gan_weight=0.01,
                                follows="two SwitchNorm residual blocks per part at width 32, 2-scale PatchGAN"),
            "paper": SizeConfig(_builder("ganstfm", "GANSTFMPaper"), {}, loss_ganstfm_paper, 1e-3,
                                discriminator=_builder("ganstfm", "PaperDiscriminator"), gan_weight=1e-3,
                                feature_autoencoder=_builder("common", "ganstfm_autoencoder"),
                                follows="theonegis/ganstfm layer by layer, 3-scale spectral-norm discriminator, "
                                        "feature MSE + cosine + MS-SSIM + 1e-3 LSGAN, lr 1e-3"),
        }),
    "swinstfm": ModelSpec(
        "swinstfm", "SwinSTFM", "transformer", ONE_PAIR, "Chen et al. 2022, IEEE TGRS 60",
        reference_params=37529845, sizes={
            "small": SizeConfig(_builder("swinstfm", "SwinSTFM"), {}, loss_charbonnier_msssim, 1e-4,
                                follows="one encoder, depths (2, 2), U-Net decoder"),
            "paper": SizeConfig(_builder("swinstfm", "SwinSTFMPaper"), {}, loss_charbonnier_msssim, 1e-4,
                                follows="LouisChen0104/swinstfm: two Swin encoders (2, 2, 6, 2), cross-attention "
                                        "decoder over 5 levels; no final Tanh"),
        }),
})

# role -> Processing parameter name: the one table in core/data/roles.py
PARAMETER_OF_ROLE = roles.PARAMETER_OF_ROLE


def model_ids():
    return list(MODELS)


def info(model_id):
    if model_id not in MODELS:
        raise LstFusionError("MODEL", f"unknown model {model_id!r}; known: {', '.join(MODELS)}")
    return MODELS[model_id]


def resolve_size(size="auto", device=None):
    """``small`` or ``paper``; ``auto`` (or None) is ``paper`` on a CUDA device, ``small`` otherwise.
    ``device``: a torch.device, 'cpu', 'cuda' or None (None: CUDA when torch sees one)."""
    if size in (None, "", "auto"):
        if device is None:
            try:
                import torch

                return "paper" if torch.cuda.is_available() else "small"
            except Exception:
                return "small"
        return "paper" if str(getattr(device, "type", device)).startswith("cuda") else "small"
    if size not in SIZES:
        raise LstFusionError("SIZE", f"must be one of {', '.join(SIZE_CHOICES)}, not {size!r}")
    return size


def config(model_id, size="small"):
    """The :class:`SizeConfig` of one model and size (``auto`` resolved against CUDA availability)."""
    return info(model_id).sizes[resolve_size(size)]


def inputs(model_id, hparams=None):
    """The input roles of a model as configured: EDCSTFN with ``two_pairs`` takes both pairs."""
    if (hparams or {}).get("two_pairs") and model_id == "edcstfn":
        return TWO_PAIRS
    return info(model_id).inputs


def build(model_id, size="small", **overrides):
    """(generator, discriminator or None) of ``model_id`` at ``size``; ``overrides`` replace constructor
    arguments of that size (an unknown one is an error naming it)."""
    require_torch()
    cfg = config(model_id, size)
    module, name = cfg.builder.target
    accepted = inspect.signature(getattr(importlib.import_module(f".{module}", __package__), name)).parameters
    for key in overrides:
        if key not in accepted:
            raise LstFusionError(key, f"is not a setting of {info(model_id).name} ({resolve_size(size)}); "
                                 f"known: {', '.join(accepted)}")
    gen = cfg.builder(**{**cfg.kwargs, **overrides})
    disc = cfg.discriminator() if cfg.discriminator is not None else None
    return gen, disc


def count_parameters(module):
    """Trainable parameters of a module (the figure REFERENCES.md and the README quote)."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


def content_loss(model_id, pred, target, size="small", features=None):
    """The paper's reconstruction loss of that size (the GAN term is added by the trainer); ``features``:
    the frozen encoder of the size's feature autoencoder, where it has one."""
    return config(model_id, size).loss(pred, target, features)


GAN_WEIGHT = 0.01  # the small sizes' weight; see SizeConfig.gan_weight
