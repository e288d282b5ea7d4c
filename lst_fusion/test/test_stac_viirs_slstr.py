"""search_download for VIIRS (NASA CMR-STAC, Earthdata Login) and Sentinel-3 SLSTR (Planetary Computer) against the
local STAC API (test/stac_server.py): the VIIRS data answer 401 without ``Authorization: Bearer <token>``, as
NASA's Earthdata cloud does; the files are written to the products' documented structure (viirs_data, slstr_data).

Known answers: each downloaded window equals the local import of the same files (import_viirs / import_slstr) on
the same grid; the bytes served are a fraction of the COG; the token is in no file of the output folder."""
import datetime as dt
import os

import numpy as np
import pytest

from lst_fusion.core.data import slstr, stac, viirs
from lst_fusion.core.data.io import read_raster
from lst_fusion.core.platform.errors import LstFusionError
from lst_fusion.test import slstr_data as sd
from lst_fusion.test import stac_data
from lst_fusion.test import viirs_data as vd
from lst_fusion.test.stac_server import StacServer

pytest.importorskip("pystac_client", reason="pystac-client is not installed (make test installs it)")

FAST = dict(timeout=5, retries=1, backoff=0.05)
TOKEN = "EDL-test-token-7f3a9c1e5b"  # nosec B105 - a test token, served and checked by the local server only
DAY = dt.date(2024, 8, 4)
STEM = "VNP21A1D.A2024217.h19v05.002.2024219103000"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("catalog"))
    os.makedirs(os.path.join(folder, "protected"))
    layers = vd.pattern(seed=3)
    grid = viirs.tile_grid(19, 5)
    for name in ("LST_1KM", "QC"):
        data = layers[name]
        stac_data.write_cog(os.path.join(folder, "protected", f"{STEM}_{name}.tif"), data,
                            dict(driver="GTiff", width=1200, height=1200, count=1, dtype=data.dtype.name, crs=grid.crs,
                                 transform=grid.transform, nodata=vd.FIELDS[name][3]))
    h5_stem = "VNP21A1D.A2024218.h19v05.002.2024220103000"
    vd.write_granule(os.path.join(folder, "protected", f"{h5_stem}.h5"), layers, date=DAY + dt.timedelta(days=1))
    sen3 = sd.write_product(folder, cloud=np.pad(np.ones((6, 6), bool), ((30, 24), (20, 24))))
    return folder, layers, h5_stem, os.path.basename(sen3)


@pytest.fixture()
def server(files):
    folder, layers, h5_stem, sen3 = files
    s = StacServer(folder, page_size=5)
    bbox = stac_data.lonlat_bbox(os.path.join(folder, "protected", f"{STEM}_LST_1KM.tif"))
    s.add_item(STEM, "VNP21A1D_002", DAY, bbox, {"LST_1KM": f"protected/{STEM}_LST_1KM.tif",
                                                 "QC": f"protected/{STEM}_QC.tif"}, {"platform": "suomi-npp"})
    s.add_item(h5_stem, "VNP21A1D_002", DAY + dt.timedelta(days=1), bbox, {"data": f"protected/{h5_stem}.h5"},
               {"platform": "suomi-npp"})
    s.add_item(sen3[:-5], "sentinel-3-slstr-lst-l2-netcdf", DAY, (84.9, 22.9, 85.7, 23.8),
               {k: f"{sen3}/{f}" for k, f in (("lst-in", "LST_in.nc"), ("slstr-geodetic-in", "geodetic_in.nc"),
                                              ("slstr-flags-in", "flags_in.nc"))},
               {"platform": "sentinel-3a", "sat:orbit_state": "descending"})
    s.bearer = TOKEN
    s.start()
    s.layers = layers
    yield s
    s.stop()


def _viirs_aoi(rows=(300, 340), cols=(400, 450)):
    from rasterio.warp import transform

    g = viirs.tile_grid(19, 5)
    xs = [g.transform.c + (c + 0.5) * g.transform.a for c in cols]
    ys = [g.transform.f + (r + 0.5) * g.transform.e for r in rows]
    lon, lat = transform(g.crs, "EPSG:4326", [xs[0], xs[1], xs[1], xs[0]], [ys[0], ys[0], ys[1], ys[1]])
    ring = list(zip(lon, lat)) + [(lon[0], lat[0])]
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


def _token_in(folder):
    hits = []
    for root, _, names in os.walk(folder):
        for n in names:
            with open(os.path.join(root, n), "rb") as fh:
                if TOKEN.encode() in fh.read():
                    hits.append(n)
    return hits


