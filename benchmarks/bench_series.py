"""A daily series: T(90 dates) against T(1 date), the marginal cost of a date against its I/O floor, in one run.

Inputs (``--size`` N, default 2000): the real ubESTARFM sample (../shared/data/ubestarfm, 400 x 400 px of
0.001 deg; MODIS on its real 0.01 deg grid) mirrored to N x N px, as benchmarks/bench_estarfm_plan.py does;
Landsat pairs on 2016-01-01 and 2016-04-01 (the sample's 02-05 and 03-08 images) and one MODIS raster a day in
between (the three real MODIS dates blended in time), so the ``--dates`` dates share one reference set.
MODIS stays on its own grid, 3 MODIS pixels wider than the Landsat grid on each side (a MODIS tile or a clip
with a margin): the series resamples it per window (bicubic), as for real MODIS.

Each measurement runs in a fresh subprocess (its own peak RSS), after warm-up runs (500 x 500 px, each method
benchmarked, with and without its plan) that compile numba's disk cache:

* ``1`` and ``D`` dates in-process (``fuse_series``, one thread per core of the process), ESTARFM with the
  per-reference-set plan (the default for a set of 8+ dates; forced for the 1-date run so both pay the
  same build) - and the per-date kernel (``precompute=False``) for comparison;
* the same through ``qgis_process.bin run lstfusion:fuse_series`` (when QGIS is installed);
* the same on a Dask ``LocalCluster`` (2 worker processes, 1 thread each), peak RSS of each worker;
* every method auto may choose (issue 41): STARFM (its plan, core.fusion.starfm_plan, and its per-date kernel),
  Fit-FC, FSDAF (their plans where the branch has them), thermal sharpening, all-pairs regression, each at 1 and
  N dates (``--slow-dates`` N for the per-date kernels); ``auto``: its choice on the pairs
  (validation.auto.choose_for_inputs, timed apart: once per run, before the series), then the chosen
  candidate's series at 1 and N dates;
* the I/O floor: writing one fused date as a deflate GeoTIFF with core.data.io.write_raster, in the same run.

Prints a Markdown table, the marginal cost (T(D) - T(1)) / (D - 1) against the floor, and the projection for a
Landsat scene (7700 x 7700 px) x 90 days on this machine's cores.

    nice -n 10 .venv/bin/python benchmarks/bench_series.py [--size 2000] [--dates 90] [--tile 256] [--quick]
        [--variants estarfm,starfm,per-date,qgis,cluster] [--slow-dates 10] [--no-warm]
    (issue 41's table: --variants starfm,auto,estarfm,sharpen,allpairs,fitfc,fsdaf,starfm-per-date)
    nice -n 10 .venv/bin/python benchmarks/bench_series.py --choice-only --size 2000 [--sample-px 500000]
    (auto's choice alone, as fuse_series makes it: on its sample of tiles above the budget, core.evaluation.sample;
    --sample-px 0: on the whole image; --sample-px also sets the auto row's budget)
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
COARSE_PIXEL_M = 1110.0  # the MODIS pixel of the sample, 0.01 deg, in metres: 10 fine pixels (Fit-FC, FSDAF, +RC)
METHODS = ("starfm", "fitfc", "fsdaf", "sharpen", "allpairs")  # besides ESTARFM's rows: every method auto chooses
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


def fuse(folder, out, dates, tile, method, precompute, scheduler="", **more):
    from lst_fusion.series import fuse_series

    t = time.perf_counter()
    res = fuse_series(out, modis=os.path.join(folder, "modis"), landsat=os.path.join(folder, "landsat"),
                      method=method, start=(FIRST + dt.timedelta(1)).isoformat(), end=end_of(dates),
                      max_gap_days=91, tile=tile, scheduler=scheduler, precompute=precompute,
                      coarse_pixel=COARSE_PIXEL_M, **more)
    return time.perf_counter() - t, res


def choose(folder, budget=None):
    """auto's choice alone, as fuse_series makes it (validation.auto.choose_for_inputs: the pairs read and
    aligned, the inner leave-one-date-out on the sample of tiles, core.evaluation.sample); ``budget``: the
    sample's budget in px (None: its default; 0: the whole image).  Returns (seconds, choice, its log lines)."""
    import glob

    from lst_fusion.core.evaluation import sample
    from lst_fusion.validation.auto import choose_for_inputs

    rule = None if budget is None else sample.Rule(budget=budget if budget > 0 else 10 ** 12)
    lines = []

    def log(line):
        lines.append(line)
        print(line, file=sys.stderr)

    t = time.perf_counter()
    chosen = choose_for_inputs(None, sorted(glob.glob(os.path.join(folder, "modis", "*.tif"))),
                               sorted(glob.glob(os.path.join(folder, "landsat", "*.tif"))), COARSE_PIXEL_M, log=log,
                               rule=rule)
    return time.perf_counter() - t, list(chosen), lines


