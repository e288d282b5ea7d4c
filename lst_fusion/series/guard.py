"""The plausibility guard's range for each date of a series (core.fusion.guard), read strip by strip.

A date's tiles are guarded with the bounds of the whole date - its inputs and its MODIS change over the whole
grid, as the one-date algorithms compute them on whole arrays - so the result does not depend on the tile size.
The references' ranges are read once per file (``cache``); each date reads its MODIS and its coarse references
once more, strip by strip, for the target's range and the change.
"""
import math

import numpy as np

from ..core.fusion.guard import RangeAccumulator
from ..core.platform.errors import check_cancel
from .tiles import read_block, roles_of, sources, strips

COARSE_REFS = ("coarse_ref1", "coarse_ref2")


def source_range(source, grid, cache, cancel=None):
    """(min, max) of the valid pixels of ``source`` on the fine grid (inf, -inf when none), cached per file."""
    key = ("range", source.path, source.band, source.scale, source.same_grid)
    if key not in cache:
        acc = RangeAccumulator()
        for r0, r1 in strips(grid):
            check_cancel(cancel)
            acc.add_inputs(read_block(source, grid, r0, r1, 0, grid.width))
        cache[key] = (acc.lo, acc.hi)
    return cache[key]


def date_bounds(method, plan, landsat, modis, grid, quantity="lst", celsius=False, cache=None, cancel=None):
    """The :class:`~lst_fusion.core.fusion.guard.Bounds` of date ``plan``'s fused raster."""
    cache = {} if cache is None else cache
    by_role = dict(zip(roles_of(method, bool(plan.ref2)), sources(method, plan, landsat, modis)))
    acc = RangeAccumulator()
    for role, src in by_role.items():
        if role != "coarse_target":
            lo, hi = source_range(src, grid, cache, cancel)
            if math.isfinite(lo):
                acc.add_inputs(np.array([lo, hi]))
    target = by_role["coarse_target"]
    refs = [by_role[r] for r in COARSE_REFS if r in by_role]
    for r0, r1 in strips(grid):
        check_cancel(cancel)
        t = read_block(target, grid, r0, r1, 0, grid.width)
        acc.add_inputs(t)
        for ref in refs:
            acc.add_change(t, read_block(ref, grid, r0, r1, 0, grid.width))
    return acc.bounds(quantity, celsius)
