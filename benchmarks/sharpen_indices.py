"""Thermal sharpening with and without the spectral-index predictors (issue 38) on Ranchi, leave-one-date-out.

    flock /tmp/heavy.lock env OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/sharpen_indices.py \\
        benchmarks/results/sharpen_indices [--depth 3]

The raw Earth Engine exports of ../shared/data/ranchi (read in place) are aligned as benchmarks/experiment.py
aligns them (core.data.pairing.align_pairs, bicubic MODIS onto the Landsat grid, no co-registration) into
OUT/dataset. Each test date of the protocol (core.evaluation.protocol.plan: the inner dates) is predicted from
the other pairs only, through the validation core (core.evaluation.validation.case_images: thermal sharpening's
one reference, the pair nearest in time; the held-out date's Landsat is only the truth). The indices are that
reference date's NDVI, NDWI and NDBI, bands 2 to 4 of its Earth Engine export (core.fusion.sharpen.read_indices):
the target date's indices are never read. Rows: both baselines (as benchmarks/site_tables.py: MODIS resampled,
Landsat ref + MODIS change), thermal sharpening with the LST only and with the LST and the indices, at DEPTH 0
(one line) and ``--depth`` (the default tree). RMSE, ubRMSE (= sqrt(RMSE^2 - BIAS^2)) and BIAS per date, in the
LST's unit (degC), over the pixels valid in every prediction and the truth. Writes OUT/results.md.
"""
import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lst_fusion.core.data.io import atomic_write_text, read_raster  # noqa: E402
from lst_fusion.core.data.pairing import align_pairs, read_index  # noqa: E402
from lst_fusion.core.data.resample import footprint_pixels  # noqa: E402
from lst_fusion.core.evaluation import protocol, validation  # noqa: E402
from lst_fusion.core.fusion import sharpen  # noqa: E402

SHARED = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data", "ranchi")
INDEX_NAMES = ("NDVI", "NDWI", "NDBI")


def scores(pred, truth, ok):
    e = np.asarray(pred, dtype=np.float64)[ok] - truth[ok]
    r, b = float(np.sqrt(np.mean(e * e))), float(np.mean(e))
    return r, float(np.sqrt(max(r * r - b * b, 0.0))), b


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--depth", type=int, default=sharpen.DEFAULT_DEPTH)
    a = ap.parse_args(argv)
    t0 = time.time()
    landsat_dir = os.path.join(SHARED, "landsat8")
    dataset = os.path.join(a.out, "dataset")
    align_pairs(os.path.join(SHARED, "modis"), landsat_dir, dataset, log=lambda s: None)
    rows = [r for r in read_index(dataset) if r["status"] == "pair"]
    pairs = {r["date"]: (read_raster(r["landsat"]).data.astype(np.float64),
                         read_raster(r["modis"]).data.astype(np.float64)) for r in rows}
    grid = read_raster(rows[0]["landsat"]).grid
    block = footprint_pixels(grid, 1000.0)
    exports = {d: os.path.join(landsat_dir, f"LC08_140044_{d:%Y%m%d}.tif") for d in pairs}
    lines = [f"Pairs {', '.join(map(str, sorted(pairs)))}; MODIS footprint {block} x {block} fine pixels; "
             f"predictors of the rows '+ indices': {', '.join(INDEX_NAMES)} of the reference date (its export's "
             "bands 2-4).", "",
             "| test date | reference | prediction | RMSE (°C) | ubRMSE (°C) | BIAS (°C) |", "|---|---|---|---|---|---|"]
    means = {}
    for case in protocol.plan(pairs):
        images = validation.case_images(case, pairs, "sharpen")
        ref = validation.case_refs(case, pairs, "sharpen")[0]
        F1, C1, C0 = images["fine_ref1"], images["coarse_ref1"], images["coarse_target"]
        idx = sharpen.read_indices(exports[ref], grid, "INDICES", first_band=2)  # the reference date's, never the target's
        preds = dict(protocol.baselines(F1, C1, C0))
        for depth in sorted({0, a.depth}):
            preds[f"Thermal sharpening, DEPTH {depth}, LST only"] = sharpen.sharpen(F1, C1, C0, block, depth=depth)
            preds[f"Thermal sharpening, DEPTH {depth}, + indices"] = sharpen.sharpen(F1, C1, C0, block, depth=depth,
                                                                                    indices=idx)
        truth = pairs[case.date][0]
        ok = np.isfinite(truth)
        for p in preds.values():
            ok &= np.isfinite(p)
        for name, p in preds.items():
            r, ub, b = scores(p, truth, ok)
            means.setdefault(name, []).append((r, ub))
            lines.append(f"| {case.date} | {ref} | {name} | {r:.3f} | {ub:.3f} | {b:+.3f} |")
    lines += ["", "| prediction | mean RMSE (°C) | mean ubRMSE (°C) |", "|---|---|---|"]
    for name, v in means.items():
        lines.append(f"| {name} | {np.mean([x[0] for x in v]):.3f} | {np.mean([x[1] for x in v]):.3f} |")
    lines += ["", f"{time.time() - t0:.0f} s, load {os.getloadavg()[0]:.1f}"]
    text = "\n".join(lines) + "\n"
    atomic_write_text(os.path.join(a.out, "results.md"), text)
    print(text)


if __name__ == "__main__":
    main()
