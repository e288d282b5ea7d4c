"""import_viirs on VIIRS LST granules written to the product's documented structure (test/viirs_data.py).

Known answers: LST = DN x 0.02 K on both the HDF5 granule and its GeoTIFF assets; the QC bits mask what the rule
says; the tile's grid is MODLAND's (corners from the sphere's own formula, x = R lon, y = R lat at the tile's
corner); the view tags are the means of the known view layers."""
import math
import os

import numpy as np
import pytest

from lst_fusion.core.data import viirs
from lst_fusion.core.data.io import MODIS_SPHERE_RADIUS, read_raster
from lst_fusion.core.platform.errors import LstFusionError
from lst_fusion.test import viirs_data as vd


@pytest.fixture(scope="module")
def granule(tmp_path_factory):
    folder = tmp_path_factory.mktemp("viirs")
    layers = vd.pattern()
    h5 = vd.write_granule(folder / vd.granule_name(), layers)
    assets = vd.write_assets(str(folder), "VNP21A1D.A2024217.h19v05.002", layers)
    return h5, assets, layers


def _expected_kelvin(layers, rule="default"):
    dn = layers["LST_1KM"].astype(np.float64)
    k = dn * 0.02
    k[dn == 0] = np.nan
    k[~viirs.qc_clear(layers["QC"], rule)] = np.nan
    return k


def test_hdf5_and_geotiff_assets_give_the_same_lst_dn_times_0_02(granule, tmp_path):
    h5, assets, layers = granule
    a = viirs.import_viirs(h5, str(tmp_path / "a.tif"), unit="kelvin")
    b = viirs.import_viirs(assets["LST_1KM"], str(tmp_path / "b.tif"), unit="kelvin")
    ra, rb = read_raster(a["OUTPUT"]), read_raster(b["OUTPUT"])
    want = _expected_kelvin(layers).astype(np.float32)
    np.testing.assert_array_equal(ra.data, want)  # NaN where QC masks or DN is fill, equal elsewhere
    np.testing.assert_array_equal(rb.data, ra.data)
    assert ra.grid.crs == rb.grid.crs and ra.grid.shape == rb.grid.shape
    assert ra.grid.transform.almost_equals(rb.grid.transform, 1e-4)  # StructMetadata's corners have 6 decimals
    assert a["DATE"] == b["DATE"] == "2024-08-04" and a["CLEAR_PERCENT"] == b["CLEAR_PERCENT"]
    # the masked pixels are the cloudy (mandatory 2), the cirrus block and the fill rows
    assert np.isnan(ra.data[100:120, 100:120]).all() and np.isnan(ra.data[:5]).all()
    assert np.isnan(ra.data[layers["QC"] & 3 == 2]).all()
    clear = np.isfinite(want)
    assert a["CLEAR_PERCENT"] == pytest.approx(100 * clear.mean())
    c = viirs.import_viirs(h5, str(tmp_path / "c.tif"))  # Celsius by default
    np.testing.assert_allclose(read_raster(c["OUTPUT"]).data[clear], want[clear] - 273.15, atol=1e-4)


@pytest.mark.parametrize("struct_metadata", [True, False])
def test_the_tile_grid_is_modland_s_within_1_m(tmp_path, struct_metadata):
    """h19v05 from StructMetadata.0, and from the name alone: its corners are the sphere's x = R lon, y = R lat."""
    layers = vd.pattern(seed=1)
    h5 = vd.write_granule(tmp_path / vd.granule_name(h=19, v=5), layers, struct_metadata=struct_metadata)
    out = viirs.import_viirs(h5, str(tmp_path / "o.tif"), unit="kelvin")["OUTPUT"]
    g = read_raster(out).grid
    R = MODIS_SPHERE_RADIUS
    ulx, uly = R * math.radians(-180 + 10 * 19), R * math.radians(90 - 10 * 5)  # 10-degree tiles on the sphere
    lrx, lry = R * math.radians(-180 + 10 * 20), R * math.radians(90 - 10 * 6)
    t = g.transform
    assert abs(t.c - ulx) < 1 and abs(t.f - uly) < 1
    assert abs(t.c + g.width * t.a - lrx) < 1 and abs(t.f + g.height * t.e - lry) < 1
    assert (g.width, g.height) == (1200, 1200) and abs(t.a - 926.625433) < 1e-6
    assert g.crs.to_dict()["R"] == R and g.crs.to_dict()["proj"] == "sinu"
    # the corner in lon/lat: the tile h19v05's upper-left is 40 N on the sphere
    from rasterio.warp import transform

    lon, lat = transform(g.crs, "+proj=longlat +R=6371007.181 +no_defs", [t.c], [t.f])
    assert lat[0] == pytest.approx(40.0, abs=1e-6)
    assert lon[0] == pytest.approx(10.0 / math.cos(math.radians(40.0)), abs=1e-6)


