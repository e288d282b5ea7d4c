"""Search a STAC API for MOD11A1/MYD11A1 and Landsat C2 L2 items and read only the area of interest.

QGIS-free: the Processing algorithm ``lstfusion:search_download``, the dock's
Download section, scripts and tests call :func:`search_download`.

* Search: pystac-client (an optional package, :mod:`core.platform.install_hints`) on any
  STAC API; HTTP 429/5xx are retried with exponential backoff, timeouts and
  broken answers too.
* Signing: where the API needs it (Microsoft's Planetary Computer, or any API
  with a token endpoint given as ``token_url``) each asset URL gets a
  short-lived token, fetched once per collection and fetched again when the
  storage refuses it.
* Reading: the COG assets are opened through GDAL's ``/vsicurl/``, which reads
  the header and then only the tiles under the area of interest with HTTP range
  requests, at native resolution.
* Values: the one implementation of the product rules, :func:`products.modis_kelvin`
  and :func:`products.landsat_kelvin` (scale, fill, QC/QA bits), as ``import_modis``
  and ``import_landsat`` apply them; the clear percentage is counted on the data,
  inside the AOI polygon.
* Files: ``OUTPUT/MOD11A1/MOD11A1_YYYYMMDD.tif``, ``OUTPUT/MYD11A1/...``,
  ``OUTPUT/landsat/LC08_YYYYMMDD.tif`` (LC09 for Landsat 9), one per sensor folder
  and date (items of one date are mosaicked onto the folder's grid), written
  atomically; ``downloads.csv`` lists every item with its status and reason.
  Every Landsat file of a run shares one grid, as ``fuse_series`` needs.
* Resumable: a re-run with the same items, AOI and settings keeps the files it
  finds complete and reads only the rest.
"""
import csv
import datetime as _dt
import hashlib
import io as _io
import json
import math
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import numpy as np

from ..platform.errors import LstFusionError, check_cancel
from . import products
from .aoi import aoi_grid, aoi_mask, coords  # noqa: F401 - aoi_grid and aoi_mask: stac.aoi_* as before
from .io import atomic_write_text, modis_sphere_crs, write_raster

# the one sensor table (core/data/sensors.py), read here under the names it always had
from .sensors import (  # noqa: E402, F401
    BY_NAME,
    CMR_STAC_LPCLOUD,
    PLANETARY_COMPUTER,
    PLANETARY_COMPUTER_TOKENS,
    SENSOR_NAMES,
    SENSORS,
    Sensor,
)

# statuses of downloads.csv; the first two count as complete on a re-run
COMPLETE = ("downloaded", "kept")
STATUSES = COMPLETE + ("rejected", "skipped", "failed", "found")
CSV_FIELDS = ("item_id", "collection", "sensor", "date", "cloud_cover", "clear_percent", "status", "reason", "file",
              "key")
RETRIABLE_HTTP = (429, 500, 502, 503, 504)


@dataclass
class Item:
    """A found STAC item, reduced to what the download needs."""

    item_id: str
    collection: str
    sensor: Sensor
    date: _dt.date
    cloud_cover: float
    assets: dict = field(default_factory=dict)  # asset key -> href
    api: str = ""  # the root of the API that found it

    def missing_assets(self):
        s = self.sensor
        if s.file_asset and self.assets.get(s.file_asset, "").lower().split("?")[0].endswith((".h5", ".he5")):
            return []  # a VIIRS granule in one HDF5 file: its layers are read from it
        return [a for a in (s.lst_asset, s.qa_asset, s.geo_asset) if a and a not in self.assets]


class TransientError(Exception):
    """A network problem worth another try (HTTP 429/5xx, a timeout, a cut-off answer)."""


class RefusedError(Exception):
    """The storage refused the (signed) URL: HTTP 401/403."""


# -- search ------------------------------------------------------------------------------------------------------

def require_pystac_client():
    from ..platform.backends import require

    require("pystac_client")


def api_root(url):
    """The API root for a root or ``/search`` URL ("any STAC API search endpoint works")."""
    return api_root_of(url, "STAC_URL")


def api_root_of(url, parameter):
    default = CMR_STAC_LPCLOUD if parameter == "CMR_STAC_URL" else PLANETARY_COMPUTER
    what = "NASA's CMR-STAC" if parameter == "CMR_STAC_URL" else "Planetary Computer"
    url = str(url or "").strip().rstrip("/")
    if not url:
        raise LstFusionError(parameter, f"no STAC API address given ({what}: {default})")
    if not url.lower().startswith(("http://", "https://")):
        raise LstFusionError(parameter, f"{url!r} is not an http(s) address of a STAC API ({what}: {default})")
    return url[: -len("/search")] if url.endswith("/search") else url


def _api_error(url, exc):
    """One sentence for a failed search: offline, a wrong address, or an API that answered an error."""
    status = getattr(exc, "status_code", None)
    text = str(exc)
    if status == 404:
        return LstFusionError("STAC_URL", f"{url} answered HTTP 404 (not found): this is not a STAC API; give the "
                                          f"API root or its /search endpoint, e.g. {PLANETARY_COMPUTER}")
    if status is not None:
        return LstFusionError("STAC_URL", f"{url} answered HTTP {status} to the search even after retries; try "
                                          "again later")
    low = text.lower()
    if "read timed out" in low or "timed out" in low and "connect" not in low:  # accepted, never answered
        return LstFusionError("STAC_URL", f"{url} did not answer in time (TIMEOUT), even after retries; try again "
                                          "later, or raise TIMEOUT")
    if any(w in low for w in ("name or service not known", "failed to resolve", "nodename nor servname",
                              "temporary failure in name resolution", "connection refused", "max retries exceeded",
                              "network is unreachable", "no route to host", "connection aborted")):
        return LstFusionError("STAC_URL", f"cannot reach {url} (offline, or a wrong address?); check the address and "
                                          "the network connection")
    if "timed out" in low or "timeout" in low:
        return LstFusionError("STAC_URL", f"{url} did not answer in time, even after retries; try again later")
    if any(w in low for w in ("expecting", "delimiter", "json", "unterminated", "decode")):
        return LstFusionError("STAC_URL", f"{url} did not answer with STAC JSON (a web page, a wrong address, or a "
                                          "broken answer?); give the API root or its /search endpoint")
    return LstFusionError("STAC_URL", f"the search at {url} failed: {text.splitlines()[0][:200] if text else exc!r}")


