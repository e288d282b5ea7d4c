"""ESTARFM for a series: the per-reference-set work once, each further date cheap (issue 28).

For one set of references (F1, C1, F2, C2 on the fine grid) ESTARFM's similar pixels, their weights W
and the conversion coefficient V do not depend on the target date; a date enters only through

* the weighted sums ``sum_i W_i (C0(x_i) - C_k(x_i))`` (steps 5-6 of core.fusion.estarfm), and
* the window means of C0 (the temporal weights, the <= 5 similar pixel fallback).

C0 is the day's MODIS M resampled onto the fine grid, ``C0 = R M`` with R linear (nearest, bilinear and
cubic resampling are, where no MODIS pixel is nodata).  So ``sum_i W_i C0(x_i) = sum_j A_j M_j`` with
``A_j = sum_i W_i R_ij``: a sum over the few MODIS pixels that a fine pixel's window and the resampling
kernel touch (a 51 px window at 30 m over 1 km MODIS: about 6 x 6, against 51 x 51 neighbours).
:class:`LinearResampling` obtains R exactly by resampling staggered unit impulses with the resampler
itself; :class:`EstarfmTilePlan` aggregates A per tile once (numba: row by row where R is separable, north-up
in one CRS; a NumPy offset loop without numba); :meth:`EstarfmTilePlan.predict` then costs O(MODIS pixels under
the window) per fine pixel plus box sums.  Figures and the plan for fuse_series: docs/series_precompute.md.

Exactness: V, the similar pixels, the weight sums and the window means of the references are those of
``estarfm()`` bit for bit (the same window-sum engine computes them); the date's part differs from
``estarfm()``'s only by float rounding (1e-5 K; the tests hold it within 1e-4 K on real data).  Where the
day's resampled MODIS is not ``R M`` (a MODIS nodata pixel under the resampling kernel: NaN or
renormalised), the centres whose window holds such a pixel are computed by the per-date kernel itself
(``estarfm``'s, on the smallest sub-blocks that hold them), so they are exact too.
"""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..data.linear_resampling import LinearResampling, line_last  # noqa: F401 - LinearResampling re-exported
from ..data.units import KELVIN_OFFSET, is_celsius
from ..platform.errors import LstFusionError, check_cancel
from .estarfm import (
    DEFAULT_CLASSES,
    DEFAULT_HALF_WINDOW,
    MODES,
    QUANTITIES,
    _check_inputs,
    blend,
    conversion_coefficient,
    make_kernel,
    physical_range,
    similarity_threshold,
)
from .kernels import _jit, distance_table, estarfm_sums, resolve_engine
from .tiling import exact_centres, halo_block, task_threads, tiles, window_sum

# ---------------------------------------------------------------- the aggregation loop (build, once per tile)

def _aggregate_loop(G1, G2, OMS, C1s, C2s, JR, JC, wt, dist, th1, th2, w, orow, ocol, kc, Q, A):
    """Per centre: q_k = sum W (C_k - shift), q_2 = sum W (float64) and A[a * kc + b] = sum W R_i,(orow + a, ocol + b)."""
    th, tw = Q.shape[1], Q.shape[2]
    k = 2 * w + 1
    S = JR.shape[2]
    for i in range(th):
        for j in range(tw):
            c1 = G1[i + w, j + w]
            c2 = G2[i + w, j + w]
            if not (c1 == c1 and c2 == c2):
                continue
            q1 = q2 = sw = 0.0
            r0 = orow[i, j]
            k0 = ocol[i, j]
            for dy in range(k):
                r = i + dy
                for dx in range(k):
                    c = j + dx
                    if (abs(G1[r, c] - c1) < th1) & (abs(G2[r, c] - c2) < th2):
                        wg = np.float32(1.0) / (OMS[r, c] * dist[dy, dx] + np.float32(1e-7))
                        sw += wg
                        q1 += wg * C1s[r, c]
                        q2 += wg * C2s[r, c]
                        for s in range(S):
                            a = JR[r, c, s]
                            if a < 0:
                                break
                            A[i, j, (a - r0) * kc + (JC[r, c, s] - k0)] += wg * wt[r, c, s]
            Q[0, i, j] = q1
            Q[1, i, j] = q2
            Q[2, i, j] = sw


