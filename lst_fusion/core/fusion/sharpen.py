"""Thermal sharpening of the target day: the TsHARP / DisTrad / Data Mining Sharpener family.

Agam et al. (2007) TsHARP, Kustas et al. (2003) DisTrad, Gao, Kustas & Anderson (2012) DMS (Remote Sensing 4):
the day's own MODIS LST is regressed, at the MODIS scale, on fine predictors averaged over each MODIS footprint;
the regression is applied at the fine scale and the residual is corrected per footprint.  Here, with the
inputs every one-pair method of the table gets (all on the fine grid, MODIS resampled onto it):

1. **Footprints**: blocks of ``factor`` x ``factor`` fine pixels from the image's origin, as the +RC correction
   (core.fusion.residual.block_mean: the mean of the pixels valid in both the predictor and the day's MODIS).
2. **Predictors**: the nearest Landsat pair's LST, ``fine1`` (F1), and, where given (``indices``, PREDICTORS
   'LST and spectral indices'), that Landsat date's spectral indices on the same grid (NDVI, NDWI, NDBI as the
   Earth Engine exports carry them in bands 2 to 4: :func:`read_indices`).  ``coarse1`` (C1) is not used.
3. **Model** (``depth``): 0 is one weighted least-squares line ``MODIS = a + b * F1`` over the scene's footprints
   (TsHARP / DisTrad with LST as the predictor); 1 or more is a regression tree of at most ``depth`` levels
   (scikit-learn's DecisionTreeRegressor, ``random_state`` 0, at least ``min_footprints`` footprints per leaf)
   with a weighted least-squares line per leaf (DMS's per-leaf linear regression).  Footprints are weighted by
   their share of valid pixels.  A leaf whose predictor does not vary (or holds one footprint) is a constant.
4. **Fine prediction**: every fine pixel takes the line of the leaf its predictors fall in, each predictor bounded
   to the range of the fine values of that leaf's footprints extended by :data:`EXTRAPOLATION` of that range on
   each side (DMS's limit on extrapolating a line).
5. **Residual correction** per footprint (core.fusion.residual.correct, 'MODIS footprint'): each footprint of
   the prediction averages to the day's MODIS there.

The result is the day's MODIS wherever the model explains nothing, and the fine pattern of F1, re-scaled by the
day's own relation, where it does.  Nodata: the output is NaN where F1, an index or the day's MODIS is.
"""
import os

import numpy as np

from ..platform.errors import LstFusionError, check_cancel
from . import residual

DEFAULT_DEPTH = 3
MAX_DEPTH = 12
DEFAULT_MIN_FOOTPRINTS = 20
EXTRAPOLATION = 0.25  # DMS's linearRegressionExtrapolationRatio
DEGENERATE_RANGE = 1e-9  # a predictor range below it: the leaf is a constant
LST_ONLY, WITH_INDICES = "LST only", "LST and spectral indices"  # PREDICTORS (options appended, never reordered)
PREDICTOR_OPTIONS = (LST_ONLY, WITH_INDICES)
MAX_INDEX = 1.5  # |index| above it is no normalised difference index: refused (a band of another quantity)


def needs_sklearn(depth):
    return int(depth) > 0


def require_sklearn(depth):
    """scikit-learn, or one sentence naming DEPTH and how to install it (DEPTH 0 needs no scikit-learn)."""
    if not needs_sklearn(depth):
        return
    from ..platform.backends import available
    from ..platform.install_hints import missing

    if not available("sklearn"):
        raise LstFusionError("DEPTH", missing("sklearn", "thermal sharpening with DEPTH 1 or more; DEPTH 0, one "
                                                         "line over the scene, runs without it"))


def check_parameters(depth, min_footprints, factor):
    """One sentence naming the first bad parameter."""
    if isinstance(depth, bool) or not float(depth).is_integer() or not 0 <= depth <= MAX_DEPTH:
        raise LstFusionError("DEPTH", f"must be a whole number from 0 (one line) to {MAX_DEPTH}, not {depth}")
    if isinstance(min_footprints, bool) or not float(min_footprints).is_integer() or min_footprints < 1:
        raise LstFusionError("MIN_FOOTPRINTS", f"must be a whole number of at least 1, not {min_footprints}")
    if factor is None or not float(factor).is_integer() or factor < 1:
        raise LstFusionError("FACTOR", f"the MODIS pixel must be a whole number of fine pixels (at least 1), "
                                       f"not {factor}")


