"""The per-pixel uncertainty of a fused date: the half-width of its central 90 % interval, calibrated on the
series' own leave-one-date-out residuals (docs/uncertainty.md).

Calibration (:func:`residual_folds`, :func:`calibrate`): every pair date t that the series' pair rule can
predict from the other pairs is held out in turn and predicted exactly as the series runs the method
(:func:`predict_date`: the same method, pair rule, parameters, residual correction and shrink w; t's Landsat in
no role but the truth); the residual is r = Landsat_t - prediction. Each pixel falls in a bin: its class (the
user's land-cover raster, else a quantile class of the reference Landsat, the pair nearest in time to t) x a
bin of the day's MODIS change |MODIS_t - MODIS_ref| (edges: quantiles of the pooled calibration pixels). A
bin with fewer than ``min_count`` pixels falls back to its class over every change bin, then to its change bin
over every class, then to all pixels.

The day's level offset (docs/uncertainty.md): a held-out date's residual is r_{d,p} = delta_d + e_{d,p}, with
delta_d the mean residual of date d over its valid pixels (the day's Landsat - prediction offset, shared by
every pixel of the date: with a method that keeps MODIS's level, MODIS's offset to Landsat that day) and e the
de-meaned, spatial residual. The offset of a new date is predicted as s T, T a Student-t with n - 1 degrees of
freedom (n calibration dates) and s = sqrt(mean delta_d^2) sqrt(1 + 1/n); it is centred on 0, not on the mean
offset, because the method keeps MODIS's level (the interval is symmetric around the prediction). The half-width
of a bin solves mean_j P(|s T + e_j| <= h) = nominal over the bin's spatial residuals e_j (at most
:data:`SUBSAMPLE` of them, drawn with a fixed seed). With one calibration date the offsets' spread cannot be
estimated: no offset term, and the bin's half-width is the nominal quantile of |r| (not de-meaned), as the
tags and the description say. Applied per pixel and date (:meth:`Calibration.half_width`,
:func:`uncertainty_map`). QGIS-free.
"""
from dataclasses import dataclass, field

import numpy as np

from ..platform.errors import LstFusionError
from . import sample as calibration_sample
from . import validation

NOMINAL = 0.90
TAG_VALUE = "90% half-width"  # the UNCERTAINTY tag of every uncertainty raster
N_CLASSES = validation.N_QUANTILE_CLASSES
N_CHANGE_BINS = 3
MIN_COUNT = 200  # pixels of a bin below which it falls back to a coarser bin
MIN_PAIRS = 2  # a calibration needs a pair date predicted from another one
SUBSAMPLE = 5000  # spatial residuals per bin in the offset integral (fixed seed)
SEED = 0
RULE = ("uncertainty-2: LODO residual = date offset (Student-t, n-1 dof, scale sqrt(mean offset^2 (1+1/n))) + "
        "de-meaned spatial residual per class x MODIS-change bin; 90% of |offset + spatial|; folds on auto's tile "
        f"sample above {calibration_sample.BUDGET_PX / 1e6:g} MP")
