"""The builds of Fit-FC's and FSDAF's plans (core.fusion.fitfc_plan, fsdaf_plan: T(1) of their series, issue 41)
with the similar-pixel selection of core.fusion.neighbours against the per-centre loop it replaced
(lst_fusion/test/reference_neighbours.py), in one run: min of --repeat builds of each, and the same lists.

On an N x N scene (default 1000) mirrored from the real ubESTARFM sample (../shared/data/ubestarfm), cut as a
series cuts it (bench_fitfc_fsdaf_plan.py: Fit-FC in tiles of --tile px with its halo, FSDAF as one tile).

    flock /tmp/heavy.lock env OMP_NUM_THREADS=2 nice -n 10 .venv/bin/python benchmarks/bench_plan_build.py
        [--size 1000] [--repeat 3] [--only fitfc|fsdaf]
"""
import argparse
import os
import sys
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_fitfc_fsdaf_plan import real_scene, setups  # noqa: E402

from lst_fusion.core.data.resample import resample_to_grid  # noqa: E402
from lst_fusion.core.fusion import fitfc_plan  # noqa: E402
from lst_fusion.core.fusion.tiling import halo_block, tiles  # noqa: E402
from lst_fusion.test.reference_neighbours import similar_lists_per_centre  # noqa: E402


def builds(F1, C1, tile, halo, params, make_plan, repeat):
    """(min seconds to build every tile's plan, the plans' lists)."""
    refs = [[halo_block(a, *t, halo) for a in (F1, C1)] for t in tiles(F1.shape, tile)]

    def build(ref):
        plan = make_plan(ref, halo, params)
        if hasattr(plan, "_build"):
            plan._build()  # FSDAF builds on its first clear date
        return plan.NI, plan.NW

    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        lists = [build(r) for r in refs]
        times.append(time.perf_counter() - t0)
    return min(times), lists, len(refs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=1000)
    ap.add_argument("--tile", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", choices=("fitfc", "fsdaf"), default=None)
    a = ap.parse_args()
    F1, modis, coarse, fine = real_scene(a.size)
    C1 = resample_to_grid(modis[0], coarse, fine, "bicubic").astype(np.float64)
    print(f"scene: {fine.width} x {fine.height} px (ubESTARFM mirrored), {os.cpu_count()} cores, "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, min of {a.repeat} builds")
    small = [x[:130, :130] for x in (F1, C1)]  # compile / cache load, not timed
    fitfc_plan.FitfcTilePlan(small, 25, dict(WINDOW=31, SIMILAR_PIXELS=10, FACTOR=10, ENGINE="numba"))
    similar_lists_per_centre(small[0], np.ones((4, 4)), np.inf, 3, 2, np.ones_like, 0.0, np.ones_like, False)
    print("| method | tiles | build, per-centre selection, s | build now, s | speed-up | s per MP now | same lists |")
    print("|---|---|---|---|---|---|---|")
    mp = F1.size / 1e6
    for name, tile, halo, params, make_plan, _ in setups(F1.shape, a.tile, a.only):
        module = sys.modules[make_plan.__module__]  # core.fusion.fitfc_plan or fsdaf_plan: its similar_lists
        now = module.similar_lists
        try:
            module.similar_lists = similar_lists_per_centre
            t_old, old, n = builds(F1, C1, tile, halo, params, make_plan, a.repeat)
        finally:
            module.similar_lists = now
        t_new, new, _ = builds(F1, C1, tile, halo, params, make_plan, a.repeat)
        same = all(np.array_equal(x[0], y[0]) and np.array_equal(x[1], y[1]) for x, y in zip(old, new))
        print(f"| {name} | {n} | {t_old:.2f} | {t_new:.2f} | {t_old / t_new:.1f}x | {t_new / mp:.2f} | {same} |",
              flush=True)


if __name__ == "__main__":
    main()
