import math

import numpy as np
import pytest
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

from lst_fusion.core.data.io import Grid
from lst_fusion.core.evaluation import metrics, report

from .conftest import synthetic_scene


def test_identical_images():
    a = synthetic_scene(40)
    m = metrics.evaluate(a, a)
    assert m["RMSE"] == 0 and m["MAE"] == 0 and m["BIAS"] == 0 and m["ERGAS"] == 0
    assert m["CC"] == pytest.approx(1.0) and m["SSIM"] == pytest.approx(1.0)
    assert math.isinf(m["PSNR"]) and m["SAM"] == pytest.approx(0.0, abs=1e-5)


def test_constant_offset():
    a = synthetic_scene(40)
    m = metrics.evaluate(a + 1.7, a)
    assert m["RMSE"] == pytest.approx(1.7) and m["BIAS"] == pytest.approx(1.7) and m["MAE"] == pytest.approx(1.7)
    assert m["CC"] == pytest.approx(1.0)


def test_ergas_and_sam_by_hand():
    ref = np.array([[10.0, 20.0], [30.0, 40.0]])  # degC
    pred = np.array([[11.0, 19.0], [31.0, 39.0]])
    # RMSE = 1; mean in K = 25 + 273.15; ERGAS = 100 * 0.03 * 1 / 298.15 = 3 / 298.15
    assert metrics.ergas(pred, ref, ratio=0.03) == pytest.approx(3.0 / 298.15)
    assert metrics.ergas(pred, ref, ratio=1000 / 30) == pytest.approx(3.0 / 298.15)
    a, b = pred.ravel() + 273.15, ref.ravel() + 273.15
    expected = math.degrees(math.acos(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))))
    assert metrics.sam(pred, ref) == pytest.approx(expected, rel=1e-9)
    assert metrics.sam(pred + 273.15, ref + 273.15) == pytest.approx(expected, rel=1e-9)  # unit-free


def test_psnr_and_ssim_equal_scikit_image_on_valid_data():
    rng = np.random.default_rng(0)
    ref = synthetic_scene(50)
    pred = ref + rng.normal(0, 0.8, ref.shape)
    R = ref.max() - ref.min()
    assert metrics.psnr(pred, ref) == pytest.approx(peak_signal_noise_ratio(ref, pred, data_range=R), rel=1e-9)
    assert metrics.ssim(pred, ref) == pytest.approx(structural_similarity(ref, pred, data_range=R), abs=1e-9)


def test_masked_pixels_never_influence_the_result():
    rng = np.random.default_rng(1)
    ref = synthetic_scene(40)
    pred = ref + rng.normal(0, 1, ref.shape)
    mask = np.ones(ref.shape, bool)
    mask[10:20, 5:30] = False
    base = metrics.evaluate(pred, ref, mask, data_range=10.0)
    p2, r2 = pred.copy(), ref.copy()
    p2[~mask] = rng.normal(500, 100, (~mask).sum())
    r2[~mask] = -300
    assert metrics.evaluate(p2, r2, mask, data_range=10.0) == base
    p3 = pred.copy()
    p3[~mask] = np.nan  # NaN instead of a mask gives the same numbers
    assert metrics.evaluate(p3, ref, data_range=10.0) == base


def test_polygon_mask_selects_pixel_centres():
    from rasterio.transform import from_origin

    g = Grid("EPSG:32631", from_origin(0, 100, 10, 10), 10, 10)
    # x 12..38 covers centres 15, 25, 35 (columns 1-3); y 51..79 covers centres 55, 65, 75 (rows 2-4)
    poly = {"type": "Polygon", "coordinates": [[[12, 51], [38, 51], [38, 79], [12, 79], [12, 51]]]}
    masks = dict(metrics.region_masks(g, regions=[("block", poly)], extents=[("box", (0, 0, 20, 20))]))
    expected = np.zeros((10, 10), bool)
    expected[2:5, 1:4] = True
    np.testing.assert_array_equal(masks["block"], expected)
    box = np.zeros((10, 10), bool)
    box[8:10, 0:2] = True
    np.testing.assert_array_equal(masks["box"], box)
    assert masks["whole image"].all()