def _item_date(props, item_id):
    for key in ("datetime", "start_datetime"):
        v = props.get(key)
        if v:
            return _dt.datetime.fromisoformat(str(v).replace("Z", "+00:00")).date()
    from .dates import parse_date

    d = parse_date(item_id)
    if d is None:
        raise LstFusionError("STAC_URL", f"item {item_id} has no datetime")
    return d


def _sensor_of(collection, props, item_id, wanted):
    """The wanted sensor an item belongs to: MODIS by its id (MOD11A1./MYD11A1.; the platform property may be
    'terra', 'Terra' or 'terra,aqua'), Landsat by its platform property (landsat-8, landsat-9)."""
    platforms = {p.strip().lower() for p in str(props.get("platform", "")).split(",") if p.strip()}
    ident = item_id.upper()
    for s in wanted:
        if s.collection != collection:
            continue
        if s.product == "MODIS" and ident.startswith(("MOD", "MYD")):
            if ident.startswith(s.prefix):
                return s
        elif s.product in ("VIIRS", "SLSTR"):  # one collection per VIIRS platform; SLSTR: 3A and 3B alike
            if s.product == "SLSTR" and str(props.get("sat:orbit_state", "descending")).lower() != "descending":
                return None  # an ascending (night) pass: the day passes are descending
            return s
        elif s.platform in platforms:
            return s
    return None


def search(stac_url, bbox, start, end, sensors, max_cloud=100.0, timeout=30.0, retries=4, backoff=1.0, log=None,
           cmr_url=CMR_STAC_LPCLOUD):
    """[Item] of the wanted sensors whose footprint meets ``bbox`` (lon/lat) between ``start`` and ``end``.

    Each sensor is searched in its catalog (sensors.py): ``stac_url``, or ``cmr_url`` for VIIRS (NASA's CMR-STAC).
    Landsat items above ``max_cloud`` % scene cloud are left out (by the API's query extension and again here)."""
    require_pystac_client()
    from pystac_client import Client
    from pystac_client.exceptions import APIError
    from pystac_client.stac_api_io import StacApiIO
    from urllib3 import Retry

    wanted = [BY_NAME[s] if isinstance(s, str) else s for s in sensors]
    if not wanted:
        raise LstFusionError("SENSORS", "choose at least one sensor")
    roots = {"STAC_URL": api_root(stac_url)}
    if any(s.catalog == "CMR_STAC_URL" for s in wanted):
        roots["CMR_STAC_URL"] = api_root_of(cmr_url, "CMR_STAC_URL")
    retry = Retry(total=retries, connect=0, backoff_factor=backoff, status_forcelist=RETRIABLE_HTTP,
                  allowed_methods=None, raise_on_status=False)
    found = []
    for catalog, collection in sorted({(s.catalog, s.collection) for s in wanted}):
        root = roots[catalog]
        query = None
        if any(s.product == "Landsat" for s in wanted if s.collection == collection):  # the query extension
            query = {"platform": {"in": sorted({s.platform for s in wanted if s.collection == collection})}}
            if max_cloud < 100:
                query["eo:cloud_cover"] = {"lte": float(max_cloud)}
        for attempt in range(retries + 1):
            stac_io = StacApiIO(max_retries=retry, timeout=timeout)
            try:
                # timeout again here: Client.open sets it on stac_io, None (wait for ever) unless given
                client = Client.open(root, stac_io=stac_io, timeout=timeout)
                dicts = _paged_items(client.search(collections=[collection], bbox=list(bbox),
                                                   datetime=f"{start.isoformat()}/{end.isoformat()}", query=query,
                                                   limit=100), root)
                break
            except LstFusionError:  # a broken or looping answer (_paged_items): said already
                raise
            except (APIError, ValueError, NotImplementedError, TypeError) as exc:
                status = getattr(exc, "status_code", None)
                transient = status in RETRIABLE_HTTP or (status is None and _looks_transient(str(exc)))
                if not transient or attempt == retries:
                    if isinstance(exc, NotImplementedError):
                        raise LstFusionError(catalog, f"{root} is a STAC catalog without item search (/search); "
                                                         "give the address of a STAC API") from None
                    err = _api_error(root, exc)
                    raise (LstFusionError(catalog, err.message) if catalog != err.parameter else err) from None
                if log:
                    log(f"search: {str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__}; "
                        f"retry {attempt + 1} of {retries}")
                time.sleep(backoff * 2 ** attempt)
            finally:
                stac_io.session.close()  # no socket left open (Python warns about it, QGIS logs the warning)
        for d in dicts:
            props = d.get("properties", {})
            sensor = _sensor_of(d.get("collection", collection), props, d.get("id", ""), wanted)
            if sensor is None:
                continue
            cloud = props.get("eo:cloud_cover")
            cloud = float(cloud) if cloud is not None else float("nan")
            if sensor.product == "Landsat" and math.isfinite(cloud) and cloud > max_cloud:
                continue
            date = _item_date(props, d["id"])
            if not start <= date <= end:
                continue
            assets = {k: v["href"] for k, v in d.get("assets", {}).items() if isinstance(v, dict) and "href" in v}
            found.append(Item(d["id"], d.get("collection", collection), sensor, date, cloud, assets, root))
    found.sort(key=lambda it: (it.date, it.sensor.folder, it.item_id))
    return found


