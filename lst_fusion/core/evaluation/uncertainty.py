"""The per-pixel uncertainty of a fused date: the half-width of its central 90 % interval, calibrated on the
series' own leave-one-date-out residuals (docs/uncertainty.md).

Calibration (:func:`residual_folds`, :func:`calibrate`): every pair date t that the series' pair rule can
predict from the other pairs is held out in turn and predicted exactly as the series runs the method
(:func:`predict_date`: the same method, pair rule, parameters, residual correction and shrink w; t's Landsat in
no role but the truth); the residual is r = Landsat_t - prediction. Each pixel falls in a bin: its class (the
user's land-cover raster, else a quantile class of the reference Landsat, the pair nearest in time to t) x a
bin of the day's MODIS change |MODIS_t - MODIS_ref| (edges: quantiles of the pooled calibration pixels). The
half-width of a bin is the 90 % quantile of |r| pooled over the folds' pixels in that bin; a bin with fewer than
``min_count`` pixels falls back to its class over every change bin, then to its change bin over every class,
then to all pixels.

The residuals are not de-meaned per date: the day's Landsat - MODIS level offset, which varies from date to
date and which no method sees, is part of every fold's residual, so the interval is for the LST a Landsat
would measure, and the spread of the offsets over the pair dates widens it. Applied per pixel and date
(:meth:`Calibration.half_width`, :func:`uncertainty_map`). QGIS-free.
"""
from dataclasses import dataclass, field

import numpy as np

from ..platform.errors import LstFusionError
from . import validation

NOMINAL = 0.90
TAG_VALUE = "90% half-width"  # the UNCERTAINTY tag of every uncertainty raster
N_CLASSES = validation.N_QUANTILE_CLASSES
N_CHANGE_BINS = 3
MIN_COUNT = 200  # pixels of a bin below which it falls back to a coarser bin
MIN_PAIRS = 2  # a calibration needs a pair date predicted from another one
RULE = "uncertainty-1: LODO |residual| 90% quantile per class x MODIS-change bin, pooled, not de-meaned"
ANY = -1  # the key of "every class" / "every change bin" in the table


def too_few_pairs(n):
    """The one sentence of a series with fewer than :data:`MIN_PAIRS` pairs."""
    return (f"no uncertainty map: the series has {n} same-day pair(s), and a calibration needs at least "
            f"{MIN_PAIRS} (each pair date predicted from another pair and compared with its own Landsat)")


@dataclass
class Fold:
    """One held-out pair date: its Landsat (truth), the prediction as the series runs it, each pixel's class
    and its day's MODIS change."""

    date: object
    reference: object  # the pair nearest in time to ``date`` among those the prediction used
    truth: np.ndarray
    prediction: np.ndarray
    classes: np.ndarray
    change: np.ndarray


def pixel_classes(fine_ref, landcover=None, n=N_CLASSES):
    """Each pixel's class (> 0; 0 = none): the land-cover raster's integer value where given, else the quantile
    class of the reference Landsat (:func:`core.evaluation.validation.quantile_classes`)."""
    if landcover is not None:
        lc = np.asarray(landcover, dtype=np.float64)
        out = np.zeros(lc.shape, dtype=np.int32)
        ok = np.isfinite(lc) & (lc > 0)
        out[ok] = lc[ok].astype(np.int32)
        return out
    return validation.quantile_classes(fine_ref, n)


def day_change(coarse_target, coarse_ref):
    """|MODIS_t - MODIS_ref| on the fine grid (NaN where either is missing)."""
    return np.abs(np.asarray(coarse_target, dtype=np.float64) - np.asarray(coarse_ref, dtype=np.float64))


def predict_date(target, pairs, method, rule=None, correction="none", w=None, block=33, quantity="lst",
                 params=None, max_gap_days=None, coarse_target=None):
    """(prediction, reference date): ``method`` run on ``target`` from ``pairs`` {date: (landsat, modis)} as the
    series runs it: the references of core.data.pairing.reference_pairs (``rule``, ``max_gap_days``) among the
    pairs other than ``target``, ``params`` by Processing name, then the residual ``correction`` and the shrink
    towards MODIS with ``w`` (None: not shrunk). ``coarse_target``: the day's MODIS (default: ``pairs[target]``'s).
    Raises LstFusionError when no reference fits."""
    from ..data.pairing import nearest_pair, reference_pairs
    from ..fusion import methods as fusion_methods
    from ..fusion import residual
    from .protocol import shrunk

    entry = fusion_methods.get(method)
    c0 = pairs[target][1] if coarse_target is None else coarse_target
    others = [d for d in pairs if d != target]
    ref1, ref2, reason = reference_pairs(target, others, rule or entry.pair_mode, max_gap_days)
    if ref1 is None:
        raise LstFusionError("METHOD", f"{target}: {reason}")
    if entry.baseline:
        pred = np.asarray(c0, dtype=np.float64)
    else:
        images = {"fine_ref1": pairs[ref1][0], "coarse_ref1": pairs[ref1][1], "coarse_target": c0}
        if ref2 is not None:
            images["fine_ref2"], images["coarse_ref2"] = pairs[ref2]
        known = {p.name for p in entry.params}
        pred = fusion_methods.fuse_image(method, images, quantity=quantity, factor=block,
                                         **{k: v for k, v in (params or {}).items() if k in known and k != "FACTOR"})
    if correction and correction != "none":
        pred = residual.correct(pred, c0, correction, block)
    if w is not None:
        pred = shrunk(pred, c0, w)
    return pred, nearest_pair(target, [r for r in (ref1, ref2) if r is not None])


