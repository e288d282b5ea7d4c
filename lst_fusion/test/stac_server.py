"""A real, small STAC API on 127.0.0.1 for the tests (no internet): search, tokens, range-served COGs, failures.

* ``GET /``: landing page (conformance: core, item-search, query; ``search`` links for GET and POST).
* ``GET|POST /search``: ``bbox``, ``datetime`` (``a/b``), ``collections``, ``query`` (``eq``, ``in``, ``lt``, ``lte``,
  ``gt``, ``gte``), ``limit``; pages through ``next`` links (GET: ``?token=``; POST: a body with ``token``).
* ``GET /token/<collection>``: ``{"token": ..., "msft:expiry": ...}`` (Planetary Computer's SAS scheme).
* ``GET|HEAD /data/<file>``: files with HTTP range support; with ``require_token`` the query string must hold a
  valid ``sig=`` (403 otherwise, as Azure storage answers an expired SAS token).
* Injected failures per path, consumed one per request: ``"500"``, ``"429"``, ``("timeout", seconds)``,
  ``"truncate"`` (on the next tile request: announces the full length, sends half, closes).
* ``bytes_sent[path]``: body bytes served per path, to prove windowed reads.
* ``bearer``: as NASA's Earthdata cloud (CMR-STAC's LP DAAC data) answers: files under ``/data/protected/`` need
  ``Authorization: Bearer <bearer>``, else HTTP 401 (the search itself is public, as CMR-STAC's is).
"""
import datetime as _dt
import json
import os
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONFORMS = ["https://api.stacspec.org/v1.0.0/core", "https://api.stacspec.org/v1.0.0/item-search",
            "https://api.stacspec.org/v1.0.0/item-search#query"]


def _intersects(a, b):
    return not (a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1])


def _match_query(props, query):
    for name, ops in (query or {}).items():
        v = props.get(name)
        for op, ref in ops.items():
            if v is None:
                return False
            if op == "eq" and v != ref or op == "in" and v not in ref or op == "lt" and not v < ref or \
                    op == "lte" and not v <= ref or op == "gt" and not v > ref or op == "gte" and not v >= ref:
                return False
    return True


