"""ESTARFM - Enhanced Spatial and Temporal Adaptive Reflectance Fusion Model.

Zhu, X., Chen, J., Gao, F., Chen, X., Masek, J. G. (2010). An enhanced spatial
and temporal adaptive reflectance fusion model for complex heterogeneous
regions. Remote Sensing of Environment 114, 2610-2623.

Inputs: fine (Landsat) and coarse (MODIS resampled onto the fine grid) images
at two reference dates t1 < t0 < t2 and the coarse image at the target date t0,
all on one grid.  Per pixel, following Zhu's reference code step by step:

1. Similar pixels: neighbours in the (2w+1)^2 window whose fine values differ
   from the centre's by less than ``std(F_k) * 2 / classes`` in *both* fine
   images (sample standard deviation, ddof 1, of each whole fine image, as
   Zhu's IDL code; intersection over the two dates).
2. Spectral similarity.  For several bands ESTARFM uses the correlation between
   the fine and coarse spectral vectors; LST has one band, where a correlation
   over a 2-element vector is meaningless.  We use Zhu's own single-band
   definition: ``S = 1 - 0.5 * (|(F1-C1)/(F1+C1)| + |(F2-C2)/(F2+C2)|)`` - one
   minus the mean relative fine/coarse disagreement over the two pairs - computed
   in Kelvin so that it does not depend on the unit (in Celsius the ratio
   explodes near 0 degC).  A pure pixel (fine == coarse) has S = 1.
3. Weights: ``C = (1 - S) * (1 + d / w) + 1e-7``, ``W = (1/C) / sum(1/C)`` with
   d the distance to the centre in pixels.
4. Conversion coefficient V: slope of the regression of fine on coarse over the
   similar pixels of both dates; used only when the mean coarse change over the
   similar pixels is at least ``change_threshold`` and the slope is significant
   (p <= 0.05) and in (0, 5]; otherwise V = 1.  (Zhu's code uses 2 % of the
   reflectance range; for LST the threshold is in degrees, default 1.)
5. Per-pair predictions ``F_k + sum(W * V * (C0 - C_k))``, blended with temporal
   weights proportional to ``1 / |mean(C_k) - mean(C0)|`` over the window.
6. With 5 or fewer similar pixels, each pair predicts its fine value plus the
   change of the window means of the coarse images, ``F_k + (mean C0 - mean
   C_k)``, blended with the same temporal weights and not revised (Zhu's code).
   Otherwise predictions outside the physical LST range (150-400 K) are
   replaced by the weighted mean of the fine reference values, as in Zhu's
   outlier revision.

Modes (``mode``): ``published`` (the default) is all of the above, equal to Zhu's
code (tested against the per-pixel oracle).  ``lst-robust`` (docs/coregistration.md,
"ESTARFM for LST") changes two things for LST references in other seasons, where V
multiplies a 10-15 degree seasonal change:

* V is shrunk towards 1 by its regression's uncertainty,
  ``V = 1 + (b - 1) * (b - 1)^2 / ((b - 1)^2 + se^2)`` with b the slope and se
  its standard error, then bounded to ``[1 - V_BOUND, 1 + V_BOUND]`` (0.5-1.5);
* where the two one-pair predictions differ by more than ``DISAGREE`` (3 K),
  the prediction of the pair with the larger temporal weight is taken alone
  instead of the blend.

Nodata: pixels invalid in any input are never similar pixels and never enter
the window means; the output is NaN where the centre is invalid in any input.
Vectorised on whole tiles with a halo of w (core.fusion.tiling.run_tiled, progress
and cancel per tile); the window sums run in core.fusion.kernels (numba when it is
installed, a NumPy loop over window offsets otherwise, or PyTorch on a CUDA
GPU).  The regression sums are float64 (their cancellation needs it), the
similarity weights and weighted sums float32 (relative error ~1e-7 of a
weighted mean; within 1e-4 of the per-pixel oracle in the tests); tiled and
untiled runs are bit-identical.
"""
import numpy as np

from ..data.products import LST_MAX_K, LST_MIN_K
from ..data.units import KELVIN_OFFSET, is_celsius, is_celsius_mean
from ..platform.errors import LstFusionError
from .kernels import default_tile, estarfm_sums, resolve_engine
from .tiling import check_odd_window, check_window, run_tiled, window_sum