NO_OFFSET_TERM = ("no date offset term: one calibration date cannot estimate how the day's Landsat - MODIS offset "
                  "varies between dates, so the half-width is the quantile of |residual| of that date")
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
    offset: float = None  # the date's level offset where not the mean of truth - prediction (a sampled fold)


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
    series runs it: the references of the one rule (core.evaluation.validation.case_images: reference_pairs with
    ``rule`` and ``max_gap_days``, or every pair for pair mode ALL) among the pairs other than ``target``,
    ``params`` by Processing name, then the residual ``correction`` and the shrink towards MODIS with ``w``
    (None: not shrunk). ``coarse_target``: the day's MODIS (default: ``pairs[target]``'s). The reference date is
    the nearest of the references (the class and the day's change are taken from it). Raises LstFusionError
    when no reference fits."""
    from ..data.pairing import nearest_pair, pairs_around
    from ..fusion import methods as fusion_methods
    from ..fusion import residual
    from .protocol import TestCase, shrunk

    entry = fusion_methods.get(method)
    rule = rule or entry.pair_mode
    c0 = pairs[target][1] if coarse_target is None else coarse_target
    others = {d: v for d, v in pairs.items() if d != target}
    if not others:
        raise LstFusionError("METHOD", f"{target}: no other pair to predict it from")
    case = TestCase(target, *pairs_around(target, others, on_target=False), tuple(sorted(others)))
    with_day = {**others, target: (None, c0)}  # the day's MODIS only: its Landsat is in no role
    refs = [r for r in validation.case_refs(case, with_day, method, rule, max_gap_days) if r is not None]
    if entry.baseline:
        pred = np.asarray(c0, dtype=np.float64)
    else:
        known = {p.name for p in entry.params}
        pred = fusion_methods.fuse_image(method, validation.case_images(case, with_day, method, rule=rule,
                                                                        max_gap_days=max_gap_days),
                                         quantity=quantity, factor=block, plan=True,
                                         **{k: v for k, v in (params or {}).items() if k in known and k != "FACTOR"})
    if correction and correction != "none":
        pred = residual.correct(pred, c0, correction, block)
    if w is not None:
        pred = shrunk(pred, c0, w)
    return pred, nearest_pair(target, refs)


def residual_folds(pairs, predict, landcover=None, cancel=None, log=None, where=None):
    """([:class:`Fold`], {date: why not}): every pair date of ``pairs`` predicted by ``predict(date, others,
    modis)`` -> (prediction, reference date) from the other pairs only and the day's MODIS (``others`` holds no
    entry of ``date``: its Landsat is only the truth). ``where``: a core.evaluation.sample.Sample of the
    pairs' image: each date predicted on its tiles (``predict`` given the tile's window of ``others`` and of the
    day's MODIS), its cores pooled (:meth:`Sample.pool`); truth, classes and change are the whole image's, cut to
    the same cores (:meth:`Sample.cut`); None: the whole image."""
    from ..platform.errors import check_cancel

    if where is not None:
        whole_predict = predict

        def predict(d, others, c0):
            out, ref = [], None
            for i in range(len(where)):
                check_cancel(cancel)
                r0, r1, c_0, c_1 = where.windows[i]
                pred, ref = whole_predict(d, where.crop(others, i), c0[r0:r1, c_0:c_1])
                out.append({"p": pred})
            return where.pool(out)["p"], ref

    cut = where.cut if where is not None else (lambda a: a)
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
            why = validation.reason_of(exc)
            skipped[d] = why[len(f"{d}: "):] if why.startswith(f"{d}: ") else why  # the caller names the date
            continue
        truth, c0 = np.asarray(truth, dtype=np.float64), np.asarray(c0, dtype=np.float64)
        pred, truth_cut = np.asarray(pred, dtype=np.float64), cut(truth)
        folds.append(Fold(d, ref, truth_cut, pred, cut(pixel_classes(others[ref][0], landcover)),
                          cut(day_change(c0, others[ref][1])),
                          None if where is None else sampled_offset(truth, c0, truth_cut, cut(c0), pred)))
    if log:
        for d, why in skipped.items():
            log(f"uncertainty: pair {d} is not a calibration date ({why})")
    return folds, skipped


def sampled_offset(truth, c0, truth_cut, c0_cut, pred):
    """A sampled fold's level offset, the difference estimator: the whole image's mean Landsat - MODIS (cheap,
    every valid pixel) plus the sample's mean MODIS - prediction (the method's own level departure, where it was
    run); the sample's mean residual alone would carry the sample's share of MODIS's spatially varying offset."""
    whole = np.isfinite(truth) & np.isfinite(c0)
    ok = np.isfinite(truth_cut) & np.isfinite(c0_cut) & np.isfinite(pred)
    if not (whole.any() and ok.any()):
        return None
    return float((truth[whole] - c0[whole]).mean() + (c0_cut[ok] - pred[ok]).mean())


def calibrate_pairs(pairs, method, rule=None, correction="none", w=None, block=33, quantity="lst", params=None,
                    max_gap_days=None, landcover=None, class_source="quantile class of the reference Landsat",
                    cancel=None, log=None, sample_rule=None):
    """(:class:`Calibration`, "") of ``pairs`` {date: (landsat, modis)} for ``method`` run as :func:`predict_date`
    runs it (rule, correction, w, block, quantity, params, max_gap_days), each pair date predicted from the other
    pairs only; or (None, one sentence) when fewer than :data:`MIN_PAIRS` pairs or no pair date can be predicted
    from the others. What fuse_series (series.uncertainty) and the one-date algorithms (algorithms/fusion.py)
    both call. Above ``sample_rule``'s budget (core.evaluation.sample.RULE when None: 0.5 MP) the folds are
    predicted on auto's sample of tiles (:func:`core.evaluation.sample.tiles` of these pairs, the same rule auto
    chooses by), pooled: the residuals' distribution, not a whole image, is what the calibration needs, and a
    Landsat scene's folds would cost more than its series (docs/performance.md)."""
    if len(pairs) < MIN_PAIRS:
        return None, too_few_pairs(len(pairs))
    where = calibration_sample.tiles(pairs, block, sample_rule)

    def predict(date, others, modis):
        return predict_date(date, others, method, rule, correction, w, block, quantity, params, max_gap_days,
                            coarse_target=modis)

    folds, skipped = residual_folds(pairs, predict, landcover, cancel, log, where)
    if not folds:
        return None, ("no uncertainty map: no pair date could be predicted from the other pairs ("
                      + "; ".join(f"{d}: {why}" for d, why in skipped.items()) + ")")
    cal = calibrate(folds, class_source=class_source)
    cal.sample = where.describe().replace("chosen on", "folds predicted on") if where is not None else ""
    return cal, ""


