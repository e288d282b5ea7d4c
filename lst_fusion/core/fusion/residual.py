"""Keeping a fused prediction true to MODIS: cross-sensor normalisation and
MODIS-consistent residual correction.

Both work on rasters already on the fine grid (MODIS resampled onto it) and
on *blocks* of ``block`` x ``block`` fine pixels that stand for the MODIS
footprint (``block`` = coarse / fine pixel size, e.g. 1000 m / 30 m -> 33).

* :func:`residual_correction`: the prediction averaged over each block is
  compared with MODIS averaged over the same block; the residuals are spread
  back smoothly (bicubic interpolation of the block residuals, as FSDAF and
  TsHARP-style downscaling do) and the part that the smoothing leaves is
  redistributed a few times, then closed exactly per block.  Afterwards every
  block of the corrected prediction averages to MODIS (the invariant tested).
* ``scene mean`` (:func:`correct`): one offset, so that the prediction's mean
  equals MODIS's over the scene; keeps the fused spatial pattern whole and
  takes only the level of the day from MODIS.
* :func:`cross_sensor_fit`: Landsat and MODIS LST differ systematically
  (view angle, emissivity, overpass time).  A robust line Landsat_block =
  a + b * MODIS_block (Theil-Sen slope, median intercept) is fitted on the
  reference pairs and applied to the MODIS images before fusion.
"""
import numpy as np

from ..data.resample import block_size, footprint_pixels  # noqa: F401 - the grid geometry lives in core.data
from ..platform.errors import LstFusionError

MAX_SPREAD_ITERATIONS = 4


