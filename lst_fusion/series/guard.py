"""The plausibility guard's range for each date of a series (core.fusion.guard), from the whole date.

A date's tiles are guarded with the bounds of the whole date - its inputs and its MODIS change over the whole
grid, as the one-date algorithms compute them on whole arrays - so the result does not depend on the tile size.

What a date costs: the references' ranges are read once per file (``cache``).  MODIS on its own grid (resampled
per window by the tiles) is read where it is, on that grid: the pixels of its cached raster that cover the fine
grid (plus 2 pixels, the bicubic's reach), and the change pixel by pixel there when the coarse reference lies on
the same grid - no resampling, so a date adds a few milliseconds instead of three bicubic passes over the fine grid.
Resampled values stay within the coarse pixels they are made of up to the bicubic's overshoot, which the margin
covers.  Sources on the fine grid (an align_pairs dataset, a gap-filled date) are read in strips.
"""
import math

import numpy as np

from ..core.fusion.guard import RangeAccumulator
from ..core.platform.errors import check_cancel
from .tiles import _whole, input_sources, read_block, strips

REACH = 2  # coarse pixels around the fine grid's footprint that a bicubic resampling reads


def native_cover(source, grid):
    """(the source's own grid, its values over the fine grid's footprint plus REACH pixels) for a source that is
    not on the fine grid (cached raster, no resampling)."""
    from rasterio.warp import transform_bounds
    from rasterio.windows import from_bounds

    r = _whole(source)
    b = grid.bounds if grid.same_crs(r.grid) else transform_bounds(grid.crs, r.grid.crs, *grid.bounds, densify_pts=21)
    win = from_bounds(*b, transform=r.grid.transform)
    r0 = max(int(math.floor(win.row_off)) - REACH, 0)
    c0 = max(int(math.floor(win.col_off)) - REACH, 0)
    r1 = min(int(math.ceil(win.row_off + win.height)) + REACH, r.grid.height)
    c1 = min(int(math.ceil(win.col_off + win.width)) + REACH, r.grid.width)
    return r.grid, np.asarray(r.data, dtype=np.float64)[r0:max(r1, r0), c0:max(c1, c0)]


def source_range(source, grid, cache, cancel=None):
    """(min, max) of the valid pixels of ``source`` over the fine grid (inf, -inf when none), cached per file."""
    key = ("range", source.path, source.band, source.scale, source.same_grid)
    if key not in cache:
        acc = RangeAccumulator()
        if source.same_grid:
            for r0, r1 in strips(grid):
                check_cancel(cancel)
                acc.add_inputs(read_block(source, grid, r0, r1, 0, grid.width))
        else:
            acc.add_inputs(native_cover(source, grid)[1])
        cache[key] = (acc.lo, acc.hi)
    return cache[key]


def date_bounds(method, plan, landsat, modis, grid, quantity="lst", celsius=False, cache=None, cancel=None):
    """The :class:`~lst_fusion.core.fusion.guard.Bounds` of date ``plan``'s fused raster."""
    cache = {} if cache is None else cache
    by_role = input_sources(method, plan, landsat, modis)
    acc = RangeAccumulator()
    for src in by_role.values():
        lo, hi = source_range(src, grid, cache, cancel)
        if math.isfinite(lo):
            acc.add_inputs(np.array([lo, hi]))
    target = by_role["coarse_target"]
    refs = [s for r, s in by_role.items() if r.startswith("coarse_ref")]
    on_grid = []
    for ref in refs:
        if not target.same_grid and not ref.same_grid:
            (tg, t), (rg, c) = native_cover(target, grid), native_cover(ref, grid)
            if tg.same_as(rg) and t.shape == c.shape:
                acc.add_change(t, c)
                continue
        on_grid.append(ref)
    if on_grid:  # MODIS on the fine grid, or on two different grids: pixel by pixel on the fine grid
        for r0, r1 in strips(grid):
            check_cancel(cancel)
            t = read_block(target, grid, r0, r1, 0, grid.width)
            for ref in on_grid:
                acc.add_change(t, read_block(ref, grid, r0, r1, 0, grid.width))
    return acc.bounds(quantity, celsius)
