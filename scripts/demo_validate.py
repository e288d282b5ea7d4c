"""`make demo`'s last step: a leave-one-date-out validation on the bundled real series of three same-day pairs
(lst_fusion/resources/kranj: Kranj near-infrared REFLECTANCE, not LST; BSD-3, ImageFusion R package).

    python3 scripts/demo_validate.py OUTPUT_FOLDER [--methods STARFM ESTARFM]

Prints the mean table (with both baselines) and where the CSV and the HTML report are."""
import argparse
import datetime as dt
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
KRANJ = os.path.join(ROOT, "lst_fusion", "resources", "kranj")
UNIT = "reflectance 0-1"


def kranj_pairs(folder=KRANJ):
    """{date: (Landsat array, MODIS array)} of the bundled Kranj pairs."""
    from lst_fusion.core.data.io import read_raster

    def dated(sub):
        out = {}
        for path in sorted(glob.glob(os.path.join(folder, sub, "*.tif"))):
            d = re.search(r"(\d{8})\.tif$", path).group(1)
            out[dt.date(int(d[:4]), int(d[4:6]), int(d[6:]))] = read_raster(path, sub.upper()).data
        return out

    lan, mod = dated("landsat"), dated("modis")
    return {d: (lan[d], mod[d]) for d in sorted(lan) if d in mod}


def main(argv=None):
    from lst_fusion.validation.validate import run

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("output")
    ap.add_argument("--methods", nargs="+", default=["STARFM", "ESTARFM"])
    a = ap.parse_args(argv)
    os.makedirs(a.output, exist_ok=True)
    csv, html = os.path.join(a.output, "validation.csv"), os.path.join(a.output, "validation.html")
    res = run(kranj_pairs(), a.methods, csv, html, quantity="reflectance", unit=UNIT, log=lambda s: None)
    print(f"Kranj, near-infrared REFLECTANCE (not LST), {len(kranj_pairs())} same-day pairs; test date(s): "
          + ", ".join(c.date.isoformat() for c in res["cases"]) + " (each predicted from the other pairs only)")
    cols = ["method", "variant", "dates", "RMSE", "ubRMSE", "BIAS", "SSIM", "beats MODIS resampled"]
    width = {c: max(len(c), *(len(fmt(m.get(c))) for m in res["means"])) for c in cols}
    print("  ".join(c.ljust(width[c]) for c in cols))
    for m in res["means"]:
        print("  ".join(fmt(m.get(c)).ljust(width[c]) for c in cols))
    rec = res["recommendation"]
    n = len(res["cases"])
    print(f"Recommendation: {rec['method']} {rec['variant']} (lowest mean RMSE over {n} test date"
          + (", so a weak one: one date decides it)" if n == 1 else "s)"))
    print(f"Table: {csv}\nReport: {html}")
    return res


def fmt(v):
    return f"{v:.4f}" if isinstance(v, float) else str(v if v is not None else "")


if __name__ == "__main__":
    main()
