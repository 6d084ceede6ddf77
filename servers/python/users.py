"""The `users` API of the workbook, on Python's http.server (standard library only).

Contract: servers/users.openapi.yaml, in prose in servers/README.md. The Node and Go twins,
servers/node/users.js and servers/go/users/main.go, answer byte for byte the same.
Run:  python3 servers/python/users.py [PORT]   (or node servers/node/users.js [PORT],
      go run ./servers/go/users [PORT]); the port defaults to $PORT, else 0 (any free port).
With USERS_STORE=DIR the users live in DIR, shared by every `users` process started with it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import users_auth  # servers/python/users_auth.py: off unless USERS_AUTH_SECRET is set
from strict_http11 import DrainingServer, StrictRequestHandler  # servers/python/strict_http11.py

# ---- Constants ----------------------------------------------------------------------------

HOST = "127.0.0.1"
MAX_BODY_BYTES = 16384
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_EMAIL = 254
MAX_NAME = 100
# Not in an email: @, controls and spaces (U+0000-U+0020, U+007F-U+00A0), and the invisible
# characters of Unicode's first plane: soft hyphen, Arabic format marks, zero-width and direction
# marks, line and paragraph separators, the other spaces, word joiners, the byte order mark.
NOT_IN_EMAIL = (r"@\x00-\x20\x7f-\xa0\xad\u0600-\u0605\u061c\u06dd\u070f\u08e2\u1680\u180e"
                r"\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufff9-\ufffb")
EMAIL_PATTERN = re.compile(f"^[^{NOT_IN_EMAIL}]+@[^{NOT_IN_EMAIL}]+$")
MAX_JSON_DEPTH = 20  # nesting of [ and { in a request body
DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() would also take "٣" and "²"
# HTTP/1.1 limits and deadlines, the same in the three servers (servers/README.md, "Robustness").
MAX_HEADER_BYTES = 16384  # request line and header section together (431)
MAX_HEADERS = 100  # header field lines (431)
MAX_TARGET_BYTES = 8192  # request-target (414)
HEADER_TIMEOUT = 5  # seconds from a request's first byte to the end of its headers
REQUEST_TIMEOUT = 10  # seconds from a request's first byte to the end of its body
IDLE_TIMEOUT = 30  # seconds a keep-alive connection may wait for its next request
WRITE_TIMEOUT = 10  # seconds a client may take to take one answer, from its first byte
DRAIN_TIMEOUT = 10  # seconds requests in flight get to finish after SIGTERM
ALLOW_COLLECTION = "GET, HEAD, POST"
ALLOW_ITEM = "GET, HEAD, PATCH, DELETE"
CREATE_TYPES = ("application/json",)
UPDATE_TYPES = ("application/json", "application/merge-patch+json")
# Caching (servers/README.md, "Caching"): a user may be stored, and reused only once its ETag is
# revalidated (RFC 9111 §5.2.2.4); every other response, list pages, writes and errors, never.
CACHE_REVALIDATE = "no-cache"
CACHE_NEVER = "no-store"
ALLOW_TOKENS = "POST"

User = dict[str, str]  # {"id": ..., "email": ..., "name": ...}, keys in this order
Response = tuple[int, dict[str, str], Any]  # status, extra headers, body (None: no body)

# ---- Errors -------------------------------------------------------------------------------


class ApiError(Exception):
    """An answer the client caused: its status, the message of its JSON body, extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


# ---- Store --------------------------------------------------------------------------------


def email_key(email: str) -> str:
    """What makes two emails the same: equal once ASCII A-Z are lower-cased (bytes.lower() touches
    nothing else). Other characters compare as they are: Unicode case folding and NFC would need
    tables that Go's standard library does not have."""
    return email.encode().lower().decode()


def etag_for(version: int) -> str:
    return f'"v{version}"'


def etag_matches(header: str, etag: str, weak: bool) -> bool:
    """Whether an If-Match / If-None-Match header (`*` or a comma-separated list) names etag."""
    for tag in header.split(","):
        tag = tag.strip(" \t")  # RFC 9110 §5.6.1: OWS, spaces and tabs only; strip() takes \xa0 too
        if weak:  # If-None-Match compares weakly: W/"v1" names "v1"; If-Match never does
            tag = tag.removeprefix("W/")
        if tag in ("*", etag):
            return True
    return False


