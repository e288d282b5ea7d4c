"""A daily series: T(90 dates) against T(1 date), the marginal cost of a date against its I/O floor, in one run.

Inputs (``--size`` N, default 2000): the real ubESTARFM sample (../shared/data/ubestarfm, 400 x 400 px of
0.001 deg; MODIS on its real 0.01 deg grid) mirrored to N x N px, as benchmarks/bench_estarfm_plan.py does;
Landsat pairs on 2016-01-01 and 2016-04-01 (the sample's 02-05 and 03-08 images) and one MODIS raster a day in
between (the three real MODIS dates blended in time), so the ``--dates`` dates share one reference set.
MODIS stays on its own grid, 3 MODIS pixels wider than the Landsat grid on each side (a MODIS tile or a clip
with a margin): the series resamples it per window (bicubic), as for real MODIS.

Each measurement runs in a fresh subprocess (its own peak RSS), after a warm-up run that loads numba's cache:

* ``1`` and ``D`` dates in-process (``fuse_series``, one thread per core of the process), ESTARFM with the
  per-reference-set plan (the default for a set of 8+ dates; forced for the 1-date run so both pay the
  same build) - and the per-date kernel (``precompute=False``) for comparison;
* the same through ``qgis_process.bin run lstfusion:fuse_series`` (when QGIS is installed);
* the same on a Dask ``LocalCluster`` (2 worker processes, 1 thread each), peak RSS of each worker;
* STARFM (its per-date kernel: no factoring found, docs/series_precompute.md);
* the I/O floor: writing one fused date as a deflate GeoTIFF with core.data.io.write_raster, in the same run.

Prints a Markdown table, the marginal cost (T(D) - T(1)) / (D - 1) against the floor, and the projection for a
Landsat scene (7700 x 7700 px) x 90 days on this machine's cores.

    nice -n 10 .venv/bin/python benchmarks/bench_series.py [--size 2000] [--dates 90] [--tile 256] [--quick]
        [--variants estarfm,starfm,per-date,qgis,cluster] [--no-warm]
"""
import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
UB = os.path.join(REPO, "..", "shared", "data", "ubestarfm")

PAD = 3  # MODIS pixels beyond the fine grid on each side
SCENE_SIDE = 7700  # a Landsat 8/9 scene at 30 m, ~59 MP
SEASON_DAYS = 90
FIRST = dt.date(2016, 1, 1)
LAST_PAIR = dt.date(2016, 4, 1)  # 91 days after the first: MAX_GAP_DAYS 91 lets every date use both pairs


def make_inputs(folder, n):
    """Writes landsat/ and modis/ (one MODIS raster a day from FIRST to LAST_PAIR); returns the fine grid."""
    from rasterio.transform import Affine

    from lst_fusion.core.data.io import Grid, read_raster, write_raster

    def read(name):
        return read_raster(os.path.join(UB, name))

    F1 = read("Landsat_LST_cloudrm_20160205.tif")
    F2 = read("Landsat_LST_cloudrm_20160308.tif").data
    real = [read(f"MOD11A1_LST_cloudrm_{d}.tif").data[::10, ::10] for d in ("20160205", "20160218", "20160308")]
    m = n // 10
    grow = lambda a, k: np.pad(a, ((0, k - a.shape[0]), (0, k - a.shape[1])), mode="symmetric")  # noqa: E731
    fine = Grid(F1.grid.crs, F1.grid.transform, m * 10, m * 10)
    # MODIS reaches PAD coarse pixels beyond the Landsat grid on every side, as a MODIS tile or a clip with a margin
    coarse = Grid(F1.grid.crs, F1.grid.transform * Affine.scale(10) * Affine.translation(-PAD, -PAD), m + 2 * PAD,
                  m + 2 * PAD)
    for sub in ("landsat", "modis"):
        os.makedirs(os.path.join(folder, sub))
    write_raster(os.path.join(folder, "landsat", f"L_{FIRST:%Y%m%d}.tif"), grow(F1.data, m * 10), fine)
    write_raster(os.path.join(folder, "landsat", f"L_{LAST_PAIR:%Y%m%d}.tif"), grow(F2, m * 10), fine)
    M0, M1, M2 = (np.pad(grow(a, m), PAD, mode="symmetric").astype(np.float64) for a in real)
    days = (LAST_PAIR - FIRST).days
    for k in range(days + 1):
        a = k / days  # the pairs' own MODIS at both ends, the real middle date's anomaly in between
        day = (1 - a) * M0 + a * M2 + np.sin(np.pi * a) * (M1 - 0.5 * (M0 + M2))
        write_raster(os.path.join(folder, "modis", f"M_{FIRST + dt.timedelta(k):%Y%m%d}.tif"), day, coarse)
    return fine


