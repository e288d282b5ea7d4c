"""ESTARFM/STARFM speed: per-pixel oracle vs the vectorised tiled version, in one run.

Prints, for the same inputs: the oracle's and the fast version's time on
200 x 200 (and their ratio), then the fast version's time and peak memory on
2000 x 2000 with the default window.  Each 2000 x 2000 run is a fresh
subprocess that reports its own wall time and peak resident memory (RSS, from
getrusage; no allocation tracing, which would slow the run down).

    .venv/bin/python benchmarks/bench_classical.py [--big 2000] [--small 200]
"""
import argparse
import os
import resource
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lst_fusion.core.estarfm import estarfm  # noqa: E402
from lst_fusion.core.starfm import starfm  # noqa: E402
from lst_fusion.test.reference_classical import estarfm_reference, starfm_reference  # noqa: E402


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", type=int, default=200)
    ap.add_argument("--big", type=int, default=2000)
    args = ap.parse_args()
    print(f"cores: {os.cpu_count()}, numpy {np.__version__}")
    F1, C1, F2, C2, C0 = scene(args.small)
    print(f"\n## {args.small} x {args.small}, default windows (ESTARFM 51, STARFM 31)")
    print("| method | oracle s | fast s | speed-up | max abs diff |")
    print("|---|---|---|---|---|")
    to, ref = timed(estarfm_reference, F1, C1, F2, C2, C0)
    tf, out = timed(estarfm, F1, C1, F2, C2, C0)
    print(f"| ESTARFM | {to:.1f} | {tf:.2f} | {to / tf:.0f}x | {np.nanmax(np.abs(out - ref)):.1e} |")
    to, ref = timed(starfm_reference, F1, C1, C0)
    tf, out = timed(starfm, F1, C1, C0)
    print(f"| STARFM | {to:.1f} | {tf:.2f} | {to / tf:.0f}x | {np.nanmax(np.abs(out - ref)):.1e} |", flush=True)
    print(f"\n## {args.big} x {args.big}, default windows, fast version (one subprocess each)")
    print("| method | seconds | peak RSS MB (whole process, inputs included) |")
    print("|---|---|---|")
    for name in ("ESTARFM", "STARFM"):
        out = subprocess.run([sys.executable, __file__, "--one", name, "--big", str(args.big)], capture_output=True,
                             text=True, check=True).stdout.split()
        print(f"| {name} | {float(out[0]):.1f} | {float(out[1]):.0f} |", flush=True)


def one(name, n):
    F1, C1, F2, C2, C0 = scene(n)
    t = time.perf_counter()
    if name == "ESTARFM":
        estarfm(F1, C1, F2, C2, C0)
    else:
        starfm(F1, C1, C0)
    print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--one":
        one(sys.argv[2], int(sys.argv[sys.argv.index("--big") + 1]) if "--big" in sys.argv else 2000)
    else:
        main()
