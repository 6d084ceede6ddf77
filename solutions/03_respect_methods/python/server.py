# BEGIN SOLUTION
"""Exercise 03, solved: one resource, /greeting, that answers each method the way HTTP says.

    python3 solutions/03_respect_methods/python/server.py [PORT]

Routing goes path first, then method, as for every resource: a path that names nothing is 404
whatever the method (there is nothing to allow), a method the resource does not support is 405
with the list of those it does.
"""
# STARTER
# | """Exercise 03: one resource, /greeting, that answers each method the way HTTP says.
# |
# |     python3 exercises/03_respect_methods/python/server.py [PORT]
# |
# | GET /greeting answers the greeting, and so does every other path. Make it answer HEAD, PUT, a
# | method it does not support and a path that does not exist the way the README asks, then
# | `make check EX=03 IN=python`.
# | """
# END SOLUTION

import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

# 127.0.0.1, the port, the readiness line, SIGTERM: exercise 01's launch contract, in launch.py
# (shared by the exercises; no need to open it).
from launch import serve

# BEGIN SOLUTION
ALLOW = "GET, HEAD, PUT"  # the methods /greeting supports: what a 405 must list in Allow
# STARTER
# | ALLOW = "GET, HEAD, PUT"  # the methods /greeting supports (TODO 5)
# END SOLUTION
MAX_GREETING_BYTES = 1000

# BEGIN SOLUTION
# The resource's state: PUT replaces it.
# STARTER
# | # The resource's state: PUT replaces it (TODO 4).
# END SOLUTION
greeting = b"Hello, World!\n"
greeting_lock = threading.Lock()  # serve() runs each connection in a thread of its own


class Greeting(BaseHTTPRequestHandler):
    # BEGIN SOLUTION
    def route(self) -> None:
        """Every method comes here: path first (404), then method (405)."""
        # The request target is path?query; the query is input to the resource, not part of its
        # name, so /greeting?lang=en is still /greeting.
        if urlsplit(self.path).path != "/greeting":
            self.send_text(404, b"not found\n")
        elif self.command in ("GET", "HEAD"):
            with greeting_lock:
                body = greeting
            self.send_text(200, body)
        elif self.command == "PUT":
            self.put_greeting()
        else:
            # 405, not 404: the resource exists. Allow tells the client what it can do instead.
            self.send_text(405, b"method not allowed\n", {"Allow": ALLOW})

    # http.server calls do_<METHOD>; without one it answers 501 Not Implemented, which is for
    # methods the server does not know at all. These it knows, so they all go to route().
    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = do_PATCH = do_OPTIONS = route

    def put_greeting(self) -> None:
        """PUT: the request body is the new state of the resource, all of it."""
        global greeting
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            self.send_text(411, b"Content-Length is required\n")
            return
        if int(length) > MAX_GREETING_BYTES:
            self.send_text(413, b"a greeting is at most 1000 bytes\n")
            self.close_connection = True  # we did not read the body, so the connection is unusable
            return
        body = self.rfile.read(int(length))
    # STARTER
    # |     # http.server calls do_<METHOD>; for a method without one it answers 501 Not Implemented.
    # |     def do_GET(self) -> None:
    # |         # TODO 1: only /greeting exists: every other path answers 404, whatever the method.
    # |         # TODO 2: the query string (?lang=en) is not part of the path.
    # END SOLUTION
        with greeting_lock:
            # BEGIN SOLUTION
            greeting = body
        # 204: done, and nothing to send back; a 204 has no body, so no Content-Length either.
        self.send_response(204)
        self.end_headers()
            # STARTER
            # |             body = greeting
            # |         self.send_text(200, body)
            # |
            # |     # TODO 3: HEAD /greeting: GET's status and headers, Content-Length included, and no body.
            # |     # TODO 4: PUT /greeting: the request body becomes the greeting; answer 204 No Content.
            # |     # TODO 5: POST, DELETE, PATCH /greeting: 405 Method Not Allowed, with an Allow header.
            # END SOLUTION

    def send_text(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        """A text/plain response with its Content-Length and any extra headers."""
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        # BEGIN SOLUTION
        # For HEAD too: Content-Length says how long the GET body would be.
        # END SOLUTION
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        # BEGIN SOLUTION
        # HEAD is GET without the body. http.server writes whatever we write, so we hold it back
        # here (Node and Go drop a HEAD body themselves).
        if self.command != "HEAD":
            self.wfile.write(body)
        # STARTER
        # |         self.wfile.write(body)
        # END SOLUTION


if __name__ == "__main__":
    serve(Greeting)