class StacServer:
    def __init__(self, data_dir, page_size=2):
        self.data_dir = data_dir
        self.page_size = page_size
        self.items = []  # STAC item dicts; asset hrefs may hold "{base}"
        self.require_token = False
        self.expired_tokens = 0  # how many of the next tokens handed out are already expired
        self.valid, self.issued = set(), []
        self.failures = defaultdict(list)
        self.bytes_sent = Counter()
        self.requests = []  # (method, path, range header)
        self.search_failures = []  # failures of /search requests, consumed one per request
        self.bearer = None  # Earthdata token required by /data/protected/ files
        self.refused = 0  # how many requests for protected files were answered 401
        self._httpd = None

    # -- lifecycle
    def start(self):
        server = self

        class Handler(_Handler):
            stac = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def url(self):
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def data_url(self, name):
        return f"{self.url}/data/{name}"

    def file_size(self, name):
        return os.path.getsize(os.path.join(self.data_dir, name))

    def add_item(self, item_id, collection, date, bbox, assets, properties=None):
        props = {"datetime": f"{date.isoformat()}T10:30:00Z"}
        props.update(properties or {})
        x0, y0, x1, y1 = bbox
        self.items.append({
            "type": "Feature", "stac_version": "1.0.0", "id": item_id, "collection": collection, "bbox": list(bbox),
            "geometry": {"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]},
            "properties": props, "links": [],
            "assets": {k: {"href": "{base}/data/" + v, "type": "image/tiff; application=geotiff; profile=cloud-optimized"}
                       for k, v in assets.items()},
        })

    # -- logic
    def search(self, params):
        bbox = params.get("bbox")
        dt = params.get("datetime")
        cols = params.get("collections")
        query = params.get("query") or {}
        start = end = None
        if dt:
            a, _, b = dt.partition("/")
            start = _dt.date.fromisoformat(a[:10]) if a and a != ".." else None
            end = _dt.date.fromisoformat(b[:10]) if b and b != ".." else start
        out = []
        for it in self.items:
            d = _dt.date.fromisoformat(it["properties"]["datetime"][:10])
            if cols and it["collection"] not in cols:
                continue
            if bbox and not _intersects(bbox, it["bbox"]):
                continue
            if start and d < start or end and d > end:
                continue
            if not _match_query(it["properties"], query):
                continue
            out.append(it)
        return sorted(out, key=lambda i: (i["properties"]["datetime"], i["id"]))

    def page(self, params, method):
        matched = self.search(params)
        limit = min(int(params.get("limit") or self.page_size), self.page_size)
        offset = int(params.get("token") or 0)
        chunk = [json.loads(json.dumps(i).replace("{base}", self.url)) for i in matched[offset:offset + limit]]
        links = []
        if offset + limit < len(matched):
            if method == "POST":
                body = dict(params, token=str(offset + limit))
                links.append({"rel": "next", "href": f"{self.url}/search", "method": "POST", "body": body,
                              "type": "application/geo+json"})
            else:
                q = {k: (json.dumps(v) if k == "query" else ",".join(map(str, v)) if isinstance(v, list) else v)
                     for k, v in params.items()}
                q["token"] = str(offset + limit)
                links.append({"rel": "next", "href": f"{self.url}/search?{urllib.parse.urlencode(q)}",
                              "type": "application/geo+json"})
        return {"type": "FeatureCollection", "features": chunk, "links": links}

    def token(self, collection):
        n = len(self.issued)
        tok = f"sig=t{n}{collection.replace('-', '')}"
        self.issued.append(tok)
        expired = self.expired_tokens > 0
        if expired:
            self.expired_tokens -= 1
        else:
            self.valid.add(tok.split("=", 1)[1])
        expiry = _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(minutes=-5 if expired else 45)
        return {"token": f"se={expiry.strftime('%Y-%m-%dT%H%%3A%M%%3A%SZ')}&sp=rl&{tok}",
                "msft:expiry": expiry.isoformat()}


class _Handler(BaseHTTPRequestHandler):
    stac = None
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def _json(self, obj, code=200):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _fail(self, kind, length_hint=1000):
        """Serve one injected failure; True when the request is answered by it."""
        if kind in ("500", "429", "503"):
            body = b'{"error": "injected"}'
            self.send_response(int(kind))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return True
        if isinstance(kind, tuple) and kind[0] == "timeout":
            time.sleep(kind[1])
            return False  # then answer late (the client has given up by then)
        return False

    def do_HEAD(self):  # noqa: N802
        self._data(head=True)

    def do_GET(self):  # noqa: N802
        u = urllib.parse.urlparse(self.path)
        s = self.stac
        s.requests.append(("GET", u.path, self.headers.get("Range")))
        if u.path in ("", "/"):
            return self._json({"type": "Catalog", "id": "lstfusion-test", "stac_version": "1.0.0",
                               "description": "test STAC API", "conformsTo": CONFORMS,
                               "links": [{"rel": "self", "href": s.url + "/"}, {"rel": "root", "href": s.url + "/"},
                                         {"rel": "search", "href": s.url + "/search", "method": "GET",
                                          "type": "application/geo+json"},
                                         {"rel": "search", "href": s.url + "/search", "method": "POST",
                                          "type": "application/geo+json"}]})
        if u.path == "/conformance":
            return self._json({"conformsTo": CONFORMS})
        if u.path == "/search":
            q = dict(urllib.parse.parse_qsl(u.query))
            params = {}
            for k, v in q.items():
                if k == "bbox":
                    params[k] = [float(x) for x in v.split(",")]
                elif k == "collections":
                    params[k] = v.split(",")
                elif k in ("query", "intersects"):
                    params[k] = json.loads(v)
                else:
                    params[k] = v
            return self._search(params, "GET")
        if u.path.startswith("/token/"):
            return self._json(s.token(u.path.split("/")[-1]))
        if u.path.startswith("/data/"):
            return self._data()
        return self._json({"code": "NotFound", "description": u.path}, 404)

    def do_POST(self):  # noqa: N802
        u = urllib.parse.urlparse(self.path)
        self.stac.requests.append(("POST", u.path, None))
        n = int(self.headers.get("Content-Length") or 0)
        params = json.loads(self.rfile.read(n) or b"{}")
        if u.path == "/search":
            return self._search(params, "POST")
        return self._json({"code": "NotFound"}, 404)

    def _search(self, params, method):
        s = self.stac
        if s.search_failures:
            kind = s.search_failures.pop(0)
            if kind == "truncate":
                body = json.dumps(s.page(params, method)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/geo+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
                return
            if self._fail(kind):
                return
        return self._json(s.page(params, method))

    def _data(self, head=False):
        s = self.stac
        u = urllib.parse.urlparse(self.path)
        name = urllib.parse.unquote(u.path[len("/data/"):])
        if head:
            s.requests.append(("HEAD", u.path, None))
        if s.require_token:
            sig = dict(urllib.parse.parse_qsl(u.query)).get("sig")
            if sig not in s.valid:
                body = (b'<?xml version="1.0"?><Error><Code>AuthenticationFailed</Code><Message>Signature not valid in '
                        b'the specified time frame</Message></Error>')
                self.send_response(403)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if not head:
                    self.wfile.write(body)
                return
        if s.bearer and name.startswith("protected/") and \
                self.headers.get("Authorization") != f"Bearer {s.bearer}":
            s.refused += 1
            body = b"HTTP Basic: Access denied.\n"  # what urs.earthdata.nasa.gov answers without a login
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="Please enter your Earthdata Login credentials"')
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        path = os.path.join(s.data_dir, name)
        if not os.path.isfile(path):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        fails = s.failures.get(u.path)
        tile = (self.headers.get("Range") or "bytes=0-").split("=")[-1].split("-")[0] not in ("", "0")
        # a truncation cuts a tile's bytes (not a HEAD, not the header GDAL reads first)
        kind = fails.pop(0) if fails and (fails[0] != "truncate" or (tile and not head)) else None
        if kind is not None and self._fail(kind):
            return
        size = os.path.getsize(path)
        rng = self.headers.get("Range")
        start, end = 0, size - 1
        code = 200
        if rng and rng.startswith("bytes="):
            first = rng[6:].split(",")[0]
            a, _, b = first.partition("-")
            start = int(a) if a else max(size - int(b), 0)
            end = min(int(b), size - 1) if (a and b) else size - 1
            code = 206
        length = end - start + 1
        self.send_response(code)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Type", "image/tiff")
        self.send_header("Content-Length", str(length))
        if code == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.end_headers()
        if head:
            return
        with open(path, "rb") as fh:
            fh.seek(start)
            body = fh.read(length)
        if kind == "truncate":
            body = body[: max(len(body) // 2, 1)]
            self.close_connection = True
        try:
            self.wfile.write(body)
            s.bytes_sent[u.path] += len(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
