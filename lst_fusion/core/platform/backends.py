"""Optional back-ends, in one place: PyTorch (deep models, the torch engine), CUDA, numba, dask, pystac-client.

Every question "is it there?" and every "it is needed here" goes through this
module; the install sentences come from :mod:`core.platform.install_hints`.  It imports
nothing of the project beyond those two bottom modules, so every layer may use it.
"""
from .errors import LstFusionError
from .install_hints import missing

TORCH_HINT = missing("torch")
DEVICES = ("auto", "cpu", "cuda")


def available(module):
    """True when the optional package ``module`` (an import name of core.platform.install_hints) can be imported."""
    import importlib

    try:
        importlib.import_module(module)
    except Exception:  # ImportError or a broken install
        return False
    return True


def require(module, what=None):
    """A clear error (how to install it on each platform) when the optional package ``module`` is missing."""
    if not available(module):
        raise LstFusionError("", missing(module, what))


def torch_available():
    try:
        import torch  # noqa: F401
    except Exception:  # ImportError or a broken install (DLL errors on Windows)
        return False
    return True


def require_torch():
    if not torch_available():
        raise LstFusionError("", TORCH_HINT)


def cuda_available():
    if not torch_available():
        return False
    import torch

    return torch.cuda.is_available()


def numba_available():
    try:
        import numba  # noqa: F401
    except Exception:  # ImportError, or numba refusing this NumPy version: fall back to NumPy
        return False
    return True


def dask_available():
    """Whether dask imports (a series then runs its tiles on Dask's threads or a cluster)."""
    return available("dask")


def resolve_device(device="auto"):
    """A torch device for ``device`` (auto: CUDA when visible, else CPU); a clear error for cuda without a GPU."""
    import torch

    if device in (None, "", "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise LstFusionError("DEVICE", "CUDA was asked for but no CUDA GPU is visible to PyTorch (use auto or cpu)")
    if device not in ("cpu", "cuda"):
        raise LstFusionError("DEVICE", f"device must be auto, cpu or cuda, not {device!r}")
    return torch.device(device)