MAX_PAGES = 500  # of 100 items each: beyond, the search is too wide or the server pages in a loop


def _paged_items(search, root, max_pages=None):
    """The item dicts of every page of ``search``; a page without a feature list, a ``next`` link met before
    (a server paging in a loop) and more than ``max_pages`` pages each stop the search with one sentence."""
    max_pages = max_pages or MAX_PAGES
    items, seen = [], set()
    for n, page in enumerate(search.pages_as_dicts(), 1):
        features = page.get("features") if isinstance(page, dict) else None
        if not isinstance(features, list):
            raise LstFusionError("STAC_URL", f"page {n} of the search answer of {root} holds no list of features: "
                                 "it is not a STAC item search answer")
        items += [f for f in features if isinstance(f, dict)]
        nxt = next((lk for lk in page.get("links") or [] if isinstance(lk, dict) and lk.get("rel") == "next"), None)
        if nxt is None:
            return items
        web_href(nxt.get("href", ""), f"page {n} of the search answer of {root}", "next page")
        key = json.dumps([nxt.get("href"), nxt.get("body")], sort_keys=True, default=str)
        if key in seen:
            raise LstFusionError("STAC_URL", f"page {n} of the search answer of {root} links back to a page already "
                                 "read: the server pages in a loop; the search stopped")
        seen.add(key)
        if n >= max_pages:
            raise LstFusionError("STAC_URL", f"the search answer of {root} runs past {max_pages} pages of items: "
                                 "the search stopped; narrow START-END or the AOI")
    return items


def _looks_transient(text):
    low = text.lower()
    return any(w in low for w in ("timed out", "timeout", "incomplete", "connection broken", "chunked", "reset by peer",
                                  "remotedisconnected", "expecting", "delimiter", "unterminated", "decode"))


# -- signing -----------------------------------------------------------------------------------------------------

class Signer:
    """Appends a short-lived token (Planetary Computer's SAS scheme) to asset URLs.

    ``token_url``: the token endpoint; ``GET {token_url}/{collection}`` answers
    ``{"token": "...", "msft:expiry": "..."}``. None = no signing."""

    def __init__(self, token_url=None, timeout=30.0, retries=4, backoff=1.0, bearer=None):
        self.token_url = token_url.rstrip("/") if token_url else None
        self.bearer = bearer  # an Earthdata Login token: sent as a header, never in a URL, a log or a file
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self._tokens = {}

    def token(self, collection, fresh=False):
        if fresh:
            self._tokens.pop(collection, None)
        if collection not in self._tokens:
            url = f"{self.token_url}/{collection}"
            body = _get_json(url, self.timeout, self.retries, self.backoff, "TOKEN_URL")
            if not isinstance(body, dict) or not body.get("token"):
                raise LstFusionError("TOKEN_URL", f"{url} answered without a token; check TOKEN_URL")
            self._tokens[collection] = str(body["token"]).lstrip("?")
        return self._tokens[collection]

    def sign(self, href, collection, fresh=False):
        if not self.token_url or not href.lower().startswith(("http://", "https://")):
            return href
        return href + ("&" if "?" in href else "?") + self.token(collection, fresh)


def signer_for(stac_url, token_url=None, **kw):
    """The signer an API needs: ``token_url`` when given, Planetary Computer's for its API, else none."""
    if token_url:
        return Signer(token_url, **kw)
    host = urllib.parse.urlparse(api_root(stac_url)).netloc.lower()
    return Signer(PLANETARY_COMPUTER_TOKENS if host == "planetarycomputer.microsoft.com" else None, **kw)


# Only http(s): no file://, ftp:// or data: handler, so neither a given address nor a redirect opens anything else
_HTTP_OPENER = urllib.request.OpenerDirector()
for _handler in (urllib.request.ProxyHandler(), urllib.request.UnknownHandler(), urllib.request.HTTPHandler(),
                 urllib.request.HTTPSHandler(), urllib.request.HTTPDefaultErrorHandler(),
                 urllib.request.HTTPRedirectHandler(), urllib.request.HTTPErrorProcessor()):
    _HTTP_OPENER.add_handler(_handler)


