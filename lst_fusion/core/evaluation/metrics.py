"""Accuracy metrics on masked single-band LST images.

Every metric ignores NaN pixels and pixels outside ``mask`` - also inside the
SSIM windows.  Conventions (all documented choices):

* RMSE, MAE, bias (mean of prediction - reference) in the data unit (degC).
* CC: Pearson correlation over the valid pixels.
* PSNR = 10 log10(R^2 / MSE) with R the data range, by default the
  reference's max - min over the valid pixels; identical images give +inf.
* Undefined values are NaN, never a number that reads as a result: PSNR and
  SSIM against a constant reference (R = 0), CC when either image is constant
  or fewer than 2 pixels are valid.  :func:`undefined_reasons` says why, and
  :func:`evaluate` puts those reasons in a ``NOTES`` entry of its row.
* SSIM: Wang et al. (2004) with scikit-image's defaults (7x7 uniform window,
  K1 = 0.01, K2 = 0.03, sample covariance, border of 3 px not averaged), data
  range as for PSNR.  Local statistics use only valid pixels of each window;
  the map is averaged over valid centres whose window holds at least half
  valid pixels.  On fully valid data it equals
  ``skimage.metrics.structural_similarity``.
* SAM: one band has no spectrum, so per-pixel SAM would be 0.  We use the angle
  (degrees) between the prediction and reference *image vectors* (all valid
  pixels), computed in Kelvin so that it does not depend on the unit.
* ERGAS (Wald 2000) = 100 * (h / l) * sqrt(mean_b (RMSE_b / mean_b)^2) with
  h / l = fine / coarse pixel size (30 m / 1000 m = 0.03).  ``ratio`` may be
  given either way round (0.03 or 33.3): values above 1 are inverted.  The band
  mean is in Kelvin (a Celsius mean near 0 would make ERGAS explode).
"""
import numpy as np

from ..data.units import to_kelvin
from ..platform.errors import LstFusionError

METRICS = ("RMSE", "MAE", "BIAS", "SSIM", "PSNR", "SAM", "CC", "ERGAS")
DEFAULT_RATIO = 30.0 / 1000.0


def _valid(pred, ref, mask=None):
    pred = np.asarray(pred, dtype=np.float64)
    ref = np.asarray(ref, dtype=np.float64)
    if pred.shape != ref.shape:
        raise LstFusionError("PREDICTION", f"size {pred.shape} differs from the reference {ref.shape}")
    v = np.isfinite(pred) & np.isfinite(ref)
    if mask is not None:
        v &= np.asarray(mask, dtype=bool)
    return pred, ref, v


def rmse(pred, ref, mask=None):
    p, r, v = _valid(pred, ref, mask)
    return float(np.sqrt(np.mean((p[v] - r[v]) ** 2))) if v.any() else np.nan


def mae(pred, ref, mask=None):
    p, r, v = _valid(pred, ref, mask)
    return float(np.mean(np.abs(p[v] - r[v]))) if v.any() else np.nan


def bias(pred, ref, mask=None):
    p, r, v = _valid(pred, ref, mask)
    return float(np.mean(p[v] - r[v])) if v.any() else np.nan


def cc(pred, ref, mask=None):
    p, r, v = _valid(pred, ref, mask)
    if v.sum() < 2:
        return np.nan
    a, b = p[v] - p[v].mean(), r[v] - r[v].mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else np.nan


def data_range_of(ref, v):
    vals = np.asarray(ref, dtype=np.float64)[v]
    return float(vals.max() - vals.min()) if vals.size else np.nan


def psnr(pred, ref, mask=None, data_range=None):
    p, r, v = _valid(pred, ref, mask)
    if not v.any():
        return np.nan
    R = data_range if data_range is not None else data_range_of(r, v)
    mse = np.mean((p[v] - r[v]) ** 2)
    if mse == 0:
        return float("inf")
    if not R > 0:  # constant reference: 10 log10(0) = -inf is no score (see undefined_reasons)
        return np.nan
    return float(10.0 * np.log10(R * R / mse))


def ssim(pred, ref, mask=None, data_range=None, win_size=7, k1=0.01, k2=0.03):
    from scipy import ndimage

    p, r, v = _valid(pred, ref, mask)
    if not v.any():
        return np.nan
    R = data_range if data_range is not None else data_range_of(r, v)
    if not R > 0:  # constant reference: the constants c1, c2 vanish and SSIM is 0/0 (see undefined_reasons)
        return 1.0 if np.array_equal(p[v], r[v]) else np.nan
    vf = v.astype(np.float64)
    x, y = np.where(v, p, 0.0), np.where(v, r, 0.0)
    npx = win_size * win_size

    def box(a):
        return ndimage.uniform_filter(a, size=win_size, mode="constant") * npx

    n = np.round(box(vf))
    with np.errstate(divide="ignore", invalid="ignore"):
        mx, my = box(x) / n, box(y) / n
        cov_norm = n / (n - 1)
        vx = cov_norm * (box(x * x) / n - mx * mx)
        vy = cov_norm * (box(y * y) / n - my * my)
        vxy = cov_norm * (box(x * y) / n - mx * my)
        c1, c2 = (k1 * R) ** 2, (k2 * R) ** 2
        s = ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    pad = (win_size - 1) // 2
    use = v & (n >= npx / 2.0)
    border = np.zeros_like(use)
    border[pad:use.shape[0] - pad, pad:use.shape[1] - pad] = True
    use &= border
    if not use.any():
        return np.nan
    return float(np.mean(s[use]))


