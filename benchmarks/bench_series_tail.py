"""A series' tail alone: the seconds from the last tile written (progress at 100 %) to the end of write_dates (the log
line 'method applied to every date'): every date's close, residual correction or shrink and uncertainty map after
the tiles of a reference set's plan group (bench_series.py's inputs: one reference set, every date in one group).

    OMP_NUM_THREADS=2 nice -n 10 .venv/bin/python benchmarks/bench_series_tail.py [--size 2000] [--dates 10]
        [--method fitfc] [--correction "scene mean"] [--shrink 0.7] [--tail-threads 1] [--repo CHECKOUT]

``--tail-threads 1``: the tail in the calling thread, one date after another (series.run.tail_workers forced), in
the same run's terms; ``--repo``: another checkout of the plugin (e.g. an earlier commit, for before/after; its
bench_series.py makes the inputs).
"""
import argparse
import os
import shutil
import sys
import tempfile
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--dates", type=int, default=10)
    ap.add_argument("--method", default="fitfc")
    ap.add_argument("--correction", default=None, help="RESIDUAL_CORRECTION: 'scene mean' or 'MODIS footprint'")
    ap.add_argument("--shrink", type=float, default=None, help="auto's w towards MODIS")
    ap.add_argument("--tail-threads", type=int, default=None, help="threads of the tail (default: the scheduler's)")
    ap.add_argument("--repo", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    a = ap.parse_args()
    sys.path.insert(0, a.repo)
    sys.path.insert(0, os.path.join(a.repo, "benchmarks"))
    import bench_series as B

    if a.tail_threads is not None:
        from lst_fusion.series import run

        run.tail_workers = lambda *args: a.tail_threads
    more = {k: v for k, v in (("residual_correction", a.correction), ("shrink", a.shrink)) if v is not None}
    tmp = tempfile.mkdtemp(prefix="bench_tail_")
    try:
        B.make_inputs(tmp, a.size)
        marks = {}

        def progress(pct, msg):
            marks["last_tile"] = time.perf_counter()

        def log(line):
            if line.startswith("method applied to every date"):
                marks["end"] = time.perf_counter()
            if "tasks on" in line:
                print(line, flush=True)

        t, res = B.fuse(tmp, os.path.join(tmp, "out"), a.dates, 256, a.method, None, "", progress=progress, log=log,
                        **more)
        tail = marks["end"] - marks["last_tile"]
        print(f"{a.repo} {res.applied}, {a.size} x {a.size} px, {a.dates} dates, tail threads "
              f"{a.tail_threads or 'as the scheduler'}: total {t:.1f} s, tail {tail:.2f} s = {tail / a.dates:.3f} s "
              "per date", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
