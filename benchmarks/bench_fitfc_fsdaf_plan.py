"""Fit-FC and FSDAF over a series: the per-pair plans (core.fusion.fitfc_plan, fsdaf_plan) against the per-date
kernels, in one run, with the I/O floor of the same run.

On an N x N scene (default 1000) mirrored from the real ubESTARFM sample (../shared/data/ubestarfm; MODIS on its
real 0.01 deg grid resampled bicubically onto the fine grid, 10 fine px per MODIS pixel, as
bench_estarfm_plan.py), cut as a series cuts it (core.fusion.methods: Fit-FC in tiles of --tile px rounded to
whole MODIS pixels with its halo, FSDAF as one tile, the whole image, with a halo of w):

* the plan's build (once per pair);
* per further date: the plan's ``predict`` on every tile against the kernel's ``fuse_tile`` (what a series runs
  per date without the plan), both given the date's MODIS on the fine grid, and their largest difference on the
  real middle date and on the same date with a cloudy MODIS pixel (NaN on the fine grid);
* the I/O floor: writing that date as a deflate GeoTIFF (core.data.io.write_raster).

    flock /tmp/heavy.lock nice -n 10 .venv/bin/python benchmarks/bench_fitfc_fsdaf_plan.py [--size 1000] [--dates 3]
"""
import argparse
import os
import resource
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_estarfm_plan import UB, best, scene  # noqa: E402

from lst_fusion.core.data.io import write_raster  # noqa: E402
from lst_fusion.core.data.resample import resample_to_grid  # noqa: E402
from lst_fusion.core.fusion import fitfc, fitfc_plan, fsdaf, fsdaf_plan, methods  # noqa: E402
from lst_fusion.core.fusion.tiling import halo_block, tiles  # noqa: E402


def run(name, F1, C1, days, cloudy, tile, halo, params, make_plan, kernel):
    """(build s, kernel s per date, plan s per date (median), max diff clear, max diff cloudy, plan bytes)."""
    windows = list(tiles(F1.shape, tile))
    refs = [[halo_block(a, *t, halo) for a in (F1, C1)] for t in windows]
    t0 = time.perf_counter()
    plans = [make_plan(r, halo, params) for r in refs]
    t_build = time.perf_counter() - t0

    def fuse(C0, with_plan):
        out = np.full(F1.shape, np.nan)
        for (r0, r1, c0, c1), ref, plan in zip(windows, refs, plans):
            b0 = halo_block(C0, r0, r1, c0, c1, halo)
            out[r0:r1, c0:c1] = plan.predict(None, b0) if with_plan else kernel(ref + [b0], halo, params)
        return out

    t_kernel, ref = best(lambda: fuse(days[0], False), 1)
    times, worst = [], 0.0
    for k, C0 in enumerate(days):
        t0 = time.perf_counter()
        got = fuse(C0, True)
        times.append(time.perf_counter() - t0)
        if k == 0:
            worst = float(np.nanmax(np.abs(got - ref)))
            assert np.array_equal(np.isnan(got), np.isnan(ref))
    cloudy_diff = float(np.nanmax(np.abs(fuse(cloudy, True) - fuse(cloudy, False))))
    print(f"{name}: {len(windows)} tile(s) of {tile} px + halo {halo}", flush=True)
    return t_build, t_kernel, float(np.median(times)), worst, cloudy_diff, sum(p.nbytes for p in plans), got


def real_scene(size):
    """(F1 float64, the three MODIS dates on their grid, the coarse grid, the fine grid) of the ubESTARFM sample
    mirrored to ``size`` px (bench_estarfm_plan.scene); exits with a sentence where ../shared is absent."""
    if not os.path.isdir(UB):
        sys.exit(f"{UB} is not present (the real sample lives in ../shared beside the repository)")
    F1, _, modis, coarse, fine = scene(size)
    return F1.astype(np.float64), modis, coarse, fine


