"""STARFM over a series: the per-pair part of its window sums once per reference set and tile, each date a gather.

STARFM (core.fusion.starfm) weighs neighbour ``r`` of centre ``x`` by ``1 / ((S_r + sigma)(T_r + sigma) D_r)``
where it passes three filters: ``|F_r - F_x| <= th``, ``S_r < smax_x`` and ``T_r < tmax_x``.  ``S = |F_k - C_k|``,
``D`` and the first two filters depend on the pair only; the date enters through ``T = |C_k - C0|`` (its filter
and its factor) and the prediction ``P = F_k + C0 - C_k``.  So the plan keeps, per centre, which
neighbours pass the two date-free filters as one bit mask per window row (kernels.starfm_masks: 124 bytes per
centre for the 31 px window, where storing them as neighbour lists measured no faster than the kernel: about half
the window passes), and a date costs the fields ``T``, ``V = 1/((S + sigma)(T + sigma))``, ``P V`` over
the block (O(1) per pixel) plus one pass over the masked neighbours (kernels.starfm_day_sums, along the centre
rows, one window offset at a time), with no division and no similarity test per neighbour.  Equal to the
per-date kernel within float rounding (the sums' order differs: ~1e-12 K);
docs/series_precompute.md, tested by test_starfm_plan.py against ``starfm.make_kernel``.
"""
import numpy as np

from .kernels import MASK_BITS, starfm_day_sums, starfm_masks
from .starfm import DEFAULT_SPATIAL_FACTOR, DEFAULT_UNCERTAINTY, make_kernel

PLAN_MIN_DATES = 2  # dates of one reference set from which the plan pays on numba (its build costs ~1 date)
PLAN_TAG = "starfm reference-set plan"  # a date's PRECOMPUTED tag


class StarfmTilePlan:
    """The plan of one tile: ``refs`` (F1, C1[, F2, C2] blocks with ``halo``), each pair's candidate threshold
    ``ths``.  It takes each date's C0 block as read for the per-date kernel: R M, equal within float rounding, would
    flip Gao's special case ``T == 0`` (C0 equal to a reference's C) by several kelvin."""

    def __init__(self, refs, halo, ths, sigma=DEFAULT_UNCERTAINTY, A=DEFAULT_SPATIAL_FACTOR):
        w = self.w = halo
        self.sigma, self.A = sigma, A
        self.kernel = None
        if 2 * w + 1 > MASK_BITS:  # a window row wider than a mask: the per-date kernel, exact
            self.refs = list(refs)
            self.kernel = make_kernel(w, ths, sigma, A, len(refs) // 2, "numba")
            return
        pairs = [(np.asarray(refs[2 * k], np.float64), np.asarray(refs[2 * k + 1], np.float64))
                 for k in range(len(refs) // 2)]
        valid = np.ones(pairs[0][0].shape, bool)
        for F, C in pairs:
            valid &= np.isfinite(F) & np.isfinite(C)
        self.valid = valid
        hh, ww = valid.shape
        self.cs = cs = (slice(w, hh - w), slice(w, ww - w))
        self.pairs = [(np.where(valid, F, 0.0), np.where(valid, C, 0.0)) for F, C in pairs]
        S = [np.abs(F - C) for F, C in self.pairs]
        self.Scentre = [s[cs] for s in S]
        smax = np.max(self.Scentre, axis=0) + np.sqrt(2.0) * sigma
        self.S = S
        self.masks = []
        for (F, _), s, th in zip(self.pairs, S, ths):
            G = np.where(valid, F, np.nan)  # NaN: an invalid neighbour is never a candidate
            self.masks.append(starfm_masks(G, s, G[cs], smax, th, w))

    def predict(self, M, C0, linear=True):
        """The tile on the date of the halo'd coarse block ``C0`` (``M``, ``linear``: unused, the plan needs the
        block only), as ``starfm.make_kernel``'s kernel gives it."""
        C0 = np.asarray(C0, np.float64)
        if self.kernel is not None:
            return self.kernel(self.refs + [C0])
        cs, sigma = self.cs, self.sigma
        valid = self.valid & np.isfinite(C0)
        Cz = np.where(valid, C0, 0.0)
        T = [np.where(valid, np.abs(C - Cz), np.nan) for _, C in self.pairs]  # NaN: not a candidate on this date
        tmax = np.max([t[cs] for t in T], axis=0) + np.sqrt(2.0) * sigma
        sums = np.zeros((2,) + tmax.shape)
        for (F, C), s, t, mask in zip(self.pairs, self.S, T, self.masks):
            V = np.where(valid, 1.0 / ((s + sigma) * (t + sigma)), 0.0)
            part = np.zeros_like(sums)
            starfm_day_sums(mask, t, V, (F + Cz - C) * V, tmax, self.w, self.A, part)
            sums += part
        with np.errstate(divide="ignore", invalid="ignore"):
            out = sums[1] / sums[0]
        Ccs = Cz[cs]
        for k in reversed(range(len(self.pairs))):  # Gao's special cases, pair 1 first (as starfm.make_kernel)
            out = np.where(self.Scentre[k] == 0, Ccs, out)
        for k in reversed(range(len(self.pairs))):
            out = np.where(T[k][cs] == 0, self.pairs[k][0][cs], out)
        out[~valid[cs]] = np.nan
        return out

    @property
    def nbytes(self):
        """Bytes this plan holds (its arrays)."""
        if self.kernel is not None:
            return int(sum(a.nbytes for a in self.refs))
        arrays = self.masks + [a for p in self.pairs for a in p] + self.S + self.Scentre
        return int(sum(a.nbytes for a in arrays)) + self.valid.nbytes


def tile_plan(refs, resampling, halo, params):
    """The plan of one tile's references ``refs`` (F1, C1[, F2, C2] blocks with ``halo``), with the series'
    per-pair statistics and parameters ``params`` (``th1``, ``th2``); ``resampling``: None (the plan's entry has
    ``resampling=False``): ``predict(M, C0)`` gives the tile on a date."""
    ths = [params["th1"]] + ([params["th2"]] if len(refs) == 4 else [])
    return StarfmTilePlan(refs, halo, ths)

