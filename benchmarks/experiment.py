"""The reference experiment's protocol on a dataset folder (lstfusion:align_pairs layout).

For every test date t (a same-day pair): reference pair 1 = nearest earlier pair,
reference pair 2 = nearest later pair (when there is one).  Each deep model is
trained on the triplets whose target is *not* a test date, then ESTARFM (needs
both pairs), STARFM and every deep model predict t and are scored against the
real Landsat LST of t over the whole image and each subregion.  Writes
``results.csv`` (method x date x region x metrics), ``results.md`` (per date
and the mean over dates) and one HTML report per method and date.

With too few pairs to leave any out (the bundled sample has two), the
split is spatial instead: models train on the northern half of every pair and
are scored on the southern half only (``--holdout south``, automatic then).

    .venv/bin/python benchmarks/experiment.py DATASET_DIR OUT_DIR [--subregions F.geojson]
        [--test-dates 2024-04-12 2024-09-19] [--epochs 30] [--patch-size 95] [--stride 20] [--device auto]
    # bundled sample, a few minutes on a CPU:
    .venv/bin/python benchmarks/experiment.py --sample demo_output/experiment
"""
import argparse
import datetime as dt
import json
import os
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from lst_fusion.core import metrics, report, training  # noqa: E402
from lst_fusion.core.estarfm import estarfm  # noqa: E402
from lst_fusion.core.io import read_raster  # noqa: E402
from lst_fusion.core.pairing import align_pairs, read_index  # noqa: E402
from lst_fusion.core.predict import predict_array  # noqa: E402
from lst_fusion.core.starfm import starfm  # noqa: E402
from lst_fusion.models import registry  # noqa: E402

SAMPLE = os.path.join(ROOT, "lst_fusion", "resources", "sample")


