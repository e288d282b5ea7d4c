"""The uncertainty calibration on auto's sample of tiles against the same calibration on the whole image.

bench_series.py's inputs (the real ubESTARFM sample mirrored to ``--size`` px, two pairs, MODIS bicubic from its
0.01 deg grid onto the Landsat grid) read whole; ``core.evaluation.uncertainty.calibrate_pairs`` of ``--method``
with the default rule (above 0.5 MP: the folds on ``core.evaluation.sample``'s tiles) and with a budget no image
reaches (the whole image). Prints each one's time and description, then every bin's pixels and half-width side by
side.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/calibration_sample.py [--size 1500] [--method fitfc]
"""
import argparse
import os
import shutil
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_series  # noqa: E402

from lst_fusion.core.data.io import read_raster  # noqa: E402
from lst_fusion.core.data.resample import footprint_pixels, resample_to_grid  # noqa: E402
from lst_fusion.core.evaluation import sample  # noqa: E402
from lst_fusion.core.evaluation import uncertainty as unc  # noqa: E402


def read_pairs(folder):
    """{date: (landsat, modis on the Landsat grid)} of bench_series' pair dates."""
    pairs = {}
    for day in (bench_series.FIRST, bench_series.LAST_PAIR):
        f = read_raster(os.path.join(folder, "landsat", f"L_{day:%Y%m%d}.tif"))
        m = read_raster(os.path.join(folder, "modis", f"M_{day:%Y%m%d}.tif"))
        pairs[day] = (f.data.astype(np.float64),
                      resample_to_grid(m.data, m.grid, f.grid, "bicubic").astype(np.float64))
    return pairs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1500)
    ap.add_argument("--method", default="fitfc")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="calibration_sample_")
    try:
        bench_series.make_inputs(tmp, a.size)
        pairs = read_pairs(tmp)
        grid = read_raster(os.path.join(tmp, "landsat", f"L_{bench_series.FIRST:%Y%m%d}.tif")).grid
        block = footprint_pixels(grid, bench_series.COARSE_PIXEL_M)  # as fuse_series' calibration takes it
        cals = {}
        for name, rule in (("sample", None), ("whole", sample.Rule(budget=10 ** 12))):
            t = time.perf_counter()
            cal, why = unc.calibrate_pairs(pairs, a.method, block=block, sample_rule=rule)
            cals[name] = cal
            print(f"{name}: {time.perf_counter() - t:.1f} s; footprint {block} px; {cal.describe() if cal else why}")
        s, w = cals["sample"], cals["whole"]
        print("| class, change bin | pixels whole | half-width whole | pixels sample | half-width sample | ratio |")
        print("|---|---|---|---|---|---|")
        for k in sorted(w.widths):
            print(f"| {k} | {w.counts[k]} | {w.widths[k]:.3f} | {s.counts.get(k)} | {s.widths.get(k, np.nan):.3f} "
                  f"| {s.widths.get(k, np.nan) / w.widths[k]:.3f} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
