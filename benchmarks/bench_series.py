"""A daily series with ESTARFM: sequential against Dask local (2 worker processes), in one run.

Writes synthetic inputs (N x N px, Landsat pairs on day 0 and day 16, MODIS daily on the fine grid), then, each
in a fresh subprocess so that peak memory is its own:

* ``sequential``: ``fuse_series(..., scheduler="sequential")`` - one tile after another in one process;
* ``dask``: a ``LocalCluster(n_workers=2, threads_per_worker=1, processes=True)`` and
  ``fuse_series(..., scheduler=<its address>)``; peak RSS of each worker (getrusage in the worker);
* ``resume``: the sequential run again on its finished folder (every date kept).

Prints seconds, the ratio, peak memory per process, whether the outputs are identical, and a projection for a
full Landsat scene (7,600 x 7,800 px) x 90 days on N workers from the measured time per megapixel-date and the
measured 2-worker efficiency.

    nice .venv/bin/python benchmarks/bench_series.py [--size 2000] [--dates 10] [--tile 256]
"""
import argparse
import glob
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

SCENE_PX = 7600 * 7800  # a Landsat 8/9 scene at 30 m
SEASON_DAYS = 90


def make_inputs(folder, n, dates):
    from rasterio.transform import from_origin

    from lst_fusion.core.data.io import Grid, write_raster

    grid = Grid("EPSG:32633", from_origin(500000, 5200000, 30, 30), n, n)
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:n, 0:n]
    base = (20 + 0.01 * x + 6 * ((x // 40 + y // 40) % 3 == 0) + rng.normal(0, 0.8, (n, n))).astype(np.float32)
    os.makedirs(os.path.join(folder, "landsat"))
    os.makedirs(os.path.join(folder, "modis"))
    for day in (0, 16):
        write_raster(os.path.join(folder, "landsat", f"L_202007{1 + day:02d}.tif"), base + 0.3 * day, grid)
    coarse = (0.4 * base + 15).astype(np.float32)
    for day in range(0, max(17, dates + 1)):
        write_raster(os.path.join(folder, "modis", f"M_202007{1 + day:02d}.tif"), coarse + 0.25 * day, grid)


def run(folder, out, scheduler, dates, tile):
    from lst_fusion.series import fuse_series

    t = time.perf_counter()
    res = fuse_series(out, modis=os.path.join(folder, "modis"), landsat=os.path.join(folder, "landsat"),
                      start="2020-07-02", end=f"2020-07-{1 + dates:02d}", scheduler=scheduler, tile=tile)
    return time.perf_counter() - t, res


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def child(mode, folder, out, dates, tile):
    """Runs in a subprocess; prints one JSON line."""
    if mode == "dask":
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            with Client(cluster) as client:
                client.run(lambda: __import__("lst_fusion.series"))  # workers import the core before timing
                seconds, res = run(folder, out, cluster.scheduler_address, dates, tile)
                workers = sorted(client.run(maxrss_mb).values())
    else:
        seconds, res = run(folder, out, "sequential", dates, tile)
        workers = []
    print(json.dumps({"seconds": seconds, "client_mb": maxrss_mb(), "workers_mb": workers,
                      "statuses": sorted({r["status"] for r in res.rows}), "n": len(res.outputs),
                      "scheduler": res.scheduler}))


def spawn(mode, folder, out, dates, tile):
    cmd = [sys.executable, os.path.abspath(__file__), "--child", mode, folder, out, str(dates), str(tile)]
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(p.stdout.strip().splitlines()[-1])


def digest(folder):
    h = hashlib.sha256()
    for p in sorted(glob.glob(os.path.join(folder, "LST_*.tif"))):
        h.update(open(p, "rb").read())
    return h.hexdigest()[:16]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--dates", type=int, default=10)
    ap.add_argument("--tile", type=int, default=256)
    ap.add_argument("--child", nargs=5)
    a = ap.parse_args()
    if a.child:
        mode, folder, out, dates, tile = a.child
        return child(mode, folder, out, int(dates), int(tile))
    from lst_fusion.core.fusion.kernels import resolve_engine

    tmp = tempfile.mkdtemp(prefix="bench_series_")
    make_inputs(tmp, a.size, a.dates)
    engine = resolve_engine("auto")
    # warm the engine's compiled code (numba caches it on disk) so neither mode pays the compile
    spawn("sequential", tmp, os.path.join(tmp, "warm"), 1, a.tile)
    seq = spawn("sequential", tmp, os.path.join(tmp, "seq"), a.dates, a.tile)
    dsk = spawn("dask", tmp, os.path.join(tmp, "dask"), a.dates, a.tile)
    res = spawn("sequential", tmp, os.path.join(tmp, "seq"), a.dates, a.tile)
    same = digest(os.path.join(tmp, "seq")) == digest(os.path.join(tmp, "dask"))
    mpd = a.size * a.size / 1e6 * a.dates
    per = seq["seconds"] / mpd
    eff = seq["seconds"] / dsk["seconds"] / 2.0
    print(f"cores: {os.cpu_count()}, engine: {engine}, {a.dates} dates of {a.size} x {a.size} px, ESTARFM window 51, "
          f"tiles of {a.tile} px")
    print("| run | seconds | s per date | peak RSS MB |")
    print("|---|---|---|---|")
    print(f"| sequential (1 process) | {seq['seconds']:.1f} | {seq['seconds'] / a.dates:.2f} | {seq['client_mb']:.0f} |")
    print(f"| Dask LocalCluster, 2 worker processes | {dsk['seconds']:.1f} | {dsk['seconds'] / a.dates:.2f} | "
          f"workers {', '.join(f'{m:.0f}' for m in dsk['workers_mb'])}; client {dsk['client_mb']:.0f} |")
    print(f"| resume (all {res['n']} dates complete) | {res['seconds']:.2f} | | {res['client_mb']:.0f} |")
    print(f"\nDask / sequential speed-up: {seq['seconds'] / dsk['seconds']:.2f}x (2-worker efficiency {eff:.0%}); "
          f"resume / full run: {res['seconds'] / seq['seconds']:.4f} ({res['statuses']}); "
          f"outputs byte-identical: {same}")
    print(f"time per megapixel-date, one worker: {per:.2f} s")
    print(f"\nprojection, a Landsat scene ({SCENE_PX / 1e6:.0f} MP) x {SEASON_DAYS} days "
          f"({SCENE_PX / 1e6 * SEASON_DAYS:.0f} MP-dates), {per:.2f} s per MP-date, efficiency {min(eff, 1):.0%}:")
    for n in (1, 2, 8, 32, 128):
        hours = SCENE_PX / 1e6 * SEASON_DAYS * per / (n * (min(eff, 1.0) if n > 1 else 1.0)) / 3600
        print(f"  {n:4d} worker(s): {hours:7.2f} h")


if __name__ == "__main__":
    main()