def check_if_match(if_match: str, version: int) -> None:
    """An empty or missing If-Match means "whatever the version": the update is unconditional."""
    if if_match and not etag_matches(if_match, etag_for(version), weak=False):
        raise ApiError(412, "If-Match does not match the current ETag")


class MemoryStore:
    """Users in this process's memory: a restart forgets them, another process never sees them."""

    def __init__(self) -> None:
        # Many threads serve requests at once; the lock makes each method one indivisible step
        # (re-entrant, so that update() and delete() can call get()).
        self.lock = threading.RLock()
        self.users: dict[str, tuple[User, int]] = {}  # id -> (user, version), in creation order
        self.owners: dict[str, str] = {}  # email_key(email) -> id of the user who has it
        self.last_id = 0

    def create(self, email: str, name: str) -> tuple[User, int]:
        with self.lock:
            self.last_id += 1  # used up even if the email is taken, exactly like FileStore
            if email_key(email) in self.owners:
                raise ApiError(409, "email is already in use")
            user = {"id": str(self.last_id), "email": email, "name": name}
            self.users[user["id"]] = (user, 1)
            self.owners[email_key(email)] = user["id"]
            return user, 1

    def get(self, user_id: str) -> tuple[User, int]:
        with self.lock:
            if user_id not in self.users:
                raise ApiError(404, "user not found")
            return self.users[user_id]

    def owner(self, email: str) -> str | None:
        """The id of the user who has this email (users_auth.py asks)."""
        with self.lock:
            return self.owners.get(email_key(email))

    def list(self, after_id: int, limit: int) -> list[User]:
        page = []
        with self.lock:  # from the cursor on, id by id: a page costs the same at any cursor
            for number in range(min(after_id, self.last_id) + 1, self.last_id + 1):
                if str(number) in self.users:
                    page.append(self.users[str(number)][0])
                    if len(page) == limit:
                        break
        return page

    def update(self, user_id: str, changes: User, if_match: str) -> tuple[User, int]:
        with self.lock:
            user, version = self.get(user_id)
            check_if_match(if_match, version)
            updated = {**user, **changes}
            if email_key(updated["email"]) != email_key(user["email"]):
                if email_key(updated["email"]) in self.owners:
                    raise ApiError(409, "email is already in use")
                del self.owners[email_key(user["email"])]
                self.owners[email_key(updated["email"])] = user_id
            self.users[user_id] = (updated, version + 1)
            return updated, version + 1

    def delete(self, user_id: str, if_match: str) -> None:
        with self.lock:
            user, version = self.get(user_id)
            check_if_match(if_match, version)
            del self.users[user_id]
            del self.owners[email_key(user["email"])]


