"""FSDAF for a series: the per-pair work once, each further date cheap (issue 41, item 2).

FSDAF (core.fusion.fsdaf) on one pair (F1, C1) and a date's C0 on the fine grid.  With the pixels valid in all
three inputs fixed (a clear MODIS day: those valid in the pair), these depend on the pair alone:

* the classes (k-means of F1), the despiked F1, the class fractions and the coarse means of the pair per block,
  the homogeneity index (window sums per class) and the final filter's threshold;
* the thin plate spline's system: its centres are the clear coarse pixels' centres, so the spline through the
  day's coarse values is a linear operator of them (:class:`LatticeTps`: the system factored once, and its
  evaluation at every fine pixel, ~1000 centres x ~100 000 pixels per block, as one FFT convolution per
  sub-pixel phase, the centres lying on the coarse lattice);
* the final filter's similar pixels and weights (F1, the threshold and the valid pixels): per centre the kept
  neighbours (core.fusion.neighbours.similar_lists), so a date costs ``similar`` products per pixel, equal bit for
  bit to the kernel's sums.

Per date remain: the coarse means of C0, the class changes (a bounded least squares per block on its purest
coarse pixels), the spline's coefficients (a solve with the factored system), the residual distribution (a few
array operations per fine pixel) and the filter's products.  A date whose C0 is NaN on a pixel valid in the pair
(a cloudy MODIS pixel) changes the classes, fractions, threshold and spline centres of the whole scene (FSDAF
fits them on the pixels valid in all three inputs): it is fused by the per-date kernel itself.  Figures:
docs/series_precompute.md.
"""

import numpy as np

from .fsdaf import DEFAULT_BLOCK, block_date, block_pair, blocks_of, filter_result, filter_selection, fuse_tile, scene, spans_a_plane
from .neighbours import apply_lists, similar_lists
from .tiling import task_threads


