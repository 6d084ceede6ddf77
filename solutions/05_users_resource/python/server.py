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

import re
from http.server import BaseHTTPRequestHandler
from typing import Any

# The store, JSON in and out, one response per request, the launch contract: plumbing.py.
from plumbing import ApiError, Handler, Response, check_content_type, parse_object, read_body, serve, store

# ---- Constants ----------------------------------------------------------------------------

MAX_EMAIL = 254
MAX_NAME = 100
EMAIL_PATTERN = re.compile(r"^[^@ \t\r\n]+@[^@ \t\r\n]+$")
ALLOW_COLLECTION = "POST"
ALLOW_ITEM = "GET, HEAD, PATCH, DELETE"

# ---- Validation ---------------------------------------------------------------------------


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


# ---- Routing ------------------------------------------------------------------------------

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


if __name__ == "__main__":
    serve(route)
