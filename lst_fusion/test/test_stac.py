"""core.data.stac against a real STAC API on 127.0.0.1 (test/stac_server.py) serving COGs made from ../shared's real files.

Known answers: the windowed read equals importing the same files locally (import_modis / import_landsat) cut to
the same window; the bytes served are a small part of each file; injected failures are retried; a re-run
transfers nothing; tokens are fetched, refreshed and refused as the storage says.
"""
import csv
import datetime as dt
import json
import os

import numpy as np
import pytest

from lst_fusion.core.data import products, stac
from lst_fusion.core.platform.errors import LstFusionError
from lst_fusion.test import stac_data
from lst_fusion.test.stac_server import StacServer

pytest.importorskip("pystac_client", reason="pystac-client is not installed (make test installs it)")
pytestmark = pytest.mark.skipif(not stac_data.have_products(),
                                reason="../shared/data (MOD11A1.hdf, landsat_c2l2) is absent")

FAST = dict(timeout=2, retries=2, backoff=0.05)
MODIS_ID = "MOD11A1.A2019305.h14v09.061.2019306084028"
LANDSAT_ID = stac_data.SCENE


def box(cx, cy, half):
    return {"type": "Polygon", "coordinates": [[[cx - half, cy - half], [cx + half, cy - half], [cx + half, cy + half],
                                                [cx - half, cy + half], [cx - half, cy - half]]]}


@pytest.fixture(scope="module")
def cogs(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("cogs"))
    probe = StacServer(folder)
    made = stac_data.product_items(probe, folder)
    return folder, made, probe.items


@pytest.fixture()
def server(cogs):
    folder, made, items = cogs
    s = StacServer(folder)
    s.items = [dict(i) for i in items]
    s.start()
    s.made = made
    yield s
    s.stop()


# a clear part of the MODIS tile h14v09 (2019-11-01) and of the cloudy Landsat scene 008059 (2019-12-01)
MODIS_AOI = box(-38.3, -9.6, 0.08)
LANDSAT_AOI = box(-75.3, 1.45, 0.05)


def _window_of(full_path, part_path):
    """The part of a full local import that lies under a downloaded file (same grid, whole pixels)."""
    import rasterio

    with rasterio.open(full_path) as full, rasterio.open(part_path) as part:
        col = round((part.transform.c - full.transform.c) / full.transform.a)
        row = round((part.transform.f - full.transform.f) / full.transform.e)
        return full.read(1)[row:row + part.height, col:col + part.width], part.read(1), (row, col)


def test_modis_window_equals_the_local_import_and_reads_a_fraction_of_the_file(server, tmp_path):
    out = str(tmp_path / "dl")
    res = stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 1), ["MODIS Terra"],
                               out, **FAST)
    (path,) = res["files"]["MOD11A1"]
    assert os.path.basename(path) == "MOD11A1_20191101.tif"
    local = products.import_modis(stac_data.HDF, str(tmp_path / "local.tif"))["OUTPUT"]
    want, got, _ = _window_of(local, path)
    assert got.shape == want.shape and got.size > 100
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got[np.isfinite(got)], want[np.isfinite(want)])
    assert np.isfinite(got).mean() > 0.5
    name = "/data/" + os.path.basename(server.made["LST_Day_1km"])
    sent, size = server.bytes_sent[name], server.file_size(os.path.basename(name))
    assert 0 < sent < 0.15 * size, (sent, size)  # the header and the tiles under the AOI, not the file
    row = stac.read_csv(res["downloads_csv"])[0]
    assert (row["item_id"], row["status"], row["sensor"], row["date"]) == (MODIS_ID, "downloaded", "MODIS Terra",
                                                                           "2019-11-01")
    from lst_fusion.core.data.io import read_grid

    inside = stac.aoi_mask(read_grid(path), MODIS_AOI)  # the clear % counts the pixels inside the AOI polygon
    assert 0.5 < inside.mean() < 1
    assert float(row["clear_percent"]) == pytest.approx(100.0 * np.isfinite(got[inside]).mean(), abs=0.01)


