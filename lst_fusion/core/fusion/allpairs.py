"""All-pairs regression: every reference pair of the series at once, each fine pixel's response to its MODIS.

For a fine pixel i and the reference pairs d = 1..n on which both its Landsat F_i(d) and its MODIS M_i(d) (MODIS
on the fine grid, as the series and validation read it) are valid, the line

    F_i(d) = a_i + b_i M_i(d)

is fitted by ridge regression of the slope towards the prior slope b_c of the pixel's class:

    b_i = (Sxy_i + RIDGE b_c) / (Sxx_i + RIDGE),   a_i = mean_i(F) - b_i mean_i(M)

with Sxx_i = sum_d (M_i(d) - mean_i(M))^2 and Sxy_i = sum_d (M_i(d) - mean_i(M)) (F_i(d) - mean_i(F)).  RIDGE is in
K^2 (or degC^2) of MODIS variation over the dates: the prior counts as much as that much spread of the pixel's
MODIS (its default, :data:`DEFAULT_RIDGE`, is a Landsat noise variance of about 2 K^2 over a prior spread of the
slope of about 0.2: 2 / 0.2^2 = 50 K^2, reasoned, not tuned on any site).

* **Classes** (CLASSES): quantile classes of the pixel's mean reference LST (equal pixel counts), and b_c the
  class's pooled slope, sum Sxy / sum Sxx over its pixels; :data:`PRIOR_SLOPE` (1) where the class's MODIS does
  not vary over the dates (one pair).  So with **one pair** every b_i is 1 and the prediction is
  ``F1 + (M0 - M1)``, the baseline ``Landsat ref + MODIS change``; with RIDGE 0 it is each pixel's own least
  squares wherever its MODIS varies over its dates.
* **Nodata**: a pixel fits on the dates it has (one date: its class's slope through that date); with none it is
  NaN.  The prediction is NaN where the day's MODIS is.
* **Series** (issue 41): the fit is made once per reference set (:func:`fit`, the model rasters: intercept and
  slope, float32); each date is then ``a + b M0``, O(1) per pixel (:func:`apply`, tile by tile).
* The residual correction per MODIS footprint (core.fusion.residual) is not part of the method: validation and
  ``auto`` score it as the +RC variant and keep it only where the series' own training pairs say it helps.

The fit is streamed over the pairs (two passes: the means, then the centred sums), so memory does not grow with
the number of pairs.
"""
import numpy as np

from ..platform.errors import LstFusionError, check_cancel

DEFAULT_RIDGE = 50.0  # K^2 of MODIS variation over the dates
DEFAULT_CLASSES = 4
PRIOR_SLOPE = 1.0  # the slope of a class whose MODIS does not vary over the dates: "Landsat ref + MODIS change"
FLAT = 1e-9  # K^2 per pixel: a class's MODIS spread below it does not vary


def check_parameters(ridge, classes):
    """One sentence naming the first bad parameter."""
    if isinstance(ridge, bool) or not np.isfinite(float(ridge)) or float(ridge) < 0:
        raise LstFusionError("RIDGE", f"must be 0 (each pixel's own least squares) or more, in K^2 of MODIS "
                                      f"variation, not {ridge}")
    if isinstance(classes, bool) or not float(classes).is_integer() or classes < 1:
        raise LstFusionError("CLASSES", f"must be a whole number of at least 1, not {classes}")


def _check_pairs(fines, coarses):
    """Refuse lists of references that are empty or of different lengths (``fines`` and ``coarses``: sequences,
    read again by each pass of the fit)."""
    if not len(fines) or len(fines) != len(coarses):
        raise LstFusionError("FINE_REFS", f"the method needs as many MODIS as Landsat references, at least one "
                                          f"(got {len(fines)} Landsat and {len(coarses)} MODIS)")


def _check_shape(f, c, shape):
    if np.shape(f) != shape or np.shape(c) != shape:
        raise LstFusionError("COARSE_REFS", f"every reference must be of one size: {np.shape(f)} and "
                                            f"{np.shape(c)} differ from {shape}")


def _valid(f, c):
    f = np.asarray(f, dtype=np.float64)
    c = np.asarray(c, dtype=np.float64)
    ok = np.isfinite(f) & np.isfinite(c)
    return f, c, ok


