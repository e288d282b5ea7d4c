"""Real products and Earth Engine exports as users have them (../shared/data, read in place)."""
import datetime as dt
import os

import numpy as np
import pytest

from lst_fusion.core.data import pairing, products
from lst_fusion.core.data.io import MODIS_SPHERE_RADIUS, read_raster

from .conftest import SHARED

DATA = os.path.join(SHARED, "data")
RANCHI = os.path.join(DATA, "ranchi")
KRANJ = os.path.join(DATA, "kranj")
C2L2 = os.path.join(DATA, "landsat_c2l2")


def needs(path):
    return pytest.mark.skipif(not os.path.exists(path), reason=f"{os.path.relpath(path, os.path.dirname(SHARED))} "
                              "is not present (the real data live in ../shared beside the repository)")


@needs(RANCHI)
def test_earth_engine_modis_on_the_ellipsoid_is_read_on_the_sphere():
    r = read_raster(os.path.join(RANCHI, "modis", "2023_01_07.tif"))
    assert r.grid.crs.to_dict()["R"] == MODIS_SPHERE_RADIUS
    assert len(r.notes) == 1 and "MODIS sphere" in r.notes[0]
    # a file already on the sphere is left alone
    k = read_raster(os.path.join(KRANJ, "modis", "filled", "2020077_18-04_kranj.tif")) if os.path.exists(KRANJ) else r
    assert k.notes == () or k is r


@needs(RANCHI)
def test_align_pairs_takes_the_raw_ranchi_exports(tmp_path):
    logs = []
    rows = pairing.align_pairs(os.path.join(RANCHI, "modis"), os.path.join(RANCHI, "landsat8"), tmp_path,
                               log=logs.append)
    pairs = [r for r in rows if r["status"] == "pair"]
    assert [r["date"] for r in pairs] == ["2023-01-07", "2023-06-16", "2024-05-01", "2025-04-18"]
    text = "\n".join(logs)
    assert "MODIS sphere" in text and "band 1 used" in text and "LST in degC" in text
    assert "0 degC pixel is lost" in text
    assert sum("MODIS sphere" in line for line in logs) == 1  # one line for all MODIS rasters
    # aligned, the MODIS of 2023-01-07 agrees with Landsat averaged over it (the sphere is right)
    L = read_raster(tmp_path / "L_20230107.tif").data
    M = read_raster(tmp_path / "M_20230107.tif").data
    v = np.isfinite(L) & np.isfinite(M)
    assert v.mean() > 0.95
    assert np.corrcoef(L[v], M[v])[0, 1] > 0.5
    assert abs(np.nanmean(L) - np.nanmean(M)) < 2.0
    # on the ellipsoid as declared, the same tile lands ~18 km off and does not cover the frame at all
    from rasterio.crs import CRS
    from rasterio.warp import transform_bounds

    raw = CRS.from_dict({"proj": "sinu", "lon_0": 0, "x_0": 0, "y_0": 0, "datum": "WGS84", "units": "m"})
    m = read_raster(os.path.join(RANCHI, "modis", "2023_01_07.tif"))
    lb = read_raster(os.path.join(RANCHI, "landsat8", "LC08_140044_20230107.tif")).grid.bounds
    b = transform_bounds(raw, "EPSG:32645", *m.grid.bounds)
    assert b[1] > lb[3]  # entirely north of the Landsat frame


@needs(RANCHI)
def test_band_choice_for_multiband_exports(tmp_path):
    from lst_fusion.core.platform.errors import LstFusionError

    # band 2 is NDVI (values in -1..1): read as asked, and refused beside MODIS LST (issue 43: one quantity)
    with pytest.raises(LstFusionError) as info:
        pairing.align_pairs(os.path.join(RANCHI, "modis"), os.path.join(RANCHI, "landsat8"), tmp_path / "ndvi",
                            landsat_band=2)
    assert str(info.value).startswith("MODIS (") and "but LANDSAT (" in str(info.value), str(info.value)
    assert "holds reflectance (0-1) (judged from its values" in str(info.value)
    rows = pairing.align_pairs(os.path.join(RANCHI, "modis"), os.path.join(RANCHI, "landsat8"), tmp_path / "lst",
                               landsat_band=1)
    lst = read_raster(tmp_path / "lst" / f"L_{rows[0]['date'].replace('-', '')}.tif")
    assert lst.tags["QUANTITY"] == "lst" and np.nanmin(lst.data) > 1.0  # band 1 is LST