DEFAULT_HALF_WINDOW = 25  # Zhu's code: w = 25 -> 51 x 51 window for 30 m / 500 m
DEFAULT_CLASSES = 4
DEFAULT_CHANGE_THRESHOLD = 1.0  # degrees (Zhu: 2 % of the reflectance range)
MIN_SIMILAR = 5  # Zhu's code: with this many similar pixels or fewer, the window-mean change is used


def _check_inputs(named, window):
    shape = None
    for name, a in named.items():
        a = np.asarray(a)
        if a.ndim != 2:
            raise LstFusionError(name, f"expected one band (2-D array), got shape {a.shape}")
        if shape is None:
            shape = a.shape
        elif a.shape != shape:
            raise LstFusionError(name, f"size {a.shape[1]}x{a.shape[0]} differs from the other inputs ({shape[1]}x{shape[0]})")
        if not np.isfinite(a).any():
            raise LstFusionError(name, "the raster has no valid pixel (all nodata)")
    check_odd_window(window)
    check_window(window, shape)  # bounded by the image and by memory, before any allocation


def class_threshold(std, classes):
    """The similar-pixel threshold of ESTARFM and STARFM: ``std * 2 / classes`` (the one rule)."""
    return float(std) * 2.0 / classes


def similarity_threshold(fine, classes):
    """std(F)·2/classes with the sample standard deviation (ddof 1), as Zhu's IDL code."""
    return class_threshold(np.nanstd(fine, ddof=1), classes)


def physical_range(celsius):
    off = KELVIN_OFFSET if celsius else 0.0
    return LST_MIN_K - off, LST_MAX_K - off


QUANTITIES = ("lst", "reflectance")
MODES = ("published", "lst-robust")
V_BOUND = 0.5  # lst-robust: V within [1 - V_BOUND, 1 + V_BOUND]
DISAGREE = 3.0  # lst-robust: K (or degC) between the two one-pair predictions beyond which one pair is used


def robust_coefficient(slope, se):
    """lst-robust V: ``slope`` shrunk towards 1 by its standard error ``se``, then bounded."""
    d = np.asarray(slope, np.float64) - 1.0
    se2 = np.asarray(se, np.float64) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(d * d + se2 > 0, d * d / (d * d + se2), 0.0)
    lam = np.where(np.isfinite(lam), lam, 0.0)
    return np.clip(1.0 + lam * d, 1.0 - V_BOUND, 1.0 + V_BOUND)


def conversion_coefficient(S64, change_threshold, mode="published"):
    """V per centre from the float64 regression sums ``[n, sx1, sx2, sy, sxx, sxy, syy]`` of
    core.fusion.kernels.estarfm_sums (step 4 of the module doc; ``mode`` as in :func:`estarfm`)."""
    from scipy.special import stdtr  # lazy: the plugin loads without scipy and says what to install

    n, sx1, sx2, sy, sxx, sxy, syy = S64
    with np.errstate(divide="ignore", invalid="ignore"):
        N = 2.0 * n
        mx = (sx1 + sx2) / N
        my = sy / N
        sxx = sxx - N * mx * mx
        sxy = sxy - N * mx * my
        syy = syy - N * my * my
        slope = sxy / sxx
        r = np.clip(sxy / np.sqrt(sxx * syy), -1.0, 1.0)
        r = np.where(np.isfinite(r), r, 0.0)
        df = N - 2.0
        t = r * np.sqrt(df / ((1.0 - r) * (1.0 + r)))
        p = 2.0 * stdtr(np.maximum(df, 1.0), -np.abs(t))
        change = np.abs(sx1 - sx2) / n
        use_v = (change >= change_threshold) & (sxx > 0) & (p <= 0.05) & (slope > 0) & (slope <= 5)
        if mode == "lst-robust":
            se = np.sqrt(np.maximum(syy - slope * sxy, 0.0) / np.maximum(df, 1.0) / sxx)
            return np.where(use_v, robust_coefficient(slope, se), 1.0)
        return np.where(use_v, slope, 1.0)


