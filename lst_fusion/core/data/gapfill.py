"""Cloud gap filling of LST rasters.

``temporal``: for each nodata pixel, linear interpolation in time between the
nearest clear observations before and after the target date, each within
``window_days`` (the reference pipeline uses 32 days).  Pixels with a clear
observation on one side only are left for the spatial step.

``spatial``: progressive focal mean - every nodata pixel with at least one valid
neighbour in a 3x3 window takes their mean, then 5x5, 7x7, ... until nothing is
left.  Valid pixels are never changed.

The filled pixels are marked (:func:`write_marked`): beside the output ``X.tif`` a raster ``X.filled.tif``
(1 where the gap fill made the value, 0 where it was observed; the folder listings of ``core.data.pairing``
skip it), named by the output's tag ``GAPFILLED_PIXELS``.  ``align_pairs`` carries the marker into the
dataset folder and counts the filled pixels as not clear; the deep models' training reads it as the
sample's ``OBSERVED`` mask (:func:`observed_pixels`), so that a gap-filled Landsat pixel never enters a loss.
"""
import os

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


MARKER_TAG = "GAPFILLED_PIXELS"  # the output's tag naming its marker raster (a file name beside it)
METHOD_TAG = "GAPFILLED"
MARKER_SUFFIX = ".filled.tif"


def marker_path(path):
    """The marker raster of ``path``: ``X.tif`` -> ``X.filled.tif`` beside it."""
    return os.path.splitext(str(path))[0] + MARKER_SUFFIX


def is_marker(path):
    return str(path).lower().endswith(MARKER_SUFFIX)


def write_marked(path, filled, before, grid, tags=None, method="", parameter="OUTPUT"):
    """Write the gap-filled raster ``filled`` to ``path`` and its marker (1 where ``before`` was not finite and
    ``filled`` is), the output tagged with the marker's name and the method."""
    from .io import write_raster

    marker = write_marker(path, ~np.isfinite(before) & np.isfinite(filled), grid, parameter)
    write_raster(path, filled, grid, tags={**(tags or {}), METHOD_TAG: method or "yes",
                                           MARKER_TAG: os.path.basename(marker)}, parameter=parameter)
    return marker


def write_marker(path, filled, grid, parameter="OUTPUT"):
    """Write the marker of the raster ``path`` (``filled``: True where the gap fill made the value) beside it;
    its path, whose base name the raster's tag :data:`MARKER_TAG` must carry."""
    from .io import write_raster

    marker = marker_path(path)
    write_raster(marker, filled.astype(np.float32), grid, nodata=None,
                 tags={"GAPFILLED_PIXELS_OF": os.path.basename(path)},
                 description="1 = filled by the gap fill, 0 = observed", parameter=parameter)
    return marker


def filled_pixels(raster, parameter):
    """The boolean mask of the pixels the gap fill made in ``raster`` (a core.data.io Raster), None when it names
    no marker; one sentence naming ``parameter`` when its marker is missing or of another size."""
    from .io import read_raster

    name = (raster.tags or {}).get(MARKER_TAG)
    if not name:
        return None
    path = os.path.join(os.path.dirname(str(raster.path)), os.path.basename(name))
    base = os.path.basename(str(raster.path))
    if not os.path.isfile(path):
        raise LstFusionError(parameter, f"{base} is gap-filled and says its filled pixels are marked in {name}, which "
                             "is not beside it; keep the marker that lstfusion:gapfill wrote next to the raster, or "
                             "give the raster from before gap filling")
    marker = read_raster(path, parameter)
    if marker.data.shape != raster.data.shape:
        raise LstFusionError(parameter, f"the marker {name} of {base} has {marker.data.shape[1]}x"
                             f"{marker.data.shape[0]} px, the raster {raster.data.shape[1]}x{raster.data.shape[0]}; "
                             "gap-fill the raster again with lstfusion:gapfill")
    return marker.data > 0.5


def observed_pixels(raster, parameter):
    """Finite and not gap-filled (:func:`filled_pixels`); None when the raster marks no gap-filled pixel."""
    filled = filled_pixels(raster, parameter)
    return None if filled is None else np.isfinite(raster.data) & ~filled
