"""Exercise 06: POST /users says exactly what it did, and exactly what was wrong.

    python3 exercises/06_explicit_create/python/server.py [PORT]

POST /users creates a user from whatever it gets, answers 200 and an id, and never says no.
Make every outcome explicit the way the README asks, then `make check EX=06 IN=python`.
"""

import json
import os
import re
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# ---- Constants ----------------------------------------------------------------------------

HOST = "127.0.0.1"
MAX_BODY_BYTES = 16384
MAX_EMAIL = 254
MAX_NAME = 100
EMAIL_PATTERN = re.compile(r"^[^@ \t\r\n]+@[^@ \t\r\n]+$")
ALLOW_COLLECTION = "POST"
ALLOW_ITEM = "GET, HEAD"

User = dict[str, str]  # {"id": ..., "email": ..., "name": ...}, keys in this order
Response = tuple[int, dict[str, str], Any]  # status, extra headers, JSON body (None: no body)

# ---- Errors -------------------------------------------------------------------------------


class ApiError(Exception):
    """An answer the client caused: its status, the message of its JSON body, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# ---- Store --------------------------------------------------------------------------------


class MemoryStore:
    """The users, in memory, in creation order."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # ThreadingHTTPServer runs each request in a thread of its own
        self.users: dict[str, User] = {}
        self.last_id = 0

    def create(self, email: str, name: str) -> User:
        # TODO 8: one user per email: a second one is 409 {"error": "email is already in use"}.
        with self.lock:
            self.last_id += 1
            user = {"id": str(self.last_id), "email": email, "name": name}
            self.users[user["id"]] = user
            return user

    def get(self, user_id: str) -> User | None:
        with self.lock:
            return self.users.get(user_id)


store = MemoryStore()

# ---- Validation ---------------------------------------------------------------------------


def read_body(request: BaseHTTPRequestHandler) -> bytes:
    """The request body, read exactly to its Content-Length."""
    length = request.headers.get("Content-Length", "")
    if not length.isdigit():
        raise ApiError(411, "Content-Length is required")
    if int(length) > MAX_BODY_BYTES:
        raise ApiError(413, f"body must be at most {MAX_BODY_BYTES} bytes")
    request.body_read = True
    return request.rfile.read(int(length))


# TODO 3: check_content_type(request, allowed): a Content-Type other than application/json is
#         415 {"error": "Content-Type must be application/json"}.


def parse_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; anything else counts as an empty one."""
    # TODO 4: a body that is not JSON, or JSON but not an object, is the client's mistake: 400,
    #         with a message that says which of the two.
    try:
        value = json.loads(body.decode("utf-8"))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def validate_user(fields: dict[str, Any]) -> dict[str, str]:
    """The email and name of a POST body; whatever is not a string becomes an empty one."""
    # TODO 5: a missing field, or one that is not a string: 400, each with its own message.
    # TODO 6: an email or a name out of bounds: 400, each with its own message.
    # TODO 7: a field the API does not define (`id`, or a typo such as `nmae`): 400.
    # The messages, word for word, and their order: servers/README.md.
    email, name = fields.get("email"), fields.get("name")
    return {"email": email if isinstance(email, str) else "",
            "name": name if isinstance(name, str) else ""}


# ---- Handlers -----------------------------------------------------------------------------


def create_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    body = read_body(request)
    # TODO 3: the Content-Type (415), before the body is parsed.
    fields = validate_user(parse_object(body))
    user = store.create(fields["email"], fields["name"])
    # TODO 1: 201 Created, and Location: /users/{id} says where the new user is.
    # TODO 2: the body is the user as stored, all of it.
    return 200, {}, {"id": user["id"]}


def get_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    user = store.get(user_id)
    if user is None:
        # The path names no user: 404, with a message that says which kind of thing is missing.
        raise ApiError(404, "user not found")
    return 200, {}, user


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON and a newline, non-ASCII characters as they are."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


# ---- Routing ------------------------------------------------------------------------------

Handler = Callable[[BaseHTTPRequestHandler, str], Response]
COLLECTION_HANDLERS: dict[str, Handler] = {"POST": create_user}
ITEM_HANDLERS: dict[str, Handler] = {"GET": get_user, "HEAD": get_user}


def route(method: str, path: str) -> tuple[Handler, str]:
    """The handler for a request and the user id in its path: the path decides 404, then 405."""
    segments = path.split("/")
    if path == "/users":
        handlers, allow, user_id = COLLECTION_HANDLERS, ALLOW_COLLECTION, ""
    elif len(segments) == 3 and segments[1] == "users" and segments[2]:
        # One URL per user: /users/{id}. The method, not the URL, says what to do with it.
        handlers, allow, user_id = ITEM_HANDLERS, ALLOW_ITEM, segments[2]
    else:
        raise ApiError(404, "not found")
    if method not in handlers:
        raise ApiError(405, "method not allowed", {"Allow": allow})
    return handlers[method], user_id


class UsersHandler(BaseHTTPRequestHandler):
    """Turns each request into one call to route() and one JSON response."""

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
            handler, user_id = route(self.command, self.path.partition("?")[0])
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


def main() -> None:
    port = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORT", "0"))
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with ThreadingHTTPServer((HOST, port), UsersHandler) as server:
        print(f"listening on http://{HOST}:{server.server_port}", flush=True)
        server.serve_forever()


if __name__ == "__main__":
    main()
