"""A series through the plan against the per-date kernel, on a crop of bench_series.py's large inputs.

bench_series.py's inputs (the ubESTARFM sample mirrored to ``--size`` px, MODIS on its own 0.01 deg grid) are
written once; the Landsat pairs are cropped to ``--crop`` px from (``--offset``, ``--offset``), the MODIS files
stay whole (read onto the crop per window, bicubic, as a series reads them); the third date gets two masked
MODIS pixels inside the crop (a cloudy day). For each method, fuse_series with ``precompute`` True and False
(uncertainty off: the same dates either way), then the largest |plan - per-date| over the written dates and
whether their NaN patterns agree.  The real-data tests (test_fitfc_fsdaf_plan.py, test_series_precompute.py)
do the same at small sizes; this is the check at the benchmark's size.

    flock /tmp/heavy.lock nice -n 10 .venv/bin/python benchmarks/series_crop_equal.py [--size 2000] [--crop 1000]
        [--offset 500] [--methods fitfc,fsdaf]
"""
import argparse
import glob
import os
import shutil
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_series  # noqa: E402

from lst_fusion.core.data.io import Grid, read_raster, write_raster  # noqa: E402
from lst_fusion.series import fuse_series  # noqa: E402

DAYS = ("20160101", "20160102", "20160103", "20160104", "20160401")  # the pairs' days and three between
CLOUDY = "20160103"


def crop_inputs(src, root, n, off):
    from rasterio.transform import Affine

    os.makedirs(os.path.join(root, "landsat"))
    os.makedirs(os.path.join(root, "modis"))
    for f in glob.glob(os.path.join(src, "landsat", "*.tif")):
        r = read_raster(f)
        grid = Grid(r.grid.crs, r.grid.transform * Affine.translation(off, off), n, n)
        write_raster(os.path.join(root, "landsat", os.path.basename(f)), r.data[off:off + n, off:off + n], grid)
    for d in DAYS:
        r = read_raster(os.path.join(src, "modis", f"M_{d}.tif"))
        data = r.data.copy()
        if d == CLOUDY:  # two QC-masked MODIS pixels inside the crop
            k = bench_series.PAD + (off + n // 2) // 10
            data[k, k] = data[k + 5, k - 7] = np.nan
        write_raster(os.path.join(root, "modis", f"M_{d}.tif"), data, r.grid)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--crop", type=int, default=1000)
    ap.add_argument("--offset", type=int, default=500)
    ap.add_argument("--methods", default="fitfc,fsdaf")
    a = ap.parse_args()
    if not os.path.isdir(bench_series.UB):
        sys.exit(f"{bench_series.UB} is not present (the real sample lives in ../shared beside the repository)")
    tmp = tempfile.mkdtemp(prefix="series_crop_equal_")
    try:
        bench_series.make_inputs(os.path.join(tmp, "whole"), a.size)
        root = os.path.join(tmp, "crop")
        crop_inputs(os.path.join(tmp, "whole"), root, a.crop, a.offset)
        for method in a.methods.split(","):
            got = {}
            for pre in (True, False):
                t = time.perf_counter()
                res = fuse_series(os.path.join(tmp, f"{method}_{pre}"), modis=os.path.join(root, "modis"),
                                  landsat=os.path.join(root, "landsat"), method=method, start="2016-01-02",
                                  end="2016-01-04", max_gap_days=91, tile=256, precompute=pre,
                                  coarse_pixel=bench_series.COARSE_PIXEL_M, uncertainty=False)
                got[pre] = [read_raster(p).data for p in res.outputs]
                tag = read_raster(res.outputs[0]).tags.get("PRECOMPUTED", "per-date kernel")
                print(f"{method}, precompute={pre}: {time.perf_counter() - t:.1f} s, {len(res.outputs)} dates ({tag})",
                      flush=True)
            worst = max(float(np.nanmax(np.abs(p - k))) for p, k in zip(got[True], got[False]))
            same = all(np.array_equal(np.isnan(p), np.isnan(k)) for p, k in zip(got[True], got[False]))
            valid = ", ".join(f"{np.isfinite(p).mean():.3f}" for p in got[True])
            print(f"{method}: {a.crop} x {a.crop} px of the {a.size} x {a.size} px inputs at ({a.offset}, {a.offset}), "
                  f"3 dates (one cloudy): max |plan - per-date| = {worst:.3g} K, same NaN pattern: {same}, valid share "
                  f"{valid}", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