def test_view_time_and_angle_tags_are_the_means_over_the_clear_aoi(granule, tmp_path):
    h5, assets, layers = granule
    res = viirs.import_viirs(h5, str(tmp_path / "v.tif"))
    clear = np.isfinite(_expected_kelvin(layers))
    want_time = (layers["View_Time"][clear] * 0.1).mean()
    want_angle = (layers["View_Angle"][clear].astype(float) - 65).mean()
    tags = read_raster(res["OUTPUT"]).tags
    assert float(tags["VIEW_TIME"]) == pytest.approx(want_time, abs=0.005) == res["VIEW_TIME"]
    assert float(tags["VIEW_ANGLE"]) == pytest.approx(want_angle, abs=0.005)
    assert tags["VIEW_TIME_RANGE"] == "13.50,13.70"
    assert (tags["SENSOR"], tags["PLATFORM"], tags["OVERPASS"], tags["QC_RULE"]) == (
        "VIIRS SNPP", "suomi-npp", "13:30", "default")
    # an AOI in the tile's left half: cut to its window, every clear pixel there was seen at 13.5 h
    g = read_raster(res["OUTPUT"]).grid
    from rasterio.warp import transform

    xs = [g.transform.c + 300 * g.transform.a, g.transform.c + 500 * g.transform.a]
    ys = [g.transform.f + 300 * g.transform.e, g.transform.f + 500 * g.transform.e]
    lon, lat = transform(g.crs, "EPSG:4326", xs, ys)
    aoi = {"type": "Polygon", "coordinates": [[[lon[0], lat[1]], [lon[1], lat[1]], [lon[1], lat[0]],
                                               [lon[0], lat[0]], [lon[0], lat[1]]]]}
    cut = viirs.import_viirs(h5, str(tmp_path / "aoi.tif"), aoi=aoi)
    r = read_raster(cut["OUTPUT"])
    assert 150 < r.grid.width < 260 and cut["VIEW_TIME"] == pytest.approx(13.5)


def test_qc_rules_bit_by_bit():
    words = np.array([0b00, 0b01, 0b10, 0b11,  # mandatory 0-3
                      1 << 4, 2 << 4, 3 << 4,  # cirrus, next to cloud, cloudy
                      1 << 2, 2 << 2,  # missing pixel, fairly calibrated
                      (2 << 14), (3 << 14) | 0b01], dtype=np.uint16)
    assert viirs.qc_clear(words, "default").tolist() == [1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1]
    assert viirs.qc_clear(words, "strict").tolist() == [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]
    assert viirs.qc_clear(words, "produced").tolist() == [1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1]
    assert viirs.qc_clear(words, "none").all()
    with pytest.raises(LstFusionError, match="QC_RULE"):
        viirs.qc_clear(words, "loose")


def test_a_stricter_rule_masks_more_and_none_masks_only_fill(granule, tmp_path):
    h5, _, layers = granule
    strict = viirs.import_viirs(h5, str(tmp_path / "s.tif"), rule="strict", unit="kelvin")
    none = viirs.import_viirs(h5, str(tmp_path / "n.tif"), rule="none", unit="kelvin")
    data = read_raster(strict["OUTPUT"]).data
    assert np.isfinite(data[200:210]).any() and np.isnan(np.delete(data, range(200, 210), axis=0)).all()
    assert none["CLEAR_PERCENT"] == pytest.approx(100 * (layers["LST_1KM"] != 0).mean())


def test_bad_granules_are_one_sentence(tmp_path):
    bad = tmp_path / "VNP21A1D.A2024217.h19v05.002.1.h5"
    bad.write_bytes(b"not hdf5")
    with pytest.raises(LstFusionError, match="^INPUT: VNP21A1D.* is not a readable HDF5 file"):
        viirs.import_viirs(str(bad), str(tmp_path / "o.tif"))
    other = vd.write_granule(tmp_path / "VNP21A1D.A2024217.h19v05.002.2.h5", {"QC": np.zeros((4, 4), np.uint16)})
    with pytest.raises(LstFusionError, match="has no HDFEOS/GRIDS/VIIRS_Grid_Daily_1km_LST21/Data Fields/LST_1KM"):
        viirs.import_viirs(other, str(tmp_path / "o.tif"))
    assert not os.path.exists(tmp_path / "o.tif")


def test_import_viirs_in_qgis_process_reads_the_hdf5_granule(granule, tmp_path):
    """The HDF5 granule read inside a real QGIS process (qgis_process.bin), with QGIS's own Python only: GDAL's
    HDF5 driver is all it needs, no new package."""
    from .test_qgis_process import QP, qgis_process

    if QP is None:
        pytest.skip("qgis_process is not installed")
    h5, _, layers = granule
    enable = qgis_process(tmp_path, "plugins", "enable", "lst_fusion", venv=False)
    assert enable.returncode == 0 or "already enabled" in enable.stderr, enable.stdout + enable.stderr
    out = qgis_process(tmp_path, "run", "lstfusion:import_viirs", "--", f"INPUT={h5}", "QC_RULE=0", "UNIT=1",
                       f"OUTPUT={tmp_path / 'q.tif'}", venv=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "VIEW_TIME:" in out.stdout and "DATE:\t2024-08-04" in out.stdout.replace(": ", ":\t")
    np.testing.assert_array_equal(read_raster(tmp_path / "q.tif").data, _expected_kelvin(layers).astype(np.float32))