def _blocks(shape, block):
    h, w = shape
    return -(-h // block), -(-w // block)


def block_mean(a, block, valid=None):
    """Mean of the finite pixels (and ``valid``) of each block; NaN where a block has none.

    Edge blocks are the partial blocks that remain at the right and bottom."""
    a = np.asarray(a, dtype=np.float64)
    ok = np.isfinite(a) if valid is None else (valid & np.isfinite(a))
    bh, bw = _blocks(a.shape, block)
    ph, pw = bh * block - a.shape[0], bw * block - a.shape[1]
    z = np.pad(np.where(ok, a, 0.0), ((0, ph), (0, pw)))
    n = np.pad(ok.astype(np.float64), ((0, ph), (0, pw)))
    s = z.reshape(bh, block, bw, block).sum(axis=(1, 3))
    c = n.reshape(bh, block, bw, block).sum(axis=(1, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(c > 0, s / c, np.nan)


def _expand(blocks, block, shape):
    return np.repeat(np.repeat(blocks, block, axis=0), block, axis=1)[:shape[0], :shape[1]]


def _smooth_spread(res_blocks, block, shape):
    """Bicubic interpolation of block residuals (at block centres) onto the fine grid."""
    from scipy.ndimage import map_coordinates

    r = np.where(np.isfinite(res_blocks), res_blocks, 0.0)
    if r.shape[0] < 2 and r.shape[1] < 2:
        return np.full(shape, r[0, 0])
    yy = (np.arange(shape[0]) + 0.5) / block - 0.5
    xx = (np.arange(shape[1]) + 0.5) / block - 0.5
    gy, gx = np.meshgrid(yy, xx, indexing="ij")
    order = 3 if min(r.shape) >= 4 else 1
    return map_coordinates(r, [gy, gx], order=order, mode="nearest")


def residual_correction(prediction, coarse, block, iterations=MAX_SPREAD_ITERATIONS):
    """The prediction corrected so that each block averages to ``coarse``'s block mean.

    ``coarse``: MODIS of the target date on the fine grid.  Pixels NaN in the
    prediction stay NaN; blocks where ``coarse`` has no valid pixel are left as
    they are.  The block means are taken over the pixels valid in both.
    """
    p = np.asarray(prediction, dtype=np.float64)
    c = np.asarray(coarse, dtype=np.float64)
    if p.shape != c.shape:
        raise LstFusionError("COARSE_TARGET", f"size {c.shape} differs from the prediction's {p.shape}")
    if block < 1:
        raise LstFusionError("RESOLUTION_RATIO", "the MODIS footprint must be at least one fine pixel")
    valid = np.isfinite(p) & np.isfinite(c)
    target = block_mean(c, block, valid)
    out = p.copy()
    for _ in range(iterations):
        res = target - block_mean(out, block, valid)
        if not np.isfinite(res).any() or np.nanmax(np.abs(res)) < 1e-6:
            break
        out = out + _smooth_spread(res, block, p.shape)
    res = target - block_mean(out, block, valid)  # close what smoothing left, exactly per block
    out = out + _expand(np.where(np.isfinite(res), res, 0.0), block, p.shape)
    out[~np.isfinite(p)] = np.nan
    return out.astype(np.float32)


MODES = ("none", "MODIS footprint", "scene mean")


def correct(prediction, coarse, mode, block):
    """Apply a residual-correction ``mode``: 'none', 'MODIS footprint' (see
    :func:`residual_correction`) or 'scene mean' (one offset: the prediction's
    mean becomes the MODIS mean over the pixels valid in both, the spatial
    pattern is untouched)."""
    if mode == "none":
        return np.asarray(prediction, dtype=np.float32)
    if mode == "scene mean":
        p = np.asarray(prediction, dtype=np.float64)
        c = np.asarray(coarse, dtype=np.float64)
        valid = np.isfinite(p) & np.isfinite(c)
        if not valid.any():
            return p.astype(np.float32)
        return (p + (c[valid].mean() - p[valid].mean())).astype(np.float32)
    if mode == "MODIS footprint":
        return residual_correction(prediction, coarse, block)
    raise LstFusionError("RESIDUAL_CORRECTION", f"must be one of {', '.join(MODES)}, not {mode!r}")


def _theil_sen(x, y, max_points=400, seed=0):
    if x.size > max_points:
        idx = np.random.default_rng(seed).choice(x.size, max_points, replace=False)
        x, y = x[idx], y[idx]
    i, j = np.triu_indices(x.size, 1)
    dx = x[j] - x[i]
    keep = np.abs(dx) > 1e-9
    if not keep.any():
        return 1.0, float(np.median(y - x))
    b = float(np.median((y[j] - y[i])[keep] / dx[keep]))
    return b, float(np.median(y - b * x))


def cross_sensor_fit(fine_refs, coarse_refs, block, slope_range=(0.5, 1.5)):
    """Robust line Landsat = a + b * MODIS over the blocks of the reference pairs.

    Returns ``{"a", "b", "n_blocks", "applied", "reason"}``.  The line is fitted
    on block means (Landsat averaged to the MODIS footprint); a slope outside
    ``slope_range`` (too few blocks or too little contrast to tell) falls back to
    the offset alone (b = 1, a = median difference).
    """
    xs, ys = [], []
    for f, c in zip(fine_refs, coarse_refs):
        bf, bc = block_mean(f, block), block_mean(c, block)
        ok = np.isfinite(bf) & np.isfinite(bc)
        xs.append(bc[ok])
        ys.append(bf[ok])
    x, y = np.concatenate(xs), np.concatenate(ys)
    if x.size < 3:
        return {"a": 0.0, "b": 1.0, "n_blocks": int(x.size), "applied": False,
                "reason": "fewer than 3 MODIS blocks with Landsat data"}
    b, a = _theil_sen(x, y)
    reason = "Theil-Sen line"
    if not slope_range[0] <= b <= slope_range[1]:
        b, a = 1.0, float(np.median(y - x))
        reason = f"slope outside {slope_range}: offset only"
    return {"a": a, "b": b, "n_blocks": int(x.size), "applied": True, "reason": reason}


def apply_cross_sensor(coarse, fit):
    """MODIS on the fine grid made Landsat-like with a :func:`cross_sensor_fit` line."""
    if not fit.get("applied"):
        return np.asarray(coarse, dtype=np.float32)
    return (fit["a"] + fit["b"] * np.asarray(coarse, dtype=np.float64)).astype(np.float32)


def describe_fit(fit, unit=""):
    if not fit.get("applied"):
        return f"cross-sensor normalisation not applied: {fit['reason']}"
    return (f"cross-sensor normalisation applied to MODIS: Landsat = {fit['a']:+.3f}{unit} + {fit['b']:.4f} x MODIS "
            f"({fit['reason']} over {fit['n_blocks']} MODIS-footprint blocks of the reference pairs)")