def blend(enough, V, sw, sd, sf, cF, m, limits, mode="published"):
    """Steps 5-6 of the module doc for the centres of a tile: the two one-pair predictions, their temporal
    blend, the lst-robust choice and the outlier revision.

    ``enough``: more than ``min_similar`` similar pixels; ``V``: :func:`conversion_coefficient`; ``sw``: sum of
    the similarity weights; ``sd`` = (sd1, sd2): weighted sums of C0 - C1, C0 - C2; ``sf`` = (sf1, sf2): weighted
    sums of F1, F2; ``cF`` = (F1, F2) at the centres; ``m`` = (m0, m1, m2): window means of C0, C1, C2;
    ``limits``: the physical range (lo, hi).
    """
    sd1, sd2 = sd
    sf1, sf2 = sf
    cF1, cF2 = cF
    m0, m1, m2 = m
    lo, hi = limits
    with np.errstate(divide="ignore", invalid="ignore"):
        dif1 = np.abs(m0 - m1) + 1e-10
        dif2 = np.abs(m0 - m2) + 1e-10
        T1 = (1.0 / dif1) / (1.0 / dif1 + 1.0 / dif2)
        T2 = 1.0 - T1
        # too few similar pixels: the fine reference plus the window-mean coarse change (Zhu's code)
        p1 = np.where(enough, cF1 + V * sd1 / sw, cF1 + (m0 - m1))
        p2 = np.where(enough, cF2 + V * sd2 / sw, cF2 + (m0 - m2))
        out = T1 * p1 + T2 * p2
        if mode == "lst-robust":  # the two references disagree: the temporally nearer pair alone
            out = np.where(np.abs(p1 - p2) > DISAGREE, np.where(T1 >= 0.5, p1, p2), out)
        bad = enough & ((out <= lo) | (out >= hi))  # the outlier revision needs similar pixels
        if bad.any():
            r1 = np.where(enough, sf1 / sw, cF1)
            r2 = np.where(enough, sf2 / sw, cF2)
            out = np.where(bad, T1 * r1 + T2 * r2, out)
    return out


def make_kernel(w, th1, th2, celsius, change_threshold=DEFAULT_CHANGE_THRESHOLD, min_similar=MIN_SIMILAR,
                centre_shift=0.0, engine="numpy", quantity="lst", mode="published"):
    """``kernel(blocks)``: ESTARFM on one tile ``(F1, C1, F2, C2, C0)`` with a halo of ``w`` px, returning the
    tile without its halo; ``th1``/``th2``: the similar-pixel thresholds of the two fine images (whole-image
    statistics, so every tile uses the same numbers)."""
    if quantity == "lst":
        lo, hi = physical_range(celsius)
        koff = KELVIN_OFFSET if celsius else 0.0
    else:  # reflectance 0-1, as Zhu's code for surface reflectance
        lo, hi, koff = 0.0, 1.0, 0.0

    def kernel(blocks):
        F1, C1, F2, C2, C0 = blocks
        hh, ww = F1.shape
        th, tw = hh - 2 * w, ww - 2 * w
        valid = np.isfinite(F1) & np.isfinite(C1) & np.isfinite(F2) & np.isfinite(C2) & np.isfinite(C0)
        # comparison copies: NaN where invalid, so an invalid neighbour is never similar
        G1 = np.where(valid, F1, np.nan)
        G2 = np.where(valid, F2, np.nan)
        z = lambda a: np.where(valid, a, 0.0)  # noqa: E731
        F1, C1, F2, C2, C0 = z(F1), z(C1), z(F2), z(C2), z(C0)
        vf = valid.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            a1 = np.abs((F1 - C1) / (F1 + C1 + 2 * koff))
            a2 = np.abs((F2 - C2) / (F2 + C2 + 2 * koff))
        one_minus_s = 0.5 * (a1 + a2)
        one_minus_s[~np.isfinite(one_minus_s)] = 0.5  # Zhu: NaN similarity -> 0.5
        one_minus_s = one_minus_s.astype(np.float32)
        # regression quantities: float64 and centred (slope and p are shift-invariant)
        X1, X2, Y1, Y2 = (np.where(valid, a - centre_shift, 0.0) for a in (C1, C2, F1, F2))
        # weighted quantities, float32 (relative error ~1e-7 of a weighted mean)
        P = np.stack([C0 - C1, C0 - C2, F1, F2]).astype(np.float32)
        S64, S32 = estarfm_sums(engine, G1, G2, X1, X2, Y1, Y2, one_minus_s, P, th1, th2, w)
        cs = (slice(w, w + th), slice(w, w + tw))
        n = S64[0]
        sw, sd1, sd2, sf1, sf2 = S32.astype(np.float64)
        cF1, cF2 = F1[cs], F2[cs]
        cvalid = valid[cs]
        enough = n > min_similar
        V = conversion_coefficient(S64, change_threshold, mode)
        with np.errstate(divide="ignore", invalid="ignore"):
            # temporal weights from window means of the coarse images
            cnt = window_sum(vf, w)
            m0 = window_sum(C0, w) / cnt
            m1 = window_sum(C1, w) / cnt
            m2 = window_sum(C2, w) / cnt
        out = blend(enough, V, sw, (sd1, sd2), (sf1, sf2), (cF1, cF2), (m0, m1, m2), (lo, hi), mode)
        out[~cvalid] = np.nan
        return out

    return kernel