def sam(pred, ref, mask=None):
    p, r, v = _valid(pred, ref, mask)
    if not v.any():
        return np.nan
    a, b = to_kelvin(p[v]), to_kelvin(r[v])
    cosang = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.degrees(np.arccos(np.clip(cosang, -1.0, 1.0))))


def ergas(pred, ref, mask=None, ratio=DEFAULT_RATIO):
    p, r, v = _valid(pred, ref, mask)
    if not v.any():
        return np.nan
    if ratio <= 0:
        raise LstFusionError("RESOLUTION_RATIO", "the resolution ratio must be positive")
    hl = 1.0 / ratio if ratio > 1 else ratio
    mean_k = float(np.mean(to_kelvin(r[v])))
    e = rmse(p, r, v)
    return float(100.0 * hl * np.sqrt((e / mean_k) ** 2))


def undefined_reasons(pred, ref, mask, data_range, values):
    """{metric: why it is undefined} for the metrics of ``values`` that are NaN."""
    p, r, v = _valid(pred, ref, mask)
    n = int(v.sum())
    R = data_range if data_range is not None else data_range_of(r, v)
    out = {}
    for m in METRICS:
        x = values.get(m)
        if not (isinstance(x, float) and np.isnan(x)):
            continue
        if n == 0:
            why = "no pixel is valid in both images here"
        elif m in ("PSNR", "SSIM") and not R > 0:
            why = "the reference is constant (data range 0), so there is no signal to compare"
        elif m == "CC" and n < 2:
            why = "fewer than 2 valid pixels"
        elif m == "CC" and np.ptp(r[v]) == 0:
            why = "the reference is constant, so it has no variance to correlate with"
        elif m == "CC" and np.ptp(p[v]) == 0:
            why = "the prediction is constant, so it has no variance to correlate with"
        else:
            why = "too few valid pixels here"
        out[m] = why
    return out


def evaluate(pred, ref, mask=None, data_range=None, ratio=DEFAULT_RATIO):
    """All metrics for one prediction/reference pair (plus the pixel count N); ``NOTES`` says
    which metrics are undefined (NaN) and why."""
    p, r, v = _valid(pred, ref, mask)
    if data_range is None and v.any():
        data_range = data_range_of(r, v)
    row = {
        "N": int(v.sum()),
        "RMSE": rmse(p, r, v), "MAE": mae(p, r, v), "BIAS": bias(p, r, v),
        "SSIM": ssim(p, r, v, data_range), "PSNR": psnr(p, r, v, data_range),
        "SAM": sam(p, r, v), "CC": cc(p, r, v), "ERGAS": ergas(p, r, v, ratio),
    }
    reasons = undefined_reasons(p, r, v, data_range, row)
    row["NOTES"] = "; ".join(f"{m} undefined: {why}" for m, why in reasons.items())
    return row


def region_masks(grid, regions=None, extents=None):
    """Boolean masks of the pixels whose centres fall inside each region.

    ``regions``: [(name, geojson geometry mapping), ...] in the grid's CRS;
    ``extents``: [(name, (xmin, ymin, xmax, ymax)), ...].  The whole image is
    always first, named "whole image".
    """
    from rasterio import features

    out = [("whole image", np.ones(grid.shape, dtype=bool))]
    for name, geom in regions or []:
        m = features.geometry_mask([geom], out_shape=grid.shape, transform=grid.transform,
                                   invert=True, all_touched=False)
        out.append((str(name), m))
    for name, (x0, y0, x1, y1) in extents or []:
        t = grid.transform
        cols = t.c + t.a * (np.arange(grid.width) + 0.5)
        rows = t.f + t.e * (np.arange(grid.height) + 0.5)
        m = ((rows[:, None] >= y0) & (rows[:, None] <= y1)) & ((cols[None, :] >= x0) & (cols[None, :] <= x1))
        out.append((str(name), m))
    return out


def regions_without_pixels(masks):
    """Indices (into ``masks``, after the whole image) of the regions whose mask holds no pixel centre: polygons
    outside the raster, or between its pixel centres."""
    return [i for i, (_, m) in enumerate(masks) if i > 0 and not m.any()]


def evaluate_regions(pred, ref, masks, ratio=DEFAULT_RATIO, parameter="PREDICTION"):
    """[{"region": name, **metrics}, ...]; the data range is the reference's over
    the whole image so PSNR/SSIM are comparable between regions.  ``parameter``
    names the prediction in errors (e.g. "PREDICTIONS (estarfm)")."""
    p, r, v = _valid(pred, ref)
    if not v.any():
        raise LstFusionError(parameter, "the prediction and the reference share no valid pixel")
    R = data_range_of(r, v)
    return [{"region": name, **evaluate(p, r, m, data_range=R, ratio=ratio)} for name, m in masks]