def test_landsat_window_equals_the_local_import(server, tmp_path):
    out = str(tmp_path / "dl")
    res = stac.search_download(server.url, LANDSAT_AOI, dt.date(2019, 12, 1), dt.date(2019, 12, 1), ["Landsat 8"],
                               out, max_cloud=90, **FAST)
    (path,) = res["files"]["landsat"]
    assert os.path.basename(path) == "LC08_20191201.tif"
    st = os.path.join(stac_data.C2L2, f"{LANDSAT_ID}_ST_B10.TIF")
    qa = os.path.join(stac_data.C2L2, f"{LANDSAT_ID}_QA_PIXEL.TIF")
    local = products.import_landsat(st, str(tmp_path / "local.tif"), qa_path=qa)["OUTPUT"]
    want, got, _ = _window_of(local, path)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got[np.isfinite(got)], want[np.isfinite(want)])
    assert 0 < np.isfinite(got).mean() < 1  # a cloudy scene: QA_PIXEL masks part of the window
    import rasterio

    with rasterio.open(path) as ds:
        tags = ds.tags()
        assert ds.units[0] and ds.descriptions[0] == "LST (celsius)"
    assert tags["ACQUISITION_DATE"] == "2019-12-01" and tags["STAC_ITEMS"] == LANDSAT_ID


def test_max_cloud_leaves_the_cloudy_scene_out(server, tmp_path):
    res = stac.search_download(server.url, LANDSAT_AOI, dt.date(2019, 12, 1), dt.date(2019, 12, 1), ["Landsat 8"],
                               str(tmp_path / "dl"), max_cloud=50, **FAST)
    assert res["items"] == [] and res["files"] == {}


def test_min_clear_rejects_on_the_data_and_writes_nothing(server, tmp_path):
    out = str(tmp_path / "dl")
    res = stac.search_download(server.url, LANDSAT_AOI, dt.date(2019, 12, 1), dt.date(2019, 12, 1), ["Landsat 8"],
                               out, max_cloud=90, min_clear=99.5, **FAST)
    row = stac.read_csv(res["downloads_csv"])[0]
    assert row["status"] == "rejected" and "MIN_CLEAR 99.5 %" in row["reason"]
    assert not os.path.exists(os.path.join(out, "landsat"))


def test_search_pages_through_next_links_with_post(server, tmp_path):
    for day in (2, 3):  # two more MODIS days (the same files): three MODIS pages of one item
        _extra_modis_day(server, day)
    server.page_size = 1
    items = stac.search(server.url + "/search", (-80, -20, -20, 10), dt.date(2019, 1, 1), dt.date(2019, 12, 31),
                        stac.SENSOR_NAMES[:4], 100, **FAST)
    assert [i.item_id for i in items] == [MODIS_ID, "MOD11A1.A2019306.h14v09.061", "MOD11A1.A2019307.h14v09.061",
                                          LANDSAT_ID]
    assert [i.date.day for i in items] == [1, 2, 3, 1]
    posts = [r for r in server.requests if r[:2] == ("POST", "/search")]
    assert len(posts) == 4  # MODIS on three pages (next links with a POST body), Landsat on one


def test_search_answers_get_with_bbox_datetime_collections_query_and_next(server):
    import json
    import urllib.parse
    import urllib.request

    server.page_size = 1
    q = urllib.parse.urlencode({"bbox": "-80,-20,-20,10", "datetime": "2019-01-01/2019-12-31",
                                "collections": "modis-11A1-061,landsat-c2-l2",
                                "query": json.dumps({"platform": {"in": ["terra", "landsat-8"]}})})
    with urllib.request.urlopen(f"{server.url}/search?{q}") as r:
        first = json.load(r)
    (nxt,) = [lk for lk in first["links"] if lk["rel"] == "next"]
    with urllib.request.urlopen(nxt["href"]) as r:
        second = json.load(r)
    assert [f["id"] for f in first["features"] + second["features"]] == [MODIS_ID, LANDSAT_ID]
    q2 = urllib.parse.urlencode({"bbox": "0,0,1,1", "datetime": "2019-01-01/2019-12-31"})
    with urllib.request.urlopen(f"{server.url}/search?{q2}") as r:
        assert json.load(r)["features"] == []