def test_region_rows_and_report(tmp_path):
    rng = np.random.default_rng(2)
    ref = synthetic_scene(60)
    pred = ref + rng.normal(0, 1, ref.shape)
    pred[:30] += 3  # a bad northern half
    from rasterio.transform import from_origin

    g = Grid("EPSG:32631", from_origin(0, 600, 10, 10), 60, 60)
    rows = metrics.evaluate_regions(pred, ref, metrics.region_masks(g, extents=[("north", (0, 300, 600, 600)),
                                                                                ("south", (0, 0, 600, 300))]))
    by = {r["region"]: r for r in rows}
    assert by["north"]["N"] == by["south"]["N"] == 1800
    assert by["north"]["BIAS"] == pytest.approx(3 + np.mean((pred - ref)[:30] - 3))
    assert by["north"]["RMSE"] > by["south"]["RMSE"]
    html = report.write_html(str(tmp_path / "r.html"), "test", rows, pred, ref)
    text = open(html, encoding="utf-8").read()
    assert text.count("data:image/png;base64,") == 2 and "north" in text and "<table>" in text
    import base64

    png = base64.b64decode(text.split("data:image/png;base64,")[1].split("'")[0])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10000
    csv_path = report.write_csv(str(tmp_path / "t.csv"), rows)
    assert open(csv_path).read().splitlines()[0] == "region,N,RMSE,MAE,BIAS,SSIM,PSNR,SAM,CC,ERGAS"
    ranked = report.rank_methods([{"method": "a", "region": "r", "RMSE": 2.0}, {"method": "c", "region": "q", "RMSE": 5.0},
                                  {"method": "b", "region": "r", "RMSE": 1.0}, {"method": "d", "region": "r", "RMSE": np.nan}])
    assert [(r["region"], r["method"], r["rank"]) for r in ranked] == [("r", "b", 1), ("r", "a", 2), ("r", "d", 3), ("q", "c", 1)]


def test_table_as_geopackage(tmp_path):
    from osgeo import ogr

    rows = [{"region": "whole image", "N": 10, "RMSE": 1.5, "SSIM": float("nan")}, {"region": "north", "N": 4, "RMSE": 0.5}]
    path = report.write_table(str(tmp_path / "m.gpkg"), rows)
    ds = ogr.Open(path)
    lyr = ds.GetLayerByName("metrics")
    got = [(f.GetField("region"), f.GetField("N"), f.GetField("RMSE"), f.IsFieldNull("SSIM")) for f in lyr]
    assert got == [("whole image", 10, 1.5, True), ("north", 4, 0.5, True)]  # NaN and missing -> NULL
    assert report.write_table(str(tmp_path / "m.csv"), rows).endswith(".csv")


def test_constant_reference_gives_undefined_psnr_cc_ssim_with_the_reason(tmp_path):
    """Used to be PSNR = -inf, written "inf" in the CSV and HTML (reads as perfect) while RMSE was 8.39."""
    import csv as _csv

    ref = np.full((20, 20), 300.0)
    pred = ref + np.linspace(-10, 10, 400).reshape(20, 20)
    m = metrics.evaluate(pred, ref)
    assert m["RMSE"] > 5 and np.isnan(m["PSNR"]) and np.isnan(m["CC"]) and np.isnan(m["SSIM"])
    assert "PSNR undefined: the reference is constant (data range 0)" in m["NOTES"]
    assert "CC undefined: the reference is constant" in m["NOTES"]
    report.write_csv(tmp_path / "t.csv", [{"region": "whole image", **m}])
    row = next(_csv.DictReader(open(tmp_path / "t.csv")))
    assert row["PSNR"] == "" and row["CC"] == "" and "PSNR undefined" in row["NOTES"]
    report.write_html(tmp_path / "r.html", "t", [{"region": "whole image", **m}])
    text = open(tmp_path / "r.html").read()
    assert "inf" not in text.replace("PSNR undefined", "") and "undefined" in text
    assert metrics.evaluate(ref, ref)["NOTES"] == "CC undefined: the reference is constant, so it has no variance " \
                                                  "to correlate with"  # identical: PSNR +inf, SSIM 1, CC undefined
    assert report.format_cell(float("-inf")) == "-inf" and report.format_cell(float("inf")) == "inf"
