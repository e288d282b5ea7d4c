import csv
import os

import numpy as np
import pytest

from lst_fusion.core.data import pairing, products
from lst_fusion.core.data.io import Grid, read_grid, read_raster
from lst_fusion.core.data.resample import resample_to_grid
from lst_fusion.core.platform.errors import LstFusionError

from .conftest import SHARED

HDF = os.path.join(SHARED, "data", "modis", "MOD11A1.hdf")
needs_hdf = pytest.mark.skipif(not os.path.exists(HDF), reason="../shared/data/modis/MOD11A1.hdf is not present")


def qc_byte(mandatory=0, quality=0, emis=0, error=0):
    return mandatory | (quality << 2) | (emis << 4) | (error << 6)


@pytest.mark.parametrize("qc,clear", [
    (qc_byte(0, 0, 0, 0), True), (qc_byte(1, 0, 0, 0), True), (qc_byte(2, 0, 0, 0), False), (qc_byte(3, 0, 0, 0), False),
    (qc_byte(0, 1, 0, 0), False), (qc_byte(0, 0, 3, 0), True), (qc_byte(0, 0, 0, 2), True), (qc_byte(0, 0, 0, 3), False),
])
def test_modis_qc_bit_rules(qc, clear):
    assert bool(products.modis_qc_clear(np.array([qc], np.uint8))[0]) is clear


def test_landsat_qa_bits():
    qa = np.array([0, 1 << 1, 1 << 3, 1 << 4, 1 << 5, 1 << 6, 1 << 7], np.uint16)
    np.testing.assert_array_equal(products.landsat_qa_clear(qa), [1, 0, 0, 0, 0, 1, 1])
    np.testing.assert_array_equal(products.landsat_qa_clear(qa, bits=(3,)), [1, 1, 0, 1, 1, 1, 1])
    assert products.parse_bits("1, 3,5") == (1, 3, 5)
    with pytest.raises(LstFusionError, match="QA_BITS"):
        products.parse_bits("cloud")


def test_import_modis_scale_fill_qc_and_units(tif, tmp_path):
    dn = np.array([[15000, 0], [14000, 14500]], np.uint16)  # 300 K, fill, 280 K, 290 K
    qc = np.array([[0, 0], [qc_byte(2), qc_byte(0, 0, 0, 2)]], np.uint8)
    src = tif("MOD11A1.A2020001.h18v04.061.tif", dn)
    qcp = tif("qc.tif", qc)
    res = products.import_modis(src, str(tmp_path / "c.tif"), qc_path=qcp)
    out = read_raster(res["OUTPUT"]).data
    assert out[0, 0] == pytest.approx(300 - 273.15, abs=1e-4)
    assert np.isnan(out[0, 1]) and np.isnan(out[1, 0])  # fill, mandatory QA = 2
    assert out[1, 1] == pytest.approx(290 - 273.15, abs=1e-4)
    assert res["CLEAR_PERCENT"] == pytest.approx(50.0) and res["DATE"] == "2020-01-01"
    assert type(res["CLEAR_PERCENT"]) is float  # a numpy scalar would reach QGIS as an empty QVariant
    k = products.import_modis(src, str(tmp_path / "k.tif"), qc_path=qcp, unit="kelvin")
    assert read_raster(k["OUTPUT"]).data[0, 0] == pytest.approx(300.0, abs=1e-4)


def test_import_landsat_scale_offset_and_qa(tif, tmp_path):
    dn = np.array([[44000, 0, 43000]], np.uint16)
    qa = np.array([[0, 0, 1 << 3]], np.uint16)
    src = tif("LC08_L2SP_199027_20190704_20200827_02_T1_ST_B10.TIF", dn)
    res = products.import_landsat(src, str(tmp_path / "l.tif"), qa_path=tif("qa.tif", qa), unit="kelvin")
    out = read_raster(res["OUTPUT"]).data
    assert out[0, 0] == pytest.approx(44000 * 0.00341802 + 149.0, abs=1e-3)
    assert np.isnan(out[0, 1]) and np.isnan(out[0, 2])
    assert res["DATE"] == "2019-07-04"


def test_qc_band_passed_as_lst_is_refused(tif, tmp_path):
    qc = np.full((3, 3), 17, np.uint8)
    with pytest.raises(LstFusionError, match="INPUT: scaled values .* is this the LST band"):
        products.import_modis(tif("MOD11A1.A2020001.qc.tif", qc), str(tmp_path / "x.tif"))