@pytest.mark.parametrize("failure", ["500", "429", ("timeout", 3.5), "truncate"])
def test_a_transient_failure_is_retried_and_the_result_is_the_same(server, tmp_path, failure):
    ref = stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 1), ["MODIS Terra"],
                               str(tmp_path / "ref"), **FAST)
    name = "/data/" + os.path.basename(server.made["LST_Day_1km"])
    from lst_fusion.core.data.stac import clear_curl_cache

    clear_curl_cache()
    gets_ref = sum(r[1] == name for r in server.requests)
    server.requests.clear()
    server.failures[name] = [failure, failure] if failure != "truncate" else ["truncate"]
    logs = []
    res = stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 1), ["MODIS Terra"],
                               str(tmp_path / "again"), log=logs.append, timeout=2, retries=3, backoff=0.05)
    assert server.failures[name] == []  # every injected failure was met
    # asked again: by our retry loop (logged) or, for a cut-off tile, by GDAL itself
    assert sum(r[1] == name for r in server.requests) > gets_ref
    assert failure == "truncate" or any("retry" in m for m in logs), logs
    import rasterio

    with rasterio.open(ref["files"]["MOD11A1"][0]) as a, rasterio.open(res["files"]["MOD11A1"][0]) as b:
        np.testing.assert_array_equal(a.read(1), b.read(1))
    assert not [f for f in os.listdir(tmp_path / "again" / "MOD11A1") if f.startswith(".tmp")]


def test_persistent_failures_leave_the_item_failed_with_its_reason(server, tmp_path):
    name = "/data/" + os.path.basename(server.made["ST_B10"])
    stac.clear_curl_cache()
    server.failures[name] = ["500"] * 10
    out = str(tmp_path / "dl")
    # issue 23: every item failed -> an error (non-zero exit), and downloads.csv still says why
    with pytest.raises(LstFusionError, match=r"^STAC_URL: all 1 item\(s\) failed, nothing was downloaded "
                                                  r"\(first: LC08_L2SP_008059_20191201.*500"):
        stac.search_download(server.url, LANDSAT_AOI, dt.date(2019, 12, 1), dt.date(2019, 12, 1), ["Landsat 8"],
                             out, max_cloud=90, timeout=2, retries=1, backoff=0.01)
    row = stac.read_csv(os.path.join(out, "downloads.csv"))[0]
    assert row["status"] == "failed" and "500" in row["reason"] and "run again" in row["reason"]
    assert not os.path.exists(os.path.join(out, "landsat", "LC08_20191201.tif"))
    server.failures[name] = []
    again = stac.search_download(server.url, LANDSAT_AOI, dt.date(2019, 12, 1), dt.date(2019, 12, 1), ["Landsat 8"],
                                 out, max_cloud=90, **FAST)
    assert stac.read_csv(again["downloads_csv"])[0]["status"] == "downloaded"


def test_an_item_with_a_missing_asset_is_skipped_with_the_reason(server, tmp_path):
    server.items[0] = dict(server.items[0], assets={"LST_Day_1km": server.items[0]["assets"]["LST_Day_1km"]})
    res = stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 1), ["MODIS Terra"],
                               str(tmp_path / "dl"), **FAST)
    row = stac.read_csv(res["downloads_csv"])[0]
    assert (row["status"], row["reason"]) == ("skipped", "asset QC_Day missing in the item")
    assert res["files"] == {}


def _extra_modis_day(server, day):
    import copy

    extra = copy.deepcopy(server.items[0])
    extra["id"] = f"MOD11A1.A{2019304 + day}.h14v09.061"
    extra["properties"]["datetime"] = f"2019-11-{day:02d}T10:30:00Z"
    server.items.append(extra)


