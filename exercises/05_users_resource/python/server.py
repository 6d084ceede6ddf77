"""Exercise 05: one user, one URL, /users/{id}, read, updated and deleted with HTTP's methods.

    python3 exercises/05_users_resource/python/server.py [PORT]

POST /users already creates users, and the store already keeps them. Give each user its URL,
/users/{id}, and answer GET, PATCH and DELETE on it the way the README asks, then
`make check EX=05 IN=python`.
"""

from http.server import BaseHTTPRequestHandler
from typing import Any

# The store, JSON in and out, routing, the launch contract: plumbing.py, shared by exercises 05
# to 07 (no need to open it).
from plumbing import (
    ApiError,
    Handlers,
    Response,
    check_content_type,
    check_known_fields,
    check_user_field,
    parse_object,
    read_body,
    serve,
    store,
)

# ---- Validation ---------------------------------------------------------------------------


def validate_user(fields: dict[str, Any]) -> dict[str, str]:
    """The checked email and name of a POST body."""
    # TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and
    # null is 400 (both fields are required, so neither can be removed). A `partial` flag?
    check_known_fields(fields, ("email", "name"))
    checked = {}
    for field in ("email", "name"):
        checked[field] = check_user_field(field, fields.get(field))
    return checked


# ---- Handlers -----------------------------------------------------------------------------


def create_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    body = read_body(request)
    check_content_type(request, ("application/json",))
    user = store.create(validate_user(parse_object(body)))
    return 201, {"Location": f"/users/{user['id']}"}, user


# TODO 1: GET /users/{id}: 200 and the user (store.get); HEAD answers the same without the body.
# TODO 2: no such user: 404 {"error": "user not found"}, for GET, PATCH and DELETE alike.
# TODO 3: PATCH /users/{id}: JSON Merge Patch; each field in the body replaces the stored one,
#         a field left out stays as it is (store.update); 200 and the whole updated user.
# TODO 5: PATCH takes application/merge-patch+json or application/json; else 415.
# TODO 6: DELETE /users/{id}: 204 and no body (store.delete); afterwards, GET and DELETE are 404.


# ---- Routing ------------------------------------------------------------------------------

# The handlers by method, in the order a 405's Allow header lists them: /users, then /users/{id}.
COLLECTION_HANDLERS: Handlers = {"POST": create_user}
# TODO 1: the handlers of /users/{id} by method; the plumbing answers 405 for the others.
ITEM_HANDLERS: Handlers = {}

if __name__ == "__main__":
    serve(COLLECTION_HANDLERS, ITEM_HANDLERS)