def loo_seconds(lines):
    """The inner leave-one-date-out's seconds from auto's log ('its leave-one-date-out took X s')."""
    took = [s for s in lines if "leave-one-date-out took" in s]
    return float(took[-1].split(" took ")[1].split(" s")[0]) if took else 0.0


def auto(folder, out, dates, tile, chosen=None, budget=None):
    """METHOD=auto as the fuse_series algorithm runs it (algorithms/fuse_series.py): auto's choice on the pairs
    (:func:`choose`), then the series of the chosen candidate; returns (series seconds, result, the choice's
    seconds, the choice, the leave-one-date-out's seconds).  ``chosen``: a choice already made (the many-date run:
    the choice does not depend on the dates, its time is the 1-date run's)."""
    choice, loo = 0.0, 0.0
    if chosen is None:
        choice, chosen, lines = choose(folder, budget)
        loo = loo_seconds(lines)
    method, pairs, correction, w, tag = chosen
    seconds, res = fuse(folder, out, dates, tile, method, None, pairs=pairs, residual_correction=correction,
                        shrink=w if w < 1.0 else None, extra_tags={"METHOD_CHOICE": tag})
    return seconds, res, choice, list(chosen), loo


def child(spec):
    """Runs in a subprocess; prints one JSON line."""
    folder, out, dates, tile, method, precompute, mode = (spec[k] for k in ("folder", "out", "dates", "tile", "method",
                                                                             "precompute", "mode"))
    workers, extra = [], {}
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
    elif mode == "auto":
        seconds, res, choice, chosen, loo = auto(folder, out, dates, tile, spec.get("chosen"), spec.get("budget"))
        extra = {"choice_seconds": choice, "chosen": chosen, "loo_seconds": loo}
    elif mode == "choice":  # the choice alone (--choice-only)
        seconds, chosen, lines = choose(folder, spec.get("budget"))
        print(json.dumps({"seconds": seconds, "client_mb": maxrss_mb(), "chosen": chosen,
                          "loo_seconds": loo_seconds(lines)}))
        return
    else:
        seconds, res = fuse(folder, out, dates, tile, method, precompute, mode)
    print(json.dumps(dict({"seconds": seconds, "client_mb": maxrss_mb(), "workers_mb": workers,
                           "n": len(res.outputs), "scheduler": res.scheduler}, **extra)))


def spawn(**spec):
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", json.dumps(spec)], capture_output=True,
                       text=True)
    if p.returncode:
        sys.exit(f"child {spec} failed:\n{p.stderr[-3000:]}")
    if spec.get("mode") == "profile":
        print(p.stdout)
    for line in p.stderr.splitlines():  # auto's log of its own time (validation.auto)
        if line.startswith("METHOD=auto: ") and " s" in line and ("took" in line or "read in" in line):
            print(f"# {line}", flush=True)
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


LABELS = {"estarfm": "ESTARFM, in-process threads, plan", "qgis": "ESTARFM, qgis_process.bin run lstfusion:fuse_series",
          "cluster": "ESTARFM, Dask LocalCluster 2 workers x 1 thread, plan",
          "per-date": "ESTARFM, in-process, per-date kernel (precompute=False)",
          "starfm": "STARFM, in-process, plan (default)", "starfm-per-date": "STARFM, in-process, per-date kernel",
          "fitfc": "Fit-FC, in-process", "fsdaf": "FSDAF, in-process", "sharpen": "Thermal sharpening, in-process",
          "allpairs": "All-pairs regression, in-process", "auto": "auto: the chosen candidate's series"}