def _window_of(full, part):
    col = round((part.grid.transform.c - full.grid.transform.c) / full.grid.transform.a)
    row = round((part.grid.transform.f - full.grid.transform.f) / full.grid.transform.e)
    return full.data[row:row + part.grid.height, col:col + part.grid.width]


def test_viirs_with_a_login_reads_the_aoi_window_only_and_writes_the_token_nowhere(server, tmp_path):
    out = str(tmp_path / "dl")
    res = stac.search_download(server.url, _viirs_aoi(), DAY, DAY + dt.timedelta(days=1), ["VIIRS SNPP"], out,
                               cmr_url=server.url + "/search", earthdata_token=TOKEN, **FAST)
    files = stac.product_files(res, "VIIRS")
    assert [os.path.basename(f) for f in files] == ["VNP21A1D_20240804.tif", "VNP21A1D_20240805.tif"]
    local = read_raster(viirs.import_viirs(os.path.join(server.data_dir, "protected", f"{STEM}_LST_1KM.tif"),
                                           str(tmp_path / "local.tif"))["OUTPUT"])
    cog, h5 = read_raster(files[0]), read_raster(files[1])
    want = _window_of(local, cog)
    assert cog.grid.shape == (40, 50) or cog.grid.width * cog.grid.height > 100
    np.testing.assert_array_equal(cog.data, want)  # NaN where QC masks, DN x 0.02 - 273.15 elsewhere
    np.testing.assert_array_equal(h5.data, cog.data)  # the HDF5 granule's window: the same LST
    assert cog.grid == h5.grid and np.isfinite(cog.data).any() and np.isnan(cog.data).any()
    # the COG: a fraction of the file was read
    name = f"/data/protected/{STEM}_LST_1KM.tif"
    assert 0 < server.bytes_sent[name] < 0.3 * server.file_size(f"protected/{STEM}_LST_1KM.tif")
    assert (cog.tags["SENSOR"], cog.tags["PRODUCT"], cog.tags["OVERPASS"]) == ("VIIRS SNPP", "VNP21A1D", "13:30")
    assert _token_in(out) == [] and all(TOKEN not in p for _, p, _ in server.requests)
    assert server.refused == 0


def test_viirs_without_a_login_is_one_sentence_and_writes_nothing(server, tmp_path):
    out = tmp_path / "dl"
    with pytest.raises(LstFusionError) as exc:
        stac.search_download(server.url, _viirs_aoi(), DAY, DAY, ["VIIRS SNPP"], str(out), cmr_url=server.url,
                             **FAST)
    text = str(exc.value)
    assert text.startswith("AUTHCFG: VIIRS comes from NASA's CMR-STAC, whose data need an Earthdata Login")
    assert "urs.earthdata.nasa.gov" in text and "EARTHDATA_TOKEN" in text and text.count(". ") == 0
    assert not out.exists()


def test_a_refused_login_is_one_sentence_and_the_token_is_in_no_file(server, tmp_path):
    out = str(tmp_path / "dl")
    wrong = TOKEN[::-1]
    with pytest.raises(LstFusionError) as exc:
        stac.search_download(server.url, _viirs_aoi(), DAY, DAY, ["VIIRS SNPP"], out, cmr_url=server.url,
                             earthdata_token=wrong, **FAST)
    assert str(exc.value).startswith(f"AUTHCFG: NASA refused the Earthdata Login (HTTP 401) for {STEM}: the token is "
                                     "expired or wrong; create a token")
    assert server.refused >= 1 and wrong not in str(exc.value)
    for root, _, names in os.walk(out):
        for n in names:
            assert wrong.encode() not in open(os.path.join(root, n), "rb").read()


def test_slstr_from_the_planetary_computer_is_gridded_like_import_slstr(server, tmp_path, files):
    aoi = {"type": "Polygon", "coordinates": [[[85.1, 23.2], [85.5, 23.2], [85.5, 23.5], [85.1, 23.5], [85.1, 23.2]]]}
    out = str(tmp_path / "dl")
    res = stac.search_download(server.url, aoi, DAY, DAY, ["Sentinel-3 SLSTR"], out, **FAST)
    (path,) = stac.product_files(res, "SLSTR")
    assert os.path.basename(path) == "SL_2_LST_20240804.tif"
    got = read_raster(path)
    local = slstr.import_slstr(os.path.join(server.data_dir, files[3]), str(tmp_path / "l.tif"), aoi=aoi)
    want = read_raster(local["OUTPUT"])
    assert got.grid == want.grid
    np.testing.assert_array_equal(got.data, want.data)
    assert got.tags["OVERPASS"] == "10:00" and got.tags["PRODUCT"] == "SL_2_LST"