def classes_of(values, n):
    """Classes 0..n-1 of equal pixel counts (quantiles of ``values``); -1 where ``values`` is NaN."""
    out = np.full(values.shape, -1, dtype=np.int64)
    ok = np.isfinite(values)
    if ok.any():
        edges = np.quantile(values[ok], np.linspace(0, 1, int(n) + 1)[1:-1])
        out[ok] = np.searchsorted(edges, values[ok], side="right")
    return out


def fit(fines, coarses, ridge=DEFAULT_RIDGE, classes=DEFAULT_CLASSES, cancel=None):
    """(intercept, slope) float32 rasters of every pixel's ridge line F = a + b M over the pairs ``fines`` and
    ``coarses`` (sequences of arrays on one grid, MODIS on the fine grid, each read twice: a series gives rasters
    read on demand); NaN where a pixel has no valid pair."""
    check_parameters(ridge, classes)
    _check_pairs(fines, coarses)
    shape = None
    for f, c in zip(fines, coarses):  # pass 1: the means
        check_cancel(cancel)
        if shape is None:
            shape = np.shape(f)
            n, sx, sy = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        _check_shape(f, c, shape)
        f, c, ok = _valid(f, c)
        n += ok
        sx += np.where(ok, c, 0.0)
        sy += np.where(ok, f, 0.0)
    has = n > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mx, my = np.where(has, sx / n, np.nan), np.where(has, sy / n, np.nan)
    sxx, sxy = np.zeros(shape), np.zeros(shape)
    for f, c in zip(fines, coarses):  # pass 2: the centred sums
        check_cancel(cancel)
        f, c, ok = _valid(f, c)
        dx = np.where(ok, c - mx, 0.0)
        sxx += dx * dx
        sxy += dx * np.where(ok, f - my, 0.0)
    cls = classes_of(my, classes)
    k = int(classes)
    sel = cls >= 0
    cxx = np.bincount(cls[sel], weights=sxx[sel], minlength=k)
    cxy = np.bincount(cls[sel], weights=sxy[sel], minlength=k)
    count = np.bincount(cls[sel], minlength=k)
    varies = cxx > FLAT * np.maximum(count, 1)
    prior = np.where(varies, cxy / np.where(varies, cxx, 1.0), PRIOR_SLOPE)
    bc = np.where(sel, prior[np.maximum(cls, 0)], np.nan)
    ridge = float(ridge)
    den = sxx + ridge
    with np.errstate(invalid="ignore", divide="ignore"):
        b = np.where(den > 0, (sxy + ridge * bc) / np.where(den > 0, den, 1.0), bc)
    b = np.where(has, b, np.nan).astype(np.float32)
    a = (my - b.astype(np.float64) * mx).astype(np.float32)
    return a, b


def apply(intercept, slope, coarse0):
    """The day's prediction ``a + b M0`` (float32; NaN where the model or the day's MODIS is)."""
    a = np.asarray(intercept, dtype=np.float64)
    b = np.asarray(slope, dtype=np.float64)
    return (a + b * np.asarray(coarse0, dtype=np.float64)).astype(np.float32)


def predict(fines, coarses, coarse0, ridge=DEFAULT_RIDGE, classes=DEFAULT_CLASSES, cancel=None):
    """The fine LST of a day from its MODIS ``coarse0`` and every reference pair (:func:`fit`, :func:`apply`)."""
    fines, c0 = list(fines), np.asarray(coarse0)
    if fines and c0.shape != np.shape(fines[0]):
        raise LstFusionError("COARSE_TARGET", f"size {c0.shape} differs from the references' {np.shape(fines[0])}")
    return apply(*fit(fines, coarses, ridge, classes, cancel), c0)


def fit_model(fines, coarses, params, cancel=None):
    """The method table's ``fit`` (pair mode ALL): :func:`fit` with RIDGE and CLASSES."""
    return fit(fines, coarses, params["RIDGE"], params["CLASSES"], cancel)


def pair_statistics(stats, params):
    """What every tile shares: nothing (the model rasters hold the fit)."""
    return {}


def fuse_tile(blocks, halo, params):
    """One tile of a day: the model's intercept and slope and the day's MODIS (:func:`apply`, per pixel)."""
    a, b, c0 = blocks
    out = apply(a, b, c0)
    h, w = out.shape
    return out[halo:h - halo, halo:w - halo]