def _aggregate_separable_loop(G1, G2, OMS, C1s, C2s, PR, U, VdT, F, hasf, dist, th1, th2, w, orow, ocol, kc, Q, A,
                              SA):
    """:func:`_aggregate_loop` for a separable resampling: fine row r reads coarse rows PR[r] + a with weights
    U[r, a]; ``VdT[j, b, dx]``: the weight of coarse column F[j] + b in window column j + dx (dense, the frame of
    the centres of column j: :func:`_column_frames`).  Per window row, branch-free: the neighbours' weights (0
    where not similar) into a buffer, their sums per coarse column, then those spread over the row's coarse rows.
    Each centre's A is summed in float64, then stored normalised (divided by its weight sum) in float32 ``A``,
    with its float64 sum in ``SA`` (see :meth:`EstarfmTilePlan.weighted_mean`)."""
    th, tw = Q.shape[1], Q.shape[2]
    k = 2 * w + 1
    br, kcw = U.shape[1], VdT.shape[1]
    K2 = A.shape[2]
    kr = K2 // kc
    wrow = np.zeros(k)
    tmp = np.zeros(kcw)
    acc = np.zeros(K2)
    zero = np.float32(0.0)
    for i in range(th):
        for j in range(tw):
            c1 = G1[i + w, j + w]
            c2 = G2[i + w, j + w]
            if not (c1 == c1 and c2 == c2):
                continue
            acc[:] = 0.0
            q1 = q2 = sw = 0.0
            r0 = orow[i, j]
            off = F[j] - ocol[i, j]
            nb = min(kcw, kc - off)
            for dy in range(k):
                r = i + dy
                s0 = s1 = s2 = sh = 0.0
                for dx in range(k):
                    c = j + dx
                    sim = (abs(G1[r, c] - c1) < th1) & (abs(G2[r, c] - c2) < th2)
                    wg = np.float32(1.0) / (OMS[r, c] * dist[dy, dx] + np.float32(1e-7))
                    wg = wg if sim else zero
                    s0 += wg
                    s1 += wg * C1s[r, c]
                    s2 += wg * C2s[r, c]
                    wh = wg * hasf[r, c]
                    wrow[dx] = wh
                    sh += wh
                sw += s0
                q1 += s1
                q2 += s2
                rb0 = PR[r] - r0
                if sh == 0.0 or rb0 < 0 or off < 0:
                    continue
                for b in range(nb):
                    t = 0.0
                    for dx in range(k):
                        t += wrow[dx] * VdT[j, b, dx]
                    tmp[b] = t
                for a in range(min(br, kr - rb0)):
                    u = U[r, a]
                    rb = (rb0 + a) * kc + off
                    for b in range(nb):
                        acc[rb + b] += u * tmp[b]
            Q[0, i, j] = q1
            Q[1, i, j] = q2
            Q[2, i, j] = sw
            total = 0.0
            for t in range(K2):
                v = acc[t] / sw
                A[i, j, t] = v
                total += v
            SA[i, j] = total


def _column_frames(PC, V, used, tw, k):
    """(VdT, F) of :func:`_aggregate_separable_loop`: per window start j, the coarse columns its window's used
    columns read, from F[j] (the least), as a dense (tw, kcw, k) table of V."""
    bc = V.shape[1]
    F = np.zeros(tw, np.int64)
    hi = np.zeros(tw, np.int64)
    for j in range(tw):
        ok = used[j:j + k]
        if ok.any():
            pcs = PC[j:j + k][ok]
            F[j], hi[j] = pcs.min(), pcs.max() + bc
    kcw = int(max(1, (hi - F).max()))
    VdT = np.zeros((tw, kcw, k))
    jj, dd = np.nonzero(np.lib.stride_tricks.sliding_window_view(used, k)[:tw])
    cc = jj + dd
    for b in range(bc):
        VdT[jj, PC[cc] - F[jj] + b, dd] = V[cc, b]
    return VdT, F