class FileStore:
    """Users in a directory that any number of processes share (servers/README.md).

    No lock that a killed process could leave behind: every write creates a file in one step
    that fails if the file exists (os.link), and that failure is the compare-and-swap that lets
    exactly one of two racing writers win.
    """

    def __init__(self, directory: str) -> None:
        self.root = Path(directory)
        for name in ("tmp", "users", "emails"):
            (self.root / name).mkdir(parents=True, exist_ok=True)

    def create(self, email: str, name: str) -> tuple[User, int]:
        user_id = self.allocate_id()
        if not self.claim(email, user_id):
            raise ApiError(409, "email is already in use")  # the id stays used: never reused
        user = {"id": user_id, "email": email, "name": name}
        self.write_version(user_id, 1, user)
        return user, 1

    def get(self, user_id: str) -> tuple[User, int]:
        user, version = self.read(user_id)
        if user is None:
            raise ApiError(404, "user not found")
        return user, version

    def list(self, after_id: int, limit: int) -> list[User]:
        users = []
        for number in sorted(n for n in self.ids() if n > after_id):
            user, _ = self.read(str(number))
            if user is not None:
                users.append(user)
                if len(users) == limit:
                    break
        return users

    def update(self, user_id: str, changes: User, if_match: str) -> tuple[User, int]:
        while True:
            user, version = self.get(user_id)
            check_if_match(if_match, version)
            updated = {**user, **changes}
            new_email = email_key(updated["email"]) != email_key(user["email"])
            if new_email and not self.claim(updated["email"], user_id):
                raise ApiError(409, "email is already in use")
            if self.write_version(user_id, version + 1, updated):
                if new_email:
                    self.release(user["email"])
                return updated, version + 1
            # Another process wrote this version first. With If-Match the version the client
            # saw is gone (412); without, start again from the new current version.
            if new_email:
                self.release(updated["email"])
            if if_match:
                raise ApiError(412, "If-Match does not match the current ETag")

    def delete(self, user_id: str, if_match: str) -> None:
        while True:
            user, version = self.get(user_id)
            check_if_match(if_match, version)
            if self.write_version(user_id, version + 1, {"deleted": True}):
                self.release(user["email"])
                return
            if if_match:  # lost the race, as in update()
                raise ApiError(412, "If-Match does not match the current ETag")

    def ids(self) -> list[int]:
        return [int(entry.name) for entry in (self.root / "users").iterdir()
                if entry.name.isdigit()]

    def allocate_id(self) -> str:
        number = max(self.ids(), default=0) + 1
        while True:
            try:
                (self.root / "users" / str(number)).mkdir()  # fails if another process took it
                return str(number)
            except FileExistsError:
                number += 1

    def read(self, user_id: str) -> tuple[User | None, int]:
        """The current (highest) version of a user: (user, n), or (None, n) if it is no user."""
        if parse_digits(user_id) is None:  # the id comes from the URL: never let it name a path
            return None, 0
        folder = self.root / "users" / user_id
        try:
            versions = [int(file.stem) for file in folder.iterdir()
                        if file.suffix == ".json" and file.stem.isdigit()]
        except FileNotFoundError:
            if not (self.root / "users").is_dir():
                raise  # the store itself is gone: the server's fault (500), not a missing user
            return None, 0
        if not versions:  # being created, or its create lost the email (409)
            return None, 0
        version = max(versions)
        stored = json.loads(self.version_path(user_id, version).read_bytes())
        if stored.get("deleted"):
            return None, version
        return {"id": user_id, "email": stored["email"], "name": stored["name"]}, version

    def write_version(self, user_id: str, version: int, record: dict[str, Any]) -> bool:
        """Version n of a user, written once: False if another process wrote version n first."""
        return self.write_once(self.version_path(user_id, version), encode_json(record))

    def version_path(self, user_id: str, version: int) -> Path:
        return self.root / "users" / user_id / f"{version}.json"

    def claim(self, email: str, user_id: str) -> bool:
        """Whoever creates emails/<sha256 of the email> owns the email; the file holds the id."""
        return self.write_once(self.email_path(email), user_id.encode())

    def release(self, email: str) -> None:
        self.email_path(email).unlink(missing_ok=True)

    def email_path(self, email: str) -> Path:
        return self.root / "emails" / hashlib.sha256(email_key(email).encode()).hexdigest()

    def write_once(self, path: Path, data: bytes) -> bool:
        """Create path holding data in one step; False if it exists already."""
        descriptor, temporary = tempfile.mkstemp(dir=self.root / "tmp")
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
            os.link(temporary, path)  # atomic: readers see the whole file or none; EEXIST if taken
            return True
        except FileExistsError:
            return False
        finally:
            os.unlink(temporary)


# ---- Validation ---------------------------------------------------------------------------


def parse_digits(text: str) -> int | None:
    """The number that plain ASCII digits stand for; None for other text, and for more than 18
    digits after the leading zeros (int() refuses over 4300 digits, and is slow long before)."""
    if not DIGITS.fullmatch(text):
        return None
    significant = text.lstrip("0") or "0"
    return int(significant) if len(significant) <= 18 else None


def read_body(request: UsersRequestHandler) -> bytes:
    """The request body, once its Content-Length passes the checks (411, 413). A Content-Length
    that is repeated or not digits never gets here: strict_http11.py refuses it (400)."""
    if "Transfer-Encoding" in request.headers:
        # A chunked body, with or without Content-Length (RFC 9112 §6.3: Transfer-Encoding wins):
        # refused, a choice that keeps the three servers alike, and the connection is closed
        # rather than the body read to find where it ends.
        raise ApiError(411, "Content-Length is required", {"Connection": "close"})
    lengths = request.headers.get_all("Content-Length", [])
    if not lengths:
        raise ApiError(411, "Content-Length is required")
    length = int(lengths[0])
    if length > MAX_BODY_BYTES:
        # The body is never read, so the connection is closed after the answer (RFC 9110 §15.5.14).
        raise ApiError(413, f"body must be at most {MAX_BODY_BYTES} bytes", {"Connection": "close"})
    body = request.rfile.read(length)
    if len(body) < length:
        raise ConnectionError("the client closed the connection before the end of its body")
    request.body_read = True
    return body