def test_all_cloud_and_missing_date(tif, tmp_path):
    dn = np.full((2, 2), 15000, np.uint16)
    qc = np.full((2, 2), qc_byte(3), np.uint8)
    with pytest.raises(LstFusionError, match="no clear pixel"):
        products.import_modis(tif("MOD11A1.A2020001.tif", dn), str(tmp_path / "x.tif"), qc_path=tif("q.tif", qc))
    with pytest.raises(LstFusionError, match="DATE: no acquisition date"):
        products.import_modis(tif("lst.tif", dn), str(tmp_path / "y.tif"))
    assert not os.path.exists(tmp_path / "x.tif") and not os.path.exists(tmp_path / "y.tif")


@needs_hdf
def test_real_mod11a1_granule_end_to_end(tmp_path):
    res = products.import_modis(HDF, str(tmp_path / "m.tif"))
    r = read_raster(res["OUTPUT"])
    assert res["DATE"] == "2019-11-01"
    assert r.data.shape == (1200, 1200)
    assert "Sinusoidal" in r.grid.crs.to_wkt() or "sinu" in r.grid.crs.to_proj4()
    assert r.grid.pixel_size[0] == pytest.approx(926.625, abs=0.01)
    valid = r.data[np.isfinite(r.data)]
    assert 0 < res["CLEAR_PERCENT"] < 100
    assert 5 < np.median(valid) < 45  # tropical Brazil in degC
    # every kept pixel passes the QC rules, every rejected non-fill one fails them
    import rasterio

    with rasterio.open(f'HDF4_EOS:EOS_GRID:"{HDF}":MODIS_Grid_Daily_1km_LST:QC_Day') as ds:
        qc = ds.read(1)
    with rasterio.open(f'HDF4_EOS:EOS_GRID:"{HDF}":MODIS_Grid_Daily_1km_LST:LST_Day_1km') as ds:
        dn = ds.read(1)
    expected = (dn != 0) & products.modis_qc_clear(qc)
    np.testing.assert_array_equal(np.isfinite(r.data), expected)
    np.testing.assert_allclose(r.data[expected], dn[expected] * 0.02 - 273.15, atol=1e-3)


@needs_hdf
def test_real_granule_sinusoidal_to_utm_lands_on_reference_grid(tmp_path, tif):
    res = products.import_modis(HDF, str(tmp_path / "m.tif"))
    src = read_raster(res["OUTPUT"])
    # a 30 m UTM zone 24S grid inside the tile (around 38.5 W, 5 S)
    ref_path = tif("ref.tif", np.zeros((200, 300), np.float32), crs="EPSG:32724", x0=500000.0, y0=9447000.0, res=30.0)
    ref = read_grid(ref_path)
    out = resample_to_grid(src.data, src.grid, ref, "bilinear")
    assert out.shape == (200, 300)
    assert np.isfinite(out).mean() > 0.5
    assert 5 < np.nanmedian(out) < 45


# ------------------------------------------------------------------ resampling
def _grid(crs, x0, y0, res, w, h):
    from rasterio.crs import CRS
    from rasterio.transform import from_origin

    return Grid(CRS.from_user_input(crs), from_origin(x0, y0, res, res), w, h)


def test_resample_constant_stays_constant():
    src = _grid("EPSG:32631", 500000, 5300000, 1000, 10, 10)
    dst = _grid("EPSG:32631", 502000, 5298000, 30, 150, 150)
    for method in ("bicubic", "bilinear", "nearest", "average"):
        out = resample_to_grid(np.full((10, 10), 21.5, np.float32), src, dst, method)
        np.testing.assert_allclose(out, 21.5, atol=1e-4)


def test_bilinear_keeps_a_linear_field_linear():
    src = _grid("EPSG:32631", 500000, 5300000, 1000, 12, 12)
    x_centres = 500000 + 1000 * (np.arange(12) + 0.5)
    field = np.tile(0.001 * (x_centres - 500000), (12, 1)).astype(np.float32)  # 1 degree per km in x
    dst = _grid("EPSG:32631", 502000, 5298000, 30, 200, 100)
    out = resample_to_grid(field, src, dst, "bilinear")
    xc = 502000 + 30 * (np.arange(200) + 0.5)
    np.testing.assert_allclose(out, np.tile(0.001 * (xc - 500000), (100, 1)), atol=2e-3)


