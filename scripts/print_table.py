"""Print a metric table (CSV from lstfusion:compare_methods / evaluate) as Markdown."""
import csv
import sys

COLS = ["region", "rank", "method", "N", "RMSE", "MAE", "BIAS", "SSIM", "PSNR", "SAM", "CC", "ERGAS", "verdict"]


def show(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cols = [c for c in COLS if c in rows[0]]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(r[c] for c in cols) + " |")
    print()


if __name__ == "__main__":
    for p in sys.argv[1:]:
        show(p)