def setups(shape, tile, only=None):
    """[(name, tile, halo, params, plan class, per-date kernel)] of Fit-FC and FSDAF (default parameters, numba,
    10 fine px per MODIS pixel) cut as a series cuts a ``shape`` image with ``tile`` px tiles; ``only``: one."""
    out = []
    if only in (None, "fitfc"):
        p = dict(WINDOW=fitfc.DEFAULT_WINDOW, SIMILAR_PIXELS=fitfc.DEFAULT_SIMILAR, FACTOR=10, ENGINE="numba")
        out.append(("Fit-FC", methods.tile_size("fitfc", tile, shape, p), methods.halo("fitfc", params=p), p,
                    fitfc_plan.FitfcTilePlan, fitfc.fuse_tile))
    if only in (None, "fsdaf"):
        p = dict(WINDOW=fsdaf.DEFAULT_WINDOW, CLASSES=fsdaf.DEFAULT_CLASSES, SIMILAR_PIXELS=fsdaf.DEFAULT_SIMILAR,
                 PURE_PIXELS=fsdaf.DEFAULT_PURE, FACTOR=10, ENGINE="numba")
        out.append(("FSDAF", methods.tile_size("fsdaf", tile, shape, p), methods.halo("fsdaf", window=p["WINDOW"]), p,
                    fsdaf_plan.FsdafTilePlan, fsdaf.fuse_tile))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--dates", type=int, default=3, help="further dates timed through each plan")
    ap.add_argument("--tile", type=int, default=256, help="Fit-FC's series tile (rounded to whole MODIS pixels)")
    ap.add_argument("--only", choices=("fitfc", "fsdaf"), default=None)
    a = ap.parse_args()
    F1, modis, coarse, fine = real_scene(a.size)
    n = fine.width
    print(f"scene: {n} x {n} px (ubESTARFM mirrored), MODIS {coarse.width} x {coarse.height} px of 10 fine px, "
          f"bicubic, numba, {os.cpu_count()} cores")
    res = lambda m: resample_to_grid(m, coarse, fine, "bicubic").astype(np.float64)  # noqa: E731
    C1 = res(modis[0])
    days = [modis[1]] + [modis[k % 3] * (1 + 0.002 * k) + 0.7 * k for k in range(1, a.dates)]
    fine_days = [res(d) for d in days]
    cm = modis[1].copy()
    cm[coarse.height // 2, coarse.width // 2] = np.nan  # a QC-masked MODIS pixel
    cloudy = res(cm)
    # compile / cache load, not timed
    small = [x[:130, :130] for x in (F1, C1, fine_days[0])]
    fitfc.fitfc(*small, 10, window=31, engine="numba")
    fitfc_plan.FitfcTilePlan(small[:2], 20, dict(WINDOW=31, SIMILAR_PIXELS=10, FACTOR=10, ENGINE="numba")).predict(
        None, small[2])
    fsdaf.fsdaf(*small, 10, window=21, engine="numba")

    out = [(name,) + run(name, F1, C1, fine_days, cloudy, *setup) for name, *setup in setups(F1.shape, a.tile, a.only)]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "date.tif")
        t_io, _ = best(lambda: write_raster(path, out[-1][-1].astype(np.float32), fine,
                                            tags={"LST_UNIT": "kelvin"}), 3)
    print(f"\nI/O floor (write the date, deflate GeoTIFF): {t_io:.3f} s")
    print("| method | plan build (once per pair), s | kernel per date, s | plan per date, s | x I/O floor | speed-up | "
          "max diff clear, K | max diff cloudy, K | plan MiB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, t_b, t_k, t_p, d0, d1, nb, _ in out:
        print(f"| {name} | {t_b:.2f} | {t_k:.2f} | {t_p:.3f} | {t_p / t_io:.1f} | {t_k / t_p:.1f}x | {d0:.1e} | "
              f"{d1:.1e} | {nb / 2**20:.0f} |")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
