"""Is the uncertainty map honest? Nominal vs observed coverage of the 90 % interval on held-out dates
(docs/uncertainty.md, issue 38 item 4).

    OMP_NUM_THREADS=1 nice -n 10 flock /tmp/heavy.lock .venv/bin/python benchmarks/uncertainty_coverage.py \\
        benchmarks/results/uncertainty [--sites ranchi kranj sample] [--no-coregister]

Nested, for each site (plain and with MODIS co-registered by align_pairs) and each outer pair date t: the
series is what a user would have without t's Landsat (the other pairs); ``auto`` chooses on those pairs
(deep.validate.choose_for_series, as fuse_series does), the uncertainty is calibrated on their own
leave-one-date-out (core.evaluation.uncertainty, as fuse_series does), t is predicted from them by the chosen
method and the share of t's pixels with |Landsat_t - prediction| <= half-width is the observed coverage. The
same for fixed methods (MODIS resampled, STARFM (1 pair) +SM). t's Landsat is the truth and nothing else.

Two pairs (the bundled sample) leave one pair besides t, from which no pair can be predicted: no calibration,
as fuse_series says. The table then shows the only check two pairs allow, marked ``cross``: the calibration of
one direction (2016-03-08 predicted from 2016-02-05) applied to the other (2016-02-05 from 2016-03-08); its
reference image is the held-out date's Landsat, so it is not a held-out check.

Kranj is reflectance (NIR, 0-1): the half-width is in reflectance, the coverage is unit-free. Writes
``OUT/coverage.md`` and ``OUT/coverage.csv``; the rasters are read in place and never copied.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import experiment  # noqa: E402

from lst_fusion.core.data.io import atomic_write_text, read_raster  # noqa: E402
from lst_fusion.core.data.pairing import align_pairs, read_index  # noqa: E402
from lst_fusion.core.data.resample import footprint_pixels  # noqa: E402
from lst_fusion.core.evaluation import report  # noqa: E402
from lst_fusion.core.evaluation import uncertainty as unc  # noqa: E402
from lst_fusion.core.fusion import methods  # noqa: E402

FIXED = {"MODIS resampled": (methods.BASELINE, methods.ONE, "none", None),
         "STARFM (1 pair) +SM": ("starfm", methods.ONE, "scene mean", None)}
VARIANT_OF = {"as is": "none", "+SM": "scene mean", "+RC": "MODIS footprint"}
COLUMNS = ["site", "run", "method", "date", "calibration", "nominal", "observed", "miss (points)", "pixels",
           "mean half-width", "mean error", "RMSE", "note"]


def load(site, out, coregister, log):
    s = experiment.SITES[site]
    dataset = os.path.join(out, f"{site}_{'coreg' if coregister else 'plain'}_dataset")
    align_pairs(s["modis"], s["landsat"], dataset, coregister=coregister, modis_band=s["modis_band"],
                landsat_band=s["landsat_band"], scales=s["scales"], log=lambda x: None)
    rows = [r for r in read_index(dataset) if r["status"] == "pair"]
    pairs = {r["date"]: (read_raster(r["landsat"]).data.astype(np.float64),
                         read_raster(r["modis"]).data.astype(np.float64)) for r in rows}
    grid = read_raster(rows[0]["landsat"]).grid
    return pairs, footprint_pixels(grid, s["coarse_pixel"]), s["quantity"]


def predictor(spec, block, quantity):
    method, rule, correction, w = spec
    return lambda t, others, modis: unc.predict_date(t, others, method, rule, correction, w, block, quantity,
                                                     coarse_target=modis)


def auto_spec(pairs, block, quantity):
    """What fuse_series' METHOD=auto runs on ``pairs``: (method, rule, correction, w) and its description."""
    from lst_fusion.deep.validate import choose_for_series

    method, rule, correction, w, tag = choose_for_series(pairs, block, quantity, log=lambda s: None)
    variant = {v: k for k, v in VARIANT_OF.items()}[correction]
    name = methods.candidate_label(method, rule) + (f" {variant}" if variant != "as is" else "") + (
        f" w {w:.2f}" if w < 1.0 else "") + (" (fallback)" if "fallback" in tag else "")
    return (method, rule, correction, w if w < 1.0 else None), name


def scored(row, truth, pred, hw):
    e = np.asarray(pred, dtype=np.float64) - truth
    ok = np.isfinite(e) & np.isfinite(hw)
    obs, n = unc.coverage(truth, pred, hw)
    return dict(row, observed=obs, pixels=n, **{"mean half-width": float(np.nanmean(hw[ok])),
                                               "mean error": float(e[ok].mean()),
                                               "RMSE": float(np.sqrt(np.mean(e[ok] ** 2)))})