def test_resample_errors():
    src = _grid("EPSG:32631", 500000, 5300000, 1000, 10, 10)
    far = _grid("EPSG:32631", 900000, 5300000, 30, 10, 10)
    with pytest.raises(LstFusionError, match="INPUT: the raster does not overlap"):
        resample_to_grid(np.ones((10, 10)), src, far)
    nocrs = Grid(None, src.transform, 10, 10)
    with pytest.raises(LstFusionError, match="INPUT: the raster has no CRS"):
        resample_to_grid(np.ones((10, 10)), nocrs, src)


# ------------------------------------------------------------------ pairing
def test_align_pairs_picks_exactly_the_same_day_files(tmp_path, tif):
    (tmp_path / "m").mkdir()
    (tmp_path / "l").mkdir()
    for d in ("20200105", "20200121", "20200130"):
        tif(f"m/MOD_{d}.tif", np.full((4, 4), 20.0, np.float32), res=120.0)
    for d in ("20200105", "20200130", "20200206"):
        a = np.full((16, 16), 25.0, np.float32)
        if d == "20200130":
            a[:12] = np.nan  # 25 % clear
        tif(f"l/LST_{d}.tif", a)
    out = tmp_path / "ds"
    rows = pairing.align_pairs(str(tmp_path / "m"), str(tmp_path / "l"), str(out), min_clear=50)
    status = {r["date"]: r["status"] for r in rows}
    assert status == {"2020-01-05": "pair", "2020-01-21": "modis_only", "2020-01-30": "rejected:clear<50%",
                      "2020-02-06": "rejected:no_modis"}
    assert sorted(os.listdir(out)) == ["L_20200105.tif", "M_20200105.tif", "M_20200121.tif", "index.csv"]
    m = read_raster(out / "M_20200105.tif")
    assert m.grid.same_as(read_raster(out / "L_20200105.tif").grid)
    np.testing.assert_allclose(m.data, 20.0, atol=1e-4)
    with open(out / "index.csv") as fh:
        assert len(list(csv.DictReader(fh))) == 4
    idx = pairing.read_index(str(out))
    assert [r["date"].isoformat() for r in idx if r["status"] == "pair"] == ["2020-01-05"]


def test_align_pairs_without_a_pair_fails_clearly(tmp_path, tif):
    (tmp_path / "m").mkdir()
    (tmp_path / "l").mkdir()
    tif("m/M_20200101.tif", np.ones((4, 4), np.float32))
    tif("l/L_20200102.tif", np.ones((4, 4), np.float32))
    with pytest.raises(LstFusionError, match="no same-day MODIS/Landsat pair"):
        pairing.align_pairs(str(tmp_path / "m"), str(tmp_path / "l"), str(tmp_path / "ds"))


def test_one_index_reader_one_strictness(tmp_path):
    """pairing.read_index (series, training, validation) refuses what checks.read_dataset_pairs refuses."""
    import pytest

    from lst_fusion.core.data import checks, pairing
    from lst_fusion.core.platform.errors import LstFusionError

    (tmp_path / "M_20200101.tif").write_bytes(b"")
    (tmp_path / "index.csv").write_text("date,landsat,modis,status\n2020-01-01,L_20200101.tif,M_20200101.tif,pair\n")
    msg = "^DATASET: index.csv line 2: the landsat file 'L_20200101.tif' of 2020-01-01 is not in the dataset folder$"
    for reader in (pairing.read_index, checks.read_dataset_pairs):
        with pytest.raises(LstFusionError, match=msg):
            reader(str(tmp_path))
    (tmp_path / "L_20200101.tif").write_bytes(b"")
    (tmp_path / "index.csv").write_text("date,landsat,modis,status\n2020-01-01,L_20200101.tif,M_20200101.tif,pair\n"
                                        "2020-01-01,L_20200101.tif,M_20200101.tif,pair\n")
    with pytest.raises(LstFusionError, match="^DATASET: index.csv line 3: a second pair for 2020-01-01$"):
        pairing.read_index(str(tmp_path))
    (tmp_path / "index.csv").write_text("date,landsat,modis,status\n2020-01-01,L_20200101.tif,M_20200101.tif,pair\n"
                                        "2020-01-02,,M_20200102.tif,modis_only\n")
    rows = pairing.read_index(str(tmp_path))
    assert [r["status"] for r in rows] == ["pair", "modis_only"] and rows[0]["landsat"] == str(tmp_path / "L_20200101.tif")
