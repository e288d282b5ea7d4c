"""Masked against gap-filled training on partly cloudy pairs (issue 26, item 4), on the raw Ranchi series.

    flock /tmp/heavy.lock nice -n 10 env OMP_NUM_THREADS=2 .venv/bin/python benchmarks/bench_cloudy_training.py \\
        benchmarks/results/cloudy [--fractions 0 0.3 0.6] [--epochs 10] [--patch-size 48] [--stride 24] \\
        [--min-valid-patch 0.25] [--seed 0] [--train-seed 0]

The raw Ranchi exports (../shared/data/ranchi, read in place, never copied) are aligned as
``benchmarks/experiment.py --site ranchi`` aligns them (``align_pairs``, no co-registration): four same-day
pairs, leave-one-date-out on the two inner dates (``core.evaluation.protocol.plan``, as validate_methods).

For each cloud fraction (0 = only the real gaps of the exports) every *training* Landsat image (every pair but
the test date) gets a seeded artificial cloud mask of blobs (:func:`cloud_mask`: smoothed white noise, its
highest ``fraction`` of the pixels clouded; the same mask for a date in every fold and mode). Its cloudy
pixels (and the real gaps) are filled by the project's gap fill (``core.data.gapfill``, ``temporal+spatial``:
the dates are months apart, so in practice the progressive focal mean). ONE deep model, EDCSTFN at size
``small`` (CPU), is then trained per test date on the other pairs only (the test date's Landsat in no role,
``protocol.check_unseen``), with the budget of validate_methods' per-fold training
(``deep.fold.train_for_case``: early stopping, patience max(3, epochs // 3), seed ``--train-seed``), two
ways:

* ``gap-filled``: the gap-filled Landsat is the training target, as if it were observed;
* ``masked``: the same gap-filled images, but each sample's ``OBSERVED`` mask marks the filled pixels, so
  that they enter no loss term (``deep.training`` masked loss).

Both use the same ``--min-valid-patch`` (the least valid fraction of a training patch). Inputs are the same in
both (gap-filled references stay inputs). Every prediction of a test date uses the real, uncloudied
nearest reference pair (the clouds stand for partly cloudy *training* pairs), so that the baselines
``MODIS resampled``, ``Landsat ref + MODIS change`` and STARFM (the classical method ``auto`` falls back to
here) are the same for every row. Scored on the whole image against the test date's real Landsat: RMSE, bias,
ubRMSE = sqrt(RMSE^2 - bias^2); as is and +SM (scene mean set to MODIS's, ``core.fusion.residual``).

Writes ``OUT/results.csv`` and ``OUT/results.md`` (the table of docs/accuracy.md, "Masked against gap-filled
training", with the command, the sizes, the run time and the load).
"""
import argparse
import csv
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from lst_fusion.core.data import gapfill as core_gapfill  # noqa: E402
from lst_fusion.core.data.io import atomic_write_text, read_raster  # noqa: E402
from lst_fusion.core.data.pairing import align_pairs, read_index  # noqa: E402
from lst_fusion.core.data.resample import footprint_pixels  # noqa: E402
from lst_fusion.core.evaluation import protocol, validation  # noqa: E402
from lst_fusion.core.fusion import methods, residual  # noqa: E402

SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")
RANCHI = dict(modis=os.path.join(SHARED, "ranchi", "modis"), landsat=os.path.join(SHARED, "ranchi", "landsat8"))
MODEL = "edcstfn"
MODES = ("gap-filled", "masked")


def cloud_mask(shape, fraction, seed, scale=12.0):
    """A seeded mask of cloud blobs: white noise smoothed by a Gaussian of ``scale`` pixels, its
    ``round(fraction * size)`` highest pixels True (exactly that many: ties broken by position)."""
    from scipy import ndimage

    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction: {fraction} is not between 0 and 1")
    n = int(round(fraction * shape[0] * shape[1]))
    field = ndimage.gaussian_filter(np.random.default_rng(seed).standard_normal(shape), scale, mode="reflect")
    mask = np.zeros(shape[0] * shape[1], dtype=bool)
    if n:
        mask[np.argsort(-field.ravel(), kind="stable")[:n]] = True
    return mask.reshape(shape)


def date_seed(seed, fraction, date):
    return int(seed) * 1_000_003 + int(round(fraction * 1000)) * 10_007 + date.toordinal()