def _get_json(url, timeout, retries, backoff, parameter):
    """GET ``url`` (http or https only) and parse its JSON; ``timeout`` s for each connect and read, ``retries``
    more tries with backoff on HTTP 429/5xx and network errors; a problem is one sentence naming ``parameter``."""
    if urllib.parse.urlsplit(str(url)).scheme.lower() not in ("http", "https"):
        raise LstFusionError(parameter, f"{str(url)[:120]!r} is not an http(s) address and is not opened")
    if not (isinstance(timeout, (int, float)) and math.isfinite(timeout) and timeout > 0):
        raise LstFusionError("TIMEOUT", f"must be a positive number of seconds, not {timeout!r}")
    for attempt in range(retries + 1):
        try:
            with _HTTP_OPENER.open(url, timeout=timeout) as r:
                return json.loads(r.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            if exc.code not in RETRIABLE_HTTP or attempt == retries:
                raise LstFusionError(parameter, f"{url} answered HTTP {exc.code}; check {parameter}") from None
        except urllib.error.URLError as exc:
            if attempt == retries:
                raise LstFusionError(parameter, f"cannot reach {url} ({exc.reason}); check the address and the "
                                                "network connection") from None
        except (TimeoutError, ValueError, OSError):
            if attempt == retries:
                raise LstFusionError(parameter, f"{url} gave no usable answer, even after retries") from None
        time.sleep(backoff * 2 ** attempt)


# -- windowed reading ---------------------------------------------------------------------------------------------

def gdal_http_env(timeout=30.0, retries=4, backoff=1.0):
    """GDAL options for range reads of remote COGs: no directory listing, retries with backoff on 429/5xx."""
    return dict(GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR", CPL_VSIL_CURL_ALLOWED_EXTENSIONS=".tif,.TIF,.tiff,.TIFF",
                GDAL_HTTP_TIMEOUT=str(int(math.ceil(timeout))), GDAL_HTTP_CONNECTTIMEOUT=str(int(math.ceil(timeout))),
                GDAL_HTTP_MAX_RETRY=str(retries), GDAL_HTTP_RETRY_DELAY=str(backoff), GDAL_HTTP_MERGE_CONSECUTIVE_RANGES="YES",
                VSI_CACHE="FALSE", GDAL_HTTP_UNSAFESSL="NO")


def clear_curl_cache():
    """Forget GDAL's cached remote-file ranges and headers, so a retry reads afresh; True when done, False where
    GDAL's Python bindings are missing (QGIS always has them; without them a retry may reuse cached ranges)."""
    try:
        from osgeo import gdal
    except ImportError:
        return False
    gdal.VSICurlClearCache()
    return True


def _classify(exc):
    """A rasterio/GDAL error on a remote file -> RefusedError, TransientError, or the error itself."""
    text = str(exc)
    low = text.lower()
    if " 403" in low or any(w in low for w in ("http response code: 401", "http error code: 401")):
        return RefusedError(text)
    if any(f"code: {c}" in low or f"code : {c}" in low for c in RETRIABLE_HTTP) or _looks_transient(text) or \
            any(w in low for w in ("partial file", "bytes remaining", "not recognized as", "read error",
                                   "tiffreadencoded", "failed to read", "ireadblock", "couldn't connect",
                                   "could not resolve", "connection refused")):
        return TransientError(text)
    return exc


def _grid_window(grid, ds_transform, ds_width, ds_height):
    """(rows, cols) slices of the dataset and of the grid where they overlap, or None; grids must be aligned."""
    a, e = ds_transform.a, ds_transform.e
    col0 = int(round((grid.transform.c - ds_transform.c) / a))
    row0 = int(round((grid.transform.f - ds_transform.f) / e))
    c_lo, c_hi = max(col0, 0), min(col0 + grid.width, ds_width)
    r_lo, r_hi = max(row0, 0), min(row0 + grid.height, ds_height)
    if c_lo >= c_hi or r_lo >= r_hi:
        return None
    return (slice(r_lo, r_hi), slice(c_lo, c_hi)), (slice(r_lo - row0, r_hi - row0), slice(c_lo - col0, c_hi - col0))


def aligned(grid, crs, transform, tol=1e-6):
    """True when a dataset's pixels are the grid's pixels (same CRS and size, origins a whole pixel apart)."""
    if grid.crs != crs or abs(grid.transform.a - transform.a) > tol * abs(transform.a) or \
            abs(grid.transform.e - transform.e) > tol * abs(transform.e) or grid.transform.b or grid.transform.d:
        return False
    fx = (grid.transform.c - transform.c) / transform.a
    fy = (grid.transform.f - transform.f) / transform.e
    return abs(fx - round(fx)) < 1e-3 and abs(fy - round(fy)) < 1e-3


def _open(href):
    import rasterio

    return rasterio.open("/vsicurl/" + href if href.lower().startswith("http") else href)


def _values_on(ds, grid, fill):
    """The dataset's band 1 on ``grid`` (aligned with it), ``fill`` outside the dataset; only that window is read."""
    out = np.full(grid.shape, fill, dtype=ds.dtypes[0])
    win = _grid_window(grid, ds.transform, ds.width, ds.height)
    if win is not None:
        from rasterio.windows import Window

        (rs, cs), (gr, gc) = win
        out[gr, gc] = ds.read(1, window=Window.from_slices(rs, cs))
    return out


def read_item(item, aoi, grid, signer, qa_bits=products.LANDSAT_QA_BITS):
    """Kelvin of one item on ``grid`` (None: the item's own grid over the AOI), NaN where fill/cloudy/outside.

    Reads only the tiles under the AOI (range requests), with GDAL's HTTP options (:func:`gdal_http_env`; GDAL's
    own retries off: :func:`read_with_retries` tries again); an Earthdata token goes in an Authorization header
    (GDAL_HTTP_HEADERS), never in a URL. Files that cannot be read by ranges (a VIIRS HDF5 granule, SLSTR's
    NetCDF files) are fetched whole into a temporary folder, read, and deleted. Returns (kelvin, grid)."""
    import rasterio

    env = gdal_http_env(signer.timeout, 0, signer.backoff)
    if signer.bearer:
        env["GDAL_HTTP_HEADERS"] = f"Authorization: Bearer {signer.bearer}"
    with rasterio.Env(**env):
        if item.sensor.product == "SLSTR":
            return _read_slstr(item, aoi, grid, signer)
        if item.sensor.product == "VIIRS" and not all(a in item.assets for a in (item.sensor.lst_asset,
                                                                                   item.sensor.qa_asset)):
            return _read_viirs_granule(item, aoi, grid, signer)
        return _read_item(item, aoi, grid, signer, qa_bits)


def read_reflectance(item, aoi, grid, signer):
    """A Landsat item's Collection 2 Level-2 surface reflectance on ``grid`` (the LST's, read first): (5, h, w)
    float64, the green, red, NIR and SWIR1 assets scaled to reflectance (core.data.reflectance: DN x 0.0000275 -
    0.2, NaN at fill) and QA_PIXEL as it is (1, the fill bit, outside the scene; NaN off a grid it was reprojected
    from). Each asset is read as the LST is: only the AOI window, by range requests. Returns (bands, grid)."""
    import rasterio

    from . import reflectance

    env = gdal_http_env(signer.timeout, 0, signer.backoff)
    bands = []
    with rasterio.Env(**env):
        for role in reflectance.ROLES + (reflectance.QA_ROLE,):
            key = reflectance.STAC_ASSETS[role]
            href = signer.sign(web_href(item.assets[key], f"item {item.item_id}", f"{key} asset"), item.collection)
            qa = role == reflectance.QA_ROLE
            with _open(href) as ds:
                read_on = grid if aligned(grid, ds.crs, ds.transform) else aoi_grid(ds.crs, ds.transform, aoi)
                raw = _values_on(ds, read_on, 1 if qa else reflectance.SR_FILL)
            v = raw.astype(np.float64) if qa else reflectance.to_reflectance(raw, "STAC_URL", f"{item.item_id} {key}",
                                                                              dn=True)
            bands.append(_onto(v, read_on, grid))
    return np.stack(bands), grid


def missing_reflectance(item):
    """The surface reflectance assets (green, red, nir08, swir16, qa_pixel) a Landsat item lacks."""
    from .reflectance import STAC_ASSETS

    return [a for a in STAC_ASSETS.values() if a not in item.assets]


def reflectance_name(sensor, date):
    """The surface reflectance file of a Landsat date: landsat_sr/LC08_SR_YYYYMMDD.tif (beside landsat/)."""
    return f"{sensor.folder}_sr/{sensor.prefix}_SR_{date.strftime('%Y%m%d')}.tif"


def _fetch(href, path, signer, where):
    """GET a whole file (http(s) only) to ``path``; 401/403 -> RefusedError, 429/5xx/network -> TransientError."""
    web_href(href, where, "asset")
    headers = {"Authorization": f"Bearer {signer.bearer}"} if signer.bearer else {}
    req = urllib.request.Request(href, headers=headers)
    try:
        with _HTTP_OPENER.open(req, timeout=signer.timeout) as r, open(path, "wb") as fh:
            while True:
                chunk = r.read(1 << 20)
                if not chunk:
                    break
                fh.write(chunk)
    except urllib.error.HTTPError as exc:
        if exc.code in (401, 403):
            raise OSError(f"HTTP response code: {exc.code}") from None
        raise OSError(f"HTTP error code: {exc.code}") from None
    except (urllib.error.URLError, TimeoutError) as exc:
        raise OSError(f"failed to read {where}: timed out or unreachable ({getattr(exc, 'reason', exc)})") from None
    return path


def _read_viirs_granule(item, aoi, grid, signer):
    """A VIIRS item whose layers are one HDF5 granule: fetched, its window read, deleted."""
    import tempfile

    from . import viirs

    s = item.sensor
    href = signer.sign(item.assets[s.file_asset], item.collection)
    with tempfile.TemporaryDirectory(prefix="lstfusion_viirs_") as tmp:
        name = os.path.basename(urllib.parse.urlsplit(href).path) or f"{item.item_id}.h5"
        path = _fetch(href, os.path.join(tmp, name), signer, f"item {item.item_id}")
        try:
            viirs.check_granule(path, "STAC_URL")
        except LstFusionError as exc:
            raise TransientError(exc.message) from None
        with viirs.quiet_no_geotransform():
            dn = viirs.read_layer(viirs.layer_source(path, "LST_1KM"), "STAC_URL", path)
            qc = viirs.read_layer(viirs.layer_source(path, "QC"), "STAC_URL", path)
    own = aoi_grid(dn.grid.crs, dn.grid.transform, aoi)
    target = grid or own
    read_on = target if aligned(target, dn.grid.crs, dn.grid.transform) else own
    dn_w = _array_on(dn.data, dn.grid, read_on, viirs.VIIRS_FILL)
    qc_w = _array_on(qc.data, qc.grid, read_on, 2)
    kelvin = viirs.viirs_kelvin(dn_w, dn.nodata, qc_w, item.item_id, "STAC_URL")
    return _onto(kelvin, read_on, target), target


def _array_on(data, src_grid, grid, fill):
    out = np.full(grid.shape, fill, dtype=data.dtype)
    win = _grid_window(grid, src_grid.transform, src_grid.width, src_grid.height)
    if win is not None:
        (rs, cs), (gr, gc) = win
        out[gr, gc] = data[rs, cs]
    return out


def _onto(kelvin, read_on, target):
    if read_on is target:
        return kelvin
    from rasterio.warp import Resampling, reproject

    out = np.full(target.shape, np.nan, dtype=np.float64)
    reproject(kelvin, out, src_transform=read_on.transform, src_crs=read_on.crs, dst_transform=target.transform,
              dst_crs=target.crs, resampling=Resampling.nearest, src_nodata=np.nan, dst_nodata=np.nan)
    return out


def _read_slstr(item, aoi, grid, signer):
    """An SLSTR item: its LST, geodetic and flags NetCDF files fetched, the swath gridded (slstr.grid_swath) onto
    ``grid`` or the MODLAND 1 km grid over the AOI, the files deleted."""
    import tempfile

    from . import slstr

    s = item.sensor
    with tempfile.TemporaryDirectory(prefix="lstfusion_slstr_") as tmp:
        folder = os.path.join(tmp, f"{item.item_id}.SEN3")
        os.makedirs(folder)
        for key, fname in ((s.lst_asset, slstr.FILES["LST"]), (s.geo_asset, slstr.FILES["GEO"]),
                           (s.qa_asset, slstr.FILES["FLAGS"])):
            _fetch(signer.sign(item.assets[key], item.collection), os.path.join(folder, fname), signer,
                   f"item {item.item_id}")
        try:
            kelvin, lat, lon = slstr.read_swath(folder, "STAC_URL")
        except LstFusionError as exc:
            raise TransientError(exc.message) from None
    out, target = slstr.grid_swath(kelvin, lat, lon, grid, aoi)
    return out, target


def web_href(href, where, what):
    """``href`` when it is an http(s) address; any other scheme (file://, a local path, ftp://, /vsi...) is refused,
    naming the item: a remote catalog never makes this machine open its own files."""
    scheme = urllib.parse.urlsplit(str(href)).scheme.lower()
    if scheme not in ("http", "https"):
        raise LstFusionError("STAC_URL", f"{where}: the {what} address {str(href)[:120]!r} is not an http(s) "
                             "address and is not followed")
    return href


def _read_item(item, aoi, grid, signer, qa_bits):
    s = item.sensor
    for key in (s.lst_asset, s.qa_asset):
        web_href(item.assets[key], f"item {item.item_id}", f"{key} asset")
    lst = signer.sign(item.assets[s.lst_asset], item.collection)
    qa = signer.sign(item.assets[s.qa_asset], item.collection)
    with _open(lst) as ds:
        crs, _ = modis_sphere_crs(ds.crs)
        own = aoi_grid(crs, ds.transform, aoi)
        target = grid or own
        read_on = target if aligned(target, crs, ds.transform) else own
        dn = _values_on(ds, read_on, products.LANDSAT_FILL if s.product == "Landsat" else products.MODIS_FILL)
        nodata = ds.nodata
    with _open(qa) as ds:
        qc = _values_on(ds, read_on, 1 if s.product == "Landsat" else 2)  # outside: fill / "not produced"
    if s.product == "MODIS":
        kelvin = products.modis_kelvin(dn, nodata, qc, item.item_id, "STAC_URL")
    elif s.product == "VIIRS":
        from .viirs import viirs_kelvin

        kelvin = viirs_kelvin(dn, nodata, qc, item.item_id, "STAC_URL")
    else:
        kelvin = products.landsat_kelvin(dn, nodata, qc, item.item_id, "STAC_URL", qa_bits=qa_bits)
    return _onto(kelvin, read_on, target), target


def read_with_retries(item, aoi, grid, signer, retries=4, backoff=1.0, log=None, cancel=None, reader=None, **kw):
    """``reader`` (:func:`read_item`; :func:`read_reflectance`) with another try (and backoff) on transient errors
    and a fresh token when refused."""
    from rasterio.errors import RasterioError

    reader = reader or read_item
    refreshed = False
    attempt = 0
    while True:
        check_cancel(cancel)
        try:
            return reader(item, aoi, grid, signer, **kw)
        except (RasterioError, OSError) as exc:
            err = _classify(exc)
            clear_curl_cache()
            if isinstance(err, RefusedError) and signer.token_url and not refreshed:
                refreshed = True
                if log:
                    log(f"{item.item_id}: the storage refused the signed URL; asking {signer.token_url} for a new "
                        "token")
                signer.token(item.collection, fresh=True)
                continue
            if isinstance(err, RefusedError):
                raise RefusedError(err) from None
            if not isinstance(err, TransientError) or attempt >= retries:
                raise TransientError(_short(exc)) from None
            attempt += 1
            if log:
                log(f"{item.item_id}: {_short(exc)}; retry {attempt} of {retries}")
            time.sleep(backoff * 2 ** (attempt - 1))


def _short(exc):
    text = " ".join(str(exc).split())
    return text[:200] if text else type(exc).__name__


# -- the download -------------------------------------------------------------------------------------------------

def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_csv(path, rows):
    buf = _io.StringIO()
    w = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore")
    w.writeheader()
    for r in rows:
        w.writerow(r)
    atomic_write_text(path, buf.getvalue())


def _group_key(items, aoi, grid, min_clear, unit, qa_bits, reflectance=False):
    settings = {"items": sorted(i.item_id for i in items), "aoi": aoi, "min_clear": float(min_clear),
                "unit": unit, "qa_bits": list(qa_bits),
                "grid": [grid.crs.to_wkt() if grid else "", list(grid.transform)[:6] if grid else [],
                         grid.width if grid else 0, grid.height if grid else 0]}
    if reflectance:  # only then: the keys of runs without it stay as they were
        settings["reflectance"] = True
    text = json.dumps(settings, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _existing_grid(output, folder, rows):
    from .io import read_grid

    for r in rows:
        f = r.get("file") or ""
        if r.get("status") in COMPLETE and f.startswith(folder + "/") and os.path.exists(os.path.join(output, f)):
            return read_grid(os.path.join(output, f), "OUTPUT")
    return None


def output_name(sensor, date):
    return f"{sensor.folder}/{sensor.prefix}_{date.strftime('%Y%m%d')}.tif"


LOGIN_HOWTO = ("create a token at https://urs.earthdata.nasa.gov (Generate Token), store it in QGIS's authentication "
               "manager (Settings > Options > Authentication: method Basic with your Earthdata user name and the token "
               "as password, or Esri Token) and choose that configuration as AUTHCFG; for qgis_process, set the "
               "environment variable EARTHDATA_TOKEN instead")


def search_download(stac_url, aoi, start, end, sensors, output, max_cloud=100.0, min_clear=0.0, unit="celsius",
                    token_url=None, list_only=False, qa_bits=products.LANDSAT_QA_BITS, timeout=30.0, retries=4,
                    backoff=1.0, progress=None, cancel=None, log=None, cmr_url=CMR_STAC_LPCLOUD,
                    earthdata_token=None, reflectance=False):
    """Search, read the AOI windows, write the dated files and downloads.csv; returns a summary dict.

    ``reflectance``: also each Landsat date's Collection 2 Level-2 surface reflectance (green, red, NIR, SWIR1 as
    reflectance, then QA_PIXEL) on the LST's grid, :func:`reflectance_name`, which thermal sharpening's
    REFLECTANCE reads; a date whose items lack those assets keeps its LST and says so in downloads.csv.

    ``aoi``: GeoJSON polygon (or multipolygon) in lon/lat; ``start``/``end``: dates. ``list_only`` searches
    and reads the windows to report each item's clear % but writes no raster. VIIRS is searched at ``cmr_url``
    and read with ``earthdata_token`` (an Earthdata Login bearer token; never written anywhere)."""
    log = log or (lambda _m: None)
    progress = progress or (lambda _p, _m=None: None)
    if end < start:
        raise LstFusionError("END", f"{end.isoformat()} is before START {start.isoformat()}")
    from .pairing import check_percent

    check_percent(min_clear)
    wanted = [BY_NAME[n] if isinstance(n, str) else n for n in sensors]
    if any(w.needs_login for w in wanted) and not earthdata_token:
        raise LstFusionError("AUTHCFG", "VIIRS comes from NASA's CMR-STAC, whose data need an Earthdata Login, and "
                                        f"none was given: {LOGIN_HOWTO}")
    xs, ys = coords(aoi)
    bbox = (min(xs), min(ys), max(xs), max(ys))
    progress(0, f"searching {api_root(stac_url)}")
    items = search(stac_url, bbox, start, end, sensors, max_cloud, timeout, retries, backoff, log, cmr_url)
    log(f"{len(items)} item(s) found between {start.isoformat()} and {end.isoformat()}")
    pc_signer = signer_for(stac_url, token_url, timeout=timeout, retries=retries, backoff=backoff)
    nasa = Signer(None, timeout=timeout, retries=retries, backoff=backoff, bearer=earthdata_token)

    def signer_of(it):
        return nasa if it.sensor.needs_login else pc_signer
    os.makedirs(output, exist_ok=True)
    csv_path = os.path.join(output, "downloads.csv")
    before = read_csv(csv_path)
    old = {r["item_id"]: r for r in before}
    rows = {r["item_id"]: r for r in before}  # rows of items not found this time stay as they were
    groups = {}
    for it in items:
        groups.setdefault((it.sensor.folder, it.date), []).append(it)
    grids = {}
    files = {}
    done = 0
    for (folder, date), group in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        check_cancel(cancel)
        sensor = group[0].sensor
        name = output_name(sensor, date)
        path = os.path.join(output, name)
        if folder not in grids:
            grids[folder] = _existing_grid(output, folder, before)
        usable = []
        for it in group:
            base = {"item_id": it.item_id, "collection": it.collection, "sensor": it.sensor.name,
                    "date": it.date.isoformat(),
                    "cloud_cover": "" if not math.isfinite(it.cloud_cover) else f"{it.cloud_cover:.2f}",
                    "clear_percent": "", "file": "", "key": ""}
            miss = it.missing_assets()
            if miss:
                rows[it.item_id] = dict(base, status="skipped", reason=f"asset {', '.join(miss)} missing in the item")
                log(f"{it.item_id}: skipped, asset {', '.join(miss)} missing")
            else:
                rows[it.item_id] = base
                usable.append(it)
        if not usable:
            done += len(group)
            progress(100.0 * done / max(len(items), 1), f"{date.isoformat()} {folder}: nothing to read")
            continue
        want_sr = reflectance and sensor.product == "Landsat"
        sr_name = reflectance_name(sensor, date) if want_sr else None
        sr_path = os.path.join(output, sr_name) if want_sr else None
        key = _group_key(usable, aoi, grids[folder], min_clear, unit, qa_bits, want_sr)
        prev = [old.get(it.item_id) for it in usable]
        if all(p and p.get("key") == key for p in prev):
            statuses = {p["status"] for p in prev}
            if statuses <= set(COMPLETE) and os.path.exists(path) and (not want_sr or os.path.exists(sr_path)):
                for it, p in zip(usable, prev):  # LIST_ONLY too: the files stay complete
                    rows[it.item_id] = dict(p, status="kept", reason="complete from an earlier run")
                files.setdefault(folder, []).append(path)
                if want_sr:
                    files.setdefault(os.path.dirname(sr_name), []).append(sr_path)
                done += len(group)
                progress(100.0 * done / max(len(items), 1), f"{date.isoformat()} {folder}: kept (complete)")
                continue
            if statuses == {"rejected"}:
                for it, p in zip(usable, prev):
                    rows[it.item_id] = p
                done += len(group)
                progress(100.0 * done / max(len(items), 1), f"{date.isoformat()} {folder}: rejected earlier")
                continue
        mosaic, grid, failures = None, grids[folder], []
        sr_mosaic, sr_missing = None, []
        for it in usable:
            check_cancel(cancel)
            try:
                signer = signer_of(it)
                kelvin, grid = read_with_retries(it, aoi, grid, signer, retries, backoff, log, cancel, qa_bits=qa_bits)
            except TransientError as exc:
                failures.append(it)
                rows[it.item_id].update(status="failed", reason=f"{exc} (after {retries} retries; run again to retry)")
                log(f"{it.item_id}: failed: {exc}")
                continue
            except RefusedError:
                write_csv(csv_path, _ordered(rows))
                if it.sensor.needs_login:
                    raise LstFusionError("AUTHCFG", f"NASA refused the Earthdata Login (HTTP 401) for {it.item_id}: the "
                                                    f"token is expired or wrong; {LOGIN_HOWTO}") from None
                how = (f"even after a fresh token from {signer.token_url}: the token is expired or not valid; run "
                       "again later, or check TOKEN_URL") if signer.token_url else \
                    "(HTTP 403): the API needs signed URLs; give its token endpoint as TOKEN_URL"
                raise LstFusionError("STAC_URL", f"the storage refused to serve {it.item_id}'s "
                                                 f"{it.sensor.lst_asset} asset {how}") from None
            except LstFusionError as exc:  # values that are not the product's LST
                failures.append(it)
                rows[it.item_id].update(status="failed", reason=exc.message)
                log(f"{it.item_id}: failed: {exc.message}")
                continue
            grids[folder] = grids[folder] or grid
            mosaic = kelvin if mosaic is None else np.where(np.isfinite(mosaic), mosaic, kelvin)
            if want_sr and not list_only:
                sr, why = _item_reflectance(it, aoi, grid, signer, retries, backoff, log, cancel)
                if sr is None:
                    sr_missing.append(f"{it.item_id}: {why}")
                else:
                    sr_mosaic = sr if sr_mosaic is None else np.where(np.isfinite(sr_mosaic[:1]), sr_mosaic, sr)
            done += 1
            progress(100.0 * done / max(len(items), 1), f"{it.item_id}: read")
        done += len(failures)
        ok = [it for it in usable if it not in failures]
        if mosaic is None:
            write_csv(csv_path, _ordered(rows))
            continue
        clear = products.clear_percent_of(mosaic, aoi_mask(grid, aoi))
        key = _group_key(usable, aoi, grids[folder], min_clear, unit, qa_bits, want_sr)
        if want_sr and not list_only and (sr_mosaic is None or sr_missing):
            key = ""  # not complete: a re-run reads the date again
        for it in ok:
            rows[it.item_id].update(clear_percent=f"{clear:.2f}", key=key if not failures else "")
        if list_only:
            for it in ok:
                rows[it.item_id].update(status="found", reason="listed; not downloaded (LIST_ONLY)")
        elif clear <= 0 or clear < min_clear:
            why = "no clear pixel in the AOI" if clear <= 0 else f"clear {clear:.1f} % < MIN_CLEAR {min_clear:g} %"
            for it in ok:
                rows[it.item_id].update(status="rejected", reason=why)
            log(f"{date.isoformat()} {folder}: rejected, {why}")
        else:
            tags = products.lst_tags(unit, date, ",".join(it.item_id for it in ok), clear,
                                     {"STAC_ITEMS": ",".join(it.item_id for it in ok), "STAC_API": ok[0].api,
                                      "SENSOR": sensor.name, "OVERPASS": sensor.overpass,
                                      "PRODUCT": "Landsat C2 L2 ST_B10" if sensor.product == "Landsat" else
                                      sensor.prefix})
            write_raster(path, products.to_unit(mosaic, unit).astype(np.float32), grid, tags=tags,
                         description=f"LST ({unit})")
            files.setdefault(folder, []).append(path)
            for it in ok:
                rows[it.item_id].update(status="downloaded", reason="", file=name)
            log(f"{date.isoformat()} {folder}: {clear:.1f} % clear -> {name}")
            if want_sr:
                why = _write_reflectance(sr_path, sr_mosaic, sr_missing, grid, date, ok, sensor)
                if why:
                    for it in ok:
                        rows[it.item_id]["reason"] = why
                    log(f"{date.isoformat()} {folder}: {why}")
                else:
                    files.setdefault(os.path.dirname(sr_name), []).append(sr_path)
                    log(f"{date.isoformat()} {folder}: surface reflectance -> {sr_name}")
        write_csv(csv_path, _ordered(rows))
    write_csv(csv_path, _ordered(rows))
    failed = [it for it in items if rows.get(it.item_id, {}).get("status") == "failed"]
    if items and len(failed) == len(items):  # nothing of this run worked: never an exit 0 with 0 downloads
        first = failed[0]
        raise LstFusionError("STAC_URL", f"all {len(items)} item(s) failed, nothing was downloaded (first: "
                             f"{first.item_id}: {rows[first.item_id].get('reason', '')}); see downloads.csv")
    progress(100, "done")
    counts = {s: sum(r["status"] == s for r in rows.values()) for s in STATUSES}
    return {"output": output, "downloads_csv": csv_path, "items": items, "rows": _ordered(rows), "files": files,
            "counts": counts}


def _item_reflectance(it, aoi, grid, signer, retries, backoff, log, cancel):
    """(the item's surface reflectance bands on ``grid``, None) or (None, why not): its LST is kept either way."""
    miss = missing_reflectance(it)
    if miss:
        return None, f"asset {', '.join(miss)} missing in the item"
    try:
        return read_with_retries(it, aoi, grid, signer, retries, backoff, log, cancel, reader=read_reflectance)[0], ""
    except (TransientError, RefusedError) as exc:
        return None, f"not read ({_short(exc)}; run again to retry)"
    except LstFusionError as exc:
        return None, exc.message


def _write_reflectance(path, bands, missing, grid, date, items, sensor):
    """Write a date's surface reflectance (:func:`read_reflectance`'s bands); '' when written, else why not."""
    if missing or bands is None:
        return "LST written, surface reflectance not: " + "; ".join(missing or ["no item had it"])
    from .io import write_bands
    from .reflectance import QA_ROLE, ROLES, SR_OFFSET, SR_SCALE

    ids = ",".join(it.item_id for it in items)
    tags = {"ACQUISITION_DATE": date.isoformat(), "SENSOR": sensor.name, "STAC_ITEMS": ids,
            "PRODUCT": "Landsat C2 L2 SR", "SR_SCALE": f"applied: reflectance = DN x {SR_SCALE:g} {SR_OFFSET:+g}",
            "QA_PIXEL": "band 5, as in the product (1: fill, outside the scene)"}
    write_bands(path, bands, grid, ROLES + (QA_ROLE,), tags=tags)
    return ""


def _ordered(rows):
    return sorted(rows.values(), key=lambda r: (r.get("date", ""), r.get("sensor", ""), r.get("item_id", "")))


def modis_files(result):
    """The MODIS files a run wrote or kept, in date order: Terra's (10:30, like Landsat), else Aqua's."""
    return sorted(result["files"].get("MOD11A1") or result["files"].get("MYD11A1") or [])


def product_files(result, product):
    """The files of one product ("VIIRS", "SLSTR") a run wrote or kept, in date order, every platform's."""
    folders = {s.folder for s in SENSORS if s.product == product}
    return sorted(f for k, v in result["files"].items() if k in folders for f in v)


def reflectance_files(result):
    """The Landsat surface reflectance files a run wrote or kept (the LST's grid), in date order."""
    return sorted(result["files"].get("landsat_sr", []))


def landsat_files(result):
    """The Landsat files a run wrote or kept (one grid), in date order."""
    return sorted(result["files"].get("landsat", []))
