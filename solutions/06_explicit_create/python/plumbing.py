"""The plumbing of exercise 06, which is not what it is about: reading a body and writing
JSON, one JSON response per request, and the launch contract. server.py imports what it needs
from here; you need not open this file (but you may: nothing in it is hidden magic).
"""

import json
import os
import signal
import sys
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOST = "127.0.0.1"
MAX_BODY_BYTES = 16384

Response = tuple[int, dict[str, str], Any]  # status, extra headers, JSON body (None: no body)
Handler = Callable[[BaseHTTPRequestHandler, str], Response]

# ---- Errors -------------------------------------------------------------------------------


class ApiError(Exception):
    """An answer the client caused: its status, the message of its JSON body, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# ---- JSON in ---------------------------------------------------------------------------


def read_body(request: BaseHTTPRequestHandler) -> bytes:
    """The request body, read exactly to its Content-Length."""
    length = request.headers.get("Content-Length", "")
    if not length.isdigit():
        raise ApiError(411, "Content-Length is required")
    if int(length) > MAX_BODY_BYTES:
        raise ApiError(413, f"body must be at most {MAX_BODY_BYTES} bytes")
    request.body_read = True
    return request.rfile.read(int(length))


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON and a newline, non-ASCII characters as they are."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


# ---- One JSON response per request ---------------------------------------------------------


class UsersHandler(BaseHTTPRequestHandler):
    """Turns each request into one call to route() and one JSON response."""

    # A silent connection is closed after 10 s, as Go and Node do: a slow client cannot hold a thread.
    timeout = 10

    route: Callable[[str, str], tuple[Handler, str]]  # set by serve()

    protocol_version = "HTTP/1.1"  # keep-alive, as clients expect
    disable_nagle_algorithm = True  # headers and body leave in two writes: send both at once

    def __getattr__(self, name: str) -> Callable[[], None]:
        # http.server calls do_<METHOD>: send every method to dispatch(), so route() decides.
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def dispatch(self) -> None:
        self.body_read = False  # read_body() sets it
        try:
            handler, user_id = self.route(self.command, self.path.partition("?")[0])
            status, headers, body = handler(self, user_id)
        except ApiError as error:
            status, headers, body = error.status, error.headers, {"error": error.message}
        except Exception:  # a bug, not the client's fault: say so, and keep serving the others
            traceback.print_exc()  # to stderr, where the launcher shows it
            status, headers, body = 500, {}, {"error": "internal server error"}
        if not self.body_read and self.headers.get("Content-Length", "0") != "0":
            # The unread body is still in the socket, where it would pass for the next request:
            # close the connection after this answer (Node and Go skip such a body for us).
            headers = {**headers, "Connection": "close"}
        self.send_json(status, headers, body)

    def send_json(self, status: int, headers: dict[str, str], body: Any) -> None:
        """One response: compact JSON and a newline; HEAD gets GET's headers and no body."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        data = b"" if body is None else encode_json(body)
        if body is not None:  # 204 has neither a body nor a Content-Length
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing per request."""


# ---- Start-up -----------------------------------------------------------------------------


def stop(signum: int, frame: Any) -> None:
    raise SystemExit(0)  # leaves serve_forever(); `with server` closes the socket


def serve(route: Callable[[str, str], tuple[Handler, str]]) -> None:
    """Serve the users API whose requests `route` dispatches, following the launch contract."""
    port = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORT", "0"))
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    handler = type("Handler", (UsersHandler,), {"route": staticmethod(route)})
    with ThreadingHTTPServer((HOST, port), handler) as server:
        print(f"listening on http://{HOST}:{server.server_port}", flush=True)
        server.serve_forever()