def clouded(pairs, fraction, seed):
    """{date: (gap-filled Landsat, MODIS)} and {date: observed mask} with the artificial clouds of ``fraction``."""
    cloudy = {}
    for d, (f, c) in pairs.items():
        cloud = cloud_mask(f.shape, fraction, date_seed(seed, fraction, d))
        cloudy[d] = np.where(cloud, np.float32(np.nan), f).astype(np.float32)
    filled, observed = {}, {}
    for d, f in cloudy.items():
        others = [(o, a) for o, a in cloudy.items() if o != d]
        out, _ = core_gapfill.gapfill(f, "temporal+spatial", d, others, 32)
        filled[d] = (out, pairs[d][1])
        observed[d] = np.isfinite(f)
    return filled, observed


def rmse_bias(pred, truth):
    e = np.asarray(pred, dtype=np.float64) - truth
    e = e[np.isfinite(e)]
    r, b = float(np.sqrt(np.mean(e * e))), float(np.mean(e))
    return r, b, float(np.sqrt(max(r * r - b * b, 0.0)))


def train_and_predict(src, observed, mode, case, pairs, a, log):
    from lst_fusion.deep import training
    from lst_fusion.deep.predict import predict_array
    from lst_fusion.models import registry

    samples = training.pair_samples(src, MODEL)
    if mode == "masked":
        for s in samples:
            s[training.OBSERVED] = {training.TARGET: observed[s["date"]]}
    protocol.check_unseen(samples, case.date)
    t0 = time.time()
    ckpt, rows = training.train(MODEL, samples, epochs=a.epochs, patch_size=a.patch_size, stride=a.stride,
                                device="cpu", val_dates=None, patience=max(3, a.epochs // 3), seed=a.train_seed, size="small",
                                min_valid_patch=a.min_valid_patch)
    seconds = time.time() - t0
    model, _ = registry.build(MODEL, **ckpt["hparams"])
    model.load_state_dict(ckpt["state_dict"])
    model.eval()
    fn, cn = pairs[case.nearest]
    pred = predict_array(ckpt, model, {"coarse_target": pairs[case.date][1], "fine_ref1": fn, "coarse_ref1": cn},
                         device="cpu")
    info = {"epochs": len(rows), "patches": ckpt["summary"]["n_train_patches"],
            "valid": ckpt["summary"].get("train_valid_fraction", float("nan")), "seconds": seconds}
    log(f"    {mode}: {info['epochs']} epochs, {info['patches']} patches (valid fraction {info['valid']:.3f}), "
        f"{seconds:.0f} s")
    return pred, info


def run(a, log=print):
    t_start = time.time()
    load0 = os.getloadavg()[0]
    os.makedirs(a.out, exist_ok=True)
    dataset = os.path.join(a.out, "dataset")
    align_pairs(RANCHI["modis"], RANCHI["landsat"], dataset, landsat_band=1, modis_band=1)
    rows = [r for r in read_index(dataset) if r["status"] == "pair"]
    pairs = {r["date"]: (read_raster(r["landsat"]).data, read_raster(r["modis"]).data) for r in rows}
    grid = read_raster(rows[0]["landsat"]).grid
    block = footprint_pixels(grid, 1000.0)
    cases = protocol.plan(pairs)
    log(f"pairs {', '.join(map(str, sorted(pairs)))}; test dates {', '.join(str(c.date) for c in cases)}; "
        f"{grid.width}x{grid.height} px; MODIS footprint {block} px")
    results, notes = [], []

    def score(method, variant, fraction, case, pred, info=None):
        r, b, ub = rmse_bias(pred, pairs[case.date][0])
        results.append({"method": method, "variant": variant, "cloud": fraction, "date": case.date.isoformat(),
                        "RMSE": r, "BIAS": b, "ubRMSE": ub, **(info or {})})

    for case in cases:
        fn, cn = pairs[case.nearest]
        c0 = pairs[case.date][1]
        for name, p in protocol.baselines(fn, cn, c0).items():
            score(name, "as is", "", case, p)
        images = validation.case_images(case, pairs, "starfm", {"coarse_ref1": cn, "coarse_target": c0})
        st = methods.fuse_image("starfm", images, quantity="lst", factor=block)
        score("STARFM", "as is", "", case, st)
        score("STARFM", "+SM", "", case, residual.correct(st, c0, "scene mean", block))
    for fraction in a.fractions:
        full, observed_all = clouded(pairs, fraction, a.seed)
        for d in sorted(pairs):  # every date is a training image in some fold
            obs = observed_all[d]
            notes.append(f"{fraction:g}: {d} observed {100 * obs.mean():.1f} % (real gaps "
                         f"{100 * (~np.isfinite(pairs[d][0])).mean():.1f} %)")
        for case in cases:
            src = protocol.training_pairs(full, case)
            log(f"cloud {fraction:g}, test date {case.date} (trained on {', '.join(map(str, sorted(src)))})")
            for mode in a.modes:
                pred, info = train_and_predict(src, observed_all, mode, case, pairs, a, log)
                score(f"EDCSTFN {mode}", "as is", fraction, case, pred, info)
                score(f"EDCSTFN {mode}", "+SM", fraction, case,
                      residual.correct(pred, pairs[case.date][1], "scene mean", block), info)
    seconds = time.time() - t_start
    load = f"load average {load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end on {os.cpu_count()} cores"
    write(a, results, cases, notes, seconds, load, grid, log)
    return results


def commit():
    import subprocess

    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write(a, results, cases, notes, seconds, load, grid, log):
    cols = ["method", "variant", "cloud", "date", "RMSE", "BIAS", "ubRMSE", "epochs", "patches", "valid", "seconds"]
    with open(os.path.join(a.out, "results.csv"), "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        w.writerows(results)
    dates = [c.date.isoformat() for c in cases]
    groups = {}
    for r in results:
        groups.setdefault((r["method"], r["variant"], r["cloud"]), {})[r["date"]] = r
    modis = np.mean([groups[(protocol.BASELINE_MODIS, "as is", "")][d]["RMSE"] for d in dates])
    lines = [f"| method | variant | artificial cloud | {' | '.join('RMSE ' + d for d in dates)} | mean RMSE | "
             "mean ubRMSE | vs MODIS | beats MODIS | training patches |", "|---" * (8 + len(dates)) + "|"]
    order = sorted(groups, key=lambda k: (k[2] != "", str(k[2]), k[0], k[1]))
    for key in order:
        g = groups[key]
        rm = np.mean([g[d]["RMSE"] for d in dates])
        ub = np.mean([g[d]["ubRMSE"] for d in dates])
        beats = sum(g[d]["RMSE"] < groups[(protocol.BASELINE_MODIS, "as is", "")][d]["RMSE"] for d in dates)
        patches = " / ".join(str(g[d].get("patches", "")) for d in dates) if "patches" in g[dates[0]] else ""
        cloud = "" if key[2] == "" else f"{100 * key[2]:.0f} %"
        per_date = " | ".join(f"{g[d]['RMSE']:.2f}" for d in dates)
        lines.append(f"| {key[0]} | {key[1]} | {cloud} | {per_date} | "
                     f"{rm:.2f} | {ub:.2f} | {100 * (modis - rm) / modis:+.1f} % | {beats}/{len(dates)} | {patches} |")
    argv = " ".join(sys.argv[1:]) if sys.argv[1:] else a.out
    text = "\n".join([
        "# Masked against gap-filled training (Ranchi, EDCSTFN small, leave-one-date-out)", "",
        f"Command: `flock /tmp/heavy.lock nice -n 10 env OMP_NUM_THREADS=2 .venv/bin/python "
        f"benchmarks/bench_cloudy_training.py {argv}`", "",
        f"Commit {commit()}; {seconds / 60:.1f} min; {load}. Grid {grid.width}x{grid.height} px (30 m); "
        f"epochs <= {a.epochs} (early stopping), patches {a.patch_size} px stride {a.stride}, min_valid_patch "
        f"{a.min_valid_patch:g}, cloud seed {a.seed}, training seed {a.train_seed}.", "",
        *lines, "", "Observed (not clouded, not a real gap) fraction of each training Landsat image:", "",
        *[f"* {n}" for n in notes], ""])
    atomic_write_text(os.path.join(a.out, "results.md"), text)
    log(text)


def parse(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--fractions", type=float, nargs="+", default=[0.0, 0.3, 0.6])
    ap.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--patch-size", type=int, default=48)
    ap.add_argument("--stride", type=int, default=24)
    ap.add_argument("--min-valid-patch", type=float, default=0.25)
    ap.add_argument("--seed", type=int, default=0, help="seed of the cloud masks")
    ap.add_argument("--train-seed", type=int, default=0, help="seed of the weights, patch order and augmentations")
    return ap.parse_args(argv)


if __name__ == "__main__":
    if not os.path.isdir(RANCHI["landsat"]):
        raise SystemExit(f"the Ranchi series is not at {RANCHI['landsat']} (../shared/data/ranchi)")
    run(parse())