def _tps_kernel(r):
    """The thin plate spline's radial function r^2 log r (0 at 0), as scipy's RBFInterpolator."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(r > 0, r * r * np.log(np.where(r > 0, r, 1.0)), 0.0)


class LatticeTps:
    """The thin plate spline (degree-1 polynomial, no smoothing: :func:`core.fusion.fsdaf.tps`) through values at
    fixed coarse-pixel centres ``points`` (row, col) of a block, at the fixed fine pixels ``at`` (rows, cols),
    as a linear operator of the values.  Centres on the coarse lattice (full ``factor`` x ``factor`` coarse
    pixels: centre ``i factor + (factor - 1) / 2``) are evaluated by FFT convolutions, one per sub-pixel phase;
    the others (a partial coarse pixel at the image's edge) directly."""

    def __init__(self, points, at, shape, factor, cache=None):
        from scipy.linalg import lu_factor

        self.constant = not spans_a_plane(points)
        self.n, self.m = len(points), len(at[0])
        if self.constant:
            return
        f = int(factor)
        P = np.asarray(points, np.float64)
        rows, cols = (np.asarray(a, np.float64) for a in at)
        lo, hi = P.min(0), P.max(0)
        self.shift, self.scale = (lo + hi) / 2, np.where(hi > lo, (hi - lo) / 2, 1.0)
        d = np.hypot(P[:, None, 0] - P[None, :, 0], P[:, None, 1] - P[None, :, 1])
        poly = np.column_stack([np.ones(self.n), (P - self.shift) / self.scale])
        lhs = np.block([[_tps_kernel(d), poly], [poly.T, np.zeros((3, 3))]])
        self.lu = lu_factor(lhs)
        self.poly_at = np.column_stack([np.ones(rows.size), (rows - self.shift[0]) / self.scale[0],
                                        (cols - self.shift[1]) / self.scale[1]])
        h, w = shape
        nr, nc = h // f, w // f  # full coarse rows and columns: the lattice
        o = (f - 1) / 2.0
        ci, cj = (P[:, 0] - o) / f, (P[:, 1] - o) / f
        ii, jj = np.rint(ci).astype(np.int64), np.rint(cj).astype(np.int64)
        self.on = (ii == ci) & (jj == cj) & (ii >= 0) & (ii < nr) & (jj >= 0) & (jj < nc)
        self.ij = (ii[self.on], jj[self.on])
        off = ~self.on
        self.direct = _tps_kernel(np.hypot(rows[:, None] - P[None, off, 0], cols[:, None] - P[None, off, 1]))
        na, nb = -(-h // f), -(-w // f)
        self.lattice = (nr, nc)
        self.fft_shape = tuple(_fast(2 * n + m - 2) for n, m in ((nr, na), (nc, nb)))
        key = (nr, nc, na, nb, f)
        cache = {} if cache is None else cache  # the phase kernels, shared by the blocks of one shape
        if key not in cache:
            cache[key] = _phase_kernels(nr, nc, na, nb, f, self.fft_shape)
        self.KF = cache[key]
        r, c = rows.astype(np.int64), cols.astype(np.int64)
        Nr, Nc = self.fft_shape
        # where each fine pixel reads the convolution of its phase: (u, v, a + nr - 1, b + nc - 1)
        self.gather = (((r % f) * f + c % f) * Nr + r // f + nr - 1) * Nc + c // f + nc - 1

    def __call__(self, values):
        from scipy.fft import irfft2, rfft2
        from scipy.linalg import lu_solve

        values = np.asarray(values, np.float64)
        if self.constant:
            return np.full(self.m, float(values.mean()))  # too few or collinear centres: no surface
        coef = lu_solve(self.lu, np.concatenate([values, np.zeros(3)]))
        lam = coef[:self.n]
        grid = np.zeros(self.lattice)
        grid[self.ij] = lam[self.on]
        S = irfft2(rfft2(grid, s=self.fft_shape) * self.KF, s=self.fft_shape)
        return S.ravel()[self.gather] + self.direct @ lam[~self.on] + self.poly_at @ coef[self.n:]


def _fast(n):
    from scipy.fft import next_fast_len

    return next_fast_len(int(n), real=True)


def _phase_kernels(nr, nc, na, nb, f, fft_shape):
    """The FFTs of the radial function on the lattice offsets, one per sub-pixel phase (u, v): (f*f, Nr, Nc//2+1)."""
    from scipy.fft import rfft2

    o = (f - 1) / 2.0
    di = np.arange(-(nr - 1), na) * float(f)
    dj = np.arange(-(nc - 1), nb) * float(f)
    out = np.empty((f * f, fft_shape[0], fft_shape[1] // 2 + 1), np.complex128)
    for u in range(f):
        for v in range(f):
            K = _tps_kernel(np.hypot((di + u - o)[:, None], (dj + v - o)[None, :]))
            out[u * f + v] = rfft2(K, s=fft_shape)
    return out


class FsdafTilePlan:
    """The per-pair state of one FSDAF tile (the whole image with its halo: FSDAF's tiling is WHOLE);
    :meth:`predict` gives :func:`core.fusion.fsdaf.fuse_tile`'s tile for any date.

    ``refs``: F1 and C1 cut with ``halo`` (>= WINDOW // 2, NaN outside the image); ``params``: WINDOW, CLASSES,
    SIMILAR_PIXELS, PURE_PIXELS, FACTOR, ENGINE."""

    def __init__(self, refs, halo, params):
        F1, C1 = (np.asarray(b, np.float64) for b in refs)
        self.F1, self.C1, self.halo, self.params = F1, C1, halo, dict(params)
        self.w = params["WINDOW"] // 2
        if halo < self.w:
            raise ValueError(f"the halo {halo} is smaller than the window's {self.w}")
        self.factor = int(params["FACTOR"])
        self.pure = int(params["PURE_PIXELS"])
        self.last_exact = 0
        self.vp = np.isfinite(F1) & np.isfinite(C1)
        hh, ww = F1.shape
        self.centre = (slice(halo, hh - halo), slice(halo, ww - halo))
        self.ready = self.vp.sum() >= 2
        self.built = False  # built on the first clear date: a pair whose dates are all cloudy costs nothing more

    def _build(self):
        F1, C1, vp, w, f, halo, params = self.F1, self.C1, self.vp, self.w, self.factor, self.halo, self.params
        hh, ww = F1.shape
        self.built = True
        L, ncls, threshold, _, self.lo, self.hi, koff = scene(F1, vp, int(params["CLASSES"]))
        self.blocks = list(blocks_of(F1.shape, f, DEFAULT_BLOCK))
        cache = {}
        self.pairs, self.surfaces = [], []
        for ext, _, _ in self.blocks:
            b = block_pair(F1[ext], C1[ext], vp[ext], L[ext], ncls, f, w, self.lo, self.hi)
            self.pairs.append(b)
            self.surfaces.append(None if b is None else LatticeTps(b.points, b.at, b.valid.shape, f, cache))
        self.sub = (slice(halo - w, hh - halo + w), slice(halo - w, ww - halo + w))  # the centres' windows
        G = np.where(vp, F1, np.nan)[self.sub]
        self.cG = G[w:G.shape[0] - w, w:G.shape[1] - w]
        sel = filter_selection(self.cG, w, threshold, koff)
        self.NI, self.NW = similar_lists(G, sel.pop("rel"), sel.pop("threshold"), int(params["SIMILAR_PIXELS"]),
                                         sel.pop("w"), compact=True, workers=task_threads(), **sel)

    @property
    def nbytes(self):
        if not self.built:
            return int(2 * self.F1.nbytes + self.vp.nbytes)
        tps = sum(s.direct.nbytes + s.poly_at.nbytes + s.gather.nbytes for s in self.surfaces if s and not s.constant)
        return int(self.NI.nbytes + self.NW.nbytes + tps + 12 * self.F1.nbytes)

    def predict(self, M, C0, linear=False):
        """The tile (float64, NaN where invalid) of the date whose C0 (halo'd like the references) is ``C0``;
        ``M`` and ``linear`` are not needed (FSDAF reads the date on the fine grid only)."""
        C0 = np.asarray(C0, np.float64)
        hh, ww = C0.shape
        self.last_exact = 0
        if not self.ready or (self.vp & ~np.isfinite(C0)).any():
            return self._kernel(C0)  # another set of valid pixels: another scene (classes, spline centres)
        if not self.built:
            self._build()
        change = np.zeros(C0.shape)
        try:
            for (ext, keep, target), b, surface in zip(self.blocks, self.pairs, self.surfaces):
                if b is not None:
                    change[target] = block_date(b, C0[ext], self.pure, self.lo, self.hi, surface)[keep]
        except np.linalg.LinAlgError:
            return self._kernel(C0)  # the kernel says why, in one sentence
        sw, sv = apply_lists(change[self.sub], self.NI, self.NW)
        dC = np.where(self.vp, C0 - self.C1, 0.0)[self.centre]
        return filter_result(self.cG, sw, sv, dC, self.lo, self.hi)

    def _kernel(self, C0):
        out = fuse_tile([self.F1, self.C1, C0], self.halo, self.params)
        self.last_exact = int(np.isfinite(out).sum())
        return np.asarray(out, np.float64)


PLAN_TAG = "fsdaf pair plan"  # a date's PRECOMPUTED tag (its entry's plan: core.fusion.methods.pair_plan)
