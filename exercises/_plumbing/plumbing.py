"""The plumbing that exercises 05, 06 and 07 share: everything they are not about.

Each exercise's server.py imports what it needs from here, through the link plumbing.py beside
it. You need not open this file (but you may: nothing in it is hidden magic). It follows the
`users` contract of servers/README.md without ETags: the store, JSON in and out, the query of
GET /users, routing, one JSON response per request, and the launch contract (through launch.py).
"""

import functools
import json
import re
import socket
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import launch

# ---- Constants ----------------------------------------------------------------------------

MAX_BODY_BYTES = 16384
MAX_JSON_DEPTH = 20
MAX_EMAIL = 254
MAX_NAME = 100
# Not in an email (servers/README.md): @, controls and spaces (U+0000-U+0020, U+007F-U+00A0),
# and the invisible characters of Unicode's first plane (zero-width, direction marks, ...).
NOT_IN_EMAIL = (r"@\x00-\x20\x7f-\xa0\xad\u0600-\u0605\u061c\u06dd\u070f\u08e2\u1680\u180e"
                r"\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufff9-\ufffb")
EMAIL_PATTERN = re.compile(f"^[^{NOT_IN_EMAIL}]+@[^{NOT_IN_EMAIL}]+$")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
IDLE_TIMEOUT = 10  # seconds a connection may stay silent: a slow client cannot hold a thread
DRAIN_TIMEOUT = 10  # seconds the requests in flight get to finish after SIGTERM

User = dict[str, Any]  # {"id": ..., "email": ..., "name": ..., and what an exercise adds}
Response = tuple[int, dict[str, str], Any]  # status, extra headers, JSON body (None: no body)
Handler = Callable[[BaseHTTPRequestHandler, str], Response]  # (request, user id) -> response
Handlers = dict[str, Handler]  # by method, in the order the 405's Allow lists them

# ---- Errors -------------------------------------------------------------------------------


class ApiError(Exception):
    """An answer the client caused: its status, the message of its JSON body, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


# ---- Store --------------------------------------------------------------------------------


def email_key(email: str) -> str:
    """What makes two emails the same: equal once ASCII A-Z are lower-cased (servers/README.md)."""
    return email.encode().lower().decode()  # bytes.lower() touches ASCII letters only


class MemoryStore:
    """The users, in memory, in creation order; one user per email."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # a thread per connection: requests run at the same time
        self.users: dict[str, User] = {}
        self.owners: dict[str, str] = {}  # email_key(email) -> the id of the user who has it
        self.last_id = 0

    def create(self, fields: dict[str, Any]) -> User:
        """A new user: the next id, then `fields` (email and name first); 409 if the email is taken."""
        with self.lock:  # check and insert in one step, or two equal POSTs could both pass
            if email_key(fields["email"]) in self.owners:
                raise ApiError(409, "email is already in use")
            self.last_id += 1  # ids are never reused, even after a delete
            user = {"id": str(self.last_id), **fields}
            self.users[user["id"]] = user
            self.owners[email_key(user["email"])] = user["id"]
            return user

    def get(self, user_id: str) -> User | None:
        with self.lock:
            return self.users.get(user_id)

    def list(self, after_id: int, limit: int) -> list[User]:
        """At most `limit` users created after the user `after_id`, oldest first."""
        with self.lock:
            users = [user for key, user in self.users.items() if int(key) > after_id]
        return users[:limit]

    def update(self, user_id: str, changes: dict[str, Any]) -> User | None:
        """The user with `changes` applied, each field replacing the stored one; None if no user."""
        with self.lock:
            user = self.users.get(user_id)
            if user is None:
                return None
            updated = {**user, **changes}
            old, new = email_key(user["email"]), email_key(updated["email"])
            if new != old:  # a user may change the case of their own email
                if new in self.owners:
                    raise ApiError(409, "email is already in use")
                del self.owners[old]
                self.owners[new] = user_id
            self.users[user_id] = updated
            return updated

    def delete(self, user_id: str) -> bool:
        """Remove the user; False if there was none."""
        with self.lock:
            user = self.users.pop(user_id, None)
            if user is None:
                return False
            del self.owners[email_key(user["email"])]
            return True


