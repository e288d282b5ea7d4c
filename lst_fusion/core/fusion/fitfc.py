"""Fit-FC - regression model fitting, spatial filtering and residual compensation.

Wang, Q., Atkinson, P. M. (2018). Spatio-temporal fusion for daily Sentinel-2
images. Remote Sensing of Environment 204, 31-42.  One pair (fine and coarse at
t1) and the coarse image at the target date t2, all on the fine grid (coarse
resampled onto it).  The steps and defaults follow the public reference
implementation, the imagefusion C++ library of the ImageFusion R package
(``src/src/fitfc.cpp``, ``src/include/fitfc_options.h``; facts and deviations in
docs/fitfc_fsdaf.md):

1. **Regression model (RM)**: in the ``window`` x ``window`` moving window of
   each pixel (51 fine pixels by default, clipped at the image edge), the least
   squares line ``C2 = a C1 + b`` over the valid pixels; ``FRM = a F1 + b`` and
   the coarse residual ``R = C2 - (a C1 + b)``.  Where the line is not
   identifiable - C1's standard deviation in the window below ``MIN_SPREAD``
   (0.5 K, the MODIS uncertainty STARFM's UNCERTAINTY assumes; nearest-resampled
   MODIS is often flat inside small windows), or fewer than 2 valid pixels -
   ``FRM = F1`` and ``R = C2 - C1`` (the reference's ``|det| < 1e-14`` case,
   widened from rounding zero to the sensor's noise).  Elsewhere the slope is
   kept in [``SLOPE_MIN``, ``SLOPE_MAX``] = [0, 2] and the line passes through
   the window means (``b = mean C2 - a mean C1``).  The reference bounds
   neither (see docs/fitfc_fsdaf.md, "Bounded regression": a 5 px window on
   the bundled sample gave slopes from -125 to 154 and -131..846 K).
2. **Residual to fine**: R averaged over the coarse pixels (blocks of
   ``factor`` x ``factor`` fine pixels from the image origin, as the
   reference's area resize) and interpolated back bicubically (Keys kernel,
   a = -0.75, pixel centres, edges replicated: OpenCV's ``INTER_CUBIC``, which
   the reference calls).  ``factor = 1`` keeps R as it is (the reference's switch).
3. **Spatial filter and residual compensation**: the ``similar`` (10) pixels of
   the window most similar to the centre in F1 (smallest squared difference;
   ties to the nearer, then the first in raster order), weighted by
   ``1 / (1 + 2 d / window)``; the prediction is the weighted mean of
   ``FRM + R`` over them (core.fusion.neighbours).

Nodata: invalid pixels never enter a regression, a coarse mean or a filter;
a coarse pixel without a valid pixel takes the residual of the nearest coarse
pixel that has one (outside the image too: a series tile then equals the
whole-image run, see :func:`fuse_tile`); the output is NaN where
the centre is invalid in any input.  Step 3 runs tiled with a halo of
``window // 2`` (core.fusion.tiling.run_tiled: progress and cancel per tile and
per window row); steps 1-2 are whole-image array operations (window sums in a
fixed order: tiled and untiled runs are identical).
"""
import numpy as np

from ..platform.errors import LstFusionError, check_cancel
from . import kernels
from .estarfm import _check_inputs
from .kernels import default_tile, resolve_engine
from .neighbours import similar_sums
from .residual import block_mean
from .tiling import run_tiled, window_sum

DEFAULT_WINDOW = 51  # imagefusion FitFCOptions: winSize 51
DEFAULT_SIMILAR = 10  # imagefusion FitFCOptions: neighbors 10
MIN_SPREAD = 0.5  # K: C1's standard deviation in the window below which its line is noise (STARFM's UNCERTAINTY)
SLOPE_MIN, SLOPE_MAX = 0.0, 2.0  # the ratio of the window's fine contrast at t2 to t1: no inversion, at most double
KEYS_A = -0.75  # OpenCV's bicubic kernel parameter


def filter_engine(engine):
    """The engine of the neighbour filter: numba or numpy (torch has no k-selection here: numba, else NumPy)."""
    engine = resolve_engine(engine)
    if engine == "torch":
        return "numba" if kernels.numba_available() else "numpy"
    return engine


def regression_pair(C1, valid, w):
    """The date-independent part of :func:`regression_model`: the shift, C1's centred values and the window
    counts, means and spreads of C1 over the ``valid`` pixels, and where the line is identifiable."""
    shift = float(C1[valid].mean())  # centred sums: the line does not depend on it, the rounding does
    x = np.where(valid, C1 - shift, 0.0)
    pad = lambda a: np.pad(a, w)  # noqa: E731 - zeros outside the image: the window is clipped there
    n = window_sum(pad(valid.astype(np.float64)), w)
    sx, sxx = window_sum(pad(x), w), window_sum(pad(x * x), w)
    with np.errstate(divide="ignore", invalid="ignore"):
        mx = sx / n
        vxx = sxx / n - mx * mx
        ok = (n >= 2) & (vxx >= MIN_SPREAD * MIN_SPREAD)
    return dict(shift=shift, x=x, n=n, mx=mx, vxx=vxx, ok=ok, w=w)


