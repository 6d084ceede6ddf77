"""hidden_behaviour: a small users API that does more than its documentation says (lesson 06).

    python3 servers/python/hidden_behaviour.py [PORT]

Its documentation, all of it:

    POST /users  {"email": ..., "name": ...}  201, Location: /users/{id}, the user
    GET  /users/{id}                          200, the user; 404 {"error": "user not found"}
    GET  /users                               200, {"users": [...]}, oldest first
    any other path 404, any other method 405 with Allow; errors are {"error": "<message>"}

What it also does, written nowhere but here (each marked HIDDEN below):

    1. A missing name is filled in from the email ("grace@example.com" becomes "grace"), and
       fields it does not know are dropped: a typo such as "nmae" is never reported.
    2. The list holds the first 10 users only, and nothing in the answer says that more exist.
    3. A client whose User-Agent contains "Mobile" gets the users without their email, and no
       Vary header tells a cache that the answer depends on the User-Agent.

servers/python/explicit_behaviour.py is the same server with each of these made explicit.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

# ---- Constants ----------------------------------------------------------------------------

HOST = "127.0.0.1"
MAX_BODY_BYTES = 16384
EMAIL_PATTERN = re.compile(r"^[^@ \t\r\n]+@[^@ \t\r\n]+$")
FIELDS = ("id", "email", "name")
MAX_LISTED = 10  # HIDDEN: the list stops here, and the documentation never says so

Response = tuple[int, dict[str, str], Any]  # status, extra headers, JSON body


class ApiError(Exception):
    """An answer the client caused: its status and the message of its JSON body."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# ---- Store --------------------------------------------------------------------------------

LOCK = threading.Lock()  # one thread per connection: one lock around the list
USERS: list[dict[str, str]] = []  # in creation order, so ids ascend


# ---- Validation ---------------------------------------------------------------------------


def parse_user(body: bytes) -> dict[str, str]:
    """The email and name of a POST body, or a 400 that says what to fix."""
    try:
        fields = json.loads(body.decode("utf-8"))
    except ValueError:
        raise ApiError(400, "body is not valid JSON") from None
    if not isinstance(fields, dict):
        raise ApiError(400, "body must be a JSON object")
    # HIDDEN: fields other than email and name are dropped without a word, typos included.
    if "email" not in fields:
        raise ApiError(400, "email is required")
    if not isinstance(fields["email"], str):
        raise ApiError(400, "email must be a string")
    if "name" not in fields:
        # HIDDEN: a guess instead of an error; the client believes it sent a name.
        fields["name"] = fields["email"].partition("@")[0]
    if not isinstance(fields["name"], str):
        raise ApiError(400, "name must be a string")
    if not EMAIL_PATTERN.fullmatch(fields["email"]):
        raise ApiError(400, "email must look like name@example.com")
    if not 1 <= len(fields["name"]) <= 100:
        raise ApiError(400, "name must be 1 to 100 characters")
    return {"email": fields["email"], "name": fields["name"]}


def wants_short_form(request: BaseHTTPRequestHandler) -> bool:
    """HIDDEN: the answer depends on a request header that no documentation mentions."""
    return "Mobile" in request.headers.get("User-Agent", "")


# ---- Handlers -----------------------------------------------------------------------------


def create_user(request: BaseHTTPRequestHandler, path: str) -> Response:
    fields = parse_user(request.read_body())
    with LOCK:
        user = {"id": str(len(USERS) + 1), "email": fields["email"], "name": fields["name"]}
        USERS.append(user)
    return 201, {"Location": f"/users/{user['id']}"}, user


def get_user(request: BaseHTTPRequestHandler, path: str) -> Response:
    user_id = path.removeprefix("/users/")
    with LOCK:
        found = [user for user in USERS if user["id"] == user_id]
    if not found:
        raise ApiError(404, "user not found")
    return 200, {}, found[0]


def list_users(request: BaseHTTPRequestHandler, path: str) -> Response:
    fields = ["id", "name"] if wants_short_form(request) else list(FIELDS)
    with LOCK:
        # HIDDEN: the first MAX_LISTED users only; the answer looks the same whether or not more
        # exist, so a client cannot tell "10 users" from "the first 10 of many".
        listed = USERS[:MAX_LISTED]
    # HIDDEN: no "Vary: User-Agent", so a shared cache stores one form under the URL and hands it
    # to every client, mobile or not.
    return 200, {}, {"users": [{field: user[field] for field in fields} for user in listed]}


# ---- Routing ------------------------------------------------------------------------------


def route(method: str, path: str) -> Callable[[BaseHTTPRequestHandler, str], Response]:
    """The handler for a request: the path decides 404, then the method decides 405."""
    if path == "/users":
        handlers, allow = {"GET": list_users, "POST": create_user}, "GET, POST"
    elif re.fullmatch(r"/users/[^/]+", path):
        handlers, allow = {"GET": get_user}, "GET"
    else:
        raise ApiError(404, "not found")
    if method not in handlers:
        raise ApiError(405, "method not allowed", {"Allow": allow})
    return handlers[method]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the users servers
    timeout = 10  # seconds a socket may stay silent before its connection is closed

    def __getattr__(self, name: str) -> Callable[[], None]:
        if name.startswith("do_"):  # every method to dispatch(), which picks 405 or a handler
            return self.dispatch
        raise AttributeError(name)

    def dispatch(self) -> None:
        path = self.requestline.split()[1].partition("?")[0]
        try:
            status, headers, body = route(self.command, path)(self, path)
        except ApiError as error:
            status, headers, body = error.status, error.headers, {"error": error.message}
        if "Content-Length" in self.headers and not getattr(self, "body_read", False):
            headers = {**headers, "Connection": "close"}  # an unread body must not pass for a request
        self.send_json(status, headers, body)

    def read_body(self) -> bytes:
        length = self.headers.get("Content-Length", "")
        if not (length.isascii() and length.isdigit()):
            raise ApiError(411, "Content-Length is required")
        if int(length) > MAX_BODY_BYTES:
            raise ApiError(413, f"body must be at most {MAX_BODY_BYTES} bytes")
        if self.headers.get("Content-Type", "").split(";")[0].strip().lower() != "application/json":
            raise ApiError(415, "Content-Type must be application/json")
        self.body_read = True
        return self.rfile.read(int(length))

    def send_json(self, status: int, headers: dict[str, str], body: Any) -> None:
        data = (json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":  # a HEAD answer has headers only (here always a 405)
            self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing per request, like the other servers."""


# ---- Start-up -----------------------------------------------------------------------------


def stop(signum: int, frame: Any) -> None:
    raise SystemExit(0)  # leaves serve_forever(); `with server` closes the socket


def main() -> None:
    port = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORT") or "0")
    # Installed before the readiness line: a launcher may send SIGTERM as soon as it reads it.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with ThreadingHTTPServer((HOST, port), Handler) as server:
        print(f"listening on http://{HOST}:{server.server_port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