def pair_statistics(stats, params):
    """What every tile of one reference pair shares, from whole-image statistics: ``stats(role)`` is the
    :class:`~lst_fusion.core.fusion.tiling.ImageStats` of that role's image; ``params`` holds ``CLASSES``."""
    f1 = stats("fine_ref1")
    return {"th1": class_threshold(f1.std_sample, params["CLASSES"]),
            "th2": class_threshold(stats("fine_ref2").std_sample, params["CLASSES"]),
            "celsius": is_celsius_mean(f1.mean), "shift": stats("coarse_ref1").mean}


def fuse_tile(blocks, halo, params):
    """One tile of a series: :func:`make_kernel` with :func:`pair_statistics`' numbers and the method's
    parameters (CHANGE_THRESHOLD, ENGINE, QUANTITY)."""
    p = params
    return make_kernel(halo, p["th1"], p["th2"], p["celsius"], p["CHANGE_THRESHOLD"], MIN_SIMILAR, p["shift"],
                       p["ENGINE"], p["QUANTITY"])(blocks)


def estarfm(fine1, coarse1, fine2, coarse2, coarse0, window=2 * DEFAULT_HALF_WINDOW + 1,
            classes=DEFAULT_CLASSES, change_threshold=DEFAULT_CHANGE_THRESHOLD, min_similar=MIN_SIMILAR, tile=None,
            progress=None, cancel=None, workers=None, engine="auto", quantity="lst", mode="published"):
    """Predict the fine image at the target date (same unit as the inputs).

    ``mode``: 'published' (Zhu's ESTARFM, the default) or 'lst-robust' (V shrunk
    towards 1 and bounded, one pair where the two disagree; see the module doc).

    ``quantity``: 'lst' (Kelvin or Celsius; similarity in Kelvin, revision
    outside 150-400 K) or 'reflectance' (0-1, revision outside 0-1).

    ``engine``: 'auto' (torch on a CUDA GPU, else numba when installed, else
    NumPy), 'numpy', 'numba' or 'torch' (see core.fusion.kernels); ``tile``: tile edge
    in pixels (default per engine); the result is the same within float rounding.
    """
    named = {"FINE_REF1": fine1, "COARSE_REF1": coarse1, "FINE_REF2": fine2,
             "COARSE_REF2": coarse2, "COARSE_TARGET": coarse0}
    _check_inputs(named, window)
    if classes < 1:
        raise LstFusionError("CLASSES", "the number of classes must be at least 1")
    if quantity not in QUANTITIES:
        raise LstFusionError("QUANTITY", f"quantity must be one of {', '.join(QUANTITIES)}, not {quantity!r}")
    if mode not in MODES:
        raise LstFusionError("MODE", f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "lst-robust" and quantity != "lst":
        raise LstFusionError("MODE", "lst-robust is for LST; use published for reflectance")
    arrays = [np.asarray(a, dtype=np.float64) for a in named.values()]
    w = window // 2
    th1 = similarity_threshold(arrays[0], classes)
    th2 = similarity_threshold(arrays[2], classes)
    celsius = is_celsius(arrays[0])
    shift = float(np.nanmean(arrays[1]))
    engine = resolve_engine(engine)
    kernel = make_kernel(w, th1, th2, celsius, change_threshold, min_similar, shift, engine, quantity, mode)
    return run_tiled(kernel, arrays, w, tile=tile or default_tile(engine), progress=progress, cancel=cancel, workers=workers)


def fuse_date(images, params, factor=None, progress=None, cancel=None):
    """The one-date Toolbox algorithm's run (core.fusion.methods.OneDate): ``images`` by role, ``params`` by
    Processing name (``factor`` unused)."""
    return estarfm(images["fine_ref1"], images["coarse_ref1"], images["fine_ref2"], images["coarse_ref2"],
                   images["coarse_target"], window=params["WINDOW"], classes=params["CLASSES"],
                   change_threshold=params["CHANGE_THRESHOLD"], progress=progress, cancel=cancel,
                   engine=params["ENGINE"], mode=params["MODE"])
