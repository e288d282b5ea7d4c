"""ESTARFM over a series: the per-reference-set plan (core.fusion.estarfm_plan) against estarfm() per date.

In one run, on an N x N scene (default 1000) scaled up from the real ubESTARFM sample (../shared/data/ubestarfm,
400 x 400 px of 0.001 deg, MODIS on its real 0.01 deg grid, mirrored to size) with bicubic MODIS -> fine
resampling and the default 51 px window:

* the one-off costs: the resampling operator R (staggered impulses) and the plan (aggregated weights per tile);
* per further date: ``plan.predict`` against ``estarfm()``, both given the date's MODIS on the fine grid (the
  series reads it anyway; its resampling is timed apart), and their largest difference;
* the I/O floor: writing that date's raster as a deflate GeoTIFF (core.data.io.write_raster), same run;
* the plan's memory per tile and in all, and the process's peak RSS;
* ``--starfm`` (numba): STARFM's per-pair parts (fine similarity, spectral filter) precomputed as a mask per
  centre and offset, with the day's part (temporal filter, weights) exact, against the window sums as they are.

    .venv/bin/python benchmarks/bench_estarfm_plan.py [--size 1000] [--window 51] [--dates 5] [--engine numba]
    .venv/bin/python benchmarks/bench_estarfm_plan.py --starfm
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
from lst_fusion.core.data.linear_resampling import LinearResampling  # noqa: E402
from lst_fusion.core.data.resample import resample_to_grid  # noqa: E402
from lst_fusion.core.fusion.estarfm import estarfm  # noqa: E402
from lst_fusion.core.fusion.estarfm_plan import EstarfmPlan  # noqa: E402
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


def starfm_experiment(n=256, w=15, repeat=3):
    """STARFM, one pair, one tile: the window sums as they are vs a per-pair mask + an exact day loop."""
    import numba

    from lst_fusion.core.fusion.kernels import starfm_sums

    fm = {"reassoc", "contract", "arcp", "nsz"}

    @numba.njit(nogil=True, fastmath=fm, error_model="numpy")
    def pair_mask(G, S, cF, smax, ths, w, out):  # the per-pair part: fine similarity and spectral filter
        th, tw = cF.shape
        for i in range(th):
            for j in range(tw):
                for dy in range(2 * w + 1):
                    for dx in range(2 * w + 1):
                        out[i, j, dy, dx] = (abs(G[i + dy, j + dx] - cF[i, j]) <= ths) & (S[i + dy, j + dx] < smax[i, j])

    @numba.njit(nogil=True, fastmath=fm, error_model="numpy")
    def day_loop(PM, T, base, P, cF, tmax, dist, w, out):  # the day's part: temporal filter and weights
        th, tw = cF.shape
        for i in range(th):
            for j in range(tw):
                if not cF[i, j] == cF[i, j]:
                    continue
                sw = sp = 0.0
                for dy in range(2 * w + 1):
                    for dx in range(2 * w + 1):
                        m = 1.0 if PM[i, j, dy, dx] & (T[i + dy, j + dx] < tmax[i, j]) else 0.0
                        wg = m / (base[i + dy, j + dx] * dist[dy, dx])
                        sw += wg
                        sp += wg * P[i + dy, j + dx]
                out[0, i, j] = sw
                out[1, i, j] = sp

    rng = np.random.default_rng(0)
    F = 300 + rng.normal(0, 2, (n + 2 * w, n + 2 * w))
    C = 0.5 * F + 150 + rng.normal(0, 0.5, F.shape)
    C0 = C + 2 + rng.normal(0, 0.3, F.shape)
    S, T = np.abs(F - C), np.abs(C - C0)
    base, P = (S + 0.5) * (T + 0.5), F + C0 - C
    cs = (slice(w, w + n), slice(w, w + n))
    cF, smax, tmax, ths = F[cs], S[cs] + 0.7, T[cs] + 0.7, float(np.std(F) * 0.5)
    as_is = lambda: starfm_sums("numba", F, S, T, base, P, cF, smax, tmax, ths, w, 150.0)  # noqa: E731
    as_is()
    t_as_is, ref = best(as_is, repeat)
    PM = np.zeros((n, n, 2 * w + 1, 2 * w + 1), np.bool_)
    pair_mask(F, S, cF, smax, ths, w, PM)
    t_mask, _ = best(lambda: pair_mask(F, S, cF, smax, ths, w, PM), 1)
    dy, dx = np.mgrid[-w:w + 1, -w:w + 1]
    dist = 1.0 + np.hypot(dy, dx) / 150.0
    out = np.zeros((2, n, n))
    day_loop(PM, T, base, P, cF, tmax, dist, w, out)
    t_day, _ = best(lambda: day_loop(PM, T, base, P, cF, tmax, dist, w, out), repeat)
    print(f"STARFM, one pair, {n} x {n} tile, window {2 * w + 1}: window sums as they are {t_as_is:.3f} s per date; "
          f"per-pair mask precomputed ({PM.nbytes / 2**20:.0f} MiB, {t_mask:.3f} s once) + exact day loop "
          f"{t_day:.3f} s per date ({t_as_is / t_day:.2f}x); max relative difference "
          f"{np.max(np.abs(out - ref)) / np.abs(ref).max():.1e}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--window", type=int, default=51)
    ap.add_argument("--dates", type=int, default=5, help="further dates timed through the plan")
    ap.add_argument("--engine", default="auto")
    ap.add_argument("--method", default="bicubic")
    ap.add_argument("--starfm", action="store_true", help="only the STARFM precomputation experiment")
    a = ap.parse_args()
    if a.starfm:
        return starfm_experiment()
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
    print(f"MODIS pixels per window (box): {K[0]} x {K[1]} = {K[0] * K[1]} against {a.window}^2 = {a.window ** 2}; "
          f"separable aggregation in {sum(t.separable for t in plan.tiles)} of {len(plan.tiles)} tiles")
    print(f"plan memory: {per_tile / 2**20:.1f} MiB per 128 px tile (largest), {plan.nbytes / 2**20:.0f} MiB in all "
          f"({len(plan.tiles)} tiles); R: {(R.idx.nbytes + R.wt.nbytes) / 2**20:.0f} MiB; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
