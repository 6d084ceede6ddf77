"""workbook.wire: `exchange` shows what `requests` sent and received; `raw_request` sends exact bytes."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from workbook import exchange, raw_request


class Redirecting(BaseHTTPRequestHandler):
    """/old answers 301 to /new; /new answers 200 "new"."""

    def do_GET(self) -> None:
        if self.path == "/old":
            self.send_response(301)
            self.send_header("Location", "/new")
            self.send_header("Content-Length", "0")
        else:
            self.send_response(200)
            self.send_header("Content-Length", "3")
        self.end_headers()
        if self.path != "/old":
            self.wfile.write(b"new")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_exchange_does_not_follow_a_redirect_by_default(url):
    shown = exchange("GET", url + "/old")
    assert shown.response.status_code == 301
    assert str(shown).splitlines()[0] == "> GET /old HTTP/1.1"


def test_exchange_follows_a_redirect_when_asked_and_shows_the_last_request(url):
    shown = exchange("GET", url + "/old", allow_redirects=True)
    assert (shown.response.status_code, shown.response.text) == (200, "new")
    assert [r.status_code for r in shown.response.history] == [301]
    assert str(shown).splitlines()[0] == "> GET /new HTTP/1.1"


def test_raw_request_shows_escaped_bytes_and_the_parsed_status(url):
    raw = raw_request(url, b"GET /new HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert (raw.status, raw.body) == (200, b"new")
    assert str(raw).splitlines()[0] == "> GET /new HTTP/1.1\\r\\n"
