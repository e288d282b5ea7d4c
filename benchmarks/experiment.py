"""Leave-one-date-out accuracy on a real series, with baselines (core.evaluation.protocol).

For every test date t (a same-day pair with a pair before and after it):
ESTARFM takes the nearest pair before and after, STARFM and the baseline
``Landsat ref + MODIS change`` the nearest pair, and every deep model is
trained anew on the other pairs only (t's Landsat image in no role, checked)
and predicts t.  Every prediction is scored against the real Landsat of t.

Each method is scored as it is and corrected to MODIS (core.fusion.residual): its
scene mean set to MODIS's (``+SM``), per MODIS footprint (``+RC``), and with
cross-sensor normalisation of MODIS before fusion plus the footprint
correction (``+XN+RC``; the line is fitted on the reference pairs only).
``ubRMSE`` is the RMSE once the date's mean bias is removed: the skill in the
spatial pattern.  Writes
``results.csv`` (method x variant x date x region x metrics), ``training.csv``
(epochs, samples, seconds per model and test date) and ``results.md`` (per
date, the mean over dates, and the fraction of dates on which each method
beats ``MODIS resampled``); a method that does not beat both baselines is
marked ``LOSES``.  With fewer than three pairs it says there are not enough
pairs for an accuracy test and scores nothing.

    # a dataset folder (lstfusion:align_pairs layout)
    .venv/bin/python benchmarks/experiment.py OUT --dataset DATASET
    # raw folders as users have them (aligned into OUT/dataset first)
    .venv/bin/python benchmarks/experiment.py OUT --modis DIR --landsat DIR [--landsat-band 1]
    # the real series in ../shared (see README, "Accuracy on real data")
    .venv/bin/python benchmarks/experiment.py results/ranchi --site ranchi
    # the same with MODIS co-registered to Landsat first (core.data.coregister; every method and
    # baseline then uses the co-registered MODIS)
    .venv/bin/python benchmarks/experiment.py results/ranchi_coreg --site ranchi --coregister
    .venv/bin/python benchmarks/experiment.py results/kranj --site kranj
"""
import argparse
import datetime as dt
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from lst_fusion.core.data.io import atomic_write_text, read_raster  # noqa: E402
from lst_fusion.core.data.pairing import align_pairs, read_index  # noqa: E402
from lst_fusion.core.data.resample import footprint_pixels  # noqa: E402
from lst_fusion.core.evaluation import metrics, protocol, report, validation  # noqa: E402
from lst_fusion.core.fusion import methods, residual  # noqa: E402
from lst_fusion.core.fusion.estarfm import QUANTITIES, estarfm  # noqa: E402
from lst_fusion.core.platform.errors import LstFusionError  # noqa: E402
from lst_fusion.deep import fold, training  # noqa: E402
from lst_fusion.deep.predict import predict_array  # noqa: E402
from lst_fusion.models import registry  # noqa: E402

SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
SAMPLE = os.path.join(ROOT, "lst_fusion", "resources", "sample")
# real series, read in place (Ranchi has no licence: never copied)
SITES = {
    "ranchi": dict(modis=os.path.join(SHARED, "ranchi", "modis"), landsat=os.path.join(SHARED, "ranchi", "landsat8"),
                   landsat_band=1, modis_band=1, scales=(1.0, 1.0), quantity="lst", coarse_pixel=1000.0),
    "kranj": dict(modis=os.path.join(SHARED, "kranj", "modis", "filled"),
                  landsat=os.path.join(SHARED, "kranj", "landsat", "filled"),
                  landsat_band=4, modis_band=4, scales=(1e-4, 1.0), quantity="reflectance", coarse_pixel=500.0),
    "sample": dict(modis=os.path.join(SAMPLE, "modis"), landsat=os.path.join(SAMPLE, "landsat"), landsat_band=1,
                   modis_band=1, scales=(1.0, 1.0), quantity="lst", coarse_pixel=1000.0),
}
# ubRMSE = sqrt(RMSE^2 - BIAS^2): the error left once the date's mean bias is removed (spatial detail)
SHOWN = ("RMSE", "ubRMSE", "MAE", "BIAS", "SSIM", "CC")


def train_for_case(mid, pairs, case, a, log):
    """A model trained on every pair but the test date (deep.fold's one per-fold training); None when the
    series is too short for it."""
    try:
        return fold.train_for_case(mid, pairs, case, a.epochs, a.device, a.size, a.patch_size, a.stride, log=log)
    except LstFusionError as exc:
        log(f"  {mid}: skipped ({exc})")
        return None