def date_map(cal, prediction, reference, coarse_target, landcover=None, classes=None):
    """The half-width raster of one fused date (:func:`uncertainty_map`) from its ``prediction``, the reference
    pair ``reference`` (landsat, modis) nearest in time among those it used, and the day's MODIS; ``classes``:
    :func:`pixel_classes` of the reference where the caller has them already (a series: once per reference)."""
    fine_ref, coarse_ref = reference
    if classes is None:
        classes = pixel_classes(fine_ref, landcover)
    return uncertainty_map(cal, prediction, classes, day_change(coarse_target, coarse_ref))


KEPT_TAGS = ("METHOD", "ACQUISITION_DATE", "REF1_DATE", "REF2_DATE", "LST_UNIT", "SOFTWARE")


def map_tags(cal, lst_tags, reference_date, lst_file):
    """The tags of an uncertainty map: its LST's method, dates, unit and software, the calibration's, the
    reference date and the LST's file name."""
    tags = {k: v for k, v in (lst_tags or {}).items() if k in KEPT_TAGS}
    tags.update(cal.tags(), LST_FILE=lst_file, UNCERTAINTY_REFERENCE=reference_date.isoformat())
    return tags


def map_description(tags, date):
    what = "LST" if tags.get("LST_UNIT") else "value"
    return f"{what} uncertainty, {TAG_VALUE} ({tags.get('METHOD', '')}, {date.isoformat()})"


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
    offsets: dict = field(default_factory=dict)  # date -> its mean residual delta_d (the day's level offset)
    offset_scale: float = None  # s of the offset term; None: no offset term (one calibration date)
    offset_dof: int = None  # its Student-t degrees of freedom, n - 1
    sample: str = ""  # where the folds were predicted: auto's sample of tiles, or the whole image

    def change_column(self, change):
        """Each pixel's column of :meth:`table`: 0 where its change is unknown (not finite), else 1 + its change
        bin (the number of inner edges at or below the change)."""
        change = np.asarray(change, dtype=np.float64)
        known = np.isfinite(change)
        column = known.astype(np.intp)
        for edge in self.change_edges:
            column += known & (change >= edge)
        return column

    def change_bin(self, change):
        """Each pixel's change bin (0 .. number of edges), :data:`ANY` where its change is unknown."""
        return (self.change_column(change) - 1).astype(np.int32)

    def lookup(self, cls, b):
        """The half-width of one pixel's (class, change bin): the finest bin with enough pixels."""
        for key in ((cls, b), (cls, ANY), (ANY, b), (ANY, ANY)):
            if self.counts.get(key, 0) >= self.min_count:
                return self.widths[key]
        return self.widths[(ANY, ANY)]

    def table(self, known):
        """The half-width of each (row, column): rows the classes ``known`` (sorted, > 0) then one row for every
        other class (0 = none, or a class the calibration never saw), columns the change bins after ANY (no
        change known); each cell :meth:`lookup`'s value."""
        bins = (ANY,) + tuple(range(len(self.change_edges) + 1))
        return np.array([[self.lookup(cls, b) for b in bins] for cls in tuple(known) + (ANY,)], dtype=np.float64)

    def half_width(self, classes, change):
        """The half-width of every pixel (float64), from its class (0: none) and its day's MODIS change: one
        look-up in :meth:`table` (class x change bin), the value :meth:`lookup` gives each pixel."""
        classes = np.asarray(classes).astype(np.int32)
        known = np.array(sorted({int(c) for c, _ in self.counts if c != ANY and c > 0}), dtype=np.int32)
        row = np.searchsorted(known, classes)
        seen = np.take(known, row, mode="clip") == classes if known.size else np.zeros(classes.shape, dtype=bool)
        row = np.where(seen, row, known.size)  # the last row: no class (0), or a class the calibration never saw
        return self.table(known)[row, self.change_column(change)]

    def describe_offset(self):
        """The offset term in one clause: n, s, the degrees of freedom and each date's offset (or why none)."""
        each = ", ".join(f"{d} {v:+.3g}" for d, v in sorted(self.offsets.items()))
        if self.offset_scale is None:
            return f"{NO_OFFSET_TERM} ({each})"
        return (f"date offset term from n = {len(self.offsets)} dates: s = {self.offset_scale:.3g} (Student-t, "
                f"{self.offset_dof} dof, centred on the prediction; offsets {each})")

    def describe(self):
        edges = ", ".join(f"{e:.2f}" for e in self.change_edges)
        return (f"{round(100 * self.nominal)}% half-width calibrated on {len(self.dates)} held-out pair date(s) "
                f"({', '.join(str(d) for d in self.dates)}): {self.class_source} x |MODIS change| bins "
                f"(edges {edges or 'none'}), overall {self.widths[(ANY, ANY)]:.3f}; {self.describe_offset()}"
                + (f"; {self.sample}" if self.sample else ""))

    def tags(self):
        return {"UNCERTAINTY": TAG_VALUE if self.nominal == NOMINAL else f"{round(100 * self.nominal)}% half-width",
                "UNCERTAINTY_CALIBRATION": self.describe(), "UNCERTAINTY_OFFSET": self.describe_offset(),
                "UNCERTAINTY_RULE": RULE}


