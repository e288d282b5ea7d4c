"""ESTARFM over a series: the per-reference-set plan (core.fusion.estarfm_plan) against estarfm() per date.

In one run, on an N x N scene (default 1000) scaled up from the real ubESTARFM sample (../shared/data/ubestarfm,
400 x 400 px of 0.001 deg, MODIS on its real 0.01 deg grid, mirrored to size) with bicubic MODIS -> fine
resampling and the default 51 px window:

* the one-off costs: the resampling operator R (staggered impulses) and the plan (aggregated weights per tile);
* per further date: ``plan.predict`` against ``estarfm()``, both given the date's MODIS on the fine grid (the
  series reads it anyway; its resampling is timed apart), and their largest difference;
* the I/O floor: writing that date's raster as a deflate GeoTIFF (core.data.io.write_raster), same run;
* the plan's memory per tile and in all, and the process's peak RSS.

    .venv/bin/python benchmarks/bench_estarfm_plan.py [--size 1000] [--window 51] [--dates 5] [--engine numba]
"""
import argparse
import os
import resource
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rasterio.transform import Affine  # noqa: E402

from lst_fusion.core.data.io import Grid, read_raster, write_raster  # noqa: E402
from lst_fusion.core.data.resample import resample_to_grid  # noqa: E402
from lst_fusion.core.fusion.estarfm import estarfm  # noqa: E402
from lst_fusion.core.fusion.estarfm_plan import EstarfmPlan, LinearResampling  # noqa: E402
from lst_fusion.core.fusion.kernels import resolve_engine  # noqa: E402

UB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "data", "ubestarfm")


def scene(n):
    """Fine references and the three MODIS dates on their 0.01 deg grid, mirrored from 400 to n px."""
    def read(name):
        return read_raster(os.path.join(UB, name))

    F1 = read("Landsat_LST_cloudrm_20160205.tif")
    grid = F1.grid
    F2 = read("Landsat_LST_cloudrm_20160308.tif").data
    modis = [read(f"MOD11A1_LST_cloudrm_{d}.tif").data[::10, ::10] for d in ("20160205", "20160218", "20160308")]
    m = n // 10
    grow = lambda a, k: np.pad(a, ((0, k - a.shape[0]), (0, k - a.shape[1])), mode="symmetric")  # noqa: E731
    fine = Grid(grid.crs, grid.transform, m * 10, m * 10)
    coarse = Grid(grid.crs, grid.transform * Affine.scale(10), m, m)
    return grow(F1.data, m * 10), grow(F2, m * 10), [grow(a, m) for a in modis], coarse, fine


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--window", type=int, default=51)
    ap.add_argument("--dates", type=int, default=5, help="further dates timed through the plan")
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--method", default="bicubic")
    a = ap.parse_args()
    if not os.path.isdir(UB):
        sys.exit(f"{UB} is not present (the real sample lives in ../shared beside the repository)")
    engine = resolve_engine(a.engine)
    F1, F2, modis, coarse, fine = scene(a.size)
    n = fine.width
    print(f"scene: {n} x {n} px (ubESTARFM mirrored), MODIS {coarse.width} x {coarse.height} px of 10 fine px, "
          f"{a.method}, window {a.window}, engine {engine}, {os.cpu_count()} cores")
    res = lambda m: resample_to_grid(m, coarse, fine, a.method).astype(np.float64)  # noqa: E731
    t_res, C1 = best(lambda: res(modis[0]), 3)
    C2 = res(modis[2])
    # further dates: the real middle date and shifted/scaled variants of the three (each a different day)
    days = [modis[1]] + [modis[k % 3] * (1 + 0.002 * k) + 0.7 * k for k in range(1, a.dates)]
    fine_days = [res(d) for d in days]

    estarfm(F1[:120, :120], C1[:120, :120], F2[:120, :120], C2[:120, :120], fine_days[0][:120, :120],
            window=min(a.window, 31), engine=engine)  # compile / cache load, not timed
    t0 = time.perf_counter()
    R = LinearResampling.from_grids(coarse, fine, a.method)
    t_R = time.perf_counter() - t0
    EstarfmPlan(F1[:60, :60], C1[:60, :60], F2[:60, :60], C2[:60, :60], R.block(0, 60, 0, 60, 0),
                window=min(a.window, 31), engine=engine)  # compile / cache load of the aggregation
    t0 = time.perf_counter()
    plan = EstarfmPlan(F1, C1, F2, C2, R, res, window=a.window, engine=engine)
    t_build = time.perf_counter() - t0

    t_est, ref = best(lambda: estarfm(F1, C1, F2, C2, fine_days[0], window=a.window, engine=engine), 2)
    t_pred = []
    worst = 0.0
    for k, (d, c0) in enumerate(zip(days, fine_days)):
        t0 = time.perf_counter()
        got = plan.predict(d, c0)
        t_pred.append(time.perf_counter() - t0)
        if k == 0:
            worst = float(np.nanmax(np.abs(got - ref)))
    t_plan = float(np.median(t_pred))

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "date.tif")
        t_io, _ = best(lambda: write_raster(path, got, fine, tags={"LST_UNIT": "kelvin"}), 3)

    per_tile = max(t.nbytes for t in plan.tiles)
    K = max(t.kr for t in plan.tiles), max(t.kc for t in plan.tiles)
    mp = n * n / 1e6
    print("| step | seconds | per MP | x I/O floor |")
    print("|---|---|---|---|")
    rows = [("resampling operator R (once per MODIS grid)", t_R), ("plan build (once per reference set)", t_build),
            ("estarfm() per date", t_est), ("plan.predict per date (median of %d)" % len(t_pred), t_plan),
            ("resample the date's MODIS (GDAL, both paths)", t_res), ("I/O floor: write the date, deflate GeoTIFF", t_io)]
    for name, t in rows:
        print(f"| {name} | {t:.3f} | {t / mp:.3f} | {t / t_io:.1f} |")
    print(f"per-date speed-up: {t_est / t_plan:.1f}x; the plan pays for itself after "
          f"{(t_build) / max(t_est - t_plan, 1e-9):.1f} dates (R: once per MODIS grid, {t_R:.1f} s)")
    print(f"max |plan - estarfm()| on the real date: {worst:.2e} K")
    print(f"MODIS pixels per window (box): {K[0]} x {K[1]} = {K[0] * K[1]} against {a.window}^2 = {a.window ** 2}")
    print(f"plan memory: {per_tile / 2**20:.1f} MiB per 128 px tile (largest), {plan.nbytes / 2**20:.0f} MiB in all "
          f"({len(plan.tiles)} tiles); R: {(R.idx.nbytes + R.wt.nbytes) / 2**20:.0f} MiB; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
