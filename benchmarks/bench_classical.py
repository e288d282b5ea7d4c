"""ESTARFM/STARFM/Fit-FC/FSDAF speed: per-pixel oracle vs the fast engines, in one run.

Prints, for the same inputs: the oracle's and each engine's time on 200 x 200
(and their ratio, and each method's time as a multiple of STARFM's on the same
engine in the same run: the baseline), then each engine's time and peak memory
on 2000 x 2000 with the default window (Fit-FC and FSDAF: MODIS pixel = 10 fine
pixels; ``--methods`` picks the methods).  Engines (core.fusion.kernels): numpy, numba (when installed) and
torch (only when PyTorch sees a CUDA GPU; add it by hand with --engines to time
it on the CPU).  numba compiles on first use and caches the machine code on
disk: the 200 x 200 table times a warm engine and prints the first call's time
(compile or cache load) separately; each 2000 x 2000 run is a fresh subprocess,
so its time includes loading the cached code.  Peak memory is the resident set
size of that subprocess (getrusage; no allocation tracing, which would slow the
run down).

    .venv/bin/python benchmarks/bench_classical.py [--big 2000] [--small 200] [--engines numpy,numba]
        [--methods STARFM,ESTARFM,Fit-FC,FSDAF]
"""
import argparse
import os
import resource
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lst_fusion.core.fusion.estarfm import estarfm  # noqa: E402
from lst_fusion.core.fusion.fitfc import fitfc  # noqa: E402
from lst_fusion.core.fusion.fsdaf import fsdaf  # noqa: E402
from lst_fusion.core.fusion.starfm import starfm  # noqa: E402
from lst_fusion.test.reference_classical import estarfm_reference, starfm_reference  # noqa: E402
from lst_fusion.test.reference_fitfc import fitfc_reference  # noqa: E402
from lst_fusion.test.reference_fsdaf import fsdaf_reference  # noqa: E402

FACTOR = 10  # Fit-FC, FSDAF: the coarse pixel in fine pixels


def methods(F1, C1, F2, C2, C0):
    """{name: (oracle(), fast(engine))} on these inputs, default windows."""
    return {"STARFM": (lambda: starfm_reference(F1, C1, C0), lambda e: starfm(F1, C1, C0, engine=e)),
            "ESTARFM": (lambda: estarfm_reference(F1, C1, F2, C2, C0),
                        lambda e: estarfm(F1, C1, F2, C2, C0, engine=e)),
            "Fit-FC": (lambda: fitfc_reference(F1, C1, C0, FACTOR), lambda e: fitfc(F1, C1, C0, FACTOR, engine=e)),
            "FSDAF": (lambda: fsdaf_reference(F1, C1, C0, FACTOR), lambda e: fsdaf(F1, C1, C0, FACTOR, engine=e))}


def scene(n, seed=0):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:n, 0:n]
    F1 = 20 + 0.01 * x + 6 * ((x // 40 + y // 40) % 3 == 0) + rng.normal(0, 0.8, (n, n))
    C1 = 0.4 * F1 + 15 + rng.normal(0, 0.2, (n, n))
    F2 = F1 + 5 + rng.normal(0, 0.5, (n, n))
    C2 = C1 + 4
    C0 = C1 + 1.5
    return [a.astype(np.float32) for a in (F1, C1, F2, C2, C0)]


def timed(fn, *a, **k):
    t = time.perf_counter()
    out = fn(*a, **k)
    return time.perf_counter() - t, out


def default_engines():
    from lst_fusion.core.fusion.kernels import cuda_available, numba_available

    return ["numpy"] + ["numba"] * numba_available() + ["torch"] * cuda_available()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=200)
    ap.add_argument("--big", type=int, default=2000, help="0: skip the large runs")
    ap.add_argument("--engines", default=",".join(default_engines()))
    ap.add_argument("--methods", default="STARFM,ESTARFM,Fit-FC,FSDAF")
    args = ap.parse_args()
    engines = args.engines.split(",")
    names = args.methods.split(",")
    print(f"cores: {os.cpu_count()}, numpy {np.__version__}, engines: {', '.join(engines)}")
    runs = {k: v for k, v in methods(*scene(args.small)).items() if k in names or k == "STARFM"}
    first = {e: sum(timed(fast, e)[0] for _, fast in runs.values()) for e in engines}
    print(f"\n## {args.small} x {args.small}, default windows (STARFM 31, ESTARFM 51, Fit-FC 51, FSDAF 41)")
    print("first call of each engine in this process (all methods, compile or cache load included): "
          + ", ".join(f"{e} {t:.2f} s" for e, t in first.items()))
    print("| method | oracle s | engine | fast s (best of 3) | speed-up | x STARFM (same engine) | max abs diff |")
    print("|---|---|---|---|---|---|---|")
    base = {}
    for name, (oracle, fast) in runs.items():
        to, ref = timed(oracle)
        for e in engines:
            tf, out = min((timed(fast, e) for _ in range(3)), key=lambda r: r[0])
            base.setdefault(e, tf)  # STARFM runs first: the baseline
            print(f"| {name} | {to:.2f} | {e} | {tf:.3f} | {to / tf:.0f}x | {tf / base[e]:.1f} | "
                  f"{np.nanmax(np.abs(out - ref)):.1e} |", flush=True)
    if not args.big:
        return
    print(f"\n## {args.big} x {args.big}, default windows (one fresh subprocess each)")
    print("| method | engine | seconds | peak RSS MB (whole process, inputs included) |")
    print("|---|---|---|---|")
    for name in runs:
        for e in engines:
            out = subprocess.run([sys.executable, __file__, "--one", name, str(args.big), e], capture_output=True,
                                 text=True, check=True).stdout.split()
            print(f"| {name} | {e} | {float(out[0]):.1f} | {float(out[1]):.0f} |", flush=True)


def one(name, n, engine):
    fast = methods(*scene(n))[name][1]
    t = time.perf_counter()
    fast(engine)
    print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        one(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        main()