def _line(X, y, w):
    """Weighted least squares ``y = c0 + X c``; a constant (the weighted mean) when X does not vary."""
    mean = float(np.average(y, weights=w))
    span = X.max(axis=0) - X.min(axis=0) if X.shape[0] else np.zeros(X.shape[1])
    if X.shape[0] < 2 or np.all(span < DEGENERATE_RANGE):
        return np.r_[mean, np.zeros(X.shape[1])]
    keep = span >= DEGENERATE_RANGE
    sw = np.sqrt(w)[:, None]
    A = np.hstack([np.ones((X.shape[0], 1)), X[:, keep]]) * sw
    coef, _, rank, _ = np.linalg.lstsq(A, y * sw[:, 0], rcond=None)
    if rank < A.shape[1]:
        return np.r_[mean, np.zeros(X.shape[1])]
    out = np.zeros(X.shape[1] + 1)
    out[0] = coef[0]
    out[1:][keep] = coef[1:]
    return out


class LeafLines:
    """The fitted model: a tree (None for one line) and, per leaf, a line and the predictor bounds."""

    def __init__(self, tree, lines, bounds):
        self.tree, self.lines, self.bounds = tree, lines, bounds

    def leaves(self, X):
        return np.zeros(X.shape[0], dtype=np.int64) if self.tree is None else self.tree.apply(X)

    def predict(self, X):
        leaf = self.leaves(X)
        out = np.empty(X.shape[0])
        for k, coef in self.lines.items():
            sel = leaf == k
            if sel.any():
                lo, hi = self.bounds[k]
                out[sel] = coef[0] + np.clip(X[sel], lo, hi) @ coef[1:]
        return out


def fit(Xc, y, w, depth, min_footprints, fine_ranges):
    """The model of footprint predictors ``Xc`` (n, k) and the day's MODIS ``y`` (n,) weighted by ``w``;
    ``fine_ranges(footprints) -> (lo, hi)``: the fine predictors' range over those footprints (a boolean mask)."""
    tree = None
    leaf = np.zeros(y.size, dtype=np.int64)
    if depth > 0:
        require_sklearn(depth)
        from sklearn.tree import DecisionTreeRegressor

        tree = DecisionTreeRegressor(max_depth=int(depth), min_samples_leaf=int(min_footprints), random_state=0)
        tree.fit(Xc, y, sample_weight=w)
        leaf = tree.apply(Xc)
    lines, bounds = {}, {}
    for k in np.unique(leaf):
        sel = leaf == k
        lines[int(k)] = _line(Xc[sel], y[sel], w[sel])
        lo, hi = fine_ranges(sel)
        pad = EXTRAPOLATION * (hi - lo)
        bounds[int(k)] = (lo - pad, hi + pad)
    return LeafLines(tree, lines, bounds)


def check_indices(indices, shape, parameter="INDICES"):
    """The spectral indices as float64 arrays of ``shape``, each plausible (|value| <= :data:`MAX_INDEX`), else
    one sentence naming ``parameter``."""
    out = []
    for k, a in enumerate(indices, start=1):
        a = np.asarray(a, dtype=np.float64)
        if a.shape != tuple(shape):
            raise LstFusionError(parameter, f"index {k} has size {a.shape}, not the fine reference's {tuple(shape)}: "
                                            "give the indices of the reference Landsat date on its grid")
        big = np.abs(a[np.isfinite(a)])
        if big.size and big.max() > MAX_INDEX:
            raise LstFusionError(parameter, f"index {k} reaches {big.max():.4g}, which no normalised difference index "
                                            f"(NDVI, NDWI, NDBI: -1 to 1) does; give bands of spectral indices only")
        out.append(a)
    return out


def read_indices(path, grid, parameter="INDICES", first_band=1):
    """The bands ``first_band``.. of the raster ``path`` (on ``grid``, else one sentence): a reference Landsat
    date's spectral indices (an Earth Engine export's bands 2 to 4 with ``first_band`` 2; an INDICES raster's
    every band with 1).  An empty list when there is no such band."""
    from ..data.io import read_raster

    first = read_raster(path, parameter)
    if not first.grid.same_as(grid):
        raise LstFusionError(parameter, f"{os.path.basename(first.path)} is not on the fine reference's grid "
                                        f"({first.grid.describe()} vs {grid.describe()}); resample it onto the "
                                        "Landsat grid (lstfusion:resample)")
    return [read_raster(path, parameter, band=b).data for b in range(first_band, first.band_count + 1)]