def residual_folds(pairs, predict, landcover=None, cancel=None, log=None):
    """([:class:`Fold`], {date: why not}): every pair date of ``pairs`` predicted by ``predict(date, others,
    modis)`` -> (prediction, reference date) from the other pairs only and the day's MODIS (``others`` holds no
    entry of ``date``: its Landsat is only the truth)."""
    from ..platform.errors import check_cancel

    folds, skipped = [], {}
    for d in sorted(pairs):
        check_cancel(cancel)
        others = {k: v for k, v in pairs.items() if k != d}
        if not others:
            skipped[d] = "no other pair to predict it from"
            continue
        truth, c0 = pairs[d]
        try:
            pred, ref = predict(d, others, c0)
        except (ValueError, ArithmeticError) as exc:  # LstFusionError is a ValueError
            skipped[d] = validation.reason_of(exc)
            continue
        folds.append(Fold(d, ref, np.asarray(truth, dtype=np.float64), np.asarray(pred, dtype=np.float64),
                          pixel_classes(others[ref][0], landcover), day_change(c0, others[ref][1])))
    if log:
        for d, why in skipped.items():
            log(f"uncertainty: pair {d} is not a calibration date ({why})")
    return folds, skipped


@dataclass
class Calibration:
    """Half-widths per (class, change bin), with the fall-backs under the key :data:`ANY`."""

    nominal: float
    dates: tuple  # the held-out pair dates
    change_edges: tuple  # inner edges of the change bins
    widths: dict  # (class or ANY, bin or ANY) -> half-width
    counts: dict  # the same keys -> pixels
    class_source: str = "quantile class of the reference Landsat"
    min_count: int = MIN_COUNT
    unit: str = ""
    rows: list = field(default_factory=list)

    def change_bin(self, change):
        change = np.asarray(change, dtype=np.float64)
        out = np.searchsorted(np.asarray(self.change_edges, dtype=np.float64), np.where(np.isfinite(change),
                                                                                         change, 0.0), side="right")
        return np.where(np.isfinite(change), out, ANY).astype(np.int32)

    def lookup(self, cls, b):
        """The half-width of one pixel's (class, change bin): the finest bin with enough pixels."""
        for key in ((cls, b), (cls, ANY), (ANY, b), (ANY, ANY)):
            if self.counts.get(key, 0) >= self.min_count:
                return self.widths[key]
        return self.widths[(ANY, ANY)]

    def half_width(self, classes, change):
        """The half-width of every pixel (float64), from its class (0: none) and its day's MODIS change."""
        classes = np.asarray(classes).astype(np.int32)
        classes = np.where(classes > 0, classes, ANY)
        bins = self.change_bin(change)
        out = np.empty(classes.shape, dtype=np.float64)
        for cls in np.unique(classes):
            for b in np.unique(bins[classes == cls]):
                sel = (classes == cls) & (bins == b)
                out[sel] = self.lookup(int(cls), int(b))
        return out

    def describe(self):
        edges = ", ".join(f"{e:.2f}" for e in self.change_edges)
        return (f"{round(100 * self.nominal)}% half-width calibrated on {len(self.dates)} held-out pair date(s) "
                f"({', '.join(str(d) for d in self.dates)}): {self.class_source} x |MODIS change| bins "
                f"(edges {edges or 'none'}), overall {self.widths[(ANY, ANY)]:.3f}")

    def tags(self):
        return {"UNCERTAINTY": TAG_VALUE if self.nominal == NOMINAL else f"{round(100 * self.nominal)}% half-width",
                "UNCERTAINTY_CALIBRATION": self.describe(), "UNCERTAINTY_RULE": RULE}