def predictions_for_case(case, pairs, models, quantity, device, robust=False, factor=33):
    f1, c1 = pairs[case.before]
    f2, c2 = pairs[case.after]
    fn, cn = pairs[case.nearest]
    c0 = pairs[case.date][1]
    out = dict(protocol.baselines(fn, cn, c0))
    for method_label in validation.CLASSICAL:  # the method table's classical methods (core.fusion.methods),
        for label, mid, rule in validation.candidates_of(method_label):  # each pair rule a candidate of its own
            def classical(C1, C2, C0, mid=mid, rule=rule):
                near = C1 if case.nearest == case.before else C2
                coarse = {"coarse_ref1": C1, "coarse_ref2": C2} if "coarse_ref2" in validation.case_images(
                    case, pairs, mid, rule=rule) else {"coarse_ref1": near}
                images = validation.case_images(case, pairs, mid, dict(coarse, coarse_target=C0), rule=rule)
                return methods.fuse_image(mid, images, quantity=quantity, factor=factor)
            out[label] = classical
    if robust and quantity == "lst":  # the mode is for LST (its 3 K disagreement threshold)
        out["ESTARFM lst-robust"] = lambda C1, C2, C0: estarfm(f1, C1, f2, C2, C0, quantity=quantity, mode="lst-robust")
    for mid, (ckpt, model) in models.items():
        def deep(C1, C2, C0, mid=mid, ckpt=ckpt, model=model):
            inputs = {"coarse_target": C0}
            if "fine_ref2" in registry.info(mid).inputs:
                inputs.update(fine_ref1=f1, coarse_ref1=C1, fine_ref2=f2, coarse_ref2=C2)
            else:
                near = case.nearest == case.before
                inputs.update(fine_ref1=fn, coarse_ref1=C1 if near else C2)
            return predict_array(ckpt, model, inputs, device=device)
        out[registry.info(mid).name] = deep
    return out