store = MemoryStore()

# ---- Request bodies -----------------------------------------------------------------------


def read_body(request: BaseHTTPRequestHandler) -> bytes:
    """The request body, read exactly to its Content-Length."""
    length = request.headers.get("Content-Length")
    if length is None:  # chunked bodies too: refused, a choice that keeps the three servers alike
        raise ApiError(411, "Content-Length is required")
    if not length.isascii() or not length.isdigit():
        raise ApiError(400, "Content-Length is not valid")
    if int(length) > MAX_BODY_BYTES:
        raise ApiError(413, f"body must be at most {MAX_BODY_BYTES} bytes")
    request.body_read = True
    return request.rfile.read(int(length))


def check_content_type(request: BaseHTTPRequestHandler, allowed: tuple[str, ...]) -> None:
    """415 unless the body's media type is one of `allowed`."""
    # Parameters such as "; charset=utf-8" are allowed, and media types are case-insensitive.
    media_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type not in allowed:
        raise ApiError(415, "Content-Type must be " + " or ".join(allowed))


def check_depth(body: bytes) -> None:
    """400 if [ and { nest deeper than MAX_JSON_DEPTH, counted before the parser recurses."""
    depth = 0
    in_string = escaped = False
    for byte in body:
        if in_string:  # brackets inside strings do not count
            escaped, in_string = (False, True) if escaped else (byte == 0x5C, byte != 0x22)
        elif byte == 0x22:  # "
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > MAX_JSON_DEPTH:  # Python's json would raise RecursionError, deep enough
                raise ApiError(400, f"body must be nested at most {MAX_JSON_DEPTH} levels deep")
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1


def refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # Python's json reads NaN and Infinity; RFC 8259 does not


def load_json(body: bytes) -> Any:
    """The JSON value of a UTF-8 body; ValueError for bad UTF-8, bad JSON, NaN or a lone surrogate."""
    value = json.loads(body.decode("utf-8"), parse_constant=refuse_constant)
    # "\ud800" is valid JSON but names half a UTF-16 pair, no character: it could never be sent
    # back as UTF-8, so it counts as invalid like any other bad text.
    encode_json(value)
    return value