SLOW = ("per-date", "starfm-per-date")  # per-date kernels: --slow-dates dates


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=2000)
    ap.add_argument("--dates", type=int, default=SEASON_DAYS, help="N: the many-date runs' dates (marginal cost "
                                                                      "(T(N) - T(1)) / (N - 1))")
    ap.add_argument("--slow-dates", type=int, default=10, help="N for the rows of a per-date kernel (" +
                    ", ".join(SLOW) + "), at most --dates")
    ap.add_argument("--tile", type=int, default=256)
    ap.add_argument("--quick", action="store_true", help="only the in-process ESTARFM rows (no qgis_process, "
                                                           "cluster, per-date kernel nor STARFM)")
    ap.add_argument("--variants", default="estarfm,starfm,per-date,qgis,cluster",
                    help="which rows, in this order, of: " + ", ".join(LABELS) + " (the 2-core machine's lock time: "
                         "measure the rest in a second run)")
    ap.add_argument("--no-warm", action="store_true", help="skip the warm-up run (numba's disk cache already made)")
    ap.add_argument("--profile", help="cProfile one sequential in-process run into this file and print it")
    ap.add_argument("--sample-px", type=int, help="auto's sample budget in px (core.evaluation.sample.Rule.budget; 0: "
                    "the whole image; default: its own)")
    ap.add_argument("--choice-only", action="store_true", help="time auto's choice alone (no series, no warm-up), "
                    "at --size with --sample-px")
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
    if a.choice_only:
        load0 = os.getloadavg()
        got = run("choice", 0, mode="choice", budget=a.sample_px)
        tag = got["chosen"][-1]
        where = tag.rsplit("; ", 1)[-1][:-1]
        print(f"\n{n} x {n} px ({n * n / 1e6:.1f} MP), {os.cpu_count()} cores, load {load0[0]:.1f} before, "
              f"{os.getloadavg()[0]:.1f} after\n")
        print("| auto's choice | seconds | of which leave-one-date-out | peak RSS MiB | where | chose |")
        print("|---|---|---|---|---|---|")
        print(f"| {n} x {n} px, sample budget {a.sample_px if a.sample_px is not None else 'default'} | "
              f"{got['seconds']:.1f} | {got['loo_seconds']:.1f} | {got['client_mb']:.0f} | {where} | "
              f"{tag.split(': ', 1)[1].split(' (RMSE')[0]} |")
        return
    load0 = os.getloadavg()
    variants = ["estarfm"] if a.quick else a.variants.split(",")
    for v in variants:
        if v not in LABELS:
            sys.exit(f"--variants: {v!r} is not one of {', '.join(LABELS)}")
    if not a.no_warm:  # numba's cache compiled and loaded once (on disk), not in any timed run: small inputs
        small = tempfile.mkdtemp(prefix="bench_series_warm_")
        make_inputs(small, 500)
        for v in dict.fromkeys(["estarfm"] + [m for m in variants if m in METHODS]):
            for pre in (True, False):
                spawn(**dict(base, folder=small, out=os.path.join(small, f"{v}{pre}"), dates=2, method=v,
                             precompute=pre))
        shutil.rmtree(small, ignore_errors=True)
    rows, floor = {}, None
    for v in variants:
        many = min(D, a.slow_dates) if v in SLOW else D
        t0 = time.perf_counter()
        if v == "qgis":
            one = qgis_run(tmp, os.path.join(tmp, "q1"), 1, a.tile, "estarfm")
            print(f"# qgis 1: {json.dumps(one)}", flush=True)
            got = qgis_run(tmp, os.path.join(tmp, "qD"), D, a.tile, "estarfm")
            print(f"# qgis {D}: {json.dumps(got)}", flush=True)
        else:
            kw = {"estarfm": {}, "cluster": dict(mode="cluster"), "per-date": dict(precompute=False),
                  "starfm-per-date": dict(method="starfm", precompute=False),
                  "auto": dict(mode="auto", budget=a.sample_px)}.get(
                v, dict(method=v))
            # the 1-date run pays the plan's build as the many-date run does (a plan is the default from 2 or 8 dates)
            one = run(f"{v}_1", 1, **dict(dict(precompute=True), **kw))
            if v == "auto":  # the series of the choice made once (its time: the 1-date run's choice_seconds)
                kw = dict(kw, chosen=one["chosen"])
            got = run(f"{v}_{many}", many, **kw)
        rows[v] = (many, one, got, time.perf_counter() - t0)
        if floor is None and one:
            folder = os.path.join(tmp, "q1" if v == "qgis" else f"{v}_1")
            floor, floor1 = io_floor(folder, grid)
            print(f"# I/O floor: {floor:.3f} s (one compression thread: {floor1:.3f} s)", flush=True)
    load1 = os.getloadavg()
    mp = n * n / 1e6
    print(f"{n} x {n} px ({mp:.1f} MP) mirrored from ubESTARFM, MODIS {n // 10} x {n // 10} px (bicubic per "
          f"window), ESTARFM window 51, STARFM 31, tiles of {a.tile} px, engine {resolve_engine('auto')}, "
          f"{os.cpu_count()} cores; load average {load0[0]:.1f} before, {load1[0]:.1f} after")
    print(f"I/O floor (write_raster, deflate GeoTIFF, one date, blocks compressed on {os.cpu_count()} threads): "
          f"{floor:.3f} s; on one thread: {floor1:.3f} s\n")
    print("| run | dates | seconds | marginal s per date | x I/O floor | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    proj = {}
    for v, (d_many, one, many, _) in rows.items():
        if not one or not many:
            continue
        label = LABELS[v]
        marginal = (many["seconds"] - one["seconds"]) / max(d_many - 1, 1)
        mem = lambda r: (f"{r['client_mb']:.0f}" + (" (workers " + ", ".join(f"{m:.0f}" for m in  # noqa: E731
                                                                              r["workers_mb"]) + ")"
                                                        if r["workers_mb"] else ""))
        choice = one.get("choice_seconds", 0.0)  # auto: the choice, once per run, before the series
        loo = one.get("loo_seconds", 0.0)  # of which its leave-one-date-out (on the sample: not growing with MP)
        sampled = "chosen on the whole image" not in (one.get("chosen") or [""])[-1]
        if choice:
            print(f"| auto's choice (reading the pairs, then the leave-one-date-out "
                  f"{'on its sample' if sampled else 'on the whole image'}: {loo:.1f} s) | | {choice:.1f} | | | |")
        print(f"| {label} | 1 | {one['seconds']:.1f} | | | {mem(one)} |")
        print(f"| | {d_many} | {many['seconds']:.1f} | {marginal:.3f} | {marginal / floor:.1f} "
              f"({marginal / floor1:.1f} of one thread's) | {mem(many)} |")
        # the choice's reading grows with the image; its leave-one-date-out on a sample does not
        proj[label] = (one["seconds"] + choice - (loo if sampled else 0.0), marginal, loo if sampled else 0.0)
    for v, (_, one, many, _) in rows.items():
        if one and "chosen" in one:
            print(f"\nauto's choice: {one['chosen'][-1]}")
    scene_mp = SCENE_SIDE * SCENE_SIDE / 1e6
    print(f"\nprojection, a Landsat scene ({SCENE_SIDE} x {SCENE_SIDE} px, {scene_mp:.0f} MP) x {SEASON_DAYS} days, "
          f"one reference set, on these {os.cpu_count()} cores: T(1) x MP ratio + 89 x marginal x MP ratio "
          f"(+ auto's leave-one-date-out on its sample, not scaled: its tiles are as many on a scene)")
    for label, (t1, marginal, fixed) in proj.items():
        total = (t1 + (SEASON_DAYS - 1) * marginal) * scene_mp / mp + fixed
        print(f"  {label}: {total / 60:.1f} min")


if __name__ == "__main__":
    main()