def test_an_ascending_slstr_pass_is_not_a_day_image():
    s = stac.BY_NAME["Sentinel-3 SLSTR"]
    assert stac._sensor_of(s.collection, {"sat:orbit_state": "descending"}, "S3A_SL_2_LST", [s]) is s
    assert stac._sensor_of(s.collection, {"sat:orbit_state": "ascending"}, "S3A_SL_2_LST", [s]) is None


def test_the_sensor_options_are_appended_so_saved_models_keep_their_indices():
    assert stac.SENSOR_NAMES[:4] == ["MODIS Terra", "MODIS Aqua", "Landsat 8", "Landsat 9"]
    assert stac.SENSOR_NAMES[4:] == ["VIIRS SNPP", "VIIRS NOAA-20", "VIIRS NOAA-21", "Sentinel-3 SLSTR"]


@pytest.fixture()
def run_alg(qgis_app, qgis_processing):
    from qgis.core import QgsApplication

    from lst_fusion.algorithms.provider import LstFusionProvider

    reg = QgsApplication.processingRegistry()
    provider = LstFusionProvider()
    assert reg.addProvider(provider)
    yield
    reg.removeProvider(provider)


def _authcfg(token):
    """A Basic configuration in QGIS's authentication manager whose password is the Earthdata token."""
    from qgis.core import QgsApplication, QgsAuthMethodConfig

    am = QgsApplication.authManager()
    if am.isDisabled():
        pytest.skip(f"QGIS's authentication manager is disabled here: {am.disabledMessage()}")
    if not am.masterPasswordIsSet():
        assert am.setMasterPassword("lstfusion-test-master", True)
    cfg = QgsAuthMethodConfig("Basic")
    cfg.setName("Earthdata test")
    cfg.setConfig("username", "tester")
    cfg.setConfig("password", token)
    assert am.storeAuthenticationConfig(cfg)
    return cfg.id()


def test_processing_run_with_an_authcfg_and_with_the_environment_token(run_alg, server, tmp_path, monkeypatch):
    import processing
    from qgis.core import QgsProcessingException

    base = {"AOI": _viirs_aoi(), "START": "2024-08-04", "END": "2024-08-04", "SENSORS": [4], "MIN_CLEAR": 0,
            "STAC_URL": server.url, "CMR_STAC_URL": server.url}
    xs = [p[0] for p in base["AOI"]["coordinates"][0]]
    ys = [p[1] for p in base["AOI"]["coordinates"][0]]
    base["AOI"] = f"{min(xs)},{max(xs)},{min(ys)},{max(ys)} [EPSG:4326]"  # an extent, as the dialog gives it
    monkeypatch.delenv("EARTHDATA_TOKEN", raising=False)
    with pytest.raises(QgsProcessingException, match="AUTHCFG: VIIRS comes from NASA's CMR-STAC"):
        processing.run("lstfusion:search_download", dict(base, OUTPUT=str(tmp_path / "none")))
    res = processing.run("lstfusion:search_download", dict(base, AUTHCFG=_authcfg(TOKEN), OUTPUT=str(tmp_path / "a")))
    assert [os.path.basename(f) for f in res["VIIRS_FILES"]] == ["VNP21A1D_20240804.tif"]
    monkeypatch.setenv("EARTHDATA_TOKEN", TOKEN)
    res = processing.run("lstfusion:search_download", dict(base, OUTPUT=str(tmp_path / "e")))
    assert len(res["VIIRS_FILES"]) == 1 and res["N_MODIS"] == 0
    assert _token_in(str(tmp_path)) == []  # no file of either run, nor of the refused one, holds it


def test_an_unreachable_cmr_stac_names_its_own_parameter(server, tmp_path):
    with pytest.raises(LstFusionError) as exc:
        stac.search_download(server.url, _viirs_aoi(), DAY, DAY, ["VIIRS SNPP"], str(tmp_path / "dl"),
                             cmr_url="http://127.0.0.1:9/stac", earthdata_token=TOKEN, **FAST)
    assert str(exc.value).startswith("CMR_STAC_URL: cannot reach http://127.0.0.1:9/stac"), str(exc.value)
