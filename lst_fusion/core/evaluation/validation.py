"""Candidates of the ``auto`` choice (core.evaluation.protocol.choose): the classical methods and their variants.

``classical_candidates(case, pairs, block)`` predicts ``case.date`` from the pairs it is given, with
every classical method of the method table, each with the reference pairs the series gives it
(core.data.pairing.reference_pairs, the one rule: two-pair methods the nearest pair before and after, one-pair
methods the nearest pair; a method that can run either way, STARFM, is two candidates, ``STARFM (1 pair)`` and
``STARFM (2 pairs)``, core.fusion.methods.candidate_label; a method of pair mode ALL every pair but the held-out
date's), each as is, with the scene-mean correction (+SM)
and per MODIS footprint (+RC), plus both baselines (scored, never chosen). The held-out date is not among the
pairs the rule chooses from: its Landsat is never read.
"""
import numpy as np

from ..data.pairing import reference_pairs
from ..fusion import methods as fusion_methods
from ..fusion import residual
from ..platform.errors import LstFusionError
from . import protocol


def _cost(label):
    return protocol.COST_ORDER.index(label) if label in protocol.COST_ORDER else len(protocol.COST_ORDER)


# the classical methods of the method table, cheaper first (protocol.COST_ORDER), the rest in table order
CLASSICAL = tuple(sorted(fusion_methods.labels(fusion_methods.CLASSICAL), key=_cost))


def with_variants(name, plain, c0, block):
    """``{(name, variant): prediction}`` for the variants as is, +SM and +RC of one prediction."""
    return {(name, "as is"): plain, (name, "+SM"): residual.correct(plain, c0, "scene mean", block),
            (name, "+RC"): residual.correct(plain, c0, "MODIS footprint", block)}


def candidates_of(method_label):
    """[(candidate label, method id, pair rule)] of a method of the table: one per rule it can run with."""
    mid = fusion_methods.id_of(method_label)
    return [(fusion_methods.candidate_label(mid, rule), mid, rule) for rule in fusion_methods.pair_rules(mid)]


# every classical candidate (a method with a pair rule it can run with), in the order of CLASSICAL
CANDIDATES = tuple(c for m in CLASSICAL for c, _, _ in candidates_of(m))


def others(case, pairs):
    """The pair dates ``case`` may take references from: every one but its own date."""
    return [d for d in pairs if d != case.date]


def case_refs(case, pairs, method, rule=None, max_gap_days=None):
    """(ref1, ref2 or None): the reference pair dates ``method`` run with ``rule`` (its table rule when None)
    uses for ``case``, chosen among ``pairs`` without ``case.date`` by the series' own rule (``max_gap_days`` as
    the series' MAX_GAP_DAYS); pair mode ALL: the tuple of every pair but ``case.date``
    (:func:`core.data.pairing.every_pair`, no gap limit)."""
    from ..data.pairing import every_pair

    if (rule or fusion_methods.get(method).pair_mode) == fusion_methods.ALL:
        return every_pair(pairs, case.date)
    ref1, ref2, reason = reference_pairs(case.date, others(case, pairs), rule or fusion_methods.get(method).pair_mode,
                                         max_gap_days)
    if ref1 is None:
        raise LstFusionError("DATASET", f"{case.date}: {reason}")
    return ref1, ref2


def case_images(case, pairs, method, coarse=None, rule=None, max_gap_days=None):
    """The role images ``method`` run with ``rule`` uses for ``case`` (:func:`case_refs`); ``coarse`` replaces
    the MODIS images by role (e.g. cross-sensor normalised ones). Never the Landsat of ``case.date``."""
    coarse = coarse or {}
    if (rule or fusion_methods.get(method).pair_mode) == fusion_methods.ALL:
        refs = case_refs(case, pairs, method, rule)
        return {"fine_refs": [pairs[d][0] for d in refs], "coarse_refs": [pairs[d][1] for d in refs],
                "coarse_target": pairs[case.date][1]}
    ref1, ref2 = case_refs(case, pairs, method, rule, max_gap_days)
    (f1, c1) = pairs[ref1]
    images = {"fine_ref1": f1, "coarse_ref1": c1}
    if ref2 is not None:
        images["fine_ref2"], images["coarse_ref2"] = pairs[ref2]
    images["coarse_target"] = pairs[case.date][1]
    images.update({r: v for r, v in coarse.items() if r in images})
    return images


def reason_of(exc):
    """Why a method could not run, as a clause without the parameter a lower layer named (that parameter
    belongs to another algorithm: the caller's own sentence says which method and which date)."""
    if isinstance(exc, LstFusionError):
        return exc.message
    return f"{type(exc).__name__}: {exc}"