def regression_date(pair, F1, C1, C2, valid):
    """(FRM, R) of :func:`regression_model` from its pair part ``pair`` (:func:`regression_pair` of C1 and the
    same ``valid``) and the date's C2."""
    shift, x, n, mx, vxx, ok, w = (pair[k] for k in ("shift", "x", "n", "mx", "vxx", "ok", "w"))
    y = np.where(valid, C2 - shift, 0.0)
    pad = lambda a: np.pad(a, w)  # noqa: E731
    sy, sxy = window_sum(pad(y), w), window_sum(pad(x * y), w)
    with np.errstate(divide="ignore", invalid="ignore"):
        my = sy / n
        vxy = sxy / n - mx * my
        a = np.where(ok, np.clip(vxy / vxx, SLOPE_MIN, SLOPE_MAX), 1.0)
        b = np.where(ok, my - a * mx, 0.0)
    frm = np.where(ok, a * (F1 - shift) + b + shift, F1)
    r = np.where(ok, (C2 - shift) - (a * (C1 - shift) + b), C2 - C1)
    frm[~valid] = np.nan
    r[~valid] = np.nan
    return frm, r


def regression_model(F1, C1, C2, w):
    """(FRM, R): the local line C2 = a C1 + b in each (2w+1)^2 window applied to F1, and its coarse residual
    (the slope bounded, flat windows degenerate: step 1 of the module doc)."""
    F1, C1, C2 = (np.asarray(a, dtype=np.float64) for a in (F1, C1, C2))
    valid = np.isfinite(F1) & np.isfinite(C1) & np.isfinite(C2)
    return regression_date(regression_pair(C1, valid, w), F1, C1, C2, valid)


def cubic_matrix(n_fine, n_coarse, factor):
    """(n_fine, n_coarse) bicubic interpolation weights from coarse pixel centres to fine pixel centres."""
    u = (np.arange(n_fine) + 0.5) / factor - 0.5
    i0 = np.floor(u).astype(int)
    t = u - i0
    M = np.zeros((n_fine, n_coarse))
    a = KEYS_A
    for tap in (-1, 0, 1, 2):
        x = np.abs(t - tap)
        wgt = np.where(x <= 1, (a + 2) * x ** 3 - (a + 3) * x ** 2 + 1,
                       np.where(x < 2, a * x ** 3 - 5 * a * x ** 2 + 8 * a * x - 4 * a, 0.0))
        np.add.at(M, (np.arange(n_fine), np.clip(i0 + tap, 0, n_coarse - 1)), wgt)
    return M


def fill_nearest(a):
    """NaN cells take the value of the nearest finite cell (all NaN: zeros)."""
    from scipy.ndimage import distance_transform_edt

    bad = ~np.isfinite(a)
    if not bad.any():
        return a
    if bad.all():
        return np.zeros_like(a)
    idx = distance_transform_edt(bad, return_distances=False, return_indices=True)
    return a[tuple(idx)]


def residual_to_fine(r, factor, matrices=None):
    """Coarse means of the residual (NaN-aware; a coarse pixel without a valid pixel takes the nearest coarse
    pixel's), bicubic to fine; ``matrices``: :func:`residual_matrices` of r's shape (made here if None)."""
    if factor == 1:
        return np.where(np.isfinite(r), r, 0.0)
    rc = fill_nearest(block_mean(r, factor))
    mr, mc = matrices or residual_matrices(r.shape, factor)
    return mr @ rc @ mc.T


