"""Exercise 07: the `users` API, v1, to evolve without breaking the clients that rely on it.

    python3 exercises/07_evolve_without_breaking/python/server.py [PORT]

This is v1 (servers/README.md, without ETags), and a v1 client is deployed against it. Add what
the product needs, a `nickname` and `full_name` in place of `name`, the way the README asks, so
that every v1 contract test still passes; then `make check EX=07 IN=python`.
"""

import re
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

# JSON in and out, the query of GET /users, one response per request, the launch contract.
from plumbing import (
    ApiError,
    Handler,
    Response,
    check_content_type,
    parse_cursor,
    parse_limit,
    parse_object,
    read_body,
    serve,
)

# ---- Constants ----------------------------------------------------------------------------

MAX_EMAIL = 254
MAX_NAME = 100
EMAIL_PATTERN = re.compile(r"^[^@ \t\r\n]+@[^@ \t\r\n]+$")
ALLOW_COLLECTION = "GET, HEAD, POST"
ALLOW_ITEM = "GET, HEAD, PATCH, DELETE"

User = dict[str, str]  # {"id": ..., "email": ..., "name": ...}, keys in this order

# ---- Store --------------------------------------------------------------------------------


class MemoryStore:
    """The users, in memory, in creation order; one user per email."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # ThreadingHTTPServer runs each request in a thread of its own
        self.users: dict[str, User] = {}
        self.emails: dict[str, str] = {}  # email -> id of the user who has it
        self.last_id = 0

    # TODO 2: a user also has a `nickname`, null unless the client gives one: store it too.
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

    def list(self, after_id: int, limit: int) -> list[User]:
        """At most `limit` users created after the user `after_id`, oldest first."""
        with self.lock:
            users = [user for key, user in self.users.items() if int(key) > after_id]
        return users[:limit]

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


def validate_user(fields: dict[str, Any], partial: bool) -> dict[str, str]:
    """The checked email and name of a POST body, or of a PATCH body when partial."""
    # TODO 3: `nickname` is optional: null or a string of 1 to 50 characters, else 400
    #         "nickname must be null or 1 to 50 characters". Left out of a POST: null.
    # TODO 4: in a PATCH, a nickname replaces the stored one, and null removes it.
    # TODO 6: `full_name` is accepted in place of `name` (or beside it, if both are the same:
    #         else 400 "name and full_name must be the same").
    if "id" in fields:
        raise ApiError(400, "id is assigned by the server")
    unknown = sorted(set(fields) - {"email", "name"})
    if unknown:
        raise ApiError(400, f"unknown field: {unknown[0]}")
    checked = {}
    for field in ("email", "name"):
        if partial and field not in fields:
            continue  # JSON Merge Patch: a field left out stays as it is
        value = fields.get(field)
        # Missing on POST, or null on PATCH (which in a merge patch means "remove this field"):
        # both fields are required, so neither can be removed.
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


def present(user: User) -> dict[str, Any]:
    """A stored user as the API sends it."""
    # TODO 5: every user the API sends carries `full_name` (the same as `name`) and `nickname`;
    #         `name` stays, where v1 clients read it.
    return user


# TODO 7: every response that carries users announces that `name` is deprecated:
#         Deprecation: @1767225600 (RFC 9745), and Sunset and a Link to the docs if you like.


def create_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    body = read_body(request)
    check_content_type(request, ("application/json",))
    fields = validate_user(parse_object(body), partial=False)
    user = store.create(fields["email"], fields["name"])
    return 201, {"Location": f"/users/{user['id']}"}, present(user)


def list_users(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    # keep_blank_values: without it parse_qs drops `limit=`, which would pass for no limit at all.
    query = parse_qs(request.path.partition("?")[2], keep_blank_values=True)
    limit = parse_limit(query.get("limit", [None])[0])
    after_id = parse_cursor(query.get("cursor", [None])[0])
    users = store.list(after_id, limit + 1)  # one more than the page: is there a next?
    page, headers, next_cursor = users[:limit], {}, None
    if len(users) > limit:
        next_cursor = page[-1]["id"]  # the cursor is the id of the last user on the page
        headers["Link"] = f'</users?limit={limit}&cursor={next_cursor}>; rel="next"'
    return 200, headers, {"users": [present(user) for user in page], "next_cursor": next_cursor}


def get_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    user = store.get(user_id)
    if user is None:
        # The path names no user: 404, with a message that says which kind of thing is missing.
        raise ApiError(404, "user not found")
    return 200, {}, present(user)


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
    return 200, {}, present(user)  # the whole user as it is now: no second GET needed


def delete_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    if not store.delete(user_id):
        raise ApiError(404, "user not found")  # so a second DELETE says the user is gone
    return 204, {}, None  # done, and nothing left to show


# ---- Routing ------------------------------------------------------------------------------

COLLECTION_HANDLERS: dict[str, Handler] = {
    "GET": list_users, "HEAD": list_users, "POST": create_user,
}
ITEM_HANDLERS: dict[str, Handler] = {
    "GET": get_user, "HEAD": get_user, "PATCH": update_user, "DELETE": delete_user,
}


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


if __name__ == "__main__":
    serve(route)