def nested(pairs, block, quantity, label, spec_of):
    """Rows of the nested check; ``spec_of(inner pairs)`` -> (spec, name) of the method the series would run."""
    rows = []
    for t in sorted(pairs):
        inner = {d: v for d, v in pairs.items() if d != t}
        spec, name = spec_of(inner)
        predict = predictor(spec, block, quantity)
        row = {"method": f"{label}: {name}" if label == "auto" else label, "date": str(t), "nominal": unc.NOMINAL}
        folds, _ = unc.residual_folds(inner, predict)
        try:
            pred, ref = predict(t, inner, pairs[t][1])
        except ValueError as exc:
            rows.append(dict(row, note=f"not predictable: {exc}"))
            continue
        if not folds:
            rows.append(dict(row, note=unc.too_few_pairs(len(inner)) if len(inner) < unc.MIN_PAIRS else
                             "no inner pair predictable"))
            continue
        cal = unc.calibrate(folds)
        hw = unc.uncertainty_map(cal, pred, unc.pixel_classes(inner[ref][0]), unc.day_change(pairs[t][1], inner[ref][1]))
        rows.append(scored(dict(row, calibration=" ".join(str(d) for d in cal.dates), note=""), pairs[t][0], pred, hw))
    return rows


def cross(pairs, block, quantity, label, spec):
    """Two pairs: the calibration of one direction applied to the other (not held out: see the module text)."""
    predict = predictor(spec, block, quantity)
    folds, _ = unc.residual_folds(pairs, predict)
    rows = []
    for f in folds:
        other = [g for g in folds if g.date != f.date]
        if not other:
            continue
        cal = unc.calibrate(other)
        hw = unc.uncertainty_map(cal, f.prediction, f.classes, f.change)
        rows.append(scored({"method": label, "date": str(f.date), "nominal": unc.NOMINAL,
                            "calibration": f"cross: {other[0].date} from {f.date}",
                            "note": "cross: the calibration's reference is this date's Landsat"},
                           f.truth, f.prediction, hw))
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--sites", nargs="+", default=["ranchi", "kranj", "sample"])
    ap.add_argument("--no-coregister", action="store_true")
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    t0, rows = time.time(), []
    for site in a.sites:
        for run, coreg in (("plain", False), ("coreg", True)):
            if coreg and a.no_coregister:
                continue
            pairs, block, quantity = load(site, a.out, coreg, print)
            print(f"{site} {run}: pairs {', '.join(map(str, sorted(pairs)))}, footprint {block} px")
            site_rows = nested(pairs, block, quantity, "auto", lambda p: auto_spec(p, block, quantity))
            for label, spec in FIXED.items():
                site_rows += nested(pairs, block, quantity, label, lambda p, s=spec: (s, label))
                if len(pairs) == 2:
                    site_rows += cross(pairs, block, quantity, label, spec)
            for r in site_rows:
                r.update(site=site, run=run)
                if "observed" in r:
                    r["miss (points)"] = 100 * (r["observed"] - r["nominal"])
                    print(f"  {r['method']:<40} {r['date']}  observed {100 * r['observed']:5.1f} %  "
                          f"half-width {r['mean half-width']:.4g}  mean error {r['mean error']:+.4g}")
                else:
                    print(f"  {r['method']:<40} {r['date']}  {r['note']}")
            for method in dict.fromkeys(r["method"].split(":")[0] for r in site_rows):
                held = [r for r in site_rows if r["method"].split(":")[0] == method and "observed" in r
                        and not r["calibration"].startswith("cross")]
                if held:
                    n = sum(r["pixels"] for r in held)
                    obs = sum(r["observed"] * r["pixels"] for r in held) / n
                    site_rows.append({"site": site, "run": run, "method": method, "date": "all held-out dates",
                                      "calibration": "pixels pooled", "nominal": unc.NOMINAL, "observed": obs,
                                      "miss (points)": 100 * (obs - unc.NOMINAL), "pixels": n,
                                      "mean half-width": float(np.mean([r["mean half-width"] for r in held])),
                                      "mean error": float(np.mean([r["mean error"] for r in held])),
                                      "RMSE": float(np.mean([r["RMSE"] for r in held])), "note": ""})
            rows += site_rows
    seconds = time.time() - t0
    report.write_csv(os.path.join(a.out, "coverage.csv"), rows, COLUMNS)
    md = [f"Nominal 90 % vs observed coverage on held-out dates ({seconds:.0f} s, "
          f"`{' '.join(['benchmarks/uncertainty_coverage.py'] + (argv or sys.argv[1:]))}`)", "",
          "| site | run | method | date | calibrated on | observed | miss (points) | mean half-width | mean error "
          "| RMSE |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "observed" in r:
            md.append(f"| {r['site']} | {r['run']} | {r['method']} | {r['date']} | {r['calibration']} | "
                      f"{100 * r['observed']:.1f} % | {r['miss (points)']:+.1f} | {r['mean half-width']:.3g} | "
                      f"{r['mean error']:+.3g} | {r['RMSE']:.3g} |")
        else:
            md.append(f"| {r['site']} | {r['run']} | {r['method']} | {r['date']} | - | - | - | - | - | {r['note']} |")
    text = "\n".join(md) + "\n"
    atomic_write_text(os.path.join(a.out, "coverage.md"), text)
    print(text)


if __name__ == "__main__":
    main()