def sharpen(fine1, coarse1, coarse0, factor, depth=DEFAULT_DEPTH, min_footprints=DEFAULT_MIN_FOOTPRINTS,
            progress=None, cancel=None, indices=()):
    """The fine LST of the target day from its MODIS ``coarse0`` (on the fine grid), the nearest pair's
    fine LST ``fine1`` and, optionally, that pair's spectral ``indices`` (a sequence of fine arrays);
    ``coarse1`` (the pair's MODIS) is accepted for the table's roles and not used.  ``factor``: the MODIS
    pixel in fine pixels.  Returns float32, NaN where ``fine1``, an index or ``coarse0`` is."""
    check_parameters(depth, min_footprints, factor)
    depth, min_footprints, factor = int(depth), int(min_footprints), int(factor)
    require_sklearn(depth)
    F1 = np.asarray(fine1, dtype=np.float64)
    C0 = np.asarray(coarse0, dtype=np.float64)
    if F1.shape != C0.shape:
        raise LstFusionError("COARSE_TARGET", f"size {C0.shape} differs from the fine reference's {F1.shape}")
    predictors = [F1] + check_indices(indices, F1.shape)  # the nearest Landsat's LST, then its indices
    valid = np.isfinite(C0)
    for p in predictors:
        valid &= np.isfinite(p)
    out = np.full(F1.shape, np.nan, dtype=np.float32)
    if not valid.any():
        return out
    check_cancel(cancel)
    Fc = [residual.block_mean(p, factor, valid) for p in predictors]
    yc = residual.block_mean(C0, factor, valid)
    share = residual.block_mean(valid.astype(np.float64), factor)  # valid pixels' share of each footprint
    ok = np.isfinite(yc)
    Xc = np.stack([f[ok] for f in Fc], axis=1)
    # the footprint of every valid fine pixel, as an index into the footprints kept (ok)
    rows, cols = np.nonzero(valid)
    fp = np.full(ok.shape, -1, dtype=np.int64)
    fp[ok] = np.arange(int(ok.sum()))
    pix_fp = fp[rows // factor, cols // factor]
    Xf = np.stack([p[valid] for p in predictors], axis=1)

    def fine_ranges(sel):
        x = Xf[sel[pix_fp]]
        return x.min(axis=0), x.max(axis=0)

    model = fit(Xc, yc[ok], share[ok], depth, min_footprints, fine_ranges)
    if progress:
        progress(50.0)
    check_cancel(cancel)
    pred = np.full(F1.shape, np.nan)
    pred[valid] = model.predict(Xf)
    out = residual.correct(pred, C0, "MODIS footprint", factor)
    if progress:
        progress(100.0)
    return out


def pair_statistics(stats, params):
    """What every tile of one pair shares: nothing (the method runs on the whole image, tiling WHOLE)."""
    return {}


def fuse_tile(blocks, halo, params):
    """The whole image as one tile (F1, C1, C0; the table's halo is 0): :func:`sharpen` with DEPTH,
    MIN_FOOTPRINTS and FACTOR (the MODIS pixel in fine pixels)."""
    F1, C1, C0 = (np.asarray(b, dtype=np.float64) for b in blocks)
    out = sharpen(F1, C1, C0, params["FACTOR"], depth=params["DEPTH"], min_footprints=params["MIN_FOOTPRINTS"])
    h, w = out.shape
    return out[halo:h - halo, halo:w - halo]


def fuse_date(images, params, factor, progress=None, cancel=None):
    """The one-date Toolbox algorithm's run (core.fusion.methods.OneDate): ``images`` by role, ``params`` by
    Processing name, ``factor`` the MODIS pixel in fine pixels."""
    return sharpen(images["fine_ref1"], images["coarse_ref1"], images["coarse_target"], factor, depth=params["DEPTH"],
                   min_footprints=params["MIN_FOOTPRINTS"], progress=progress, cancel=cancel,
                   indices=images.get(INDICES_ROLE, ()))


INDICES_ROLE = "fine_ref1_indices"  # the one-date algorithm's images: FINE_REF1's spectral indices, when read
