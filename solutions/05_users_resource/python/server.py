# BEGIN SOLUTION
"""Exercise 05, solved: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.

    python3 solutions/05_users_resource/python/server.py [PORT]

The URL names the user, the method says what to do with it: GET reads it, PATCH changes the
fields the body names (JSON Merge Patch, RFC 7396), DELETE removes it. The status code says what
happened, in words every HTTP client already knows: 200, 204, 404, 400, 415.
"""
# STARTER
# | """Exercise 05: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.
# |
# |     python3 exercises/05_users_resource/python/server.py [PORT]
# |
# | POST /users already creates users, and the store already keeps them. Give each user its URL,
# | /users/{id}, and answer GET, PATCH and DELETE on it the way the README asks, then
# | `make check EX=05 IN=python`.
# | """
# END SOLUTION

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
ALLOW_ITEM = "GET, HEAD, PATCH, DELETE"

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
    """The users, in memory, in creation order; one user per email."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # ThreadingHTTPServer runs each request in a thread of its own
        self.users: dict[str, User] = {}
        self.emails: dict[str, str] = {}  # email -> id of the user who has it
        self.last_id = 0

    def create(self, email: str, name: str) -> User:
        with self.lock:
            if email in self.emails:
                raise ApiError(409, "email is already in use")
            self.last_id += 1
            user = {"id": str(self.last_id), "email": email, "name": name}
            self.users[user["id"]] = user
            self.emails[email] = user["id"]
            return user

    def get(self, user_id: str) -> User | None:
        with self.lock:
            return self.users.get(user_id)

    def update(self, user_id: str, changes: dict[str, str]) -> User | None:
        """The user with `changes` applied, each field replacing the stored one; None if no user."""
        with self.lock:
            user = self.users.get(user_id)
            if user is None:
                return None
            updated = {**user, **changes}
            if updated["email"] != user["email"]:
                if updated["email"] in self.emails:
                    raise ApiError(409, "email is already in use")
                del self.emails[user["email"]]
                self.emails[updated["email"]] = user_id
            self.users[user_id] = updated
            return updated

    def delete(self, user_id: str) -> bool:
        """Remove the user; False if there was none."""
        with self.lock:
            user = self.users.pop(user_id, None)
            if user is None:
                return False
            del self.emails[user["email"]]
            return True


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


def check_content_type(request: BaseHTTPRequestHandler, allowed: tuple[str, ...]) -> None:
    # Parameters such as "; charset=utf-8" are allowed, and media types are case-insensitive.
    media_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type not in allowed:
        raise ApiError(415, "Content-Type must be " + " or ".join(allowed))


def parse_object(body: bytes) -> dict[str, Any]:
    try:
        value = json.loads(body.decode("utf-8"))
    except ValueError:  # bad UTF-8 or bad JSON
        raise ApiError(400, "body is not valid JSON") from None
    if not isinstance(value, dict):
        raise ApiError(400, "body must be a JSON object")
    return value


# BEGIN SOLUTION
def validate_user(fields: dict[str, Any], partial: bool) -> dict[str, str]:
    """The checked email and name of a POST body, or of a PATCH body when partial."""
# STARTER
# | def validate_user(fields: dict[str, Any]) -> dict[str, str]:
# |     """The checked email and name of a POST body."""
# |     # TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and
# |     # null is 400 (both fields are required, so neither can be removed). A `partial` flag?
# END SOLUTION
    if "id" in fields:
        raise ApiError(400, "id is assigned by the server")
    unknown = sorted(set(fields) - {"email", "name"})
    if unknown:
        raise ApiError(400, f"unknown field: {unknown[0]}")
    checked = {}
    for field in ("email", "name"):
        # BEGIN SOLUTION
        if partial and field not in fields:
            continue  # JSON Merge Patch: a field left out stays as it is
        # END SOLUTION
        value = fields.get(field)
        # BEGIN SOLUTION
        # Missing on POST, or null on PATCH (which in a merge patch means "remove this field"):
        # both fields are required, so neither can be removed.
        # END SOLUTION
        if value is None:
            raise ApiError(400, f"{field} is required")
        if not isinstance(value, str):
            raise ApiError(400, f"{field} must be a string")
        if field == "email" and len(value) > MAX_EMAIL:
            raise ApiError(400, f"email must be at most {MAX_EMAIL} characters")
        if field == "email" and not EMAIL_PATTERN.fullmatch(value):
            raise ApiError(400, "email must look like name@example.com")
        if field == "name" and not 1 <= len(value) <= MAX_NAME:
            raise ApiError(400, f"name must be 1 to {MAX_NAME} characters")
        checked[field] = value
    return checked


# ---- Handlers -----------------------------------------------------------------------------


def create_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    body = read_body(request)
    check_content_type(request, ("application/json",))
    # BEGIN SOLUTION
    fields = validate_user(parse_object(body), partial=False)
    # STARTER
    # |     fields = validate_user(parse_object(body))
    # END SOLUTION
    user = store.create(fields["email"], fields["name"])
    return 201, {"Location": f"/users/{user['id']}"}, user


# BEGIN SOLUTION
def get_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    user = store.get(user_id)
    if user is None:
        # The path names no user: 404, with a message that says which kind of thing is missing.
        raise ApiError(404, "user not found")
    return 200, {}, user


def update_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    body = read_body(request)
    # application/merge-patch+json names the patch format exactly; plain JSON is accepted too.
    check_content_type(request, ("application/json", "application/merge-patch+json"))
    if store.get(user_id) is None:  # 404 before any complaint about the body
        raise ApiError(404, "user not found")
    changes = validate_user(parse_object(body), partial=True)
    user = store.update(user_id, changes)
    if user is None:  # deleted by another request in between
        raise ApiError(404, "user not found")
    return 200, {}, user  # the whole user as it is now: the client needs no second GET


def delete_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    if not store.delete(user_id):
        raise ApiError(404, "user not found")  # so a second DELETE says the user is gone
    return 204, {}, None  # done, and nothing left to show
# STARTER
# | # TODO 1: GET /users/{id}: 200 and the user (store.get); HEAD answers the same without the body.
# | # TODO 2: no such user: 404 {"error": "user not found"}, for GET, PATCH and DELETE alike.
# | # TODO 3: PATCH /users/{id}: JSON Merge Patch; each field in the body replaces the stored one,
# | #         a field left out stays as it is (store.update); 200 and the whole updated user.
# | # TODO 5: PATCH takes application/merge-patch+json or application/json; else 415.
# | # TODO 6: DELETE /users/{id}: 204 and no body (store.delete); afterwards, GET and DELETE are 404.
# END SOLUTION


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON and a newline, non-ASCII characters as they are."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


# ---- Routing ------------------------------------------------------------------------------

Handler = Callable[[BaseHTTPRequestHandler, str], Response]
COLLECTION_HANDLERS: dict[str, Handler] = {"POST": create_user}
# BEGIN SOLUTION
ITEM_HANDLERS: dict[str, Handler] = {
    "GET": get_user, "HEAD": get_user, "PATCH": update_user, "DELETE": delete_user,
}
# STARTER
# | # TODO 1: the handlers of /users/{id}, by method (ALLOW_ITEM lists them for the 405).
# END SOLUTION


def route(method: str, path: str) -> tuple[Handler, str]:
    """The handler for a request and the user id in its path: the path decides 404, then 405."""
    segments = path.split("/")
    if path == "/users":
        handlers, allow, user_id = COLLECTION_HANDLERS, ALLOW_COLLECTION, ""
    # BEGIN SOLUTION
    elif len(segments) == 3 and segments[1] == "users" and segments[2]:
        # One URL per user: /users/{id}. The method, not the URL, says what to do with it.
        handlers, allow, user_id = ITEM_HANDLERS, ALLOW_ITEM, segments[2]
    # STARTER
    # |     # TODO 1: /users/{id}, where {id} is one non-empty segment: segments == ["", "users", id].
    # END SOLUTION
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
