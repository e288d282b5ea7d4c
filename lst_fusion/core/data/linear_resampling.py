"""A coarse grid -> fine grid resampling as a sparse linear operator R (:class:`LinearResampling`), and its
row x column factors (:class:`Factors`) for a north-up resampling in one CRS.

R is obtained exactly by resampling staggered unit impulses with the resampler itself (core.data.resample),
so ``R M`` is the resampled image wherever no MODIS pixel under the kernel is nodata.  ESTARFM's
per-reference-set plan (core.fusion.estarfm_plan) aggregates its weights through R; the season report
(series.season) averages fused pixels per MODIS footprint with it.
"""
import numpy as np

from ..platform.errors import LstFusionError
from ..platform.jit import compiled as _jit

IMPULSE_SPACING = 4  # coarse pixels between two impulses of one phase: the 4-pixel cubic support (one impulse per footprint)
AGREE_K = 1e-4  # |C0 - R M| beyond which a fine pixel of the date counts as not linear (float32 rounding: ~3e-5)
APPLY_ROWS = 256  # fine rows per step of Factors.apply


class LinearResampling:
    """The coarse grid -> fine grid resampling as a sparse linear operator R.

    ``idx`` (H, W, S) int32: flat indices (row * coarse width + column) of the coarse pixels each fine pixel
    depends on, -1 padded; ``wt`` (H, W, S) float64: their weights, so that the resampled image is
    ``sum_s wt[..., s] * M.flat[idx[..., s]]``.

    ``factors`` (a north-up resampling in one CRS, :meth:`from_grids`): :class:`Factors`, R = U(row) x V(column);
    :meth:`apply` then costs two small products instead of a gather over every slot, and ``idx`` / ``wt`` are
    made from the factors only when asked for (the numba plan never asks).
    """

    def __init__(self, idx, wt, coarse_shape, factors=None):
        self._idx, self._wt = idx, wt
        self.coarse_shape = tuple(coarse_shape)
        self.factors = factors
        self._reads = None  # the coarse pixels R reads (resampled), made on first use

    @property
    def idx(self):
        if self._idx is None:
            self._idx, self._wt = _pack(self.factors, self.coarse_shape[1])
        return self._idx

    @property
    def wt(self):
        self.idx  # noqa: B018 (made with idx)
        return self._wt

    @property
    def shape(self):
        """The fine shape."""
        f = self.factors
        return (f.PR.size, f.PC.size) if f is not None else self._idx.shape[:2]

    @property
    def packed_nbytes(self):
        """Bytes of ``idx`` and ``wt`` as held now (0 while only the factors exist)."""
        return 0 if self._idx is None else self._idx.nbytes + self._wt.nbytes

    def reads(self):
        """The coarse pixels any fine pixel reads (coarse shape, bool)."""
        out = np.zeros(self.coarse_shape, bool)
        f = self.factors
        if f is None:
            out.flat[self.idx[self.idx >= 0]] = True
            return out
        has = f.has
        rows, cols = has.any(1), has.any(0)
        out[np.ix_(_line_reads(f.PR[rows], f.U[rows], self.coarse_shape[0]),
                   _line_reads(f.PC[cols], f.V[cols], self.coarse_shape[1]))] = True
        return out

    @classmethod
    def from_function(cls, resample, coarse_shape, spacing=IMPULSE_SPACING, check=True, inside=None):
        """R from ``resample(M) -> fine image`` (M: float32 coarse array), exactly, in 2 * ``spacing``^2 calls:
        for each phase, unit impulses ``spacing`` pixels apart (at most one in any kernel footprint), and the same
        impulses valued by their number + 1, whose ratio to the first names the impulse each fine pixel saw.
        ``check``: verify R M against ``resample(M)`` on a random M (else the resampler is not linear).
        ``inside`` (fine shape, bool): the only pixels that matter (e.g. the fine grid within a halo'd block); R
        has no entry elsewhere."""
        mh, mw = coarse_shape
        rows, cols = np.mgrid[0:mh, 0:mw]
        entries = []
        for a in range(min(spacing, mh)):
            for b in range(min(spacing, mw)):
                on = ((rows - a) % spacing == 0) & ((cols - b) % spacing == 0)
                per_row = -(-(mw - b) // spacing)
                number = ((rows - a) // spacing) * per_row + (cols - b) // spacing + 1
                one = resample(on.astype(np.float32)).astype(np.float64)
                named = resample(np.where(on, number, 0).astype(np.float32)).astype(np.float64)
                hit = np.isfinite(one) & (one != 0)
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(hit, named / one, 1.0)
                k = np.rint(ratio).astype(np.int64) - 1
                jr, jc = a + (k // per_row) * spacing, b + (k % per_row) * spacing
                ok = (np.abs(ratio - (k + 1)) < 0.25) & (k >= 0) & (jr < mh) & (jc < mw)
                if (hit & ~ok).any():
                    raise LstFusionError("METHOD", "the resampling is not linear with a support under "
                                                   f"{spacing} coarse pixels; use nearest, bilinear or bicubic")
                entries.append((np.where(hit, jr * mw + jc, -1), np.where(hit, one, 0.0)))
        count = sum((e[0] >= 0).astype(np.int32) for e in entries)
        S = max(1, int(count.max()))
        shape = entries[0][0].shape
        idx = np.full(shape + (S,), -1, np.int32)
        wt = np.zeros(shape + (S,))
        fill = np.zeros(shape, np.int32)
        r, c = np.indices(shape)
        for j, v in entries:  # packed: the entries of a pixel first, then -1
            m = j >= 0
            idx[r[m], c[m], fill[m]] = j[m]
            wt[r[m], c[m], fill[m]] = v[m]
            fill[m] += 1
        if inside is not None:
            idx[~inside] = -1
            wt[~inside] = 0.0
        out = cls(idx, wt, coarse_shape)
        if check:
            if not out._reproduces(resample, inside):
                raise LstFusionError("METHOD", "the resampling is not linear in the coarse pixels; use nearest, "
                                               "bilinear or bicubic")
        return out

    @classmethod
    def from_grids(cls, src_grid, dst_grid, method="bicubic", inside=None):
        """R of core.data.resample.resample_to_grid from ``src_grid`` onto ``dst_grid`` (what align_pairs and
        the series' per-window reading do); ``inside``: as for :meth:`from_function`.  North-up in one CRS, R is
        measured as row and column factors (:meth:`_from_lines`, 17 GDAL calls, 16 of them on a line of pixels),
        else, or where GDAL's kernel does not factor (its bicubic turns bilinear within 2 coarse pixels of the
        MODIS raster's edge), pixel by pixel (33 calls on the whole grid)."""
        from .resample import resample_to_grid

        out = cls.factored(src_grid, dst_grid, method, inside)
        if out is not None:
            return out
        # outside_ok: where no coarse pixel reaches (a MODIS raster covering part of the grid), R M is NaN
        return cls.from_function(lambda m: resample_to_grid(m, src_grid, dst_grid, method, outside_ok=True),
                                 src_grid.shape, inside=inside)

    @classmethod
    def factored(cls, src_grid, dst_grid, method="bicubic", inside=None):
        """R as row x column factors (:meth:`_from_lines`: no per-pixel slots, so also for a whole Landsat grid),
        or None where it does not factor so (not north-up in one CRS, or GDAL's bicubic at the MODIS raster's
        edge inside ``inside``)."""
        from .resample import resample_to_grid

        if not (_north_up(src_grid) and _north_up(dst_grid) and src_grid.same_crs(dst_grid)):
            return None
        return cls._from_lines(lambda m, grid=dst_grid: resample_to_grid(m, src_grid, grid, method, outside_ok=True),
                               src_grid.shape, dst_grid, inside=inside)

    @classmethod
    def _from_lines(cls, resample, coarse_shape, dst_grid, spacing=IMPULSE_SPACING, inside=None):
        """R measured as its row and column factors (a north-up resampling in one CRS is U(row) x V(column)):
        coarse images constant along one axis, with staggered impulses along the other, resampled onto one fine
        column (rows' factors) or one fine row (columns'): 4 * ``spacing`` calls on a line of pixels, then one
        check of R M against ``resample(M)`` on the whole grid.  None when the resampling does not factor so
        (the caller then measures R pixel by pixel)."""
        from rasterio.transform import Affine

        mh, mw = coarse_shape
        parts = []
        for axis in (0, 1):  # 0: the rows' factor, read on one fine column
            n, fine_n = (mh, dst_grid.height) if axis == 0 else (mw, dst_grid.width)
            line = (dst_grid.width if axis == 0 else dst_grid.height) // 2  # a line through the middle
            g = type(dst_grid)(dst_grid.crs, dst_grid.transform * (Affine.translation(line, 0) if axis == 0 else
                                                                    Affine.translation(0, line)),
                               1 if axis == 0 else dst_grid.width, dst_grid.height if axis == 0 else 1)
            pos = np.arange(n)
            entries = []
            for a in range(min(spacing, n)):
                on = (pos - a) % spacing == 0
                number = (pos - a) // spacing + 1
                as_image = (lambda v: np.repeat(v[:, None], mw, 1)) if axis == 0 else (
                    lambda v: np.repeat(v[None, :], mh, 0))
                one = resample(as_image(on.astype(np.float32)), g).astype(np.float64).ravel()
                named = resample(as_image(np.where(on, number, 0).astype(np.float32)), g).astype(np.float64).ravel()
                hit = np.isfinite(one) & (one != 0)
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = np.where(hit, named / one, 1.0)
                k = np.rint(ratio).astype(np.int64) - 1
                j = a + k * spacing
                if (hit & ~((np.abs(ratio - (k + 1)) < 0.25) & (k >= 0) & (j < n))).any():
                    return None
                entries.append((np.where(hit, j, -1), np.where(hit, one, 0.0)))
            parts.append(_line_factor(entries, fine_n))
        (PR, U, hasr), (PC, V, hasc) = parts
        f = Factors(PR, U, hasr, PC, V, hasc, inside)
        out = cls(None, None, coarse_shape, f)
        return out if out._reproduces(resample, inside) else None

    def _reproduces(self, resample, inside=None):
        """R M equals ``resample(M)`` (within AGREE_K, NaN where it is NaN) on a random M, inside ``inside``."""
        M = (np.random.default_rng(0).random(self.coarse_shape) * 20 + 290).astype(np.float32)
        ref = resample(M).astype(np.float64)
        if inside is not None:
            ref[~inside] = np.nan
        got = self.apply(M)
        both = np.isfinite(ref)
        return np.array_equal(both, np.isfinite(got)) and np.allclose(got[both], ref[both], rtol=0, atol=AGREE_K)

    def resampled(self, M):
        """The date's fine block as R M rounded to float32 (what the resampler writes), or None when a coarse pixel
        R reads is NaN (the resampler then renormalises around it: read it from the resampler)."""
        if self._reads is None:
            self._reads = self.reads()
        M = np.asarray(M)
        if not np.isfinite(M[self._reads]).all():
            return None
        return self.apply(M).astype(np.float32).astype(np.float64)

    def apply(self, M):
        """R M (float64, the fine shape; NaN where no coarse pixel reaches; NaN coarse pixels count as 0)."""
        if self.factors is not None:
            return self.factors.apply(M, self.coarse_shape)
        flat = np.nan_to_num(np.asarray(M, np.float64).ravel(), nan=0.0)
        out = (self.wt * flat[np.maximum(self.idx, 0)]).sum(-1)
        out[self.idx[..., 0] < 0] = np.nan
        return out

    def touches(self, bad):
        """Fine pixels whose resampling reads a coarse pixel flagged in ``bad`` (coarse shape, bool)."""
        flat = np.asarray(bad, bool).ravel()
        return (flat[np.maximum(self.idx, 0)] & (self.idx >= 0)).any(-1)

    def not_linear(self, M, fine, numba=False):
        """Fine pixels where ``fine`` (the resampled M) is not R M: NaN, reading a NaN coarse pixel, or off by
        more than AGREE_K."""
        M = np.asarray(M, np.float64)
        if numba:
            out = np.empty(fine.shape, bool)
            _jit(_not_linear_loop)(self.idx, self.wt, M.ravel(), np.asarray(fine, np.float64), AGREE_K, out)
            return out
        with np.errstate(invalid="ignore"):
            return ~np.isfinite(fine) | self.touches(~np.isfinite(M)) | ~(np.abs(fine - self.apply(M)) <= AGREE_K)

    def block(self, r0, r1, c0, c1, halo):
        """The operator for the fine rows r0-halo..r1+halo, columns c0-halo..c1+halo (-1 outside)."""
        H, W, S = self.idx.shape
        idx = np.full((r1 - r0 + 2 * halo, c1 - c0 + 2 * halo, S), -1, np.int32)
        wt = np.zeros(idx.shape)
        sr0, sr1, sc0, sc1 = max(r0 - halo, 0), min(r1 + halo, H), max(c0 - halo, 0), min(c1 + halo, W)
        dst = (slice(sr0 - (r0 - halo), sr1 - (r0 - halo)), slice(sc0 - (c0 - halo), sc1 - (c0 - halo)))
        idx[dst] = self.idx[sr0:sr1, sc0:sc1]
        wt[dst] = self.wt[sr0:sr1, sc0:sc1]
        f = self.factors
        if f is not None:
            mask = None if f.mask is None else (idx[..., 0] >= 0)
            f = Factors(*_cut_line(f.PR, f.U, f.hasr, r0 - halo, r1 + halo),
                        *_cut_line(f.PC, f.V, f.hasc, c0 - halo, c1 + halo), mask)
        return LinearResampling(idx, wt, self.coarse_shape, f)


class Factors:
    """A separable R: fine row r reads coarse rows PR[r] + a with weights U[r, a], fine column c coarse columns
    PC[c] + b with V[c, b] (trimmed: U[r, 0] and V[c, 0] are the first non-zero weights); ``hasr`` / ``hasc``: the
    lines any coarse pixel reaches (elsewhere U or V is 0 and PR or PC repeats the nearest reached line's);
    ``mask`` (optional, fine shape): the only pixels R has entries for."""

    def __init__(self, PR, U, hasr, PC, V, hasc, mask=None):
        self.PR, self.U, self.hasr, self.PC, self.V, self.hasc = PR, U, hasr, PC, V, hasc
        self.mask = mask

    @property
    def has(self):
        """The fine pixels R has entries for."""
        ok = self.hasr[:, None] & self.hasc[None, :]
        return ok if self.mask is None else ok & self.mask

    def apply(self, M, coarse_shape):
        """R M as U M V' over the coarse box the lines read (float64; NaN where no coarse pixel reaches; NaN
        coarse pixels count as 0)."""
        mh, mw = coarse_shape
        br, bc = self.U.shape[1], self.V.shape[1]
        out = np.full((self.PR.size, self.PC.size), np.nan)
        if not (self.hasr.any() and self.hasc.any()):
            return out
        a0, a1 = int(self.PR[self.hasr].min()), int(self.PR[self.hasr].max()) + br
        b0, b1 = int(self.PC[self.hasc].min()), int(self.PC[self.hasc].max()) + bc
        Mz = np.zeros((a1 - a0, b1 - b0))
        src = np.nan_to_num(np.asarray(M, np.float64)[a0:min(a1, mh), b0:min(b1, mw)], nan=0.0)
        Mz[:src.shape[0], :src.shape[1]] = src
        rows = np.clip(self.PR - a0, 0, a1 - a0 - br)[:, None] + np.arange(br)
        cols = np.clip(self.PC - b0, 0, b1 - b0 - bc)[:, None] + np.arange(bc)
        T = np.einsum("ra,rac->rc", self.U, Mz[rows])  # the rows' factor: (fine rows, coarse columns)
        ok = self.has
        for a in range(0, out.shape[0], APPLY_ROWS):  # strips: a whole Landsat grid's (rows, cols, bc) stays small
            sl = slice(a, a + APPLY_ROWS)
            res = np.einsum("cb,rcb->rc", self.V, T[sl][:, cols])
            out[sl][ok[sl]] = res[ok[sl]]
        return out


def _north_up(grid):
    t = grid.transform
    return t.b == 0 and t.d == 0


def _line_factor(entries, n):
    """(P, U, has) of one axis from each phase's (coarse index or -1, weight) per fine line."""
    J = np.stack([e[0] for e in entries], 1)  # (fine lines, phases)
    Wt = np.stack([e[1] for e in entries], 1)
    has = (J >= 0).any(1)
    big = np.iinfo(np.int64).max
    first = np.where(J >= 0, J, big).min(1)
    last = np.where(J >= 0, J, -1).max(1)
    width = int(max(1, (last - first + 1)[has].max())) if has.any() else 1
    P = np.where(has, first, 0)
    U = np.zeros((n, width))
    rr, pp = np.nonzero(J >= 0)
    U[rr, J[rr, pp] - P[rr]] = Wt[rr, pp]
    if has.any():  # unreached lines repeat the nearest reached line's first index (safe to index, weight 0)
        reached = np.flatnonzero(has)
        near = reached[np.clip(np.searchsorted(reached, np.arange(n)), 0, reached.size - 1)]
        P = np.where(has, P, P[near])
    return P.astype(np.int64), U, has


def _line_reads(P, U, n):
    """The coarse lines (sorted, below n) that lines starting at P with weights U read."""
    hit = np.unique((P[:, None] + np.arange(U.shape[1]))[U != 0])
    return hit[hit < n]


def line_last(P, U, has):
    """Per fine line, the last coarse line its weights reach (-1 where none)."""
    nz = U != 0
    last = U.shape[1] - 1 - np.argmax(nz[:, ::-1], axis=1)
    return np.where(has & nz.any(1), P + last, -1)


def _cut_line(P, U, has, a, b):
    """Lines a..b-1 of one axis' factor (lines outside: unreached)."""
    n = P.size
    sel = np.arange(a, b)
    inside = (sel >= 0) & (sel < n)
    s = np.clip(sel, 0, n - 1)
    return P[s], np.where(inside[:, None], U[s], 0.0), has[s] & inside


def _pack(f, mw):
    """idx, wt (the per-pixel slots of :class:`LinearResampling`) of the factors ``f``, non-zero weights first."""
    PR, U, PC, V = f.PR, f.U, f.PC, f.V
    br, bc = U.shape[1], V.shape[1]
    rows = PR[:, None] + np.arange(br)  # (H, br)
    cols = PC[:, None] + np.arange(bc)  # (W, bc)
    idx = (rows[:, None, :, None] * mw + cols[None, :, None, :]).reshape(PR.size, PC.size, br * bc)
    wt = (U[:, None, :, None] * V[None, :, None, :]).reshape(idx.shape)
    use = (wt != 0) & f.has[..., None]
    S = max(1, int(use.sum(-1).max()))
    order = np.argsort(~use, axis=-1, kind="stable")[..., :S]
    use = np.take_along_axis(use, order, -1)
    idx = np.where(use, np.take_along_axis(idx, order, -1), -1).astype(np.int32)
    wt = np.where(use, np.take_along_axis(wt, order, -1), 0.0)
    return idx, wt


def _not_linear_loop(idx, wt, M, fine, tol, out):
    h, w, S = idx.shape
    for i in range(h):
        for j in range(w):
            f = fine[i, j]
            bad = not (f == f)
            s = 0.0
            for k in range(S):
                jj = idx[i, j, k]
                if jj < 0:
                    break
                m = M[jj]
                if not (m == m):
                    bad = True
                    break
                s += wt[i, j, k] * m
            out[i, j] = bad or idx[i, j, 0] < 0 or not (abs(f - s) <= tol)