def test_a_rerun_keeps_what_is_complete_and_transfers_nothing(server, tmp_path):
    _extra_modis_day(server, 2)
    out = str(tmp_path / "dl")
    first = stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 2),
                                 ["MODIS Terra", "Landsat 8"], out, max_cloud=90, **FAST)
    assert first["counts"]["downloaded"] == 2
    mtimes = {f: os.path.getmtime(f) for files in first["files"].values() for f in files}
    data_before = sum(v for k, v in server.bytes_sent.items() if k.startswith("/data/"))
    second = stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 2),
                                  ["MODIS Terra", "Landsat 8"], out, max_cloud=90, **FAST)
    assert [r["status"] for r in second["rows"]] == ["kept", "kept"]
    assert sum(v for k, v in server.bytes_sent.items() if k.startswith("/data/")) == data_before
    assert {f: os.path.getmtime(f) for f in mtimes} == mtimes
    assert [os.path.basename(f) for f in stac.modis_files(second)] == ["MOD11A1_20191101.tif",
                                                                                "MOD11A1_20191102.tif"]
    listed = stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 2),
                                  ["MODIS Terra", "Landsat 8"], out, max_cloud=90, list_only=True, **FAST)
    assert [r["status"] for r in listed["rows"]] == ["kept", "kept"]  # a search after a download spoils nothing
    stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 2),
                         ["MODIS Terra", "Landsat 8"], out, max_cloud=90, **FAST)
    assert sum(v for k, v in server.bytes_sent.items() if k.startswith("/data/")) == data_before
    third = stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 2),
                                 ["MODIS Terra"], out, min_clear=50, **FAST)  # another setting: read again
    assert [r["status"] for r in third["rows"]] == ["downloaded", "downloaded"]


def test_signed_urls_tokens_fetched_refreshed_and_refused(server, tmp_path):
    server.require_token = True
    with pytest.raises(LstFusionError, match=r"^STAC_URL: the storage refused to serve .* give its token endpoint as "
                                             r"TOKEN_URL"):
        stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 1), ["MODIS Terra"],
                             str(tmp_path / "none"), **FAST)
    server.expired_tokens = 1  # the first token is already expired: a fresh one is asked for, and works
    logs = []
    res = stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 1), ["MODIS Terra"],
                               str(tmp_path / "ok"), token_url=server.url + "/token", log=logs.append, **FAST)
    assert res["counts"]["downloaded"] == 1 and len(server.issued) == 2
    assert any("new token" in m for m in logs)
    server.expired_tokens = 5
    out = str(tmp_path / "expired")
    stac.clear_curl_cache()
    with pytest.raises(LstFusionError, match=r"^STAC_URL: the storage refused .* even after a fresh token from .*: "
                                             r"the token is expired or not valid"):
        stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 1), ["MODIS Terra"],
                             out, token_url=server.url + "/token", **FAST)
    assert not os.path.exists(os.path.join(out, "MOD11A1"))  # nothing half-written
    with open(os.path.join(out, "downloads.csv"), newline="") as fh:
        assert [r["item_id"] for r in csv.DictReader(fh)] == [MODIS_ID]


def test_planetary_computer_is_signed_and_other_apis_are_not():
    assert stac.signer_for(stac.PLANETARY_COMPUTER).token_url == stac.PLANETARY_COMPUTER_TOKENS
    assert stac.signer_for("https://earth-search.aws.element84.com/v1").token_url is None
    assert stac.signer_for("http://127.0.0.1:1", "http://127.0.0.1:1/token/").token_url == "http://127.0.0.1:1/token"


def test_offline_and_wrong_addresses_are_one_sentence(server, tmp_path):
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    args = (MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 1), ["MODIS Terra"], str(tmp_path / "x"))
    with pytest.raises(LstFusionError, match=r"^STAC_URL: cannot reach http://127\.0\.0\.1:\d+ \(offline, or a wrong "
                                             r"address\?\)"):
        stac.search_download(f"http://127.0.0.1:{port}", *args, **FAST)
    with pytest.raises(LstFusionError, match=r"^STAC_URL: http://.*/nothing answered HTTP 404 \(not found\): this is "
                                             r"not a STAC API"):
        stac.search_download(server.url + "/nothing", *args, **FAST)
    with pytest.raises(LstFusionError, match=r"^STAC_URL: 'ftp://x' is not an http\(s\) address"):
        stac.search_download("ftp://x", *args, **FAST)


def test_a_broken_search_answer_is_retried(server, tmp_path):
    server.search_failures = ["truncate", "500"]
    items = stac.search(server.url, (-80, -20, -20, 10), dt.date(2019, 1, 1), dt.date(2019, 12, 31),
                        ["MODIS Terra"], **FAST)
    assert [i.item_id for i in items] == [MODIS_ID] and server.search_failures == []


