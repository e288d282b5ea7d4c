"""lstfusion:search_download through processing.run, and the city_season.model3 chain in qgis_process,
both against the local STAC API (test/stac_server.py) serving COGs made from ../shared's real files."""
import csv
import json
import os
import sys

import numpy as np
import pytest

from lst_fusion.test import stac_data

from .conftest import REPO

pytest.importorskip("pystac_client", reason="pystac-client is not installed (make test installs it)")
MODEL = os.path.join(REPO, "lst_fusion", "resources", "models", "city_season.model3")


@pytest.fixture()
def ranchi_server(tmp_path):
    if not stac_data.have_ranchi():
        pytest.skip("../shared/data/ranchi is absent")
    s = stac_data.start_ranchi_server(str(tmp_path / "cogs"))
    yield s
    s.stop()


def _polygon_layer_file(path, lonlat_box, epsg=32645):
    """A GeoJSON polygon of the box in another CRS (UTM 45N), as a user's city layer would be."""
    from rasterio.warp import transform

    x0, y0, x1, y1 = lonlat_box
    xs, ys = transform("EPSG:4326", f"EPSG:{epsg}", [x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0])
    ring = [list(p) for p in zip(xs, ys)]
    with open(path, "w") as fh:
        json.dump({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": f"EPSG:{epsg}"}},
                   "features": [{"type": "Feature", "properties": {"name": "city"},
                                 "geometry": {"type": "Polygon", "coordinates": [ring]}}]}, fh)
    return str(path)


def test_processing_run_with_a_polygon_layer_in_another_crs(provider, ranchi_server, tmp_path):
    import processing
    import rasterio

    city = _polygon_layer_file(tmp_path / "city.geojson", stac_data.inner_box(ranchi_server.landsat_bbox))
    res = processing.run("lstfusion:search_download", {
        "AOI": city, "START": "2023-01-01", "END": "2023-12-31", "STAC_URL": ranchi_server.url,
        "TOKEN_URL": ranchi_server.url + "/token", "MIN_CLEAR": 10, "OUTPUT": str(tmp_path / "dl")})
    assert [os.path.basename(p) for p in res["MODIS_FILES"]] == ["MOD11A1_20230107.tif", "MOD11A1_20230616.tif"]
    assert [os.path.basename(p) for p in res["LANDSAT_FILES"]] == ["LC08_20230107.tif", "LC08_20230616.tif"]
    assert (res["N_MODIS"], res["N_LANDSAT"]) == (2, 2)
    rows = list(csv.DictReader(open(res["DOWNLOADS_CSV"], encoding="utf-8")))
    assert [r["status"] for r in rows] == ["downloaded"] * 4
    # the Landsat window is the polygon's extent on the scene's own 30 m grid, in Celsius like the export
    with rasterio.open(res["LANDSAT_FILES"][0]) as ds, \
            rasterio.open(os.path.join(stac_data.RANCHI, "landsat8", "LC08_140044_20230107.tif")) as src:
        assert ds.crs == src.crs and ds.res == src.res
        col = round((ds.transform.c - src.transform.c) / 30.0)
        row = round((ds.transform.f - src.transform.f) / -30.0)
        want = src.read(1)[row:row + ds.height, col:col + ds.width]
        got = ds.read(1)
        assert 0 < ds.width < src.width and 0 < ds.height < src.height
        ok = np.isfinite(got)
        assert ok.mean() > 0.9
        np.testing.assert_allclose(got[ok], want[ok], atol=0.002)  # DN rounding of the re-encoded export