def load_regions(path, grid):
    if not path:
        return []
    from rasterio.warp import transform_geom

    with open(path, encoding="utf-8") as fh:
        gj = json.load(fh)
    src = (gj.get("crs") or {}).get("properties", {}).get("name", "EPSG:4326").replace("urn:ogc:def:crs:OGC:1.3:CRS84",
                                                                                       "EPSG:4326")
    out = []
    for i, f in enumerate(gj["features"]):
        name = (f.get("properties") or {}).get("name", f"region {i + 1}")
        out.append((name, transform_geom(src, grid.crs, f["geometry"])))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset", nargs="?")
    ap.add_argument("out")
    ap.add_argument("--sample", action="store_true", help="run on the bundled sample (aligned into OUT/dataset)")
    ap.add_argument("--subregions")
    ap.add_argument("--test-dates", nargs="*")
    ap.add_argument("--holdout", choices=["none", "south"], default=None)
    ap.add_argument("--models", nargs="*", default=registry.model_ids())
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--patch-size", type=int, default=None)
    ap.add_argument("--stride", type=int, default=None)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--ratio", type=float, default=metrics.DEFAULT_RATIO)
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    if a.sample:
        a.dataset = os.path.join(a.out, "dataset")
        align_pairs(os.path.join(SAMPLE, "modis"), os.path.join(SAMPLE, "landsat"), a.dataset)
        a.subregions = a.subregions or os.path.join(SAMPLE, "subregions.geojson")
        a.epochs = a.epochs or 8
        a.patch_size = a.patch_size or 48
        a.stride = a.stride or 24
    epochs, patch, stride = a.epochs or 30, a.patch_size or 95, a.stride or 20
    rows = [r for r in read_index(a.dataset) if r["status"] == "pair"]
    pairs = {r["date"]: (read_raster(r["landsat"]).data, read_raster(r["modis"]).data) for r in rows}
    dates = sorted(pairs)
    grid = read_raster(rows[0]["landsat"]).grid
    if a.test_dates:
        tests = [dt.date.fromisoformat(d) for d in a.test_dates]
    else:
        tests = [d for d in dates[-max(1, len(dates) // 5):] if d != dates[0]]
    train_dates = [d for d in dates if d not in tests]
    holdout = a.holdout or ("south" if len(train_dates) < 2 else "none")
    h = grid.height
    train_rows = slice(0, h // 2) if holdout == "south" else slice(None)
    score_mask = np.zeros(grid.shape, bool)
    score_mask[(slice(h // 2, h) if holdout == "south" else slice(None))] = True
    regions = metrics.region_masks(grid, load_regions(a.subregions, grid))
    regions = [(("scored area" if n == "whole image" and holdout == "south" else n), m & score_mask) for n, m in regions]
    regions = [(n, m) for n, m in regions if m.any()]  # a region wholly outside the scored area has nothing to say
    print(f"pairs: {', '.join(map(str, dates))}; test dates: {', '.join(map(str, tests))}; hold-out: {holdout}")

    models = {}
    for mid in a.models:
        src = {d: (f[train_rows], c[train_rows]) for d, (f, c) in pairs.items()
               if holdout == "south" or d in train_dates}
        try:
            samples = training.pair_samples(src, mid)
        except Exception as exc:  # e.g. STTFN needs three pairs
            if mid == "sttfn" and len(src) >= 2:
                samples = [dict(s, fine_ref2=s["fine_ref1"], coarse_ref2=s["coarse_ref1"])
                           for s in training.pair_samples(src, "edcstfn")]
            else:
                print(f"  {mid}: skipped ({exc})")
                continue
        t = time.time()
        ckpt, log = training.train(mid, samples, epochs=epochs, patch_size=patch, stride=stride, device=a.device,
                                   val_dates=set(), patience=max(5, epochs // 3))
        model, _ = registry.build(mid, **ckpt["hparams"])
        model.load_state_dict(ckpt["state_dict"])
        model.eval()
        models[mid] = (ckpt, model)
        print(f"  trained {registry.info(mid).name}: {len(log)} epochs, {time.time() - t:.0f} s", flush=True)

    results = []
    for t in tests:
        before = [d for d in dates if d < t]
        after = [d for d in dates if d > t]
        if not before:
            continue
        d1 = before[-1]
        d2 = after[0] if after else None
        f1, c1 = pairs[d1]
        truth, c0 = pairs[t]
        preds = {"STARFM": starfm(f1, c1, c0)}
        if d2:
            f2, c2 = pairs[d2]
            preds["ESTARFM"] = estarfm(f1, c1, f2, c2, c0)
        for mid, (ckpt, model) in models.items():
            inputs = {"fine_ref1": f1, "coarse_ref1": c1, "coarse_target": c0}
            if "fine_ref2" in registry.info(mid).inputs:
                f2, c2 = pairs[d2] if d2 else (f1, c1)
                inputs.update(fine_ref2=f2, coarse_ref2=c2)
            preds[registry.info(mid).name] = predict_array(ckpt, model, inputs, device=a.device)
        for name, p in preds.items():
            for row in metrics.evaluate_regions(p, truth, regions, a.ratio):
                results.append({"method": name, "date": t.isoformat(), **row})
            path = os.path.join(a.out, f"report_{name}_{t:%Y%m%d}.html")
            sub = [r for r in results if r["method"] == name and r["date"] == t.isoformat()]
            report.write_html(path, f"{name}, {t}", sub, np.where(score_mask, p, np.nan), np.where(score_mask, truth, np.nan))
    cols = ["method", "date", "region", "N"] + list(metrics.METRICS)
    report.write_csv(os.path.join(a.out, "results.csv"), results, cols)
    lines = [f"Dataset: {a.dataset}; test dates {', '.join(map(str, tests))}; hold-out: {holdout}; "
             f"deep models: {epochs} epochs, {patch} px patches, stride {stride}.", "", report.markdown_table(results, cols)]
    means = []
    for name in dict.fromkeys(r["method"] for r in results):
        for region in dict.fromkeys(r["region"] for r in results):
            sel = [r for r in results if r["method"] == name and r["region"] == region]
            means.append({"method": name, "date": "mean", "region": region, "N": sum(r["N"] for r in sel),
                          **{m: float(np.mean([r[m] for r in sel])) for m in metrics.METRICS}})
    lines += ["", "Mean over test dates:", "", report.markdown_table(means, cols)]
    md = "\n".join(lines) + "\n"
    with tempfile.NamedTemporaryFile("w", dir=a.out, delete=False, suffix=".md") as fh:
        fh.write(md)
    os.replace(fh.name, os.path.join(a.out, "results.md"))
    print(md)


if __name__ == "__main__":
    main()
