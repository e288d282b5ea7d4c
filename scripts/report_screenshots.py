"""Every HTML report the plugin writes, made from small real data and rendered by headless Chromium at 1400 px
and at 900 px, for a person to look at (issue 43: no wrapped dates, no overlapping ticks, legends outside the data,
units on every figure).

    .venv/bin/python scripts/report_screenshots.py [--out docs/reports] [--html /tmp/lstfusion_reports]

Reports: the evaluation (lstfusion:evaluate's write_html) and the method comparison (compare_methods) of
STARFM on the bundled LST sample (2016-03-08 from the 2016-02-05 pair, against the real Landsat); the season
report of a fuse_series run on the sample's three MODIS dates; the validation (validate_methods' report) on the
bundled Kranj reflectance series (three same-day pairs; reflectance, not LST). PNGs: <report>_<width>.png."""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "scripts"))
SAMPLE = os.path.join(ROOT, "lst_fusion", "resources", "sample")
WIDTHS = (1400, 900)
MAX_HEIGHT = 7000  # px of a page rendered
KEEP = {"comparison": 2700, "validation": 3900}  # px kept of the long ones: the tables, the first panels


def sample(sensor, day):
    return glob.glob(os.path.join(SAMPLE, sensor, f"*_{day}.tif"))[0]


def regions_of():
    with open(os.path.join(SAMPLE, "subregions.geojson"), encoding="utf-8") as fh:
        fc = json.load(fh)
    return [(f["properties"]["name"], f["geometry"]) for f in fc["features"]]  # CRS84 = the sample's EPSG:4326


def evaluation_reports(out):
    """evaluate's and compare_methods' reports of STARFM (and STARFM +RC) for 2016-03-08."""
    from lst_fusion.core.data.io import read_raster, write_raster
    from lst_fusion.core.evaluation import compare, metrics, report
    from lst_fusion.core.fusion import residual, starfm

    f1, c1 = read_raster(sample("landsat", "20160205")), read_raster(sample("modis", "20160205"))
    c0, ref = read_raster(sample("modis", "20160308")), read_raster(sample("landsat", "20160308"))
    pred = starfm.starfm(f1.data, c1.data, c0.data)
    rc = residual.correct(pred, c0.data, "MODIS footprint", residual.footprint_pixels(ref.grid, 1000.0))
    regions = regions_of()
    masks = metrics.region_masks(ref.grid, regions)
    rows = metrics.evaluate_regions(pred, ref.data, masks)
    unit = report.unit_label(ref.data)
    header = report.report_header("STARFM", "2016-03-08", {"Prediction": "STARFM_20160308.tif",
                                                           "Reference": ref.path}, unit, regions)
    report.write_html(os.path.join(out, "evaluation.html"), "LST Fusion evaluation", rows, pred, ref.data,
                      header=header, regions=regions, transform=ref.grid.transform)
    paths = []
    for name, data in (("STARFM_20160308", pred), ("STARFM_RC_MODIS_footprint_20160308", rc)):
        paths.append(write_raster(os.path.join(out, name + ".tif"), data, ref.grid))
    compare.compare_predictions(
        compare.read_reference(ref.path),
        [(paths[0], "STARFM 2016-03-08", 1), (paths[1], "STARFM +RC (MODIS footprint) 2016-03-08", 1)],
        {"COARSE_TARGET": c0.path, "FINE_REF1": f1.path, "COARSE_REF1": c1.path}, masks,
        os.path.join(out, "comparison.csv"), os.path.join(out, "comparison.html"), regions=regions,
        log=lambda s: None)
    return ["evaluation.html", "comparison.html"]


def season_report(out):
    """fuse_series on the sample's three MODIS dates (ESTARFM, uncertainty maps on) with its season report."""
    from lst_fusion.series import season
    from lst_fusion.series.run import fuse_series

    modis = sorted(glob.glob(os.path.join(SAMPLE, "modis", "*.tif")))
    landsat = sorted(glob.glob(os.path.join(SAMPLE, "landsat", "*.tif")))
    res = fuse_series(os.path.join(out, "series"), modis=modis, landsat=landsat, scheduler="sequential")
    regions = regions_of()
    shutil.copy(season.season_report(res, regions=regions).html, os.path.join(out, "series_report.html"))
    return ["series_report.html"]


def validation_report(out):
    import demo_validate

    demo_validate.main([os.path.join(out, "validation")])
    shutil.copy(os.path.join(out, "validation", "validation.html"), os.path.join(out, "validation.html"))
    return ["validation.html"]


def screenshot(html, png, width, height, keep):
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        f"--user-data-dir={profile}", f"--screenshot={png}", f"--window-size={width},{height}",
                        "file://" + os.path.abspath(html)], check=True, capture_output=True, timeout=120)
    return shrink(png, keep)


def shrink(png, max_height=MAX_HEIGHT):
    """The page without its blank bottom, cut at ``max_height``, in 256 colours (small files for docs/)."""
    from PIL import Image, ImageChops

    im = Image.open(png).convert("RGB")
    box = ImageChops.difference(im, Image.new("RGB", im.size, (255, 255, 255))).getbbox()
    if box:
        im = im.crop((0, 0, im.width, min(box[3] + 20, max_height)))
    im.quantize(256).save(png, optimize=True)
    return png


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "reports"))
    ap.add_argument("--html", default=os.path.join(tempfile.gettempdir(), "lstfusion_reports"))
    ap.add_argument("--height", type=int, default=MAX_HEIGHT)
    ap.add_argument("--only", nargs="*", default=["evaluation", "season", "validation"])
    a = ap.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    os.makedirs(a.html, exist_ok=True)
    made = {"evaluation": evaluation_reports, "season": season_report, "validation": validation_report}
    for key in a.only:
        for name in made[key](a.html):
            for width in WIDTHS:
                png = screenshot(os.path.join(a.html, name), os.path.join(a.out, f"{name[:-5]}_{width}.png"),
                                 width, a.height, KEEP.get(name[:-5], a.height))
                print(png)


if __name__ == "__main__":
    main()
