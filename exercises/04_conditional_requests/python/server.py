"""Exercise 04: one note, /note, that a client can revalidate and update without losing changes.

    python3 exercises/04_conditional_requests/python/server.py [PORT]

GET, HEAD and PUT /note already work, unconditionally. Give the note an ETag and honour
If-None-Match (304) and If-Match (412) the way the README asks, then
`make check EX=04 IN=python`.
"""

import threading
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

# 127.0.0.1, the port, the readiness line, SIGTERM: exercise 01's launch contract, in launch.py
# (shared by the exercises; no need to open it).
from launch import serve

ALLOW = "GET, HEAD, PUT"
MAX_NOTE_BYTES = 1000

# The resource's state. `version` goes up by one on every change, so it names the state the
# note is in: the ETag can be made from it (TODO 1).
note = b"Water the plants.\n"
version = 1
note_lock = threading.Lock()  # serve() runs each connection in a thread of its own


class Note(BaseHTTPRequestHandler):
    def route(self) -> None:
        """Every method comes here: path first (404), then method (405)."""
        if urlsplit(self.path).path != "/note":
            self.send_text(404, b"not found\n")
        elif self.command in ("GET", "HEAD"):
            self.get_note()
        elif self.command == "PUT":
            self.put_note()
        else:
            self.send_text(405, b"method not allowed\n", {"Allow": ALLOW})

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = do_PATCH = do_OPTIONS = route

    def get_note(self) -> None:
        with note_lock:
            body = note
        # TODO 1: send an ETag that names this version of the note.
        # TODO 2: If-None-Match naming the current ETag: 304 Not Modified, the ETag, no body.
        # TODO 3: If-None-Match compares weakly (W/"x" names "x"), and may be a list or *.
        self.send_text(200, body)

    def put_note(self) -> None:
        """PUT: the request body is the new note, all of it."""
        global note, version
        length = self.headers.get("Content-Length", "")
        if not length.isdigit():
            self.send_text(411, b"Content-Length is required\n")
            return
        if int(length) > MAX_NOTE_BYTES:
            self.send_text(413, b"a note is at most 1000 bytes\n")
            self.close_connection = True  # the body was not read: the connection is unusable
            return
        body = self.rfile.read(int(length))
        with note_lock:
            # TODO 5: If-Match that does not name the current ETag: 412, and change nothing.
            note, version = body, version + 1
        # TODO 4: tell the client the ETag of the version it just wrote.
        self.send_response(204)
        self.end_headers()

    def send_text(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        """A text/plain response with its Content-Length and any extra headers."""
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":  # HEAD: GET's headers, no body
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Log nothing per request."""


if __name__ == "__main__":
    serve(Note)
