"""Run time of ``lstfusion:validate_methods`` on 5 pairs of 400 x 400 px, through ``qgis_process``.

    .venv/bin/python benchmarks/bench_validate.py [--deep EPOCHS]

The issue's budget: 5 pairs at 400 x 400 with the classical methods in under 2 minutes on 2 cores, and with
every deep model at ``small`` size in under 20 minutes. The five pairs are made, for timing only, from the
real 400 x 400 ubESTARFM LST of ../shared/data/ubestarfm (MIT): pair k (16 days apart) is a blend of the two
real Landsat dates and of the real MODIS dates with a seasonal offset, so the textures are real and the
accuracy figures mean nothing. The run time is the whole ``qgis_process`` call (start-up included), as a
user sees it; the per-fold times come from the algorithm's log. Without ``--deep`` only STARFM and ESTARFM
run; ``--deep N`` adds every deep model at small size with EPOCHS=N.
"""
import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import rasterio

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "..", "shared", "data", "ubestarfm")


def make_series(folder, n=5):
    def read(name):
        with rasterio.open(os.path.join(SRC, name)) as src:
            return src.read(1).astype(np.float32), src.profile
    l1, prof = read("Landsat_LST_cloudrm_20160205.tif")
    l2, _ = read("Landsat_LST_cloudrm_20160308.tif")
    m1, _ = read("MOD11A1_LST_cloudrm_20160205.tif")
    m2, _ = read("MOD11A1_LST_cloudrm_20160308.tif")
    prof.update(dtype="float32", nodata=None, count=1, compress="deflate")
    modis, landsat = [], []
    for k in range(n):
        day = dt.date(2016, 2, 5) + dt.timedelta(days=16 * k)
        w, offset = (k % 3) / 2.0, 1.5 * k - 0.4 * k * k
        for arr, lst, name in (((1 - w) * l1 + w * l2 + offset, landsat, f"LC08_128034_{day:%Y%m%d}.tif"),
                               ((1 - w) * m1 + w * m2 + offset, modis, f"{day:%Y_%m_%d}.tif")):
            path = os.path.join(folder, name)
            with rasterio.open(path, "w", **prof) as dst:
                dst.write(arr.astype(np.float32), 1)
            lst.append(path)
    return modis, landsat


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--deep", type=int, default=0, metavar="EPOCHS", help="add every deep model, small, EPOCHS")
    args = ap.parse_args()
    if not os.path.isdir(SRC):
        raise SystemExit("../shared/data/ubestarfm is absent: nothing to measure")
    qp = shutil.which("qgis_process.bin") or shutil.which("qgis_process")
    folder = tempfile.mkdtemp(prefix="lstfusion_bench_validate_")
    modis, landsat = make_series(folder)
    env = dict(os.environ, QGIS_PLUGINPATH=ROOT, QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join(p for p in sys.path if p.endswith("site-packages")))
    env.setdefault("XDG_RUNTIME_DIR", "/tmp/runtime-" + str(os.getuid()))
    subprocess.run([qp, "plugins", "enable", "lst_fusion"], env=env, capture_output=True)
    methods = ["--METHODS=0", "--METHODS=1"] + ([f"--METHODS={i}" for i in range(2, 7)] if args.deep else [])
    cmd = [qp, "run", "lstfusion:validate_methods", *[f"--MODIS={p}" for p in modis],
           *[f"--LANDSAT={p}" for p in landsat], *methods, f"--EPOCHS={max(args.deep, 1)}",
           f"--OUTPUT_CSV={folder}/validation.csv", f"--OUTPUT_HTML={folder}/validation.html"]
    t0 = time.perf_counter()
    run = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if run.returncode:
        print(run.stdout[-3000:], run.stderr[-3000:])
        raise SystemExit(f"validate_methods failed (exit {run.returncode})")
    folds = re.findall(r"(\d{4}-\d\d-\d\d) scored \((\d+) s\)", run.stdout)
    rec = re.search(r"RECOMMENDED_METHOD:\s*(\S+)", run.stdout)
    budget = 1200 if args.deep else 120
    print(f"validate_methods, 5 pairs of 400 x 400 px, {os.cpu_count()} CPU(s), "
          f"{'classical + every deep model (small, EPOCHS=%d)' % args.deep if args.deep else 'classical methods'}")
    print("| fold scored | seconds since start |\n|---|---|")
    for d, s in folds:
        print(f"| {d} | {s} |")
    print(f"| whole qgis_process run | {wall:.1f} |")
    print(f"budget {budget} s: {'within' if wall <= budget else 'OVER'} ({wall / budget:.0%}); "
          f"recommendation {rec.group(1) if rec else '?'}; outputs in {folder}")


if __name__ == "__main__":
    main()