def residual_matrices(shape, factor):
    """The row and column bicubic matrices of :func:`residual_to_fine` for an image of ``shape``."""
    h, w = shape
    return cubic_matrix(h, -(-h // factor), factor), cubic_matrix(w, -(-w // factor), factor)


def _filter_kernel(w, similar, engine):
    window = 2 * w + 1

    def kernel(blocks):
        G, P = blocks
        hh, ww = G.shape
        th, tw = hh - 2 * w, ww - 2 * w
        # rank by |F1 - F1 centre| alone (ties to the nearer); weight 1 / (1 + 2 d / window)
        sw, sv = similar_sums(engine, G, np.where(np.isfinite(P), P, 0.0), np.ones((th, tw)), np.inf, similar, w,
                              rank_dist=np.ones_like, eps=0.0, weight_dist=lambda d: 1.0 + d * 2.0 / window,
                              weight_rel=False)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = sv / sw
        out[~np.isfinite(G[w:w + th, w:w + tw])] = np.nan
        return out

    return kernel


def fitfc(fine1, coarse1, coarse0, factor, window=DEFAULT_WINDOW, similar=DEFAULT_SIMILAR, tile=None,
          progress=None, cancel=None, workers=None, engine="auto"):
    """Predict the fine image at the target date from one pair (same unit as the inputs).

    ``factor``: the coarse pixel in fine pixels (the MODIS footprint, COARSE_PIXEL / fine pixel size);
    ``window``: odd side of the regression and filter window in fine pixels; ``similar``: number of
    similar pixels of the filter; ``engine``: 'auto', 'numpy', 'numba' or 'torch' (the filter runs on
    numba or NumPy, see :func:`filter_engine`).
    """
    named = {"FINE_REF1": fine1, "COARSE_REF1": coarse1, "COARSE_TARGET": coarse0}
    _check_inputs(named, window)
    if int(factor) != factor or factor < 1:
        raise LstFusionError("COARSE_PIXEL", f"the MODIS pixel must be a whole number >= 1 of fine pixels, not {factor}")
    if similar < 1:
        raise LstFusionError("SIMILAR_PIXELS", f"the number of similar pixels must be at least 1, not {similar}")
    F1, C1, C0 = (np.asarray(a, dtype=np.float64) for a in named.values())
    if not (np.isfinite(F1) & np.isfinite(C1) & np.isfinite(C0)).any():
        raise LstFusionError("FINE_REF1", "no pixel is valid in all three inputs; check that they overlap")
    engine = filter_engine(engine)
    w = window // 2
    G, P = filtered_inputs(F1, C1, C0, w, int(factor))
    check_cancel(cancel)  # steps 1-2 are whole-image array operations: asked once before the filter
    return run_tiled(_filter_kernel(w, int(similar), engine), [G, P], w, tile=tile or default_tile(engine),
                     progress=progress, cancel=cancel, workers=workers)


def filtered_inputs(F1, C1, C0, w, factor):
    """Steps 1-2 on float64 arrays: (G, P), F1 where the three inputs are valid (NaN elsewhere) and the
    prediction before the filter (FRM plus the residual interpolated to the fine grid)."""
    valid = np.isfinite(F1) & np.isfinite(C1) & np.isfinite(C0)
    frm, r = regression_model(F1, C1, C0, w)
    P = frm + residual_to_fine(np.where(valid, r, np.nan), factor)
    return np.where(valid, F1, np.nan), P


# ---------------------------------------------------------------- series (core.fusion.methods' contract)

def pair_statistics(stats, params):
    """What every tile of one pair shares: nothing (Fit-FC's regression, residual and filter are local)."""
    return {}


def tile_halo(window, factor):
    """Halo (px) with which :func:`fuse_tile` equals the whole-image run: two windows and the bicubic's reach,
    rounded up to whole coarse pixels so that the tile's coarse pixels stay those of the image."""
    need = 2 * (window // 2) + 3 * int(factor)
    return -(-need // int(factor)) * int(factor)


def fuse_tile(blocks, halo, params):
    """One tile of a series: Fit-FC on the halo'd blocks (F1, C1, C0; NaN outside the image), the centre kept.

    ``params``: WINDOW, SIMILAR_PIXELS, FACTOR (the MODIS pixel in fine pixels) and ENGINE.  Equal to the
    whole-image run when ``halo >= tile_halo(WINDOW, FACTOR)``, tile origins and the halo are multiples of
    FACTOR; with a smaller halo the pixels near the tile's edge differ (their windows are cut).
    """
    F1, C1, C0 = (np.asarray(b, dtype=np.float64) for b in blocks)
    hh, ww = F1.shape
    w = params["WINDOW"] // 2
    if not (np.isfinite(F1) & np.isfinite(C1) & np.isfinite(C0)).any():
        return np.full((hh - 2 * halo, ww - 2 * halo), np.nan, dtype=np.float32)
    if halo < w:  # a halo narrower than the window: the whole-block run, cropped
        out = fitfc(F1, C1, C0, params["FACTOR"], window=params["WINDOW"], similar=params["SIMILAR_PIXELS"],
                    engine=params.get("ENGINE", "auto"), workers=1)
        return out[halo:hh - halo, halo:ww - halo]
    G, P = filtered_inputs(F1, C1, C0, w, int(params["FACTOR"]))
    # the filter on the kept centres only (their windows: the tile plus w), not on the halo it would discard
    sub = (slice(halo - w, hh - halo + w), slice(halo - w, ww - halo + w))
    kernel = _filter_kernel(w, int(params["SIMILAR_PIXELS"]), filter_engine(params.get("ENGINE", "auto")))
    return np.asarray(kernel([G[sub], P[sub]]), np.float32)


def fuse_date(images, params, factor, progress=None, cancel=None):
    """The one-date Toolbox algorithm's run (core.fusion.methods.OneDate): ``images`` by role, ``params`` by
    Processing name, ``factor`` the MODIS pixel in fine pixels."""
    return fitfc(images["fine_ref1"], images["coarse_ref1"], images["coarse_target"], factor, window=params["WINDOW"],
                 similar=params["SIMILAR_PIXELS"], progress=progress, cancel=cancel, engine=params["ENGINE"])
