"""Exercise 03: one resource, /greeting, that answers each method the way HTTP says.

    python3 exercises/03_respect_methods/python/server.py [PORT]

GET /greeting answers the greeting, and so does every other path. Make it answer HEAD, PUT, a
method it does not support and a path that does not exist the way the README asks, then
`make check EX=03 IN=python`.
"""

import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

# 127.0.0.1, the port, the readiness line, SIGTERM: exercise 01's launch contract, in launch.py
# (shared by the exercises; no need to open it).
from launch import serve

ALLOW = "GET, HEAD, PUT"  # the methods /greeting supports (TODO 5)
MAX_GREETING_BYTES = 1000

# The resource's state: PUT replaces it (TODO 4).
greeting = b"Hello, World!\n"
greeting_lock = threading.Lock()  # serve() runs each connection in a thread of its own


class Greeting(BaseHTTPRequestHandler):
    # http.server calls do_<METHOD>; for a method without one it answers 501 Not Implemented.
    def do_GET(self) -> None:
        # TODO 1: only /greeting exists: every other path answers 404, whatever the method.
        # TODO 2: the query string (?lang=en) is not part of the path.
        with greeting_lock:
            body = greeting
        self.send_text(200, body)

    # TODO 3: HEAD /greeting: GET's status and headers, Content-Length included, and no body.
    # TODO 4: PUT /greeting: the request body becomes the greeting; answer 204 No Content.
    # TODO 5: POST, DELETE, PATCH /greeting: 405 Method Not Allowed, with an Allow header.

    def send_text(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        """A text/plain response with its Content-Length and any extra headers."""
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    serve(Greeting)