def calibrate(folds, nominal=NOMINAL, n_change=N_CHANGE_BINS, min_count=MIN_COUNT,
              class_source="quantile class of the reference Landsat"):
    """The :class:`Calibration` of ``folds`` (at least one): the ``nominal`` quantile of |residual| per bin,
    pooled over the folds' pixels valid in truth, prediction and class."""
    if not folds:
        raise LstFusionError("UNCERTAINTY", "no pair date could be predicted from the others, so there is "
                             "nothing to calibrate the uncertainty on")
    res, cls, chg = [], [], []
    for f in folds:
        r = np.abs(f.truth - f.prediction)
        ok = np.isfinite(r)
        res.append(r[ok])
        cls.append(np.where(f.classes[ok] > 0, f.classes[ok], ANY))
        chg.append(f.change[ok])
    res, cls, chg = np.concatenate(res), np.concatenate(cls), np.concatenate(chg)
    if res.size == 0:
        raise LstFusionError("UNCERTAINTY", "the held-out pair dates share no valid pixel with their predictions")
    finite = chg[np.isfinite(chg)]
    edges = tuple(float(e) for e in np.unique(np.quantile(finite, np.linspace(0, 1, n_change + 1)[1:-1])))\
        if finite.size else ()
    cal = Calibration(nominal, tuple(f.date for f in folds), edges, {}, {}, class_source, min_count)
    bins = cal.change_bin(chg)

    def put(key, sel):
        v = res[sel]
        cal.counts[key] = int(v.size)
        cal.widths[key] = float(np.quantile(v, nominal, method="higher")) if v.size else float("nan")

    put((ANY, ANY), np.ones(res.shape, dtype=bool))
    for b in np.unique(bins):
        put((ANY, int(b)), bins == b)
    for c in np.unique(cls):
        if c == ANY:
            continue
        put((int(c), ANY), cls == c)
        for b in np.unique(bins):
            put((int(c), int(b)), (cls == c) & (bins == b))
    cal.rows = [{"class": "all" if c == ANY else str(c), "change bin": change_label(cal, b),
                 "pixels": cal.counts[(c, b)], "half-width": cal.widths[(c, b)],
                 "used": "yes" if cal.counts[(c, b)] >= min_count else "falls back"}
                for c, b in sorted(cal.counts)]
    return cal


def change_label(cal, b):
    if b == ANY:
        return "all"
    lo = cal.change_edges[b - 1] if b > 0 else 0.0
    hi = cal.change_edges[b] if b < len(cal.change_edges) else float("inf")
    return f"{lo:.2f}-{hi:.2f}" if np.isfinite(hi) else f">= {lo:.2f}"


def uncertainty_map(cal, prediction, classes, change):
    """The half-width raster of one date (float32): NaN where ``prediction`` is NaN."""
    hw = cal.half_width(classes, change)
    hw[~np.isfinite(np.asarray(prediction, dtype=np.float64))] = np.nan
    return hw.astype(np.float32)


def coverage(truth, prediction, half_width):
    """(share of pixels with |truth - prediction| <= half-width, pixels) over the pixels valid in all three."""
    e = np.abs(np.asarray(truth, dtype=np.float64) - np.asarray(prediction, dtype=np.float64))
    hw = np.asarray(half_width, dtype=np.float64)
    ok = np.isfinite(e) & np.isfinite(hw)
    n = int(ok.sum())
    return (float((e[ok] <= hw[ok]).mean()) if n else float("nan")), n


def nested_coverage(pairs, predict, landcover=None, nominal=NOMINAL, log=None):
    """The honesty check: for each outer pair date t, a calibration on the other pairs only (their own
    leave-one-date-out), applied to t's prediction from those pairs, and the share of t's pixels inside the
    interval. Rows: date, inner calibration dates, nominal, observed, pixels, mean half-width (or ``note``)."""
    rows = []
    for t in sorted(pairs):
        inner = {d: v for d, v in pairs.items() if d != t}
        row = {"date": str(t), "nominal": nominal}
        folds, _ = residual_folds(inner, predict, landcover)
        try:
            pred, ref = predict(t, inner, pairs[t][1])
        except (ValueError, ArithmeticError) as exc:
            rows.append(dict(row, note=f"not predictable from the other pairs: {validation.reason_of(exc)}"))
            continue
        if not folds:
            rows.append(dict(row, note=f"no calibration: the {len(inner)} other pair(s) cannot be predicted from "
                                      "one another"))
            continue
        cal = calibrate(folds, nominal)
        hw = uncertainty_map(cal, pred, pixel_classes(inner[ref][0], landcover), day_change(pairs[t][1], inner[ref][1]))
        obs, n = coverage(pairs[t][0], pred, hw)
        rows.append(dict(row, calibration=" ".join(str(d) for d in cal.dates), observed=obs, pixels=n,
                         **{"mean half-width": float(np.nanmean(hw))}, note=""))
        if log:
            log(f"{t}: calibrated on {len(cal.dates)} inner date(s), observed coverage {100 * obs:.1f} %")
    return rows
