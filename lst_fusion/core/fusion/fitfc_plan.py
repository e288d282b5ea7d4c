"""Fit-FC for a series: the per-pair work once per tile, each further date cheap (issue 41, item 2).

Fit-FC (core.fusion.fitfc) on one pair (F1, C1) and a date's C0 on the fine grid:

1. the regression model: window sums of the valid count, C1 and C1^2 (per pair) and of C0 and C1 C0 (per
   date), then O(1) per pixel;
2. the residual: coarse block means and two small bicubic matrices (per date, the matrices per pair);
3. the spatial filter: the ``similar`` pixels of each window most similar in F1 and their weights depend on F1
   and on where the three inputs are valid alone; the filtered quantity ``FRM + residual`` is the date's.

So per pair and tile the plan keeps the regression's pair part, the bicubic matrices and each centre's kept
neighbours with their weights (core.fusion.neighbours.similar_lists); a date costs two window sums, the residual,
and ``similar`` products per pixel (:func:`core.fusion.neighbours.apply_lists`: the same weights added in the same
order as the per-date kernel, so the filter is equal bit for bit).

Where the date's C0 is NaN on a pixel valid in the pair (a cloudy MODIS pixel), the valid mask changes: the
regression is then computed whole as the kernel does (cheap), and the centres whose window holds such a pixel
are filtered by the kernel's own filter on strips of rows; elsewhere the kept neighbours are those of the
kernel.  Figures: docs/series_precompute.md.
"""
import numpy as np

from .fitfc import _filter_kernel, filter_engine, regression_date, regression_model, regression_pair, residual_matrices, residual_to_fine
from .neighbours import apply_lists, similar_lists
from .tiling import exact_centres


class FitfcTilePlan:
    """One tile's per-pair state; :meth:`predict` gives :func:`core.fusion.fitfc.fuse_tile`'s tile for any date.

    ``refs``: F1 and C1 cut with ``halo`` (>= :func:`core.fusion.fitfc.tile_halo`, NaN outside the image, as
    fuse_tile is given them); ``params``: WINDOW, SIMILAR_PIXELS, FACTOR, ENGINE.
    """

    def __init__(self, refs, halo, params):
        F1, C1 = (np.asarray(b, np.float64) for b in refs)
        self.F1, self.C1, self.halo = F1, C1, halo
        self.w = w = params["WINDOW"] // 2
        if halo < w:
            raise ValueError(f"the halo {halo} is smaller than the window's {w}")
        self.factor = int(params["FACTOR"])
        self.engine = filter_engine(params.get("ENGINE", "auto"))
        self.similar = int(params["SIMILAR_PIXELS"])
        self.last_exact = 0
        self.vp = np.isfinite(F1) & np.isfinite(C1)
        self.pair = regression_pair(C1, self.vp, w) if self.vp.any() else None
        self.matrices = residual_matrices(F1.shape, self.factor) if self.factor > 1 else None
        hh, ww = F1.shape
        self.sub = (slice(halo - w, hh - halo + w), slice(halo - w, ww - halo + w))  # the centres' windows
        G = np.where(self.vp, F1, np.nan)[self.sub]
        th, tw = G.shape[0] - 2 * w, G.shape[1] - 2 * w
        window = 2 * w + 1
        self.NI, self.NW = similar_lists(G, np.ones((th, tw)), np.inf, self.similar, w, rank_dist=np.ones_like,
                                         eps=0.0, weight_dist=lambda d: 1.0 + d * 2.0 / window, weight_rel=False)

    @property
    def nbytes(self):
        return int(self.NI.nbytes + self.NW.nbytes + self.F1.nbytes * 8)

    def predict(self, M, C0, linear=False):
        """The tile (float64, NaN where invalid) of the date whose C0 (halo'd like the references) is ``C0``;
        ``M`` and ``linear`` are not needed (Fit-FC reads the date on the fine grid only)."""
        F1, C1, w, halo = self.F1, self.C1, self.w, self.halo
        C0 = np.asarray(C0, np.float64)
        hh, ww = F1.shape
        out = np.full((hh - 2 * halo, ww - 2 * halo), np.nan)
        valid = self.vp & np.isfinite(C0)
        self.last_exact = 0
        if not valid.any():
            return out
        off = self.vp & ~valid  # valid in the pair, NaN in the date: another mask than the plan's
        if off.any():
            frm, r = regression_model(F1, C1, C0, w)
        else:
            frm, r = regression_date(self.pair, F1, C1, C0, valid)
        P = (frm + residual_to_fine(np.where(valid, r, np.nan), self.factor, self.matrices))[self.sub]
        sw, sv = apply_lists(np.where(np.isfinite(P), P, 0.0), self.NI, self.NW)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:] = sv / sw
        if off.any():
            G = np.where(valid, F1, np.nan)[self.sub]
            self.last_exact = exact_centres(_filter_kernel(w, self.similar, self.engine), [G, P], off[self.sub], w,
                                            out)
        out[~valid[halo:hh - halo, halo:ww - halo]] = np.nan
        return out


PLAN_TAG = "fitfc pair plan"  # a date's PRECOMPUTED tag (its entry's plan: core.fusion.methods.pair_plan)