def end_of(dates):
    return (FIRST + dt.timedelta(dates)).isoformat()


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def fuse(folder, out, dates, tile, method, precompute, scheduler=""):
    from lst_fusion.series import fuse_series

    t = time.perf_counter()
    res = fuse_series(out, modis=os.path.join(folder, "modis"), landsat=os.path.join(folder, "landsat"),
                      method=method, start=(FIRST + dt.timedelta(1)).isoformat(), end=end_of(dates),
                      max_gap_days=91, tile=tile, scheduler=scheduler, precompute=precompute)
    return time.perf_counter() - t, res


def child(spec):
    """Runs in a subprocess; prints one JSON line."""
    folder, out, dates, tile, method, precompute, mode = (spec[k] for k in ("folder", "out", "dates", "tile", "method",
                                                                             "precompute", "mode"))
    workers = []
    if mode == "profile":
        import cProfile
        import pstats

        prof = cProfile.Profile()
        prof.enable()
        seconds, res = fuse(folder, out, dates, tile, method, precompute, "sequential")
        prof.disable()
        prof.dump_stats(spec["profile"])
        pstats.Stats(spec["profile"]).sort_stats("cumulative").print_stats(45)
    elif mode == "cluster":
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            with Client(cluster) as client:
                client.run(lambda: __import__("lst_fusion.series"))  # workers import the core before timing
                seconds, res = fuse(folder, out, dates, tile, method, precompute, cluster.scheduler_address)
                workers = sorted(client.run(maxrss_mb).values())
    else:
        seconds, res = fuse(folder, out, dates, tile, method, precompute, mode)
    print(json.dumps({"seconds": seconds, "client_mb": maxrss_mb(), "workers_mb": workers, "n": len(res.outputs),
                      "scheduler": res.scheduler}))


def spawn(**spec):
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", json.dumps(spec)], capture_output=True,
                       text=True)
    if p.returncode:
        sys.exit(f"child {spec} failed:\n{p.stderr[-3000:]}")
    if spec.get("mode") == "profile":
        print(p.stdout)
    return json.loads(p.stdout.strip().splitlines()[-1])