@needs(KRANJ)
def test_kranj_day_of_year_names_pair_up(tmp_path):
    rows = pairing.align_pairs(os.path.join(KRANJ, "modis", "filled"), os.path.join(KRANJ, "landsat", "filled"),
                               tmp_path, modis_band=4, landsat_band=4, scales=(1e-4, 1.0))
    status = {r["date"]: r["status"] for r in rows}
    assert [d for d, s in status.items() if s == "pair"] == ["2020-03-08", "2020-03-17", "2020-04-02"]
    assert status["2020-04-09"] == "rejected:no_modis"  # Landsat alone on day 100
    assert sum(s == "modis_only" for s in status.values()) == 26 - 3


@needs(C2L2)
@pytest.mark.parametrize("scene,date,qa_fill_with_dn", [
    ("LC08_L2SP_008059_20191201_20200825_02_T1", dt.date(2019, 12, 1), 1036),
    ("LC08_L2SP_005009_20150710_20200908_02_T2", dt.date(2015, 7, 10), 921)])
def test_import_landsat_real_c2_l2(tmp_path, scene, date, qa_fill_with_dn):
    st, qa = (os.path.join(C2L2, f"{scene}_{b}.TIF") for b in ("ST_B10", "QA_PIXEL"))
    dn = read_raster(st, raw=True).data.astype(np.float64)
    qab = read_raster(qa, raw=True).data.astype(np.int64)
    # issue 23: pixels QA_PIXEL flags as fill (bit 0) but with a non-zero DN (1,036 in 008059, values to -123 degC)
    # are nodata, whatever QA_BITS says
    qa_fill = (qab & 1) == 1
    assert int((qa_fill & (dn != 0)).sum()) == qa_fill_with_dn
    clear = (dn != 0) & ((qab & ((1 << 0) | (1 << 1) | (1 << 3) | (1 << 4) | (1 << 5))) == 0)
    if not clear.any():  # 005009 (Greenland, T2): its only unflagged pixels were those fill pixels
        with pytest.raises(products.LstFusionError, match="^INPUT: .*no clear pixel"):
            products.import_landsat(st, tmp_path / "lst.tif", qa_path=qa, unit="kelvin")
        assert not os.path.exists(tmp_path / "lst.tif")
    else:
        res = products.import_landsat(st, tmp_path / "lst.tif", qa_path=qa, unit="kelvin")
        assert res["DATE"] == date.isoformat()  # acquisition date, not the processing date
        out = read_raster(res["OUTPUT"]).data
        np.testing.assert_array_equal(np.isfinite(out), clear)
        np.testing.assert_allclose(out[clear], dn[clear] * 0.00341802 + 149.0, rtol=1e-6)
        assert res["CLEAR_PERCENT"] == pytest.approx(100 * clear.mean(), abs=1e-3)
        assert not np.isfinite(out[qa_fill]).any()
    only_cloud = read_raster(products.import_landsat(st, tmp_path / "cloud.tif", qa_path=qa, unit="kelvin",
                                                     qa_bits=(3,))["OUTPUT"]).data
    assert not np.isfinite(only_cloud[qa_fill]).any()
    np.testing.assert_array_equal(np.isfinite(only_cloud), (dn != 0) & ((qab & 0b1001) == 0))


@needs(C2L2)
def test_import_landsat_date_from_the_mtl_when_the_name_has_none(tmp_path):
    import shutil

    scene = "LC08_L2SP_008059_20191201_20200825_02_T1"
    folder = tmp_path / "renamed"
    folder.mkdir()
    # the band renamed by a user, its MTL (json only) beside it: the date comes from DATE_ACQUIRED
    os.symlink(os.path.join(C2L2, f"{scene}_ST_B10.TIF"), folder / "thermal.tif")
    shutil.copy(os.path.join(C2L2, f"{scene}_MTL.json"), folder / f"{scene}_MTL.json")
    res = products.import_landsat(str(folder / "thermal.tif"), tmp_path / "out.tif")
    assert res["DATE"] == "2019-12-01"
    os.remove(folder / f"{scene}_MTL.json")
    with pytest.raises(products.LstFusionError, match="^DATE: no acquisition date"):
        products.import_landsat(str(folder / "thermal.tif"), tmp_path / "out2.tif")
