"""What the daily series shows: each fused date beside that day's MODIS (the closing table of `make demo`).

    python3 scripts/series_table.py LABEL=SERIES_FOLDER [LABEL=SERIES_FOLDER ...] MODIS.tif [MODIS.tif ...]

Each SERIES_FOLDER is an lstfusion:fuse_series output (series.csv and the dated rasters); the MODIS rasters are
the ones it was given, on the same grid, dated by their names. One Markdown row per date: MODIS's scene mean, its
change since the previous date and its spatial standard deviation, then for each series the same three numbers of
the fused image and the correlation of the fused image aggregated to MODIS's 1 km footprint (block means over
the pixels valid in both) with MODIS aggregated the same way. A fused series that keeps MODIS's day-to-day change
and its 1 km pattern while adding fine detail has MODIS's change, a larger std and a correlation near 1.
"""
import csv
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from lst_fusion.core.data.dates import parse_date  # noqa: E402
from lst_fusion.core.data.io import read_raster  # noqa: E402
from lst_fusion.core.evaluation.metrics import cc  # noqa: E402
from lst_fusion.core.fusion.residual import block_mean, footprint_pixels  # noqa: E402

MODIS_PIXEL_M = 1000.0
STATS = ("mean", "change", "std")


def fused_dates(series_folder):
    """{date: (fused raster path, Landsat that day)} of the fused dates in series.csv."""
    with open(os.path.join(series_folder, "series.csv"), newline="", encoding="utf-8") as fh:
        return {r["date"]: (os.path.join(series_folder, r["output"]), r["date"] in (r["ref1"], r["ref2"]))
                for r in csv.DictReader(fh) if r["output"] and r["status"].startswith("fused")}


def rows(series, modis_paths):
    """One dict per MODIS date fused by every series (date order): 'date', 'landsat', 'block', and per source
    ('MODIS' and each label of ``series``, a {label: folder} dict) its 'mean', 'change', 'std'; per series 'cc'."""
    modis = {parse_date(os.path.basename(p)).isoformat(): p for p in modis_paths}
    fused = {label: fused_dates(folder) for label, folder in series.items()}
    dates = sorted(set(modis).intersection(*fused.values()))
    out = []
    for date in dates:
        coarse = read_raster(modis[date])
        images = {label: read_raster(fused[label][date][0]).data for label in series}
        both = np.isfinite(coarse.data) & np.logical_and.reduce([np.isfinite(v) for v in images.values()])
        block = footprint_pixels(coarse.grid, MODIS_PIXEL_M)
        row = {"date": date, "landsat": any(fused[label][date][1] for label in series), "block": block}
        for label, image in [("MODIS", coarse.data)] + list(images.items()):
            v = image[both].astype(np.float64)
            row[label] = {"mean": v.mean(), "std": v.std(),
                          "change": v.mean() - out[-1][label]["mean"] if out else float("nan")}
            if label != "MODIS":
                row[label]["cc"] = cc(block_mean(image, block, both), block_mean(coarse.data, block, both))
        out.append(row)
    return out


def markdown(table, labels):
    def num(v, signed=False):
        return "" if np.isnan(v) else f"{v:+.2f}" if signed else f"{v:.2f}"

    head = ["date", "Landsat that day"] + [f"MODIS {s}" for s in STATS]
    for label in labels:
        head += [f"{label} {s}" for s in STATS] + [f"{label} CC at 1 km"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in table:
        cells = [r["date"], "yes" if r["landsat"] else "no"]
        for label in ["MODIS"] + list(labels):
            cells += [num(r[label]["mean"]), num(r[label]["change"], True), num(r[label]["std"])]
            if label != "MODIS":
                cells.append(num(r[label]["cc"]))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    series = dict(a.split("=", 1) for a in sys.argv[1:] if "=" in a)
    table = rows(series, [a for a in sys.argv[1:] if "=" not in a])
    print(markdown(table, list(series)))
    if table:
        print(f"\n(degC; 1 km = blocks of {table[0]['block']} x {table[0]['block']} pixels; change = scene mean minus the "
              "previous date's; std = spatial standard deviation over the scene)")