def parse_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object, else the 400 that says what it is not."""
    check_depth(body)
    try:
        value = load_json(body)
    except ValueError:  # bad UTF-8 or bad JSON
        raise ApiError(400, "body is not valid JSON") from None
    if not isinstance(value, dict):
        raise ApiError(400, "body must be a JSON object")
    return value


def check_known_fields(fields: dict[str, Any], known: tuple[str, ...]) -> None:
    """400 for a field the API does not define: dropped, a typo would lose what the client meant."""
    if "id" in fields:
        raise ApiError(400, "id is assigned by the server")
    unknown = sorted(set(fields) - set(known))
    if unknown:
        raise ApiError(400, f"unknown field: {unknown[0]}")  # sorted: the same answer every time


def check_user_field(field: str, value: Any) -> str:
    """The value of `email` or `name` (None: missing or null) once valid, else its 400."""
    if value is None:  # both fields are required: never guessed, never removed
        raise ApiError(400, f"{field} is required")
    if not isinstance(value, str):
        raise ApiError(400, f"{field} must be a string")
    # len() counts Unicode code points, as the contract does.
    if field == "email" and len(value) > MAX_EMAIL:
        raise ApiError(400, f"email must be at most {MAX_EMAIL} characters")
    # fullmatch, not match: in Python `$` also matches before a final "\n".
    if field == "email" and not EMAIL_PATTERN.fullmatch(value):
        raise ApiError(400, "email must look like name@example.com")
    if field == "name" and not 1 <= len(value) <= MAX_NAME:
        raise ApiError(400, f"name must be 1 to {MAX_NAME} characters")
    return value


# ---- Query parameters of GET /users -------------------------------------------------------


def parse_digits(text: str) -> int | None:
    """The number that plain ASCII digits stand for, else None (int() also takes " 1", "١")."""
    return int(text) if re.fullmatch(r"[0-9]+", text) else None


def parse_limit(text: str | None) -> int:
    """The page size; an empty value (`?limit=`) is not a number, so it is refused like `abc`."""
    if text is None:
        return DEFAULT_LIMIT
    limit = parse_digits(text)
    if limit is None or not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"limit must be an integer from 1 to {MAX_LIMIT}")
    return limit


def parse_cursor(text: str | None) -> int:
    """The id after which the page starts; 0 (before every id) on the first page."""
    if text is None:
        return 0
    cursor = parse_digits(text)  # empty included: not digits
    if cursor is None:
        raise ApiError(400, "cursor is not valid")
    return cursor


def list_page(request: BaseHTTPRequestHandler) -> tuple[list[User], dict[str, str], str | None]:
    """The page of users GET /users?limit=&cursor= asks for, its headers, and its next_cursor."""
    # keep_blank_values: without it parse_qs drops `limit=`, which would pass for no limit at all.
    query = parse_qs(request.path.partition("?")[2], keep_blank_values=True)
    limit = parse_limit(query.get("limit", [None])[0])
    after_id = parse_cursor(query.get("cursor", [None])[0])
    users = store.list(after_id, limit + 1)  # one more than the page: is there a next?
    page, headers, next_cursor = users[:limit], {}, None
    if len(users) > limit:
        # The cursor is the id of the last user on the page: a delete between two pages never
        # makes a client skip or repeat a user.
        next_cursor = page[-1]["id"]
        headers["Link"] = f'</users?limit={limit}&cursor={next_cursor}>; rel="next"'
    return page, headers, next_cursor


# ---- Routing and responses ----------------------------------------------------------------


def route(method: str, path: str, collection: Handlers, item: Handlers) -> tuple[Handler, str]:
    """The handler for a request and the user id in its path: the path decides 404, then 405."""
    segments = path.split("/")
    if path == "/users":
        handlers, user_id = collection, ""
    elif len(segments) == 3 and segments[1] == "users" and segments[2]:
        handlers, user_id = item, segments[2]  # /users/{id}; /users/ and /users/1/x are not
    else:
        raise ApiError(404, "not found")
    if not handlers:  # a path no handler serves yet does not exist
        raise ApiError(404, "not found")
    if method not in handlers:
        # RFC 9110 §15.5.6: a 405 says which methods the resource does support.
        raise ApiError(405, "method not allowed", {"Allow": ", ".join(handlers)})
    return handlers[method], user_id


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON and a newline, non-ASCII characters as they are."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


class UsersHandler(BaseHTTPRequestHandler):
    """Turns each request into one call to its handler and one JSON response."""

    protocol_version = "HTTP/1.1"  # keep-alive, as clients expect
    timeout = IDLE_TIMEOUT
    disable_nagle_algorithm = True  # headers and body leave in two writes: send both at once
    server: "DrainingServer"

    def __getattr__(self, name: str) -> Callable[[], None]:
        # http.server calls do_<METHOD> and answers HTML 501 when it is missing: send every
        # method, known or not, to dispatch(), so that route() chooses between 405 and a handler.
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, busy=False)  # open, waiting for its first request

    def parse_request(self) -> bool:
        self.server.track(self.connection, busy=True)  # a request line arrived
        return super().parse_request()

    def dispatch(self) -> None:
        self.body_read = False  # read_body() sets it
        status, headers, body = self.respond()
        if not self.body_read and ("Transfer-Encoding" in self.headers
                                   or self.headers.get("Content-Length", "0") != "0"):
            # The unread body is still in the socket, where it would pass for the next request:
            # close the connection after this answer (Node and Go skip such a body for us).
            headers = {**headers, "Connection": "close"}
        try:
            self.send_json(status, headers, body)
        except ConnectionError:  # the client went away: nobody left to answer
            self.close_connection = True
        self.server.track(self.connection, busy=False)

    def respond(self) -> Response:
        try:
            # self.requestline, not self.path, which http.server has rewritten from //x to /x.
            path = self.requestline.split()[1].partition("?")[0]
            handler, user_id = route(self.command, path, *self.server.handlers)
            return handler(self, user_id)
        except ApiError as error:
            return error.status, error.headers, {"error": error.message}
        except Exception:  # a bug, not the client's fault: say so, and keep serving the others
            traceback.print_exc()  # to stderr, where the launcher shows it
            # The request may be half read: close its connection.
            return 500, {"Connection": "close"}, {"error": "internal server error"}

    def send_json(self, status: int, headers: dict[str, str], body: Any) -> None:
        """One response: compact JSON and a newline; HEAD gets GET's headers and no body."""
        if self.server.draining:  # the last answer on this connection: say so, as Go and Node do
            headers = {**headers, "Connection": "close"}
        # Without ETags no answer can be revalidated: no cache may store one (RFC 9111 §5.2.2.5).
        headers = {"Cache-Control": "no-store", **headers}
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)  # "Connection: close" also ends the connection
        data = b"" if body is None else encode_json(body)
        if body is not None:  # 204 has neither a body nor a Content-Length
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def finish(self) -> None:
        super().finish()
        self.server.forget(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing per request, like the Node and Go servers."""


# ---- Start-up -----------------------------------------------------------------------------


class DrainingServer(ThreadingHTTPServer):
    """A thread per connection; drain() stops like Go's http.Server.Shutdown: no new connections,
    idle ones closed, requests in flight finished (each answer closing its connection)."""

    daemon_threads = True  # a thread still stuck after DRAIN_TIMEOUT does not hold the exit
    block_on_close = False  # drain() does the waiting, with a deadline

    def __init__(self, address: tuple[str, int], handler_class: type[UsersHandler],
                 handlers: tuple[Handlers, Handlers]) -> None:
        super().__init__(address, handler_class)
        self.handlers = handlers  # (collection, item)
        self.changed = threading.Condition()  # notified when a connection opens, closes or idles
        self.connections: dict[socket.socket, bool] = {}  # every open one: is a request under way?
        self.draining = False

    def track(self, connection: socket.socket, busy: bool) -> None:
        with self.changed:
            self.connections[connection] = busy
            self.changed.notify_all()

    def forget(self, connection: socket.socket) -> None:
        with self.changed:
            self.connections.pop(connection, None)
            self.changed.notify_all()

    def server_close(self) -> None:
        """launch.serve() calls this on SIGTERM or Ctrl-C: drain, then close."""
        self.drain()
        super().server_close()

    def drain(self) -> None:
        """Stop as Go's http.Server.Shutdown does, waiting DRAIN_TIMEOUT at most."""
        self.socket.close()  # new connections are refused: a balancer tries another replica
        deadline = time.monotonic() + DRAIN_TIMEOUT
        with self.changed:
            self.draining = True  # from now on every answer closes its connection
            while self.connections and (left := deadline - time.monotonic()) > 0:
                for connection, busy in self.connections.items():
                    if not busy:  # waiting for a request: end its wait with end-of-file
                        # A request sent at this very moment is lost; the client may retry it
                        # (RFC 9112 §9.5), as it must whenever a server closes an idle connection.
                        shut(connection)
                self.changed.wait(left)


def shut(connection: socket.socket) -> None:
    try:
        connection.shutdown(socket.SHUT_RD)
    except OSError:
        pass  # already closed by its thread


def serve(collection: Handlers, item: Handlers) -> None:
    """Serve /users (`collection`) and /users/{id} (`item`) by the launch contract (launch.py)."""
    launch.serve(UsersHandler, functools.partial(DrainingServer, handlers=(collection, item)))
