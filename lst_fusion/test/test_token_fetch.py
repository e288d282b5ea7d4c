"""The token endpoint fetch (core.data.stac._get_json, the plugin's one urllib request): http(s) only, also after a
redirect, and a real timeout; against a server on 127.0.0.1 (no network, no data needed)."""
import http.server
import json
import socket
import threading
import time

import pytest

from lst_fusion.core.data import stac
from lst_fusion.core.platform.errors import LstFusionError


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802
        if self.path == "/token/ok":
            body = json.dumps({"token": "se=2030&sig=abc"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/token/to-"):  # a redirect to another scheme
            self.send_response(302)
            self.send_header("Location", self.path[len("/token/to-"):].replace("|", "/"))
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_token_is_fetched(server):
    assert stac._get_json(server + "/token/ok", 5, 0, 0.01, "TOKEN_URL") == {"token": "se=2030&sig=abc"}
    assert stac.Signer(server + "/token/", timeout=5, retries=0).token("ok") == "se=2030&sig=abc"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/token", "data:,{}", "/etc/passwd",
                                 "FILE:///etc/hostname"])
def test_other_schemes_are_refused_before_anything_is_opened(url):
    with pytest.raises(LstFusionError) as err:
        stac._get_json(url, 5, 3, 0.01, "TOKEN_URL")
    assert str(err.value) == f"TOKEN_URL: {url!r} is not an http(s) address and is not opened"


@pytest.mark.parametrize("target, why", [("file:|||etc|passwd", "answered HTTP 302"),
                                         ("data:,%7B%22token%22%3A%22x%22%7D", "answered HTTP 302"),
                                         ("ftp:||127.0.0.1|x", "(unknown url type: ftp)")])
def test_a_redirect_to_another_scheme_is_not_followed(server, target, why):
    """urllib's redirect handler refuses file: and data:; ftp: it follows, and urlopen would connect (it has an FTP
    handler); this opener has none. Each ends as one sentence, nothing opened."""
    with pytest.raises(LstFusionError) as err:
        stac._get_json(f"{server}/token/to-{target}", 5, 0, 0.01, "TOKEN_URL")
    assert str(err.value).startswith("TOKEN_URL: ") and why in str(err.value), str(err.value)


def test_a_redirect_within_http_is_followed(server):
    assert stac._get_json(f"{server}/token/to-|token|ok", 5, 0, 0.01, "TOKEN_URL") == {"token": "se=2030&sig=abc"}


@pytest.mark.parametrize("timeout", [0, -1, None, float("inf"), float("nan"), "30"])
def test_a_timeout_must_be_a_positive_number(timeout):
    with pytest.raises(LstFusionError) as err:
        stac._get_json("http://127.0.0.1:9/token", timeout, 0, 0.01, "TOKEN_URL")
    assert str(err.value) == f"TIMEOUT: must be a positive number of seconds, not {timeout!r}"


def test_a_silent_endpoint_ends_after_the_timeout():
    """A server that accepts the connection and never answers: each try ends after ``timeout``, then one sentence."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)  # accepted by the kernel, never read or answered
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/token/x"
        t0 = time.monotonic()
        with pytest.raises(LstFusionError, match=r"^TOKEN_URL: "):
            stac._get_json(url, 0.5, 1, 0.01, "TOKEN_URL")
        elapsed = time.monotonic() - t0
    finally:
        sock.close()
    assert 0.9 < elapsed < 10, elapsed  # two tries of 0.5 s each, not a wait for ever