def read_json(request: UsersRequestHandler, allowed: tuple[str, ...]) -> bytes:
    """The body of a POST or PATCH, once its length and media type pass (400, 411, 413, 415)."""
    body = read_body(request)
    check_content_type(request, allowed)
    return body


def check_content_type(request: UsersRequestHandler, allowed: tuple[str, ...]) -> None:
    # RFC 9110 §8.3.1: only spaces and tabs (OWS) around it; strip() would also drop a \xa0 or \x85.
    media_type = request.headers.get("Content-Type", "").split(";")[0].strip(" \t").lower()
    if media_type not in allowed:
        raise ApiError(415, "Content-Type must be " + " or ".join(allowed))


def refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # Python's json accepts NaN and Infinity; JSON does not


def json_depth(body: bytes) -> int:
    """How deep [ and { nest in body (strings skipped), counted before any parser recurses."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            escaped, in_string = (False, True) if escaped else (byte == 0x5C, byte != 0x22)
        elif byte == 0x22:  # "
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                break
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def parse_object(body: bytes) -> dict[str, Any]:
    if json_depth(body) > MAX_JSON_DEPTH:
        raise ApiError(400, f"body must be nested at most {MAX_JSON_DEPTH} levels deep")
    try:
        value = json.loads(body.decode("utf-8"), parse_constant=refuse_constant)
        # "\ud800" is valid JSON but names half a UTF-16 pair, no character: it could never be
        # sent back as UTF-8, so it counts as invalid like any other bad text.
        encode_json(value)
    except ValueError:  # bad UTF-8, bad JSON
        raise ApiError(400, "body is not valid JSON") from None
    if not isinstance(value, dict):
        raise ApiError(400, "body must be a JSON object")
    return value


def validate_user(fields: dict[str, Any], partial: bool) -> dict[str, str]:
    """The checked email and name of a POST body, or of a PATCH body when partial."""
    if "id" in fields:
        raise ApiError(400, "id is assigned by the server")
    unknown = sorted(set(fields) - {"email", "name"})
    if unknown:
        raise ApiError(400, f"unknown field: {unknown[0]}")
    checked = {}
    for field in ("email", "name"):  # one field entirely, then the other
        if partial and field not in fields:
            continue  # JSON Merge Patch: a field left out stays as it is
        value = fields.get(field)
        if value is None:  # missing, or null: both fields are required, never removed
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
        checked[field] = value
    return checked


def decode_user(body: bytes, partial: bool) -> dict[str, str]:
    """The checked fields of a POST body, or of a PATCH body when partial: create and update
    decode their bodies here, one path."""
    return validate_user(parse_object(body), partial)


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
    if not DIGITS.fullmatch(text):  # empty included
        raise ApiError(400, "cursor is not valid")
    # Any digits are a cursor: one longer than any id could be is past every id (the empty page).
    cursor = parse_digits(text)
    return sys.maxsize if cursor is None else cursor


# ---- Handlers -----------------------------------------------------------------------------


def create_user(request: UsersRequestHandler, user_id: str) -> Response:
    fields = parse_object(read_json(request, CREATE_TYPES))
    password = AUTH.take_password(fields) if AUTH else None  # with auth on, required and write-only
    fields = validate_user(fields, partial=False)
    password_hash = AUTH.hash_new(password) if AUTH else ""
    user, version = request.store.create(fields["email"], fields["name"])
    if AUTH:
        AUTH.credentials.save(user["id"], password_hash)
    return 201, {"Location": f"/users/{user['id']}", "ETag": etag_for(version)}, user


def list_users(request: UsersRequestHandler, user_id: str) -> Response:
    # keep_blank_values: without it parse_qs drops `limit=`, which would pass for no limit at all.
    query = parse_qs(request.path.partition("?")[2], keep_blank_values=True)
    limit = parse_limit(query.get("limit", [None])[0])
    after_id = parse_cursor(query.get("cursor", [None])[0])
    users = request.store.list(after_id, limit + 1)  # one more than the page: is there a next?
    page, headers, next_cursor = users[:limit], {}, None
    if len(users) > limit:
        next_cursor = page[-1]["id"]
        headers["Link"] = f'</users?limit={limit}&cursor={next_cursor}>; rel="next"'
    return 200, headers, {"users": page, "next_cursor": next_cursor}


def get_user(request: UsersRequestHandler, user_id: str) -> Response:
    user, version = request.store.get(user_id)
    etag = etag_for(version)
    if_none_match = header_list(request, "If-None-Match")
    # A 304 carries the ETag and Cache-Control its 200 would carry (RFC 9110 §15.4.5).
    headers = {"ETag": etag, "Cache-Control": CACHE_REVALIDATE}
    if if_none_match and etag_matches(if_none_match, etag, weak=True):
        return 304, headers, None  # the client's copy is current: no body
    return 200, headers, user


def update_user(request: UsersRequestHandler, user_id: str) -> Response:
    body = read_json(request, UPDATE_TYPES)
    if_match = header_list(request, "If-Match")
    # 404 and 412 come before any complaint about the body; the store checks both again, in
    # the same step as the write, because another request may change the user in between.
    _, version = request.store.get(user_id)
    check_if_match(if_match, version)
    changes = decode_user(body, partial=True)
    user, version = request.store.update(user_id, changes, if_match)
    return 200, {"ETag": etag_for(version)}, user


def delete_user(request: UsersRequestHandler, user_id: str) -> Response:
    request.store.delete(user_id, header_list(request, "If-Match"))
    return 204, {}, None


def create_token(request: UsersRequestHandler, user_id: str) -> Response:
    token = AUTH.issue(parse_object(read_json(request, CREATE_TYPES)), request.store)
    return 200, {"Cache-Control": CACHE_NEVER}, token  # a token is for this client only (RFC 6749 5.1)


def header_list(request: UsersRequestHandler, name: str) -> str:
    """A header sent on several lines is one comma-separated list (RFC 9110, section 5.3)."""
    return ", ".join(request.headers.get_all(name, []))


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON and a newline: every response body and every stored file."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


# ---- Routing ------------------------------------------------------------------------------

Handler = Callable[["UsersRequestHandler", str], Response]
COLLECTION_HANDLERS: dict[str, Handler] = {
    "GET": list_users, "HEAD": list_users, "POST": create_user,
}
ITEM_HANDLERS: dict[str, Handler] = {
    "GET": get_user, "HEAD": get_user, "PATCH": update_user, "DELETE": delete_user,
}
TOKEN_HANDLERS: dict[str, Handler] = {"POST": create_token}


def route(method: str, path: str, collection: dict[str, Handler] = COLLECTION_HANDLERS,
          item: dict[str, Handler] = ITEM_HANDLERS) -> tuple[Handler, str]:
    """The handler for a request and the user id in its path: the path decides 404, then 405.
    (users_evolving.py passes tables of its own: the same routes, some handlers changed.)"""
    segments = path.split("/")
    if path == "/users":
        handlers, allow, user_id = collection, ALLOW_COLLECTION, ""
    elif len(segments) == 3 and segments[1] == "users" and segments[2]:
        handlers, allow, user_id = item, ALLOW_ITEM, segments[2]
    elif path == "/tokens" and AUTH:
        handlers, allow, user_id = TOKEN_HANDLERS, ALLOW_TOKENS, ""
    else:
        raise ApiError(404, "not found")
    if method not in handlers:
        raise ApiError(405, "method not allowed", {"Allow": allow})
    return handlers[method], user_id


class UsersRequestHandler(StrictRequestHandler):
    """Turns each request into one call to route() and one JSON response. The HTTP/1.1 parsing,
    limits and deadlines that Go and Node get from their standard libraries are inherited."""

    max_header_bytes, max_headers, max_target_bytes = MAX_HEADER_BYTES, MAX_HEADERS, MAX_TARGET_BYTES
    header_timeout, request_timeout, idle_timeout = HEADER_TIMEOUT, REQUEST_TIMEOUT, IDLE_TIMEOUT
    write_timeout = WRITE_TIMEOUT
    disable_nagle_algorithm = True  # headers and body leave in two writes: send both at once
    store: MemoryStore | FileStore  # set at start-up, shared by the threads of all connections
    collection_handlers = COLLECTION_HANDLERS
    item_handlers = ITEM_HANDLERS

    def __getattr__(self, name: str) -> Callable[[], None]:
        # http.server calls do_<METHOD> and answers HTML 501 when it is missing: send every
        # method, known or not, to dispatch(), so that route() chooses between 405 and a handler.
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def dispatch(self) -> None:
        self.body_read = False
        try:
            status, headers, body = self.respond()
            if self.body_left_unread() and not self.skip_body(MAX_BODY_BYTES):
                # An unread body is still in the socket, where it would pass for the next
                # request: read it and drop it, or if it is too large, close the connection.
                headers = {**headers, "Connection": "close"}
            self.send_json(status, headers, body)
        except (TimeoutError, ConnectionError):  # the client went silent or away mid-request
            self.close_connection = True

    def respond(self) -> Response:
        try:
            # self.requestline, not self.path, which http.server has rewritten from //x to /x.
            target = self.requestline.split()[1]
            handler, user_id = route(self.command, target.partition("?")[0],
                                     self.collection_handlers, self.item_handlers)
            if AUTH:  # before the body is even read: who asks comes first
                AUTH.refuse_token_in_url(target.partition("?")[2])
                if self.command in ("PATCH", "DELETE"):
                    AUTH.authorize(self.headers.get_all("Authorization", []), user_id)
            return handler(self, user_id)
        except ApiError as error:
            return error.status, error.headers, {"error": error.message}
        except (TimeoutError, ConnectionError):
            raise  # the client went silent or away: nobody to answer (dispatch closes)
        except Exception:
            # Not the client's fault (a bug, a broken store): log it, answer the documented 500,
            # and close the connection, since the request may be half read. Serving goes on.
            traceback.print_exc()
            return 500, {"Connection": "close"}, {"error": "internal server error"}

    def body_left_unread(self) -> bool:
        lengths = self.headers.get_all("Content-Length", [])
        has_body = lengths not in ([], ["0"]) or "Transfer-Encoding" in self.headers
        return has_body and not self.body_read

    def send_json(self, status: int, headers: dict[str, str], body: Any) -> None:
        """Send one response; HEAD gets GET's headers, Content-Length included, and no body."""
        if self.close_connection or self.server.draining:  # say so, as Go and Node do
            headers = {**headers, "Connection": "close"}
        elif self.request_version == "HTTP/1.0" and "Connection" not in headers:
            # It asked for keep-alive, the only way an HTTP/1.0 connection stays open: say that
            # it does (RFC 9112 Appendix C.2.2), as Go and Node do.
            headers = {**headers, "Connection": "keep-alive"}
        # Unless the handler says otherwise, no cache may store the answer (servers/README.md).
        headers = {"Cache-Control": CACHE_NEVER, **headers}
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)  # "Connection: close" also ends the connection
        data = b"" if body is None else encode_json(body)
        if body is not None:  # 204 and 304 carry neither a body nor a Content-Length
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The refusals of strict_http11.py (bad request line, headers too large) in JSON."""
        self.send_json(code, {"Connection": "close"}, {"error": message or HTTPStatus(code).phrase})

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing per request, like the Node and Go servers."""


