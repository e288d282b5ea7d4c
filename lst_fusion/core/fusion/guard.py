"""The plausibility guard: no fused value outside what the inputs make physically possible is written as a value.

Every fused raster passes through here before it is written: the one-date algorithms (ESTARFM, STARFM, Fit-FC,
FSDAF and every ``predict_<model>``, in algorithms/outputs.write_fused_output) and each date of fuse_series
(series/run.write_dates, tile by tile, and again after its residual correction).

The rule (docs/safety_checks.md, "Plausibility guard"): a fused pixel is plausible when it lies in

    [min(inputs) + min(0, min change) - margin,  max(inputs) + max(0, max change) + margin]

* ``inputs``: every input image of the run - the fine and coarse references and the coarse target - over
  their valid pixels;
* ``change``: the day's MODIS change, coarse target minus each coarse reference, pixel by pixel where both
  are valid (the target date may be warmer or colder than any reference: the range widens by it);
* ``margin``: :data:`MARGIN` - 10 K (the same in degC) for LST, 0.05 for reflectance: a fine pixel may change
  more than its MODIS pixel's mean, by up to about this much;
* LST bounds are cut to the physically possible land surface temperature, 150-400 K
  (core.data.products.LST_MIN_K, LST_MAX_K).

Pixels outside are set to NaN (nodata), counted in the log and in the tags ``IMPLAUSIBLE_PIXELS``,
``PLAUSIBLE_MIN`` and ``PLAUSIBLE_MAX`` (always written, 0 included: the reader knows the guard ran and on what
range).  NaN stays NaN and is not counted.  Pure NumPy, no QGIS.
"""
import math
from dataclasses import dataclass

import numpy as np

from ..data.products import LST_MAX_K, LST_MIN_K
from ..data.units import KELVIN_OFFSET

MARGIN = {"lst": 10.0, "reflectance": 0.05}  # K (= degC) for LST; reflectance units
TAG_COUNT, TAG_MIN, TAG_MAX = "IMPLAUSIBLE_PIXELS", "PLAUSIBLE_MIN", "PLAUSIBLE_MAX"
# in a series' resume key (series.run): dates written before this guard (or under another rule) are fused again
RULE = f"inputs + MODIS change + margin {sorted(MARGIN.items())} (issue 37)"


@dataclass(frozen=True)
class Bounds:
    """The plausible range of one fused raster (``unit``: 'K', 'degC' or '' for reflectance)."""

    lo: float
    hi: float
    unit: str = ""

    def describe(self):
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.lo:.6g} to {self.hi:.6g}{unit}"

    def tags(self, count):
        """The provenance tags of a raster guarded by these bounds with ``count`` implausible pixels."""
        return {TAG_COUNT: int(count), TAG_MIN: f"{self.lo:.6g}", TAG_MAX: f"{self.hi:.6g}"}


class RangeAccumulator:
    """The minimum and maximum of the inputs and of the day's change, added block by block (a series reads its
    dates in strips); :meth:`bounds` then gives the same :class:`Bounds` as the whole arrays would."""

    def __init__(self):
        self.lo, self.hi = math.inf, -math.inf
        self.dlo, self.dhi = 0.0, 0.0  # the change widens the range only outward: min(0, .), max(0, .)

    def add_inputs(self, *arrays):
        for a in arrays:
            if a is None:
                continue
            v = np.asarray(a, dtype=np.float64)
            v = v[np.isfinite(v)]
            if v.size:
                self.lo, self.hi = min(self.lo, float(v.min())), max(self.hi, float(v.max()))
        return self

    def add_change(self, target, reference):
        """The change ``target - reference`` where both are valid."""
        if target is None or reference is None:
            return self
        d = np.asarray(target, dtype=np.float64) - np.asarray(reference, dtype=np.float64)
        d = d[np.isfinite(d)]
        if d.size:
            self.dlo, self.dhi = min(self.dlo, float(d.min())), max(self.dhi, float(d.max()))
        return self

    def bounds(self, quantity="lst", celsius=False, margin=None):
        """The plausible range (module doc); no valid input at all: the physical LST range (reflectance: any)."""
        margin = MARGIN[quantity] if margin is None else float(margin)
        if quantity == "lst":
            off = KELVIN_OFFSET if celsius else 0.0
            plo, phi = LST_MIN_K - off, LST_MAX_K - off
            unit = "degC" if celsius else "K"
        else:
            plo, phi, unit = -math.inf, math.inf, ""
        if self.lo > self.hi:  # nothing valid: only the physical limits
            return Bounds(plo, phi, unit)
        lo = max(self.lo + self.dlo - margin, plo)
        hi = min(self.hi + self.dhi + margin, phi)
        return Bounds(lo, hi, unit)


def plausible_bounds(inputs, target=None, coarse_refs=(), quantity="lst", celsius=None, margin=None):
    """The :class:`Bounds` of a fused raster from its ``inputs`` (every input array, target included), the coarse
    ``target`` and the coarse references it changed from; ``celsius`` None: from the target's (else the first
    input's) values."""
    acc = RangeAccumulator().add_inputs(*inputs)
    for ref in coarse_refs:
        acc.add_change(target, ref)
    if celsius is None and quantity == "lst":
        from ..data.units import is_celsius

        first = target if target is not None else next((a for a in inputs if a is not None), np.array([]))
        celsius = is_celsius(np.asarray(first, dtype=np.float64))
    return acc.bounds(quantity, bool(celsius), margin)


def apply_bounds(fused, bounds):
    """(fused with the values outside ``bounds`` set to NaN as float32, how many there were)."""
    out = np.array(fused, dtype=np.float32, copy=True)
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(out) & ((out < bounds.lo) | (out > bounds.hi))  # +-inf counts as outside
    n = int(bad.sum())
    if n:
        out[bad] = np.nan
    return out, n


def guard(fused, inputs, target=None, coarse_refs=(), quantity="lst", celsius=None, margin=None):
    """(fused with the implausible pixels set to NaN, their count, the :class:`Bounds`): the whole rule at once."""
    bounds = plausible_bounds(inputs, target, coarse_refs, quantity, celsius, margin)
    out, n = apply_bounds(fused, bounds)
    return out, n, bounds


def message(count, bounds, what="the fused raster"):
    """The log sentence for ``count`` implausible pixels (empty when there are none)."""
    if not count:
        return ""
    return (f"plausibility guard: {count} pixel(s) of {what} outside the plausible range {bounds.describe()} (the "
            f"inputs' range widened by the day's MODIS change and the margin) set to nodata; tag {TAG_COUNT}")