def offset_term(offsets):
    """(s, dof) of the predictive distribution s T_dof of a new date's level offset from the calibration dates'
    ``offsets`` (their mean residuals): dof = n - 1, s = sqrt(mean offset^2) sqrt(1 + 1/n); (None, None) for
    fewer than two dates (no spread can be estimated)."""
    d = np.asarray(list(offsets), dtype=np.float64)
    n = d.size
    if n < 2:
        return None, None
    return float(np.sqrt(np.mean(d ** 2)) * np.sqrt(1.0 + 1.0 / n)), n - 1


def bin_half_width(spatial, nominal, scale=None, dof=None, subsample=SUBSAMPLE, seed=SEED):
    """The half-width h with mean_j P(|scale T_dof + e_j| <= h) = ``nominal`` over the spatial residuals e_j
    (``spatial``; at most ``subsample`` of them, drawn with ``seed``), by Brent's bracketing root finder (a
    safeguarded bisection; the coverage increases with h) to 1e-8 relative; without an offset term (``scale``
    None or 0) the ``nominal`` quantile of |e| (the higher order statistic)."""
    from scipy.optimize import brentq
    from scipy.special import stdtr, stdtrit  # scipy.stats.t's cdf and ppf without their argument checks

    e = np.abs(np.asarray(spatial, dtype=np.float64))  # the offset is symmetric: the sign of e does not matter
    if not scale:
        return float(np.quantile(e, nominal, method="higher"))
    if e.size > subsample:
        e = np.random.default_rng(seed).choice(e, subsample, replace=False)

    def covered(h):
        return float(np.mean(stdtr(dof, (h - e) / scale) - stdtr(dof, (-h - e) / scale)))

    hi = 1.01 * (float(e.max()) + scale * float(stdtrit(dof, 0.5 + nominal / 2)))  # covered(hi) > nominal > covered(0)
    return float(brentq(lambda h: covered(h) - nominal, 0.0, hi, xtol=1e-12, rtol=1e-8))


def calibrate(folds, nominal=NOMINAL, n_change=N_CHANGE_BINS, min_count=MIN_COUNT,
              class_source="quantile class of the reference Landsat"):
    """The :class:`Calibration` of ``folds`` (at least one): each fold's residual split into its date's offset
    (its mean over the pixels valid in truth and prediction, or the fold's ``offset`` where a sampled fold has
    one: :func:`sampled_offset`) and the spatial residual less that offset; per bin, the
    half-width of the offset term + the bin's spatial residuals pooled over the folds (:func:`bin_half_width`).
    With one fold, no offset term: the quantile of |residual|, not de-meaned."""
    if not folds:
        raise LstFusionError("UNCERTAINTY", "no pair date could be predicted from the others, so there is "
                             "nothing to calibrate the uncertainty on")
    res, cls, chg, offsets = [], [], [], {}
    for f in folds:
        r = f.truth - f.prediction
        ok = np.isfinite(r)
        if not ok.any():
            continue
        offsets[f.date] = float(r[ok].mean()) if f.offset is None else f.offset
        res.append(r[ok])
        cls.append(np.where(f.classes[ok] > 0, f.classes[ok], ANY))
        chg.append(f.change[ok])
    if not res:
        raise LstFusionError("UNCERTAINTY", "the held-out pair dates share no valid pixel with their predictions")
    scale, dof = offset_term(offsets.values())
    if scale is not None:  # the spatial part: each date's residual less its offset
        res = [r - d for r, d in zip(res, offsets.values())]
    res, cls, chg = np.concatenate(res), np.concatenate(cls), np.concatenate(chg)
    finite = chg[np.isfinite(chg)]
    edges = tuple(float(e) for e in np.unique(np.quantile(finite, np.linspace(0, 1, n_change + 1)[1:-1])))\
        if finite.size else ()
    cal = Calibration(nominal, tuple(offsets), edges, {}, {}, class_source, min_count,
                      offsets=offsets, offset_scale=scale, offset_dof=dof)
    bins = cal.change_bin(chg)

    def put(key, sel):
        v = res[sel]
        cal.counts[key] = int(v.size)
        cal.widths[key] = bin_half_width(v, nominal, scale, dof) if v.size else float("nan")

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