AUTH = users_auth.from_environment(ApiError)  # None: auth is off, as in lessons 01 to 09

# ---- Start-up -----------------------------------------------------------------------------


STOP = threading.Event()  # set by SIGTERM or SIGINT


def stop(signum: int, frame: Any) -> None:
    STOP.set()


def main(handler: type[UsersRequestHandler] = UsersRequestHandler) -> None:
    """Serve with handler (users_evolving.py passes its own) until SIGTERM or SIGINT."""
    # The port: first argument, else $PORT, else 0 (the OS picks any free port).
    text = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORT") or "0"
    port = parse_digits(text)
    if port is None or port > 65535:
        sys.exit(f"the port must be a number from 0 (any free port) to 65535, not {text!r}")
    # SIGTERM (what process managers send) drains the server, and so does Ctrl-C. Installed before
    # listening: a launcher may send it the moment it reads the readiness line.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not hasattr(handler, "store"):
        directory = os.environ.get("USERS_STORE")
        handler.store = FileStore(directory) if directory else MemoryStore()
    server = DrainingServer((HOST, port), handler)
    # Exactly one readiness line: a launcher waits for it and reads the real port from it.
    print(f"listening on http://{HOST}:{server.server_port}", flush=True)
    # serve_forever checks for shutdown every poll_interval: short, so that SIGTERM acts at once.
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    STOP.wait()
    # Draining, like Go's Shutdown: stop accepting, close idle connections at once, let requests
    # in flight (a POST whose body is still arriving too) finish for up to DRAIN_TIMEOUT, exit 0.
    server.drain(DRAIN_TIMEOUT)


if __name__ == "__main__":
    main()