def test_bad_inputs_are_one_sentence(provider, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    base = {"AOI": "85.2,85.3,23.3,23.4 [EPSG:4326]", "START": "2023-01-01", "END": "2023-02-01",
            "OUTPUT": str(tmp_path / "dl")}
    cases = [({"END": "2022-12-01"}, "END: 2022-12-01 is before START 2023-01-01"),
             ({"START": "first of may"}, "START: "),
             ({"STAC_URL": "ftp://example"}, "STAC_URL: 'ftp://example' is not an http(s) address"),
             ({"SENSORS": []}, "SENSORS: choose at least one sensor"),
             ({"AOI": "0,20,0,20 [EPSG:4326]"}, "AOI: spans 20.0 by 20.0 degrees")]
    for change, start in cases:
        with pytest.raises(QgsProcessingException) as exc:
            processing.run("lstfusion:search_download", dict(base, **change))
        text = str(exc.value).replace("Unable to execute algorithm\n", "", 1)  # processing.run's own first line
        assert text.startswith(start), text
        assert "Traceback" not in text
        assert not os.path.exists(tmp_path / "dl" / "MOD11A1")


def test_without_pystac_client_it_says_how_to_install_it(provider, monkeypatch):
    from qgis.core import QgsApplication

    monkeypatch.setitem(sys.modules, "pystac_client", None)  # import fails, as when it is not installed
    alg = QgsApplication.processingRegistry().algorithmById("lstfusion:search_download")
    ok, why = alg.canExecute()
    assert not ok
    assert why.startswith("The Python package 'pystac-client' is not installed in QGIS's Python (for searching STAC")
    assert "pip install --user --break-system-packages pystac-client==0.9.1" in why
    assert QgsApplication.processingRegistry().algorithmById("lstfusion:estarfm").canExecute() == (True, "")


def test_the_model_chain_runs_in_qgis_process_against_the_local_stac(ranchi_server, tmp_path):
    """city_season.model3: AOI + dates -> search_download -> align_pairs -> fuse_series, in a real QGIS process.

    The Landsat of 2024-05-01 is not served: that date is fused from its neighbours and never seen."""
    from .test_qgis_process import QP, qgis_process

    if QP is None:
        pytest.skip("qgis_process is not installed")
    ranchi_server.items = [i for i in ranchi_server.items if i["id"] != "LC08_L2SP_140044_20240501_02_T1"]
    x0, y0, x1, y1 = stac_data.inner_box(ranchi_server.landsat_bbox, 0.3)
    out = tmp_path / "run"
    enable = qgis_process(tmp_path, "plugins", "enable", "lst_fusion")
    assert enable.returncode == 0 or "already enabled" in enable.stderr, enable.stdout + enable.stderr
    res = qgis_process(tmp_path, "run", MODEL, "--", f"AOI={x0},{x1},{y0},{y1} [EPSG:4326]", "START=2023-01-01",
                       "END=2025-12-31", f"STAC_URL={ranchi_server.url}/search",
                       f"TOKEN_URL={ranchi_server.url}/token", "MIN_CLEAR=10", "MAX_GAP_DAYS=400",
                       f"search_download:downloads={out / 'downloads'}", f"align_pairs:dataset={out / 'dataset'}",
                       f"fuse_series:series={out / 'series'}")
    text = res.stdout + res.stderr
    assert res.returncode == 0, text
    assert "Traceback" not in text
    rows = list(csv.DictReader(open(out / "downloads" / "downloads.csv", encoding="utf-8")))
    assert len(rows) == 7 and {r["status"] for r in rows} == {"downloaded"}
    index = list(csv.DictReader(open(out / "dataset" / "index.csv", encoding="utf-8")))
    assert sorted((r["date"], r["status"]) for r in index) == [
        ("2023-01-07", "pair"), ("2023-06-16", "pair"), ("2024-05-01", "modis_only"), ("2025-04-18", "pair")]
    series = {r["date"]: r for r in csv.DictReader(open(out / "series" / "series.csv", encoding="utf-8"))}
    target = series["2024-05-01"]
    assert (target["ref1"], target["ref2"]) == ("2023-06-16", "2025-04-18"), target
    from lst_fusion.core.data.io import read_raster

    fused = read_raster(out / "series" / "LST_ESTARFM_20240501.tif").data
    assert np.isfinite(fused).mean() > 0.9 and -10 < np.nanmean(fused) < 70  # °C
    assert os.path.exists(out / "series" / "series_report.html")
    served = [k for k in ranchi_server.bytes_sent if "20240501" in k and "ST_B10" in k]
    assert served == []  # the target date's Landsat was never read


def test_fetch_reflectance_writes_the_bands_sharpen_reads_on_the_lst_grid(provider, tmp_path):
    """FETCH_REFLECTANCE: each Landsat date's green, red, NIR, SWIR1 (scaled to reflectance) and QA_PIXEL over the
    AOI window, on the LST's grid; the indices sharpen computes from it are the Ranchi export's own (the fixture's
    bands are made from them); an item without the assets keeps its LST and says so; a re-run keeps the files."""
    import processing
    import rasterio

    from lst_fusion.core.data import reflectance
    from lst_fusion.core.data.io import read_grid, read_raster

    if not stac_data.have_ranchi():
        pytest.skip("../shared/data/ranchi is absent")
    server = stac_data.start_ranchi_server(str(tmp_path / "cogs"), reflectance=True)
    try:
        june = next(i for i in server.items if i["id"] == "LC08_L2SP_140044_20230616_02_T1")
        del june["assets"]["swir16"]  # an item without one of the bands
        x0, y0, x1, y1 = stac_data.inner_box(server.landsat_bbox)
        params = {"AOI": f"{x0},{x1},{y0},{y1} [EPSG:4326]",
                  "START": "2023-01-01", "END": "2023-12-31", "STAC_URL": server.url, "TOKEN_URL": server.url + "/token",
                  "MIN_CLEAR": 10, "FETCH_REFLECTANCE": True, "OUTPUT": str(tmp_path / "dl")}
        res = processing.run("lstfusion:search_download", params)
        assert [os.path.basename(p) for p in res["LANDSAT_FILES"]] == ["LC08_20230107.tif", "LC08_20230616.tif"]
        assert [os.path.relpath(p, tmp_path / "dl") for p in res["REFLECTANCE_FILES"]] == [
            os.path.join("landsat_sr", "LC08_SR_20230107.tif")]
        rows = {r["item_id"]: r for r in csv.DictReader(open(res["DOWNLOADS_CSV"], encoding="utf-8"))}
        assert rows["LC08_L2SP_140044_20230616_02_T1"]["status"] == "downloaded"
        assert rows["LC08_L2SP_140044_20230616_02_T1"]["reason"] == (
            "LST written, surface reflectance not: LC08_L2SP_140044_20230616_02_T1: asset swir16 missing in the item")
        sr, lst = res["REFLECTANCE_FILES"][0], res["LANDSAT_FILES"][0]
        grid = read_grid(lst)
        assert read_grid(sr).same_as(grid)
        with rasterio.open(sr) as ds, \
                rasterio.open(os.path.join(stac_data.RANCHI, "landsat8", "LC08_140044_20230107.tif")) as src:
            assert ds.count == 5 and ds.descriptions == ("green", "red", "nir", "swir1", "qa_pixel")
            assert ds.tags()["ACQUISITION_DATE"] == "2023-01-07"
            bands = ds.read().astype(np.float64)
            col = round((ds.transform.c - src.transform.c) / 30.0)
            row = round((ds.transform.f - src.transform.f) / -30.0)
            export = src.read()[:, row:row + ds.height, col:col + ds.width]
        valid = np.isfinite(read_raster(lst).data)
        assert valid.mean() > 0.9
        # scaled: NIR is the fixture's 0.3 to DN rounding (2.75e-05 / 2); QA_PIXEL as served (21824: clear)
        assert np.abs(bands[2][valid] - stac_data.RANCHI_NIR).max() <= 1.4e-5
        assert set(np.unique(bands[4][valid])) == {21824.0}
        ndvi, ndwi, ndbi = reflectance.read_indices(sr, grid)  # what sharpen's REFLECTANCE reads
        for got, want in zip((ndvi, ndwi, ndbi), export[1:4]):
            assert np.abs(got[valid] - want[valid]).max() < 2e-4
        # sharpen accepts it (COARSE on the fine grid: the LST itself, so the check is the reading, not the skill)
        out = processing.run("lstfusion:sharpen", {
            "FINE_REF1": lst, "COARSE_REF1": lst, "COARSE_TARGET": lst, "COARSE_PIXEL": 240.0, "DEPTH": 0,
            "PREDICTORS": 1, "REFLECTANCE": sr, "OUTPUT": str(tmp_path / "sharp.tif")})
        assert np.isfinite(read_raster(out["OUTPUT"]).data[valid]).mean() > 0.99
        # read by range requests (GDAL's /vsicurl/, as the LST), never fetched whole
        name = "LC08_L2SP_140044_20230107_02_T1_SR_B3.TIF"
        gets = [r for m, p, r in server.requests if m == "GET" and p == "/data/" + name]
        assert gets and all(r and r.startswith("bytes=") for r in gets)
        # a re-run keeps the complete date and its reflectance; the date without reflectance is read again
        before = dict(server.bytes_sent)
        again = processing.run("lstfusion:search_download", params)
        assert again["REFLECTANCE_FILES"] == res["REFLECTANCE_FILES"]
        rows = {r["item_id"]: r for r in csv.DictReader(open(again["DOWNLOADS_CSV"], encoding="utf-8"))}
        assert rows["LC08_L2SP_140044_20230107_02_T1"]["status"] == "kept"
        assert rows["LC08_L2SP_140044_20230616_02_T1"]["status"] == "downloaded"
        assert not [k for k, v in server.bytes_sent.items() if "20230107" in k and "SR_B" in k and v != before.get(k)]
    finally:
        server.stop()