def run(a, log=print, on_case=None):
    """The leave-one-date-out run of ``a`` (:func:`parse`); ``on_case(case, truth, panels, choice)``, when
    given, receives each test date's Landsat, its predictions by label (``STARFM +SM``, ``auto``, the
    baselines ...) and what ``auto`` chose (benchmarks/site_tables.py draws its error maps from them)."""
    t_start = time.time()
    load_start = os.getloadavg()[0]
    os.makedirs(a.out, exist_ok=True)
    site = SITES.get(a.site, {})
    quantity = a.quantity or site.get("quantity", "lst")
    dataset = a.dataset
    coreg_note = ""
    if dataset and a.coregister:
        raise SystemExit("--coregister: works on raw folders (--modis/--landsat or --site), not on --dataset")
    if not dataset:
        modis, landsat = a.modis or site.get("modis"), a.landsat or site.get("landsat")
        if not (modis and landsat):
            raise SystemExit("give --dataset, --modis and --landsat, or --site")
        dataset = os.path.join(a.out, "dataset")
        rep = {}
        align_pairs(modis, landsat, dataset, coregister=a.coregister, report=rep, modis_band=a.modis_band or site.get("modis_band", 1),
                    landsat_band=a.landsat_band or site.get("landsat_band", 1), scales=site.get("scales", (1.0, 1.0)),
                    log=lambda s: log("  " + s))
        if "coregistration" in rep:
            coreg_note = rep["coregistration"].describe()[-1]
    rows = [r for r in read_index(dataset) if r["status"] == "pair"]
    pairs = {r["date"]: (read_raster(r["landsat"]).data, read_raster(r["modis"]).data) for r in rows}
    grid = read_raster(rows[0]["landsat"]).grid
    test_dates = [dt.date.fromisoformat(d) for d in a.test_dates] if a.test_dates else None
    try:
        cases = protocol.plan(pairs, test_dates)
    except LstFusionError as exc:
        if len(pairs) >= 3:
            raise
        text = f"Dataset: {dataset}: pairs {', '.join(map(str, sorted(pairs)))}.\n\n{exc.message}.\n"
        atomic_write_text(os.path.join(a.out, "results.md"), text)
        log(text)
        return None
    block = a.block or footprint_pixels(grid, a.coarse_pixel or site.get("coarse_pixel", 1000.0))
    log(f"pairs: {', '.join(map(str, sorted(pairs)))}; test dates: {', '.join(str(c.date) for c in cases)}; "
        f"MODIS footprint: {block} x {block} fine pixels")
    region_masks = metrics.region_masks(grid)
    results, trainings, choices = [], [], []
    for case in cases:
        log(f"test date {case.date}: pairs before {case.before}, after {case.after}, nearest {case.nearest}")
        models = {}
        for mid in a.models:
            trained = train_for_case(mid, pairs, case, a, log)
            if trained:
                models[mid] = trained[:2]
                trainings.append(trained[2])
        truth, c0 = pairs[case.date]
        (f1, c1), (f2, c2) = pairs[case.before], pairs[case.after]
        fit = residual.cross_sensor_fit([f1, f2], [c1, c2], block)
        log("  " + residual.describe_fit(fit))
        n1, n2, n0 = (residual.apply_cross_sensor(c, fit) for c in (c1, c2, c0))
        panels = {}
        for name, pred in predictions_for_case(case, pairs, models, quantity, a.device,
                                                     a.estarfm_robust, factor=block).items():
            baseline = name in protocol.BASELINES
            variants = {}
            if baseline:
                variants[""] = pred
                if name == protocol.BASELINE_MODIS:
                    variants["+XN"] = n0
            else:
                plain = pred(c1, c2, c0)
                variants[""] = plain
                variants["+SM"] = residual.correct(plain, c0, "scene mean", block)
                variants["+RC"] = residual.correct(plain, c0, "MODIS footprint", block)
                variants["+XN+RC"] = residual.correct(pred(n1, n2, n0), n0, "MODIS footprint", block)
            for variant, p in variants.items():
                if variant in ("", "+SM", "+RC"):
                    panels[f"{name} {variant}".strip()] = p
                for row in metrics.evaluate_regions(p, truth, region_masks, a.ratio):
                    row["ubRMSE"] = float(np.sqrt(max(row["RMSE"] ** 2 - row["BIAS"] ** 2, 0.0)))
                    results.append({"method": name, "variant": variant or "as is", "date": case.date.isoformat(),
                                    **row})
        # auto: chosen by an inner leave-one-date-out on the other pairs (classical candidates), never this date
        choice = protocol.choose({d: v for d, v in pairs.items() if d != case.date}, case.date,
                                 lambda c, p: validation.classical_candidates(c, p, block, quantity), log=log,
                                 block=block)
        choices.append(choice)
        outer = {key: panels[protocol.label(key)] for key in
                 [(m, v) for m in validation.CANDIDATES for v in protocol.VARIANT_ORDER]
                 + [(b, "as is") for b in protocol.BASELINES]}  # MODIS: auto's "no" and what a shrink aims at
        auto_rows = {protocol.AUTO: protocol.apply_choice(choice, outer)}
        if len(choice.members) > 1:
            auto_rows[protocol.AUTO_MEAN.format(k=len(choice.members))] = protocol.mean_of_best(choice, outer)
        for name, p in auto_rows.items():
            panels[name] = p
            for row in metrics.evaluate_regions(p, truth, region_masks, a.ratio):
                row["ubRMSE"] = float(np.sqrt(max(row["RMSE"] ** 2 - row["BIAS"] ** 2, 0.0)))
                results.append({"method": name, "variant": "as is", "date": case.date.isoformat(),
                                "chose": choice.describe(), **row})
        day = sorted((r for r in results if r["date"] == case.date.isoformat() and r["region"] == "whole image"
                      and r["variant"] in ("as is", "+SM", "+RC")), key=lambda r: r["RMSE"])
        ranked = [dict(r, method=f"{r['method']} {'' if r['variant'] == 'as is' else r['variant']}".strip())
                  for r in day]
        report.write_comparison_html(  # error maps of every method for this date, best first
            os.path.join(a.out, f"report_{case.date:%Y%m%d}.html"), f"Leave-one-date-out, {case.date}", ranked,
            truth, {r["method"]: panels[r["method"]] for r in ranked},
            columns=["method", "RMSE", "ubRMSE", "MAE", "BIAS", "SSIM", "CC"],
            header=report.report_header(method="every method, as is and corrected to MODIS (+SM scene mean, "
                                               "+RC per MODIS footprint)",
                                        date=case.date.isoformat(),
                                        inputs={"pairs": f"{case.before} (before), {case.after} (after)"},
                                        unit=report.unit_label(truth)))
        if on_case:
            on_case(case, truth, panels, choice)
        log(f"  scored {case.date} ({time.time() - t_start:.0f} s so far)")
    load = f"load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end on {os.cpu_count()} cores"
    return write_results(a, dataset, cases, results, trainings, quantity, time.time() - t_start, log, coreg_note, choices,
                         load)


def resolved_size(a):
    """The size the deep models ran at (``auto`` resolved against the device)."""
    if not a.models or not registry.torch_available():
        return a.size
    return registry.resolve_size(a.size, training.resolve_device(a.device))


