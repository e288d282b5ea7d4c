"""Candidates of the ``auto`` choice (core.evaluation.protocol.choose): the classical methods and their variants.

``classical_candidates(case, pairs, block)`` predicts ``case.date`` from the pairs it is given, with
every classical method of the method table (core.fusion.methods: two-pair methods as ESTARFM with the
nearest pair before and after, the others as STARFM with the nearest pair), each as is, with the
scene-mean correction (+SM) and per MODIS footprint (+RC), plus both baselines (scored, never chosen). It reads
the Landsat of ``case.before``, ``case.after`` and ``case.nearest`` only, never of ``case.date``.
"""
import numpy as np

from ..fusion import methods as fusion_methods
from ..fusion import residual
from . import protocol


def _cost(label):
    return protocol.COST_ORDER.index(label) if label in protocol.COST_ORDER else len(protocol.COST_ORDER)


# the classical methods of the method table, cheaper first (protocol.COST_ORDER), the rest in table order
CLASSICAL = tuple(sorted(fusion_methods.labels(fusion_methods.CLASSICAL), key=_cost))


def with_variants(name, plain, c0, block):
    """``{(name, variant): prediction}`` for the variants as is, +SM and +RC of one prediction."""
    return {(name, "as is"): plain, (name, "+SM"): residual.correct(plain, c0, "scene mean", block),
            (name, "+RC"): residual.correct(plain, c0, "MODIS footprint", block)}


def case_images(case, pairs, method, coarse=None):
    """The role images a method of the table uses for ``case``: two-pair methods the pair before and after,
    the others (one pair, any reference) the nearest pair; ``coarse`` replaces the MODIS images by role
    (e.g. cross-sensor normalised ones). Never the Landsat of ``case.date``."""
    coarse = coarse or {}
    if fusion_methods.get(method).pair_mode == fusion_methods.TWO:
        (f1, c1), (f2, c2) = pairs[case.before], pairs[case.after]
        images = {"fine_ref1": f1, "coarse_ref1": c1, "fine_ref2": f2, "coarse_ref2": c2}
    else:
        fn, cn = pairs[case.nearest]
        images = {"fine_ref1": fn, "coarse_ref1": cn}
    images["coarse_target"] = pairs[case.date][1]
    images.update({r: v for r, v in coarse.items() if r in images})
    return images


def classical_candidates(case, pairs, block, quantity="lst", methods=CLASSICAL):
    """Baselines, then every classical method of ``methods`` (labels) in the order of :data:`CLASSICAL`,
    each as is, +SM and +RC."""
    fn, cn = pairs[case.nearest]
    c0 = pairs[case.date][1]  # the test date's MODIS only
    out = {(k, "as is"): v for k, v in protocol.baselines(fn, cn, c0).items()}
    for label in CLASSICAL:
        if label in methods:
            mid = fusion_methods.id_of(label)
            plain = fusion_methods.fuse_image(mid, case_images(case, pairs, mid), quantity=quantity, factor=block)
            out.update(with_variants(label, plain, c0, block))
    return out


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
