"""README tables from an experiment's results.csv (benchmarks/experiment.py).

    .venv/bin/python scripts/accuracy_tables.py benchmarks/results/ranchi/results.csv [--unit "°C"]

Per test date: every method as is, with the scene-mean correction (+SM) and the
per-footprint correction (+RC), whole image, by RMSE; then the mean over dates
of every method and variant, with how often and by how much it beats
``MODIS resampled``; ``auto`` (and the mean of its k best) are rows like the others, and
what ``auto`` chose for each date is listed.  A method that does not beat both baselines is marked.
"""
import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from lst_fusion.core.evaluation import protocol  # noqa: E402

COLS = ("RMSE", "ubRMSE", "BIAS", "SSIM", "CC")


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--digits", type=int, default=2)
    a = ap.parse_args(argv)
    with open(a.csv, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["region"] == "whole image"]
    for r in rows:
        for c in COLS:
            r[c] = float(r[c])
    f = f"{{:.{a.digits}f}}"
    protocol.mark_verdicts([r for r in rows if r["variant"] != "+XN"], group=("date",))
    for d in dict.fromkeys(r["date"] for r in rows):
        sel = sorted((r for r in rows if r["date"] == d and r["variant"] in ("as is", "+SM", "+RC")),
                     key=lambda r: r["RMSE"])
        print(f"**{d}**\n\n| method | variant | " + " | ".join(COLS) + " | verdict |")
        print("|---|---|" + "---|" * len(COLS) + "---|")
        for r in sel:
            print(f"| {r['method']} | {r['variant']} | " + " | ".join(f.format(r[c]) for c in COLS)
                  + f" | {r.get('verdict', '')} |")
        print()
    chose = {r["date"]: r["chose"] for r in rows if r["method"] == protocol.AUTO and r.get("chose")}
    if chose:  # auto: what the inner leave-one-date-out on the other pairs chose for each date
        print("**What auto chose (from the other pairs only)**\n\n| date | chose |\n|---|---|")
        for d, c in chose.items():
            print(f"| {d} | {c} |")
        print()
    means = protocol.mean_over_dates(rows, COLS)
    print("**Mean over test dates**\n\n| method | variant | " + " | ".join(COLS)
          + " | beats MODIS resampled | RMSE vs MODIS resampled |")
    print("|---|---|" + "---|" * len(COLS) + "---|---|")
    for m in means:
        print(f"| {m['method']} | {m['variant']} | " + " | ".join(f.format(m[c]) for c in COLS)
              + f" | {m['beats MODIS resampled']} | {m['vs MODIS resampled']} |")


if __name__ == "__main__":
    main()
