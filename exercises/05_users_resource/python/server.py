"""Exercise 05: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.

    python3 exercises/05_users_resource/python/server.py [PORT]

POST /users already creates users, and the store already keeps them. Give each user its URL,
/users/{id}, and answer GET, PATCH and DELETE on it the way the README asks, then
`make check EX=05 IN=python`.
"""

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


def validate_user(fields: dict[str, Any]) -> dict[str, str]:
    """The checked email and name of a POST body."""
    # TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and
    # null is 400 (both fields are required, so neither can be removed). A `partial` flag?
    if "id" in fields:
        raise ApiError(400, "id is assigned by the server")
    unknown = sorted(set(fields) - {"email", "name"})
    if unknown:
        raise ApiError(400, f"unknown field: {unknown[0]}")
    checked = {}
    for field in ("email", "name"):
        value = fields.get(field)
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
    fields = validate_user(parse_object(body))
    user = store.create(fields["email"], fields["name"])
    return 201, {"Location": f"/users/{user['id']}"}, user


# TODO 1: GET /users/{id}: 200 and the user (store.get); HEAD answers the same without the body.
# TODO 2: no such user: 404 {"error": "user not found"}, for GET, PATCH and DELETE alike.
# TODO 3: PATCH /users/{id}: JSON Merge Patch; each field in the body replaces the stored one,
#         a field left out stays as it is (store.update); 200 and the whole updated user.
# TODO 5: PATCH takes application/merge-patch+json or application/json; else 415.
# TODO 6: DELETE /users/{id}: 204 and no body (store.delete); afterwards, GET and DELETE are 404.


# ---- Routing ------------------------------------------------------------------------------

COLLECTION_HANDLERS: dict[str, Handler] = {"POST": create_user}
# TODO 1: the handlers of /users/{id}, by method (ALLOW_ITEM lists them for the 405).


def route(method: str, path: str) -> tuple[Handler, str]:
    """The handler for a request and the user id in its path: the path decides 404, then 405."""
    segments = path.split("/")
    if path == "/users":
        handlers, allow, user_id = COLLECTION_HANDLERS, ALLOW_COLLECTION, ""
    # TODO 1: /users/{id}, where {id} is one non-empty segment: segments == ["", "users", id].
    else:
        raise ApiError(404, "not found")
    if method not in handlers:
        raise ApiError(405, "method not allowed", {"Allow": allow})
    return handlers[method], user_id


if __name__ == "__main__":
    serve(route)
