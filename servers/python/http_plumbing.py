"""http_plumbing: the http.server plumbing every Python demo server shares, so that each demo's file
holds only what its lesson is about.

    class Handler(DemoRequestHandler): ...     answer with self.send_json(status, headers, body)
    run(Handler)                               the launch contract of servers/README.md

users.py does not use it: it is the reference the Node and Go `users` servers mirror section by
section, so it carries its own (stricter) plumbing in the same place as they do.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

# 127.0.0.1, not 0.0.0.0: only programs on this machine can reach a lesson's server.
HOST = "127.0.0.1"
MAX_BODY_BYTES = 16384


class ApiError(Exception):
    """An answer the client caused: its status, the message of its JSON body, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON and a newline, as every workbook server writes it."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


Response = tuple[int, dict[str, str], Any]  # status, extra headers, JSON body (None: no body)
Handler = Callable[["DemoRequestHandler", str], Response]  # (request, path) -> response


def route(routes: dict[str, dict[str, Handler]], method: str, path: str) -> Handler:
    """The handler for a request: the path decides 404, then the method decides 405 (with Allow)."""
    for pattern, handlers in routes.items():
        if re.fullmatch(pattern, path):
            if method not in handlers:
                raise ApiError(405, "method not allowed", {"Allow": ", ".join(handlers)})
            return handlers[method]
    raise ApiError(404, "not found")


class DemoRequestHandler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1, a silence limit, no log line per request, and one way to answer.

    A subclass either names its routes (path pattern -> method -> handler(request, path)), and
    every request goes through route(), or defines do_GET and the like itself."""

    protocol_version = "HTTP/1.1"  # keep-alive, as Node and Go do by default
    timeout = 10  # seconds a socket may stay silent before its connection is closed
    body_read = False
    routes: ClassVar[dict[str, dict[str, Handler]]] = {}

    def __getattr__(self, name: str) -> Callable[[], None]:
        # http.server calls do_<METHOD> and answers HTML 501 when it is missing: with routes,
        # every method, known or not, goes to dispatch(), which chooses between 405 and a handler.
        if name.startswith("do_") and self.routes:
            return self.dispatch
        raise AttributeError(name)

    def dispatch(self) -> None:
        # self.requestline, not self.path, which http.server has rewritten from //x to /x.
        path = self.requestline.split()[1].partition("?")[0]
        try:
            status, headers, body = route(self.routes, self.command, path)(self, path)
        except ApiError as error:
            status, headers, body = error.status, error.headers, {"error": error.message}
        self.send_json(status, headers, body)

    def read_body(self) -> bytes:
        """The body by its Content-Length (none: empty); 413 over MAX_BODY_BYTES."""
        length = self.headers.get("Content-Length", "0").strip()
        if not (length.isascii() and length.isdigit()):
            raise ApiError(400, "Content-Length is not valid", {"Connection": "close"})
        if int(length) > MAX_BODY_BYTES:
            raise ApiError(413, f"body must be at most {MAX_BODY_BYTES} bytes", {"Connection": "close"})
        self.body_read = True
        return self.rfile.read(int(length))

    def send_json(self, status: int, headers: dict[str, str], body: Any) -> None:
        """Answer with body as JSON (None: no body); HEAD gets the headers only."""
        self.send_body(status, headers, "application/json", b"" if body is None else encode_json(body))

    def send_text(self, status: int, content_type: str, text: str) -> None:
        self.send_body(status, {}, content_type, text.encode())

    def send_body(self, status: int, headers: dict[str, str], content_type: str, data: bytes) -> None:
        # A request body nobody read is still in the socket, where it would pass for the next
        # request on this connection: close the connection instead.
        if not self.body_read and (self.headers.get("Content-Length", "0").strip() != "0"
                                   or "Transfer-Encoding" in self.headers):
            headers = {**headers, "Connection": "close"}
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)  # "Connection: close" also ends the connection
        if data:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        self.body_read = False  # the next request on this connection starts unread

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing per request, like the Node and Go servers."""


def stop(signum: int, frame: Any) -> None:
    raise SystemExit(0)  # leaves serve_forever(); `with server` closes the socket


def run(handler: type[BaseHTTPRequestHandler]) -> None:
    """The launch contract: the port from the first argument, else $PORT, else 0 (any free port);
    one readiness line; exit 0 on SIGTERM or SIGINT."""
    text = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORT") or "0"
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        sys.exit(f"the port must be a number from 0 (any free port) to 65535, not {text!r}")
    # SIGTERM (what process managers send) stops the server the way Ctrl-C does. Installed before
    # listening: a launcher may send it the moment it reads the readiness line.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with ThreadingHTTPServer((HOST, int(text)), handler) as server:
        # Exactly one readiness line: a launcher waits for it and reads the real port from it.
        print(f"listening on http://{HOST}:{server.server_port}", flush=True)
        server.serve_forever()
