"""scripts/series_table.py (make demo's closing table) on a made-up series with hand-computed answers."""
import csv
import importlib.util
import os

import numpy as np
import pytest

from .conftest import REPO

rasterio = pytest.importorskip("rasterio")
spec = importlib.util.spec_from_file_location("series_table", os.path.join(REPO, "scripts", "series_table.py"))
st = importlib.util.module_from_spec(spec)
spec.loader.exec_module(st)

# 20 x 20 pixels of 100 m: MODIS's 1 km footprint is 10 x 10 pixels, so 2 x 2 blocks
BLOCKS = np.array([[10.0, 20.0], [30.0, 40.0]])
CHECKER = np.where((np.add.outer(np.arange(20), np.arange(20)) % 2) == 0, 1.0, -1.0)  # mean 0 in every block


def expand(blocks):
    return np.kron(blocks, np.ones((10, 10)))


def write(path, data):
    with rasterio.open(path, "w", driver="GTiff", width=20, height=20, count=1, dtype="float32", crs="EPSG:32633",
                       transform=rasterio.transform.from_origin(500000, 5000000, 100, 100)) as ds:
        ds.write(data.astype("float32"), 1)


def series(folder, images, landsat_dates):
    os.makedirs(folder)
    with open(os.path.join(folder, "series.csv"), "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["date", "status", "ref1", "ref2", "modis_clear", "output"])
        for date, image in images.items():
            name = f"LST_X_{date.replace('-', '')}.tif"
            write(os.path.join(folder, name), image)
            w.writerow([date, "fused", landsat_dates[0], landsat_dates[1], "100.00", name])
        w.writerow(["2020-01-09", "skipped: no Landsat pair within 48 days", "", "", "100.00", ""])


def test_means_changes_std_and_block_correlation(tmp_path):
    modis = {"2020-01-01": expand(BLOCKS), "2020-01-05": expand(BLOCKS + 5.0)}
    paths = []
    for date, image in modis.items():
        paths.append(str(tmp_path / f"M_{date.replace('-', '')}.tif"))
        write(paths[-1], image)
    dates = ("2020-01-01", "2020-01-20")
    # keeps MODIS's blocks and adds +-1 detail; the other swaps two blocks (hand-computed CC: 400 / 500 = 0.8)
    series(str(tmp_path / "rc"), {d: m + CHECKER for d, m in modis.items()}, dates)
    series(str(tmp_path / "swap"), {d: expand(np.array([[10.0, 30.0], [20.0, 40.0]]) + (d == "2020-01-05") * 2.0)
                                    for d in modis}, dates)
    table = st.rows({"RC": str(tmp_path / "rc"), "swap": str(tmp_path / "swap")}, paths)
    assert [r["date"] for r in table] == ["2020-01-01", "2020-01-05"]
    assert [r["landsat"] for r in table] == [True, False] and table[0]["block"] == 10
    first, second = table
    assert first["MODIS"]["mean"] == pytest.approx(25.0) and second["MODIS"]["change"] == pytest.approx(5.0)
    assert first["MODIS"]["std"] == pytest.approx(np.sqrt(125.0))  # blocks 10..40: variance (225+25+25+225)/4
    assert first["RC"]["mean"] == pytest.approx(25.0) and second["RC"]["change"] == pytest.approx(5.0)
    assert first["RC"]["std"] == pytest.approx(np.sqrt(126.0), rel=1e-6) and first["RC"]["cc"] == pytest.approx(1.0)
    assert second["swap"]["change"] == pytest.approx(2.0) and first["swap"]["cc"] == pytest.approx(0.8)
    assert np.isnan(first["RC"]["change"])
    text = st.markdown(table, ["RC", "swap"])
    assert "| 2020-01-05 | no | 30.00 | +5.00 | 11.18 | 30.00 | +5.00 | 11.22 | 1.00 | 27.00 | +2.00 | 11.18 | 0.80 |" in text