def no_valid_pixel(prediction, truth=None):
    """Why ``prediction`` cannot be scored (no finite pixel, or none where ``truth`` is finite), else ''."""
    ok = np.isfinite(prediction)
    if not ok.any():
        return "its prediction has no valid pixel"
    if truth is not None and not (ok & np.isfinite(truth)).any():
        return "its prediction shares no valid pixel with the Landsat of the test date"
    return ""


def classical_candidates(case, pairs, block, quantity="lst", methods=CLASSICAL, failed=None, seconds=None):
    """Baselines, then every classical method of ``methods`` (labels) in the order of :data:`CLASSICAL`, with
    each pair rule it can run with (a candidate of its own, :func:`candidates_of`), each as is, +SM and +RC.
    With a dict ``failed``, a candidate that cannot run on these images (it raises a ValueError,
    LstFusionError included, or an ArithmeticError, or predicts no valid pixel) is left out and
    ``failed[candidate]`` says why (:func:`reason_of`); without it, its error propagates.  A candidate whose rule
    gives the same references as an earlier one of its method (STARFM with 2 pairs where one is left) reuses that
    prediction.  With a dict ``seconds``, ``seconds[candidate]`` adds the seconds its prediction took."""
    import time

    fn, cn = pairs[case.nearest]
    c0 = pairs[case.date][1]  # the test date's MODIS only
    out = {(k, "as is"): v for k, v in protocol.baselines(fn, cn, c0).items()}
    made = {}  # (method id, references) -> its prediction
    for method_label in CLASSICAL:
        if method_label not in methods:
            continue
        for label, mid, rule in candidates_of(method_label):
            try:  # no references under its rule (ESTARFM on an end fold of auto's inner folds): not a candidate
                refs = case_refs(case, pairs, mid, rule)
            except LstFusionError as exc:
                if failed is not None:
                    failed[label] = exc.message
                continue
            t = time.perf_counter()
            try:
                if (mid, refs) not in made:
                    made[mid, refs] = fusion_methods.fuse_image(mid, case_images(case, pairs, mid, rule=rule),
                                                                quantity=quantity, factor=block)
                plain = made[mid, refs]
            except (ValueError, ArithmeticError) as exc:  # LinAlgError and LstFusionError are ValueErrors
                if failed is None:
                    raise
                failed[label] = reason_of(exc)
                continue
            finally:
                if seconds is not None:
                    seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - t
            why = no_valid_pixel(plain) if failed is not None else ""
            if why:
                failed[label] = why
                continue
            out.update(with_variants(label, plain, c0, block))
    return out


def clear_percent(values):
    """Percentage of finite pixels."""
    return 100.0 * float(np.isfinite(values).mean()) if np.size(values) else 0.0


def select_pairs(pairs, min_clear, known=None, parameter="MIN_CLEAR"):
    """``(kept, dropped)``: the pairs ``{date: (landsat, modis)}`` whose Landsat and MODIS are both at least
    ``min_clear`` % clear and share a clear pixel (the truth a test date is scored on, the references a method
    reads), and ``[(date, reason)]`` of the others. ``known``: ``{date: (landsat %, modis %)}`` from the
    dataset's index.csv (gap-filled Landsat pixels are not clear there); the lower of it and the data counts."""
    kept, dropped = {}, []
    for d in sorted(pairs):
        fine, coarse = pairs[d]
        lc, mc = clear_percent(fine), clear_percent(coarse)
        if known and d in known:
            lc, mc = min(lc, known[d][0]), min(mc, known[d][1])
        if min(lc, mc) <= 0.0:
            dropped.append((d, f"Landsat {lc:.1f} % and MODIS {mc:.1f} % clear: no clear pixel"))
        elif min(lc, mc) < min_clear:
            dropped.append((d, f"Landsat {lc:.1f} % and MODIS {mc:.1f} % clear, below {parameter} {min_clear:g} %"))
        elif not (np.isfinite(fine) & np.isfinite(coarse)).any():
            dropped.append((d, "its Landsat and MODIS share no clear pixel"))
        else:
            kept[d] = pairs[d]
    return kept, dropped


# --- the two analyses of the validation report (arXiv 2412.16631 §5) ----------------------------------
N_QUANTILE_CLASSES = 3
# a test date of strong temporal variability: the MODIS change from its nearest reference date is at least
# this much on average over the scene (K or °C), where the seed reports that every model fails
STRONG_CHANGE = 5.0