def qgis_run(folder, out, dates, tile, method):
    """Seconds of ``qgis_process.bin run lstfusion:fuse_series`` (the plugin from this checkout, the venv's
    packages, as the tests run it) and the peak RSS of that process (GNU time); None without QGIS."""
    import glob

    from lst_fusion.core.fusion import methods

    exe = shutil.which("qgis_process.bin")
    if exe is None:
        return None
    home = os.path.join(folder, "qgis_home")
    env = dict(os.environ, QGIS_PLUGINPATH=REPO, QT_QPA_PLATFORM="offscreen", HOME=home,
               XDG_RUNTIME_DIR=os.path.join(home, "run"),
               PYTHONPATH=os.pathsep.join(p for p in sys.path if p.endswith("site-packages")))
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    subprocess.run([exe, "plugins", "enable", "lst_fusion"], capture_output=True, text=True, env=env)
    args = [f"--MODIS={m}" for m in sorted(glob.glob(os.path.join(folder, "modis", "*.tif")))]
    args += [f"--LANDSAT={x}" for x in sorted(glob.glob(os.path.join(folder, "landsat", "*.tif")))]
    args += [f"--METHOD={methods.enum_ids().index(method)}", f"--START={FIRST + dt.timedelta(1)}",
             f"--END={end_of(dates)}", "--MAX_GAP_DAYS=91", f"--TILE_SIZE={tile}", f"--OUTPUT={out}"]
    timer = ["/usr/bin/time", "-f", "MAXRSS %M"] if os.path.exists("/usr/bin/time") else []
    t = time.perf_counter()
    p = subprocess.run(timer + [exe, "run", "lstfusion:fuse_series", *args], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - t
    if p.returncode:
        print(f"qgis_process failed ({p.returncode}): {p.stdout[-1000:]} {p.stderr[-1500:]}")
        return None
    rss = [int(s.split()[1]) / 1024 for s in p.stderr.splitlines() if s.startswith("MAXRSS")]
    return {"seconds": seconds, "client_mb": rss[-1] if rss else float("nan"), "workers_mb": []}


def io_floor(folder, grid):
    """Seconds to write one fused date (the 1-date run's output) as a deflate GeoTIFF: with write_raster (its
    blocks compressed on one GDAL thread per core, as every output), and the same file compressed on one thread."""
    import glob

    import rasterio

    from lst_fusion.core.data.io import gtiff_profile, read_raster, write_raster

    src = sorted(glob.glob(os.path.join(folder, "LST_*.tif")))[0]
    r = read_raster(src)
    times, one = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(3):
            t = time.perf_counter()
            write_raster(os.path.join(tmp, "date.tif"), r.data, grid, tags={"LST_UNIT": "kelvin"})
            times.append(time.perf_counter() - t)
            t = time.perf_counter()
            with rasterio.open(os.path.join(tmp, "one.tif"), "w", **dict(gtiff_profile(grid, np.nan),
                                                                          num_threads=1)) as ds:
                ds.write(r.data.astype(np.float32), 1)
            one.append(time.perf_counter() - t)
    return min(times), min(one)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--dates", type=int, default=SEASON_DAYS)
    ap.add_argument("--tile", type=int, default=256)
    ap.add_argument("--quick", action="store_true", help="only the in-process ESTARFM rows (no qgis_process, "
                                                           "cluster, per-date kernel nor STARFM)")
    ap.add_argument("--variants", default="estarfm,starfm,per-date,qgis,cluster",
                    help="which rows, in this order (the 2-core machine's lock time: measure the rest in a second run)")
    ap.add_argument("--no-warm", action="store_true", help="skip the warm-up run (numba's disk cache already made)")
    ap.add_argument("--profile", help="cProfile one sequential in-process run into this file and print it")
    ap.add_argument("--child")
    a = ap.parse_args()
    if a.child:
        return child(json.loads(a.child))
    if not os.path.isdir(UB):
        sys.exit(f"{UB} is not present (the real sample lives in ../shared beside the repository)")
    from lst_fusion.core.fusion.kernels import resolve_engine

    tmp = tempfile.mkdtemp(prefix="bench_series_")
    grid = make_inputs(tmp, a.size)
    n = grid.width
    D = a.dates
    base = dict(folder=tmp, tile=a.tile, method="estarfm", precompute=None, mode="")

    def run(name, dates, **kw):
        spec = dict(base, out=os.path.join(tmp, name), dates=dates, **kw)
        got = spawn(**spec)
        print(f"# {name} ({dates} dates): {json.dumps(got)}", flush=True)  # kept if the run is stopped later
        return got

    if a.profile:
        run("profile", D, mode="profile", profile=os.path.abspath(a.profile), precompute=True)
        return
    load0 = os.getloadavg()
    variants = ["estarfm"] if a.quick else a.variants.split(",")
    if not a.no_warm:
        run("warm", 1, precompute=True)  # numba's cache loaded once (on disk), not in any timed run
    rows = {}
    for v in variants:
        if v == "estarfm":
            rows["estarfm 1"] = run("e1", 1, precompute=True)
            rows[f"estarfm {D}"] = run("eD", D)
        elif v == "qgis":
            rows["qgis 1"] = qgis_run(tmp, os.path.join(tmp, "q1"), 1, a.tile, "estarfm")
            print(f"# qgis 1: {json.dumps(rows['qgis 1'])}", flush=True)
            rows[f"qgis {D}"] = qgis_run(tmp, os.path.join(tmp, "qD"), D, a.tile, "estarfm")
            print(f"# qgis {D}: {json.dumps(rows[f'qgis {D}'])}", flush=True)
        elif v == "cluster":
            rows["cluster 1"] = run("c1", 1, precompute=True, mode="cluster")
            rows[f"cluster {D}"] = run("cD", D, mode="cluster")
        elif v == "per-date":
            rows["per-date 1"] = run("p1", 1, precompute=False)
            rows[f"per-date {D}"] = run("pD", min(D, 10), precompute=False)
        elif v == "starfm":
            rows["starfm 1"] = run("s1", 1, method="starfm")
            rows[f"starfm {D}"] = run("sD", min(D, 10), method="starfm")
        else:
            sys.exit(f"--variants: {v!r} is not one of estarfm, starfm, per-date, qgis, cluster")
        if "floor" not in locals():
            floor, floor1 = io_floor(os.path.join(tmp, {"estarfm": "e1", "qgis": "q1", "cluster": "c1", "per-date": "p1",
                                                "starfm": "s1"}[v]), grid)
            print(f"# I/O floor: {floor:.3f} s (one compression thread: {floor1:.3f} s)", flush=True)
    load1 = os.getloadavg()
    mp = n * n / 1e6
    print(f"{n} x {n} px ({mp:.1f} MP) mirrored from ubESTARFM, MODIS {n // 10} x {n // 10} px (bicubic per "
          f"window), ESTARFM window 51, tiles of {a.tile} px, engine {resolve_engine('auto')}, {os.cpu_count()} "
          f"cores; load average {load0[0]:.1f} before, {load1[0]:.1f} after")
    print(f"I/O floor (write_raster, deflate GeoTIFF, one date, blocks compressed on {os.cpu_count()} threads): "
          f"{floor:.3f} s; on one thread: {floor1:.3f} s\n")
    print("| run | dates | seconds | marginal s per date | x I/O floor | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    proj = {}
    for label, key in (("ESTARFM, in-process threads, plan", "estarfm"),
                       ("ESTARFM, qgis_process.bin run lstfusion:fuse_series", "qgis"),
                       ("ESTARFM, Dask LocalCluster 2 workers x 1 thread, plan", "cluster"),
                       ("ESTARFM, in-process, per-date kernel (precompute=False)", "per-date"),
                       ("STARFM, in-process, per-date kernel", "starfm")):
        one, many = rows.get(f"{key} 1"), rows.get(f"{key} {D}")
        if not one or not many:
            continue
        d_many = D if key in ("estarfm", "qgis", "cluster") else min(D, 10)
        marginal = (many["seconds"] - one["seconds"]) / max(d_many - 1, 1)
        mem = lambda r: (f"{r['client_mb']:.0f}" + (" (workers " + ", ".join(f"{m:.0f}" for m in  # noqa: E731
                                                                              r["workers_mb"]) + ")"
                                                        if r["workers_mb"] else ""))
        print(f"| {label} | 1 | {one['seconds']:.1f} | | | {mem(one)} |")
        print(f"| | {d_many} | {many['seconds']:.1f} | {marginal:.3f} | {marginal / floor:.1f} "
              f"({marginal / floor1:.1f} of one thread's) | {mem(many)} |")
        proj[label] = (one["seconds"], marginal)
    scene_mp = SCENE_SIDE * SCENE_SIDE / 1e6
    print(f"\nprojection, a Landsat scene ({SCENE_SIDE} x {SCENE_SIDE} px, {scene_mp:.0f} MP) x {SEASON_DAYS} days, "
          f"one reference set, on these {os.cpu_count()} cores: T(1) x MP ratio + 89 x marginal x MP ratio")
    for label, (t1, marginal) in proj.items():
        total = (t1 + (SEASON_DAYS - 1) * marginal) * scene_mp / mp
        print(f"  {label}: {total / 60:.1f} min")


if __name__ == "__main__":
    main()
