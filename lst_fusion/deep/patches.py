"""Cutting aligned rasters into training patches."""
import numpy as np

from ..core.platform.errors import LstFusionError

DEFAULT_PATCH = 95
DEFAULT_STRIDE = 20


def patch_origins(shape, size=DEFAULT_PATCH, stride=DEFAULT_STRIDE, parameter="PATCH_SIZE"):
    """Top-left corners of patches covering the image; the last row/column is
    shifted to touch the border so that no edge strip is lost."""
    h, w = shape
    if size > h or size > w:
        raise LstFusionError(parameter, f"the image ({w}x{h} px) is smaller than one patch ({size} px)")
    if stride < 1:
        raise LstFusionError("STRIDE", "stride must be at least 1")

    def axis(n):
        starts = list(range(0, n - size + 1, stride))
        if starts[-1] != n - size:
            starts.append(n - size)
        return starts

    return [(r, c) for r in axis(h) for c in axis(w)]


def extract_patches(arrays, size=DEFAULT_PATCH, stride=DEFAULT_STRIDE, min_valid=1.0, valid=None):
    """Stack of patches (N, len(arrays), size, size) with their origins.

    A patch is kept when the fraction of its valid pixels is at least
    ``min_valid`` (1.0 = no nodata at all); ``valid``: the boolean mask of
    valid pixels (default: finite in *all* arrays).
    """
    arrays = [np.asarray(a, dtype=np.float32) for a in arrays]
    shape = arrays[0].shape
    for a in arrays[1:]:
        if a.shape != shape:
            raise LstFusionError("INPUT", f"rasters differ in size: {a.shape} vs {shape}")
    if valid is None:
        valid = np.logical_and.reduce([np.isfinite(a) for a in arrays])
    elif np.shape(valid) != shape:
        raise LstFusionError("INPUT", f"the validity mask differs in size from the rasters: {np.shape(valid)} vs {shape}")
    stack = np.stack(arrays)
    out, origins = [], []
    for r, c in patch_origins(shape, size, stride):
        frac = valid[r:r + size, c:c + size].mean()
        if frac >= min_valid:
            out.append(stack[:, r:r + size, c:c + size])
            origins.append((r, c))
    if not out:
        return np.zeros((0, len(arrays), size, size), np.float32), []
    return np.stack(out), origins
