"""STARFM's plan (core.fusion.starfm_plan) on one tile against its per-date kernel (starfm.make_kernel): build once,
then per date; the whole real ubESTARFM sample cropped to one 256 px tile + its halo (window 31), one pair and two,
the middle MODIS day with a NaN cloud; prints the seconds (min of --repeat), the plan's memory and max |difference|.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python benchmarks/bench_starfm_plan.py [--repeat 3]
"""
import argparse
import os
import sys
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
UB = os.path.join(REPO, "..", "shared", "data", "ubestarfm")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    from lst_fusion.core.data.io import read_raster
    from lst_fusion.core.fusion.starfm import class_threshold, make_kernel
    from lst_fusion.core.fusion.starfm_plan import StarfmTilePlan

    def read(name):
        return read_raster(os.path.join(UB, name)).data.astype(np.float64)

    F1, F2 = read("Landsat_LST_cloudrm_20160205.tif"), read("Landsat_LST_cloudrm_20160308.tif")
    M = [read(f"MOD11A1_LST_cloudrm_{d}.tif") for d in ("20160205", "20160218", "20160308")]
    w, n = 15, 256 + 30
    sl = (slice(40, 40 + n), slice(40, 40 + n))
    ths = [class_threshold(np.nanstd(F1), 4), class_threshold(np.nanstd(F2), 4)]
    C0 = M[1][sl].copy()
    C0[100:110, 100:120] = np.nan
    print("| pairs | kernel per date s | plan build s | plan per date s | plan MiB | max diff K |")
    print("|---|---|---|---|---|---|")
    for npairs in (1, 2):
        refs = [F1[sl], M[0][sl], F2[sl], M[2][sl]][:2 * npairs]
        kernel = make_kernel(w, ths[:npairs], npairs=npairs, engine="numba")
        StarfmTilePlan(refs, w, ths[:npairs]).predict(None, C0)  # compiled (numba's cache) before timing
        kernel(refs + [C0])
        t = time.perf_counter()
        plan = StarfmTilePlan(refs, w, ths[:npairs])
        build = time.perf_counter() - t
        tk, tp = [], []
        for _ in range(a.repeat):
            t = time.perf_counter()
            ref = kernel(refs + [C0])
            tk.append(time.perf_counter() - t)
            t = time.perf_counter()
            got = plan.predict(None, C0)
            tp.append(time.perf_counter() - t)
        assert np.array_equal(np.isnan(got), np.isnan(ref))
        print(f"| {npairs} | {min(tk):.3f} | {build:.3f} | {min(tp):.3f} | {plan.nbytes / 2 ** 20:.1f} | "
              f"{np.nanmax(np.abs(got - ref)):.1e} |")


if __name__ == "__main__":
    main()
