"""Cloud gap filling of LST rasters.

``temporal``: for each nodata pixel, linear interpolation in time between the
nearest clear observations before and after the target date, each within
``window_days`` (the reference pipeline uses 32 days).  Pixels with a clear
observation on one side only are left for the spatial step.

``spatial``: progressive focal mean - every nodata pixel with at least one valid
neighbour in a 3x3 window takes their mean, then 5x5, 7x7, ... until nothing is
left.  Valid pixels are never changed.
"""
import numpy as np

from ..platform.errors import LstFusionError, check_cancel

METHODS = ("temporal+spatial", "temporal", "spatial")


def temporal_fill(target, target_date, others, window_days=32):
    """Fill NaNs of ``target`` from ``others`` = [(date, array), ...] on the same grid.

    Returns (filled array, number of pixels filled).
    """
    out = np.array(target, dtype=np.float64, copy=True)
    gaps = ~np.isfinite(out)
    if not gaps.any() or not others:
        return out.astype(np.float32), 0
    shape = out.shape
    before_val = np.full(shape, np.nan)
    before_dt = np.full(shape, np.inf)
    after_val = np.full(shape, np.nan)
    after_dt = np.full(shape, np.inf)
    for d, arr in others:
        arr = np.asarray(arr, dtype=np.float64)
        if arr.shape != shape:
            raise LstFusionError("OTHER_DATES", f"raster of {d} has shape {arr.shape}, target has {shape}")
        dt = (d - target_date).days
        if dt == 0 or abs(dt) > window_days:
            continue
        ok = np.isfinite(arr)
        if dt < 0:
            better = ok & (-dt < before_dt)
            before_val[better] = arr[better]
            before_dt[better] = -dt
        else:
            better = ok & (dt < after_dt)
            after_val[better] = arr[better]
            after_dt[better] = dt
    both = gaps & np.isfinite(before_val) & np.isfinite(after_val)
    wb = after_dt[both] / (before_dt[both] + after_dt[both])
    out[both] = wb * before_val[both] + (1.0 - wb) * after_val[both]
    return out.astype(np.float32), int(both.sum())


def spatial_fill(array, cancel=None, max_size=None):
    """Progressive focal mean; returns (filled array, number of pixels filled)."""
    from scipy import ndimage

    out = np.array(array, dtype=np.float64, copy=True)
    valid = np.isfinite(out)
    if not valid.any():
        raise LstFusionError("INPUT", "the raster has no valid pixel to fill from")
    n_gaps = int((~valid).sum())
    size = 3
    limit = max_size or 2 * max(out.shape) + 1
    while not valid.all() and size <= limit:
        check_cancel(cancel)
        vals = np.where(valid, out, 0.0)
        s = ndimage.uniform_filter(vals, size=size, mode="constant") * size * size
        n = ndimage.uniform_filter(valid.astype(np.float64), size=size, mode="constant") * size * size
        fill = (~valid) & (n > 0.5)
        out[fill] = s[fill] / np.round(n[fill])
        valid = valid | fill
        size += 2
    return out.astype(np.float32), n_gaps - int((~valid).sum())


def gapfill(target, method="temporal+spatial", target_date=None, others=(), window_days=32, cancel=None):
    """Fill nodata; returns (filled, report) with counts per step."""
    if method not in METHODS:
        raise LstFusionError("METHOD", f"method must be one of {METHODS}")
    if not np.isfinite(target).any():
        raise LstFusionError("INPUT", "the raster has no valid pixel (all nodata)")
    report = {"gaps_before": int((~np.isfinite(target)).sum()), "filled_temporal": 0, "filled_spatial": 0}
    out = np.asarray(target, dtype=np.float32)
    if "temporal" in method:
        if others and target_date is None:
            raise LstFusionError("DATE", "temporal filling needs the target's date")
        out, report["filled_temporal"] = temporal_fill(out, target_date, list(others), window_days)
    if "spatial" in method:
        out, report["filled_spatial"] = spatial_fill(out, cancel=cancel)
    report["gaps_after"] = int((~np.isfinite(out)).sum())
    return out, report