def commit():
    """The checkout's commit (``abc1234``, ``+`` when the tree has changes), for the run-time line."""
    try:
        head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+" if dirty else "")


def write_results(a, dataset, cases, results, trainings, quantity, seconds, log, coreg_note="", choices=(), load=""):
    metric_cols = [m for m in metrics.METRICS if quantity == "lst" or m not in ("SAM", "ERGAS")]
    cols = ["method", "variant", "date", "region", "N", "ubRMSE"] + metric_cols + ["chose"]
    report.write_csv(os.path.join(a.out, "results.csv"), results, cols)
    if trainings:
        report.write_csv(os.path.join(a.out, "training.csv"), trainings, list(trainings[0]))
    whole = [r for r in results if r["region"] == "whole image"]
    protocol.mark_verdicts([r for r in whole if r["variant"] != "+XN"], group=("date",))
    for r in whole:
        if r["method"] in protocol.BASELINES:
            r["verdict"] = "baseline"

    dates = [c.date.isoformat() for c in cases]
    lines = [f"Dataset: {dataset}; leave-one-date-out over {', '.join(dates)} ({quantity}); deep models "
             f"({', '.join(a.models) or 'none'}): size {resolved_size(a)}, {a.epochs} epochs max, {a.patch_size} px patches, "
             f"stride {a.stride}, trained per test date without it. Run time {seconds / 60:.1f} min"
             f"{' (' + load + ')' if load else ''}, commit {commit()}.", ""]
    if coreg_note:
        lines += [f"MODIS {coreg_note} (every method and baseline uses this MODIS).", ""]
    for d in dates:
        sel = sorted((r for r in whole if r["date"] == d), key=lambda r: r["RMSE"])
        lines += [f"### {d}", "", report.markdown_table(sel,
                                           ["method", "variant"] + list(SHOWN) + ["verdict"]), ""]
    means = protocol.mean_over_dates(whole, SHOWN)
    lines += ["### Mean over test dates", "", report.markdown_table(means, ["method", "variant", "dates"] + list(SHOWN) + [
        "beats MODIS resampled", "vs MODIS resampled"]), ""]
    if choices:
        lines += ["### What auto chose (inner leave-one-date-out on the other pairs, classical candidates)", "",
                  report.markdown_table([{"date": c.date.isoformat(), "inner dates": " ".join(map(str, c.inner_dates)),
                                          "chose": c.describe(), "inner RMSE": "; ".join(
                                              f"{r['candidate']} {r['RMSE']:.2f}" for r in c.table) or c.message}
                                         for c in choices], ["date", "inner dates", "chose", "inner RMSE"]), ""]
    if trainings:
        lines += ["### Training (per test date, without it)", "", report.markdown_table(trainings, list(trainings[0])), ""]
    md = "\n".join(lines) + "\n"
    atomic_write_text(os.path.join(a.out, "results.md"), md)
    log(md)
    return results


def parse(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--site", choices=sorted(SITES), help="a real series in ../shared/data (or the bundled sample)")
    ap.add_argument("--dataset", help="a dataset folder (lstfusion:align_pairs layout)")
    ap.add_argument("--modis")
    ap.add_argument("--landsat")
    ap.add_argument("--modis-band", type=int)
    ap.add_argument("--landsat-band", type=int)
    ap.add_argument("--quantity", choices=list(QUANTITIES))
    ap.add_argument("--coarse-pixel", type=float, help="MODIS pixel size in m (footprint of the correction)")
    ap.add_argument("--block", type=int, help="MODIS footprint in fine pixels (overrides --coarse-pixel)")
    ap.add_argument("--test-dates", nargs="*")
    ap.add_argument("--models", nargs="*", default=registry.model_ids() if registry.torch_available() else [])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--patch-size", type=int, default=48)
    ap.add_argument("--stride", type=int, default=24)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--size", default="auto", choices=list(registry.SIZE_CHOICES),
                    help="deep models' size: small, paper (the published configuration) or auto (paper on CUDA)")
    ap.add_argument("--ratio", type=float, default=metrics.DEFAULT_RATIO)
    ap.add_argument("--estarfm-robust", action="store_true",
                    help="also score ESTARFM's lst-robust mode (core.fusion.estarfm, mode='lst-robust')")
    ap.add_argument("--coregister", action="store_true",
                    help="co-register MODIS to Landsat in align_pairs first (core.data.coregister)")
    return ap.parse_args(argv)


def main(argv=None):
    return run(parse(argv))


if __name__ == "__main__":
    main()
