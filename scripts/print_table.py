"""Print the demo's metric tables (CSV from lstfusion:compare_methods / evaluate) as Markdown."""
import csv
import sys

COLS = ["region", "rank", "method", "N", "RMSE", "MAE", "BIAS", "SSIM", "PSNR", "SAM", "CC", "ERGAS"]


def show(path, title):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    cols = [c for c in COLS if c in rows[0]]
    print(f"### {title}\n")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(r[c] for c in cols) + " |")
    print()


if __name__ == "__main__":
    show(sys.argv[1], "Real sample, target 2016-03-08 predicted from the 2016-02-05 pair, "
                      "scored against the real Landsat LST of 2016-03-08 (degC)")
    if len(sys.argv) > 2:
        show(sys.argv[2], "ESTARFM, target 2016-02-18 (no Landsat that day): consistency with MODIS of "
                          "2016-02-18 on the same grid (degC)")