def test_list_only_reports_clear_percent_and_writes_no_raster(server, tmp_path):
    out = str(tmp_path / "dl")
    res = stac.search_download(server.url, LANDSAT_AOI, dt.date(2019, 12, 1), dt.date(2019, 12, 1), ["Landsat 8"],
                               out, max_cloud=90, list_only=True, **FAST)
    row = stac.read_csv(res["downloads_csv"])[0]
    assert row["status"] == "found" and 0 < float(row["clear_percent"]) < 100
    assert os.listdir(out) == ["downloads.csv"]


def test_cancel_stops_before_the_next_item(server, tmp_path):
    from lst_fusion.core.platform.errors import Cancelled

    with pytest.raises(Cancelled):
        stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 12, 1),
                             ["MODIS Terra", "Landsat 8"], str(tmp_path / "dl"), cancel=lambda: True, **FAST)


def test_sensor_of_an_item_by_modis_id_or_landsat_platform():
    wanted = [stac.BY_NAME[n] for n in stac.SENSOR_NAMES]
    of = stac._sensor_of
    assert of("modis-11A1-061", {"platform": "Terra"}, "MOD11A1.A2023001.h25v06.061.2023002", wanted).name == "MODIS Terra"
    assert of("modis-11A1-061", {"platform": "terra,aqua"}, "MYD11A1.A2023001.h25v06.061", wanted).name == "MODIS Aqua"
    assert of("modis-11A1-061", {}, "MYD11A1.A2023001.h25v06.061", wanted[:1]) is None  # Aqua not asked for
    assert of("landsat-c2-l2", {"platform": "landsat-9"}, "LC09_L2SP_140044_20230107_02_T1", wanted).name == "Landsat 9"
    assert of("landsat-c2-l2", {"platform": "landsat-7"}, "LE07_L2SP_140044_20230107_02_T1", wanted) is None