def quantile_classes(values, n=N_QUANTILE_CLASSES):
    """Classes 1..n of equal pixel counts (quantiles of ``values``); 0 where ``values`` is not finite."""
    values = np.asarray(values, dtype=np.float64)
    ok = np.isfinite(values)
    out = np.zeros(values.shape, dtype=np.int32)
    if not ok.any():
        return out
    edges = np.quantile(values[ok], np.linspace(0, 1, n + 1)[1:-1])
    out[ok] = 1 + np.searchsorted(edges, values[ok], side="right")
    return out


def class_errors(predictions, truth, classes, date, names=None):
    """Rows (method, date, class, N, RMSE, BIAS) of each prediction within each class (> 0) of ``classes``."""
    truth = np.asarray(truth, dtype=np.float64)
    rows = []
    for method, pred in predictions.items():
        err = np.asarray(pred, dtype=np.float64) - truth
        for k in sorted(int(v) for v in np.unique(classes) if v > 0):
            sel = (classes == k) & np.isfinite(err)
            if not sel.any():
                continue
            e = err[sel]
            rows.append({"method": method, "date": str(date), "class": (names or {}).get(k, str(k)),
                         "N": int(sel.sum()), "RMSE": float(np.sqrt(np.mean(e ** 2))), "BIAS": float(e.mean())})
    return rows


def variability(coarse_target, coarse_ref, fine_target):
    """Mean |ΔMODIS| from the reference date to the target, its spatial std, and the target Landsat's std."""
    d = np.asarray(coarse_target, dtype=np.float64) - np.asarray(coarse_ref, dtype=np.float64)
    ok = np.isfinite(d)
    f = np.asarray(fine_target, dtype=np.float64)
    return {"mean |dMODIS|": float(np.abs(d[ok]).mean()), "std dMODIS": float(d[ok].std()),
            "Landsat std": float(f[np.isfinite(f)].std())}


def variability_rows(cases, pairs, rmse_of):
    """One row per test date: :func:`variability` from its nearest pair, each method's RMSE
    (``rmse_of[date] = {method: RMSE}``), and ``strong`` when mean |ΔMODIS| >= STRONG_CHANGE."""
    rows = []
    for case in cases:
        v = variability(pairs[case.date][1], pairs[case.nearest][1], pairs[case.date][0])
        rows.append({"date": case.date.isoformat(), "reference": case.nearest.isoformat(), **v,
                     "strong": "strong variability" if v["mean |dMODIS|"] >= STRONG_CHANGE else "",
                     **rmse_of.get(case.date, {})})
    return rows


def read_series_pairs(rows, min_clear, parameter_of, log=None, parameter="MIN_CLEAR"):
    """The pairs of a validation, ``(pairs {date: (landsat, modis)}, grid, dropped [(date, reason)], kind)``, from
    index.csv's ``pair`` rows (core.data.pairing.read_index): every member on one grid (same CRS, transform
    and size), else one sentence naming ``parameter_of(path)`` and the file (e.g. ``DATASET (M_20200117.tif)``);
    the pairs less clear than ``min_clear`` % (:func:`select_pairs`) dropped; the kept ones in one unit
    (core.data.checks.harmonise_units, each conversion logged; two quantities refused); ``kind``: their quantity
    and unit (core.data.units.Kind: from the tags, else a labelled guess)."""
    import os

    from ..data.checks import harmonise_units
    from ..data.io import check_same_grid, read_raster
    from ..data.units import LST, Kind, kind_of

    read, known, named = {}, {}, {}
    for r in rows:
        d = r["date"]
        read[d] = tuple(read_raster(r[k], parameter_of(r[k])) for k in ("landsat", "modis"))
        try:
            known[d] = (float(r.get("landsat_clear") or 100.0), float(r.get("modis_clear") or 100.0))
        except ValueError:
            pass
        for raster in read[d]:
            named[parameter_of(raster.path)] = raster
    check_same_grid(named)
    kept, dropped = select_pairs({d: (f.data, c.data) for d, (f, c) in read.items()}, min_clear, known, parameter)
    units = {}
    for d in kept:
        for raster in read[d]:
            units[parameter_of(raster.path)] = raster
    unit = harmonise_units(units, log)
    kind = kind_of(next(iter(units.values()))) if units else None
    if kind is not None and kind.quantity == LST:  # the unit every pair was brought to
        kind = Kind(LST, unit, kind.source)
    pairs = {d: (read[d][0].data, read[d][1].data) for d in kept}
    grid = next(iter(named.values())).grid if named else None
    if log:
        for d, why in dropped:
            log(f"{d} ({os.path.basename(read[d][0].path)}): {why}: not a test date or a reference")
    return pairs, grid, dropped, kind

