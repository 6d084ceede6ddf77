"""explicit_behaviour: hidden_behaviour.py with everything it does written in its contract (lesson 06).

    python3 servers/python/explicit_behaviour.py [PORT]

The contract, all of it:

    POST /users  {"email": ..., "name": ...}  201, Location: /users/{id}, the user
                 both fields required, no other field; else 400 {"error": "<what to fix>"}
    GET  /users/{id}                          200, the user; 404 {"error": "user not found"}
    GET  /users?limit=N&cursor=C&fields=F     200, {"users": [...], "next_cursor": "<id>" or null}
                 oldest first; limit 1 to 100, default 10; when more users follow, next_cursor and
                 a Link rel="next" say where; fields is a comma-separated subset of id,email,name
                 (default all three): the short form, asked for in the URL
    any other path 404, any other method 405 with Allow; errors are {"error": "<message>"}

Compare it with servers/python/hidden_behaviour.py line by line: each difference is marked EXPLICIT
here and HIDDEN there.
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
from urllib.parse import parse_qs

# ---- Constants ----------------------------------------------------------------------------

HOST = "127.0.0.1"
MAX_BODY_BYTES = 16384
EMAIL_PATTERN = re.compile(r"^[^@ \t\r\n]+@[^@ \t\r\n]+$")
FIELDS = ("id", "email", "name")
DEFAULT_LIMIT = 10  # EXPLICIT: the same page size as hidden_behaviour, but in the contract

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
    # EXPLICIT: a field the server does not know is an error, so a typo ("nmae") is caught at
    # once instead of being dropped without a word.
    unknown = sorted(set(fields) - {"email", "name"})
    if unknown:
        raise ApiError(400, f"unknown field: {unknown[0]}")
    for field in ("email", "name"):
        # EXPLICIT: a missing field is the client's to fix (400), not the server's to guess.
        if field not in fields:
            raise ApiError(400, f"{field} is required")
        if not isinstance(fields[field], str):
            raise ApiError(400, f"{field} must be a string")
    if not EMAIL_PATTERN.fullmatch(fields["email"]):
        raise ApiError(400, "email must look like name@example.com")
    if not 1 <= len(fields["name"]) <= 100:
        raise ApiError(400, "name must be 1 to 100 characters")
    return {"email": fields["email"], "name": fields["name"]}


def query_value(query: dict[str, list[str]], name: str, default: str) -> str:
    return query.get(name, [default])[0]


def parse_page(query: dict[str, list[str]]) -> tuple[int, int]:
    """EXPLICIT: the page size and where the page starts are parameters of the request."""
    limit, cursor = query_value(query, "limit", str(DEFAULT_LIMIT)), query_value(query, "cursor", "0")
    if not (limit.isascii() and limit.isdigit()) or not 1 <= int(limit) <= 100:
        raise ApiError(400, "limit must be an integer from 1 to 100")
    if not (cursor.isascii() and cursor.isdigit()):
        raise ApiError(400, "cursor is not valid")
    return int(limit), int(cursor)


def parse_fields(query: dict[str, list[str]]) -> list[str]:
    """EXPLICIT: the short form is asked for in the URL, so each form has a URL of its own."""
    fields = query_value(query, "fields", ",".join(FIELDS)).split(",")
    if not fields or any(field not in FIELDS for field in fields):
        raise ApiError(400, "fields must be a comma-separated list of id, email, name")
    return [field for field in FIELDS if field in fields]  # always in the order id, email, name


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
    query = parse_qs(request.requestline.split()[1].partition("?")[2])
    limit, cursor = parse_page(query)
    fields = parse_fields(query)
    with LOCK:
        after = [user for user in USERS if int(user["id"]) > cursor]
    page = [{field: user[field] for field in fields} for user in after[:limit]]
    # EXPLICIT: a page that is not the end says so, in the body and in a Link header. And no
    # request header changes this answer, so it needs no Vary; one that did (Accept-Language,
    # say) would be named in a Vary header, so that caches keep one copy per value.
    next_cursor = after[limit - 1]["id"] if len(after) > limit else None
    headers = {}
    if next_cursor:
        headers["Link"] = f'</users?limit={limit}&cursor={next_cursor}>; rel="next"'
    return 200, headers, {"users": page, "next_cursor": next_cursor}


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