def test_an_item_on_another_grid_is_reprojected_onto_the_folder_grid(server):
    """A 90 m grid whose pixel centres are the centres of every third 30 m pixel: nearest takes exactly those."""
    from affine import Affine

    from lst_fusion.core.data.io import Grid

    sig = stac.Signer(None, **{k: FAST[k] for k in ("timeout", "retries", "backoff")})
    (item,) = stac.search(server.url, (-80, -5, -70, 5), dt.date(2019, 12, 1), dt.date(2019, 12, 1), ["Landsat 8"],
                          **FAST)
    own, grid = stac.read_item(item, LANDSAT_AOI, None, sig)
    t = grid.transform
    coarse = Grid(grid.crs, t * Affine.scale(3), grid.width // 3, grid.height // 3)
    assert not stac.aligned(coarse, grid.crs, t)
    got, g2 = stac.read_item(item, LANDSAT_AOI, coarse, sig)
    assert g2 is coarse and got.shape == coarse.shape
    want = own[1:coarse.height * 3:3, 1:coarse.width * 3:3]
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(got[np.isfinite(got)], want[np.isfinite(want)])


def test_two_items_of_one_date_make_one_file(server, tmp_path):
    import copy

    twin = copy.deepcopy(server.items[0])
    twin["id"] = "MOD11A1.A2019305.h14v09.061.second"
    server.items.append(twin)
    res = stac.search_download(server.url, MODIS_AOI, dt.date(2019, 11, 1), dt.date(2019, 11, 1), ["MODIS Terra"],
                               str(tmp_path / "dl"), **FAST)
    assert [r["status"] for r in res["rows"]] == ["downloaded", "downloaded"]
    assert {r["file"] for r in res["rows"]} == {"MOD11A1/MOD11A1_20191101.tif"}
    assert len(res["files"]["MOD11A1"]) == 1


# -- issue 23: hostile servers
DUMMY = {"type": "Feature", "id": "x", "collection": "other", "properties": {}, "assets": {}}  # pystac stops on no feature


def test_a_file_href_from_a_remote_catalog_is_never_opened(server, tmp_path):
    """An asset href file:///etc/passwd used to be opened (the run failed only because it is no raster, exit 0)."""
    for it in server.items:
        if it["id"] == LANDSAT_ID:
            it["assets"]["lwir11"]["href"] = "file:///etc/passwd"
    opened = []
    real_open = stac._open
    stac._open = lambda href: opened.append(href) or real_open(href)
    try:
        with pytest.raises(LstFusionError) as err:
            stac.search_download(server.url, LANDSAT_AOI, dt.date(2019, 12, 1), dt.date(2019, 12, 1), ["Landsat 8"],
                                 str(tmp_path / "dl"), max_cloud=90, **FAST)
    finally:
        stac._open = real_open
    assert str(err.value).startswith("STAC_URL: all 1 item(s) failed, nothing was downloaded (first: "
                                     f"{LANDSAT_ID}: item {LANDSAT_ID}: the lwir11 asset address 'file:///etc/passwd' "
                                     "is not an http(s) address and is not followed"), str(err.value)
    assert opened == []  # nothing at all was opened, neither the file nor the QA asset
    assert not os.path.exists(tmp_path / "dl" / "landsat")


@pytest.mark.parametrize("page,expect", [
    ({"type": "FeatureCollection", "features": {"not": "a list"}, "links": []},
     "page 1 of the search answer of {url} holds no list of features"),
    ({"type": "FeatureCollection", "features": [DUMMY], "links": [{"rel": "next", "href": "{url}/search?token=0"}]},
     "page 2 of the search answer of {url} links back to a page already read: the server pages in a loop"),
    ({"type": "FeatureCollection", "features": [DUMMY], "links": [{"rel": "next", "href": "file:///etc/passwd"}]},
     "page 1 of the search answer of {url}: the next page address 'file:///etc/passwd' is not an http(s) address"),
])
def test_a_looping_or_broken_search_answer_stops_with_one_sentence(server, tmp_path, page, expect):
    """A page whose features are no list and whose next link points back to itself used to page for ever."""
    import time

    calls = []
    server.page = lambda params, method: calls.append(1) or json.loads(json.dumps(page).replace("{url}", server.url))
    t = time.monotonic()
    with pytest.raises(LstFusionError) as err:
        stac.search(server.url, (-75.35, 1.4, -75.25, 1.5), dt.date(2019, 12, 1), dt.date(2019, 12, 1),
                    ["Landsat 8"], 90, **FAST)
    assert str(err.value).startswith("STAC_URL: " + expect.format(url=server.url)), str(err.value)
    assert time.monotonic() - t < 10 and len(calls) <= 2


def test_the_page_bound_stops_an_endless_search(server, monkeypatch):
    """Each page links to a new one (never repeated): the search stops after MAX_PAGES pages, with one sentence."""
    monkeypatch.setattr(stac, "MAX_PAGES", 5)
    calls = []

    def endless(params, method):
        calls.append(1)
        return {"type": "FeatureCollection", "features": [DUMMY],
                "links": [{"rel": "next", "href": f"{server.url}/search?token={len(calls)}"}]}

    server.page = endless
    with pytest.raises(LstFusionError, match=r"^STAC_URL: the search answer of .* runs past 5 pages of items"):
        stac.search(server.url, (-75.35, 1.4, -75.25, 1.5), dt.date(2019, 12, 1), dt.date(2019, 12, 1),
                    ["Landsat 8"], 90, **FAST)
    assert len(calls) == 5


def test_timeout_bounds_a_server_that_accepts_and_never_answers(tmp_path):
    """TIMEOUT=3 RETRIES=0 against a socket that accepts and never answers used to run past 120 s."""
    import socket
    import threading
    import time

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held = []

    def accept():
        while True:
            try:
                held.append(srv.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{srv.getsockname()[1]}/"
    t = time.monotonic()
    try:
        with pytest.raises(LstFusionError, match=r"^STAC_URL: .* did not answer in time \(TIMEOUT\)"):
            stac.search_download(url, LANDSAT_AOI, dt.date(2019, 12, 1), dt.date(2019, 12, 1), ["Landsat 8"],
                                 str(tmp_path / "dl"), timeout=3, retries=0)
        elapsed = time.monotonic() - t
    finally:
        srv.close()
        for c in held:
            c.close()
    assert 2.5 < elapsed < 3 * 4, elapsed  # one connect + one read bounded by TIMEOUT, not minutes