def _separable(idx, wt, jr, jc, has, rmin, cmin):
    """(PR, U, PC, V) when every fine pixel's resampling weights are U[row] x V[column] (a north-up resampling in
    the same CRS), to float32 rounding of the impulse responses; else None."""
    if not has.any():
        return None
    ok_rows, ok_cols = has.any(1), has.any(0)
    # each fine row's first coarse row, each fine column's first coarse column (a pixel whose first weight is an
    # exact zero, e.g. on a coarse pixel's centre, starts later: the factors below give it that zero)
    PR = np.where(ok_rows, np.where(has, rmin, np.iinfo(np.int32).max).min(1), 0)
    PC = np.where(ok_cols, np.where(has, cmin, np.iinfo(np.int32).max).min(0), 0)
    # only the pixels in ``has`` are ever aggregated, so only theirs build the factors: a row or column without
    # one (the NaN halo of an edge tile, which the MODIS margin still reaches) has PR or PC 0, and counting its
    # entries would make the boxes as large as the MODIS raster (a (H, W, br, bc) array of tens of GiB)
    used = (idx >= 0) & has[..., None]
    br = int(np.where(used, jr - PR[:, None, None], 0).max()) + 1
    bc = int(np.where(used, jc - PC[None, :, None], 0).max()) + 1
    B = np.zeros(idx.shape[:2] + (br, bc))
    rr, cc, ss = np.nonzero(used)
    B[rr, cc, jr[rr, cc, ss] - PR[rr], jc[rr, cc, ss] - PC[cc]] = wt[rr, cc, ss]
    total = B.sum((2, 3))
    if not np.allclose(total[has], 1.0, rtol=0, atol=1e-6):
        return None
    # the row factor from each row's pixels, the column factor from each column's (means over valid pixels)
    n_r, n_c = np.maximum(has.sum(1), 1), np.maximum(has.sum(0), 1)
    U = (B.sum(3) * has[..., None]).sum(1) / n_r[:, None]
    V = (B.sum(2) * has[..., None]).sum(0) / n_c[:, None]
    rebuilt = U[:, None, :, None] * V[None, :, None, :]
    if not np.all(np.abs(rebuilt - B)[has] <= 1e-6):
        return None
    return PR.astype(np.int64), U, PC.astype(np.int64), V


def _aggregate_offsets(G1, G2, OMS, C1s, C2s, JR, JC, wt, dist, th1, th2, w, orow, ocol, kc, Q, A):
    """NumPy path of :func:`_aggregate_loop`: one whole-tile step per window offset and impulse slot."""
    from .tiling import check_tile_cancel

    th, tw = Q.shape[1], Q.shape[2]
    K2 = A.shape[2]
    cG1, cG2 = G1[w:w + th, w:w + tw], G2[w:w + th, w:w + tw]
    Af = A.reshape(-1)
    base = np.arange(th * tw).reshape(th, tw) * K2
    for dy in range(2 * w + 1):
        check_tile_cancel()
        for dx in range(2 * w + 1):
            sl = (slice(dy, dy + th), slice(dx, dx + tw))
            m = (np.abs(G1[sl] - cG1) < th1) & (np.abs(G2[sl] - cG2) < th2)
            if not m.any():
                continue
            wg = np.where(m, np.float32(1.0) / (OMS[sl] * np.float32(dist[dy, dx]) + np.float32(1e-7)),
                          np.float32(0.0))
            Q[0] += wg * C1s[sl]
            Q[1] += wg * C2s[sl]
            Q[2] += wg
            for s in range(JR.shape[2]):
                jr = JR[sl + (s,)].astype(np.int64)
                use = m & (jr >= 0)
                if not use.any():
                    continue
                local = (jr - orow) * kc + (JC[sl + (s,)] - ocol)
                Af[(base + local)[use]] += (wg * wt[sl + (s,)])[use]  # one slot per centre: no repeats


def _weighted_mean_loop(A, Mz, orow, ocol, out):
    th, tw, kr, kc = A.shape
    for i in range(th):
        for j in range(tw):
            r0, c0 = orow[i, j], ocol[i, j]
            s = 0.0
            for a in range(kr):
                Ar = A[i, j, a]  # one row of the box as a contiguous slice: 2.2x faster than 4-d indexing
                Mr = Mz[r0 + a, c0:c0 + kc]
                for b in range(kc):
                    s += Ar[b] * Mr[b]
            out[i, j] = s


def _window_extreme(a, w, fn, fill):
    return fn(a, size=2 * w + 1, mode="constant", cval=fill)[w:a.shape[0] - w, w:a.shape[1] - w]


# ---------------------------------------------------------------- one tile

class EstarfmTilePlan:
    """One tile's per-reference-set state; :meth:`predict` gives ``estarfm()``'s tile for any date.

    ``blocks``: F1, C1, F2, C2 cut with a NaN halo of ``w`` (as ``run_tiled`` cuts them); ``resampling``: the
    :class:`LinearResampling` of the same halo'd block; ``params``: th1, th2, celsius, shift (the image-wide
    statistics ``estarfm()`` computes), change_threshold, min_similar, engine, quantity, mode.
    """

    def __init__(self, blocks, resampling, w, th1, th2, celsius, shift, change_threshold=1.0, min_similar=5,
                 engine="numpy", quantity="lst", mode="published"):
        F1, C1, F2, C2 = (np.asarray(b, np.float64) for b in blocks)
        self.w, self.mode, self.shift = w, mode, shift
        self.last_exact = 0  # centres of the last predict() computed by the per-date kernel
        self.refs = (F1, C1, F2, C2)  # kept for the exact per-date fallback
        self.resampling = resampling
        self.kernel = make_kernel(w, th1, th2, celsius, change_threshold, min_similar, shift, engine, quantity,
                                      mode)
        if quantity == "lst":
            self.limits, koff = physical_range(celsius), (KELVIN_OFFSET if celsius else 0.0)
        else:
            self.limits, koff = (0.0, 1.0), 0.0
        hh, ww = F1.shape
        th, tw = hh - 2 * w, ww - 2 * w
        valid = np.isfinite(F1) & np.isfinite(C1) & np.isfinite(F2) & np.isfinite(C2)
        self.valid = valid
        # the same inputs as make_kernel where C0 is valid (so the same sums, bit for bit)
        G1 = np.where(valid, F1, np.nan)
        G2 = np.where(valid, F2, np.nan)
        z = lambda a: np.where(valid, a, 0.0)  # noqa: E731
        F1z, C1z, F2z, C2z = z(F1), z(C1), z(F2), z(C2)
        with np.errstate(divide="ignore", invalid="ignore"):
            a1 = np.abs((F1z - C1z) / (F1z + C1z + 2 * koff))
            a2 = np.abs((F2z - C2z) / (F2z + C2z + 2 * koff))
        oms = 0.5 * (a1 + a2)
        oms[~np.isfinite(oms)] = 0.5
        oms = oms.astype(np.float32)
        X1, X2, Y1, Y2 = (np.where(valid, a - shift, 0.0) for a in (C1z, C2z, F1z, F2z))
        P = np.stack([np.zeros_like(F1z), np.zeros_like(F1z), F1z, F2z]).astype(np.float32)
        S64, S32 = estarfm_sums(engine, G1, G2, X1, X2, Y1, Y2, oms, P, th1, th2, w)
        sw, _, _, sf1, sf2 = S32.astype(np.float64)
        self.enough = S64[0] > min_similar
        self.V = conversion_coefficient(S64, change_threshold, mode)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.cnt = window_sum(valid.astype(np.float64), w)
            self.m1 = window_sum(C1z, w) / self.cnt
            self.m2 = window_sum(C2z, w) / self.cnt
            self.r = (sf1 / sw, sf2 / sw)
        cs = (slice(w, w + th), slice(w, w + tw))
        self.cF = (F1z[cs], F2z[cs])
        self.cvalid = valid[cs]
        # the coarse box each centre's window reads
        self.numba = engine == "numba"
        mh, mw = resampling.coarse_shape
        big = np.iinfo(np.int32).max
        f = resampling.factors if self.numba else None
        if f is not None:  # from the factors: no per-pixel slots
            has = f.has
            rmin = np.where(has, f.PR[:, None], big)
            cmin = np.where(has, f.PC[None, :], big)
            rlast = np.where(has, line_last(f.PR, f.U, f.hasr)[:, None], -1)
            clast = np.where(has, line_last(f.PC, f.V, f.hasc)[None, :], -1)
        else:
            idx = resampling.idx
            has = idx[..., 0] >= 0
            jr = np.where(idx >= 0, idx // mw, -1)
            jc = np.where(idx >= 0, idx % mw, -1)
            rmin = np.where(has, np.where(idx >= 0, jr, big).min(-1), big)
            cmin = np.where(has, np.where(idx >= 0, jc, big).min(-1), big)
            rlast, clast = jr.max(-1), jc.max(-1)
        orow = _window_extreme(rmin, w, _minimum_filter(), big)
        ocol = _window_extreme(cmin, w, _minimum_filter(), big)
        rmax = _window_extreme(rlast, w, _maximum_filter(), -1)
        cmax = _window_extreme(clast, w, _maximum_filter(), -1)
        reach = rmax >= 0
        orow = np.where(reach, orow, 0).astype(np.int64)
        ocol = np.where(reach, ocol, 0).astype(np.int64)
        self.kr = int(max(1, (np.where(reach, rmax - orow + 1, 1)).max()))
        self.kc = int(max(1, (np.where(reach, cmax - ocol + 1, 1)).max()))
        self.orow, self.ocol = orow, ocol
        Q = np.zeros((3, th, tw))
        head = (G1, G2, oms, np.where(valid, C1 - shift, 0.0), np.where(valid, C2 - shift, 0.0))
        tail = (distance_table(w, w, np.float32), th1, th2, w, orow, ocol, self.kc, Q)
        K2 = self.kr * self.kc
        # R need factor only where the references are valid (the only pixels ever similar)
        sep = None
        if f is not None:
            sep = (f.PR, f.U, f.PC, f.V)
        elif self.numba:
            sep = _separable(idx, resampling.wt, jr, jc, has & valid, rmin, cmin)
        self.separable = sep is not None
        if sep is not None:  # R = U(row) x V(column): per window row, the columns' weights first
            PR, U, PC, V = sep
            used = (has & valid).any(0)  # the columns ever aggregated
            VdT, F = _column_frames(PC, V, used, tw, 2 * w + 1)
            A = np.zeros((th, tw, K2), np.float32)
            self.SA = np.full((th, tw), np.nan)
            _jit(_aggregate_separable_loop)(*head, PR, U, VdT, F, has.astype(np.float64), *tail, A, self.SA)
        else:
            A = np.zeros((th, tw, K2))
            slots = (jr.astype(np.int32), jc.astype(np.int32), resampling.wt)
            (_jit(_aggregate_loop) if self.numba else _aggregate_offsets)(*head, *slots, *tail, A)
            with np.errstate(divide="ignore", invalid="ignore"):
                A /= Q[2][..., None]
            self.SA = A.sum(-1)
            A = A.astype(np.float32)
        # A normalised by the float64 weight sum, in float32; its float64 sum SA keeps A M exact (weighted_mean)
        self.A = A.reshape(th, tw, self.kr, self.kc)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.q = (Q[0] / Q[2], Q[1] / Q[2])

    def resampled(self, M):
        """The date's C0 as R M rounded to float32 (what the resampler writes), or None when a coarse pixel the
        block reads is NaN (the resampler then renormalises around it: read it from the resampler)."""
        return self.resampling.resampled(M)

    @property
    def nbytes(self):
        """Bytes this plan holds (its arrays)."""
        arrays = [self.A, self.SA, self.V, self.enough, self.cnt, self.m1, self.m2, *self.r, *self.cF, self.cvalid, self.orow,
                  self.ocol, *self.q, *self.refs, self.valid]
        return int(sum(a.nbytes for a in arrays)) + self.resampling.packed_nbytes

    def weighted_mean(self, M):
        """sum_i W_i (R M)_i / sum_i W_i per centre (float64), from the aggregated weights: A (normalised, float32)
        on M - shift (a few K), plus shift x SA (A's float64 sum), so A's float32 rounding costs ~1e-6 K where
        A M itself (~300 K) would cost ~1e-4 K.  A NaN coarse pixel counts as shift (its centres are recomputed
        by the per-date kernel)."""
        mh, mw = self.resampling.coarse_shape
        Mz = np.zeros((mh + self.kr, mw + self.kc))
        Mz[:mh, :mw] = np.nan_to_num(np.asarray(M, np.float64) - self.shift, nan=0.0)
        if self.numba:
            out = np.empty(self.orow.shape)
            _jit(_weighted_mean_loop)(self.A, Mz, self.orow, self.ocol, out)
        else:
            patches = np.lib.stride_tricks.sliding_window_view(Mz, (self.kr, self.kc))[self.orow, self.ocol]
            out = np.einsum("ijab,ijab->ij", self.A, patches, dtype=np.float64)
        return out + self.shift * self.SA

    def predict(self, M, C0, fallback=True, linear=False):
        """The fused tile (float64, NaN where invalid) at the date whose coarse pixels are ``M`` (the coarse
        grid) and whose resampled coarse block (halo'd like the references, as ``estarfm`` reads it) is ``C0``;
        equal to ``estarfm()``'s tile within float rounding.  ``fallback=False``: the aggregated weights
        everywhere, also where the date is not R M (only to measure what the fallback corrects); ``linear``:
        ``C0`` is R M itself (:meth:`resampled`), so only its NaN pixels need the per-date kernel."""
        w = self.w
        C0 = np.asarray(C0, np.float64)
        M = np.asarray(M, np.float64)
        f0 = np.isfinite(C0)
        # fine pixels where the date is not R M: nodata, or a nodata MODIS pixel under the resampling kernel
        if linear:
            off = ~f0 & self.valid
        else:
            off = self.resampling.not_linear(M, C0, self.numba) & self.valid
        with np.errstate(divide="ignore", invalid="ignore"):
            m0 = window_sum(np.where(self.valid & f0, C0, 0.0), w) / self.cnt
            s = self.weighted_mean(M) - self.shift
            d = (s - self.q[0], s - self.q[1])
        out = blend(self.enough, self.V, 1.0, d, self.r, self.cF, (m0, self.m1, self.m2), self.limits, self.mode)
        out[~self.cvalid] = np.nan
        # the per-date kernel on the centres whose window holds a pixel in ``off``
        self.last_exact = exact_centres(self.kernel, self.refs + (C0,), off, w, out) if fallback and off.any() else 0
        return out


def _minimum_filter():
    from scipy import ndimage

    return ndimage.minimum_filter


def _maximum_filter():
    from scipy import ndimage

    return ndimage.maximum_filter


# ---------------------------------------------------------------- a whole image

class EstarfmPlan:
    """ESTARFM over a whole fine grid for many dates sharing one reference set.

    The same arguments as :func:`core.fusion.estarfm.estarfm` less ``coarse0``, plus ``resampling`` (the
    :class:`LinearResampling` of the whole fine grid, e.g. ``LinearResampling.from_grids``) and, for
    :meth:`predict` without the resampled date, ``resample`` (coarse array -> fine image).  ``predict(M)``
    equals ``estarfm(fine1, coarse1, fine2, coarse2, resample(M), ...)`` within float rounding.
    """

    def __init__(self, fine1, coarse1, fine2, coarse2, resampling, resample=None, window=2 * DEFAULT_HALF_WINDOW + 1,
                 classes=DEFAULT_CLASSES, change_threshold=1.0, min_similar=5, tile=128, progress=None, cancel=None,
                 workers=None, engine="auto", quantity="lst", mode="published"):
        named = {"FINE_REF1": fine1, "COARSE_REF1": coarse1, "FINE_REF2": fine2, "COARSE_REF2": coarse2}
        _check_inputs(named, window)
        if quantity not in QUANTITIES:
            raise LstFusionError("QUANTITY", f"quantity must be one of {', '.join(QUANTITIES)}, not {quantity!r}")
        if mode not in MODES:
            raise LstFusionError("MODE", f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        arrays = [np.asarray(a, dtype=np.float64) for a in named.values()]
        if resampling.shape != arrays[0].shape:
            raise LstFusionError("COARSE_REF1", f"the resampling is for {resampling.shape[1]}x"
                                 f"{resampling.shape[0]} px, the references are {arrays[0].shape[1]}x"
                                 f"{arrays[0].shape[0]} px")
        engine = resolve_engine(engine)
        if engine == "torch":
            engine = "numpy"  # the aggregation has no torch path; the window sums match within rounding
        self.w = w = window // 2
        self.shape = arrays[0].shape
        self.resample = resample
        self.cancel = cancel
        self.workers = workers or task_threads()
        params = dict(th1=similarity_threshold(arrays[0], classes), th2=similarity_threshold(arrays[2], classes),
                      celsius=is_celsius(arrays[0]), shift=float(np.nanmean(arrays[1])),
                      change_threshold=change_threshold, min_similar=min_similar, engine=engine, quantity=quantity,
                      mode=mode)
        self.windows = list(tiles(self.shape, tile))

        def one(t):
            check_cancel(cancel)
            r0, r1, c0, c1 = t
            return EstarfmTilePlan([halo_block(a, r0, r1, c0, c1, w) for a in arrays],
                                   resampling.block(r0, r1, c0, c1, w), w, **params)

        self.tiles = []
        with ThreadPoolExecutor(self.workers) as pool:
            for n, p in enumerate(pool.map(one, self.windows), 1):
                self.tiles.append(p)
                if progress:
                    progress(100.0 * n / len(self.windows))

    @property
    def nbytes(self):
        return sum(t.nbytes for t in self.tiles)

    def predict(self, M, coarse0=None):
        """The fused image (float32) for the date whose coarse pixels are ``M``; ``coarse0``: ``M`` on the fine
        grid (default ``resample(M)``)."""
        if coarse0 is None:
            if self.resample is None:
                raise LstFusionError("COARSE_TARGET", "give the date on the fine grid too, or build the plan with "
                                                      "resample")
            coarse0 = self.resample(np.asarray(M, np.float32))
        coarse0 = np.asarray(coarse0, np.float64)
        out = np.full(self.shape, np.nan, np.float32)

        def one(k):
            check_cancel(self.cancel)
            r0, r1, c0, c1 = self.windows[k]
            out[r0:r1, c0:c1] = self.tiles[k].predict(M, halo_block(coarse0, r0, r1, c0, c1, self.w))

        with ThreadPoolExecutor(self.workers) as pool:
            list(pool.map(one, range(len(self.tiles))))
        return out


# ---------------------------------------------------------------- the series' hook (core.fusion.methods.ReferenceSetPlan)

PLAN_MIN_DATES = 8  # dates of one reference set from which the plan pays on numba (docs/series_precompute.md); it
# runs on numba and NumPy (its entry's ReferenceSetPlan)
PLAN_TAG = "estarfm reference-set plan"  # a date's PRECOMPUTED tag


def tile_plan(refs, resampling, halo, params):
    """The plan of one tile's references ``refs`` (F1, C1, F2, C2 blocks with ``halo``) on ``resampling`` (the
    window's :class:`LinearResampling`), from the series' per-pair statistics and parameters ``params``: an
    object whose ``resampled(M)`` gives R M (or None) and ``predict(M, C0, linear)`` one date's tile."""
    from .estarfm import MIN_SIMILAR

    p = params
    return EstarfmTilePlan(refs, resampling, halo, p["th1"], p["th2"], p["celsius"], p["shift"], p["CHANGE_THRESHOLD"],
                           MIN_SIMILAR, p["ENGINE"], p["QUANTITY"])

