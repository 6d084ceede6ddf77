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


# BEGIN SOLUTION
def validate_user(fields: dict[str, Any], partial: bool) -> dict[str, str]:
    """The checked email and name of a POST body, or of a PATCH body when partial."""
# STARTER
# | def validate_user(fields: dict[str, Any]) -> dict[str, str]:
# |     """The checked email and name of a POST body."""
# |     # TODO 4: PATCH checks only the fields it is given: a field left out stays as it is, and
# |     # null is 400 (both fields are required, so neither can be removed). A `partial` flag?
# END SOLUTION
    check_known_fields(fields, ("email", "name"))
    checked = {}
    for field in ("email", "name"):
        # BEGIN SOLUTION
        if partial and field not in fields:
            continue  # JSON Merge Patch: a field left out stays as it is
        # A null in a merge patch means "remove this field"; both fields are required, so
        # check_user_field refuses it, as it refuses a field missing from a POST.
        # END SOLUTION
        checked[field] = check_user_field(field, fields.get(field))
    return checked


# ---- Handlers -----------------------------------------------------------------------------


def create_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    body = read_body(request)
    check_content_type(request, ("application/json",))
    # BEGIN SOLUTION
    user = store.create(validate_user(parse_object(body), partial=False))
    # STARTER
    # |     user = store.create(validate_user(parse_object(body)))
    # END SOLUTION
    return 201, {"Location": f"/users/{user['id']}"}, user


# BEGIN SOLUTION
def get_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    user = store.get(user_id)
    if user is None:
        # The path names no user: 404, with a message that says which kind of thing is missing.
        raise ApiError(404, "user not found")
    return 200, {}, user  # HEAD too: the plumbing sends GET's headers without the body


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
    return 204, {}, None  # done, and nothing left to show (RFC 9110 §15.3.5: no body)
# STARTER
# | # TODO 1: GET /users/{id}: 200 and the user (store.get); HEAD answers the same without the body.
# | # TODO 2: no such user: 404 {"error": "user not found"}, for GET, PATCH and DELETE alike.
# | # TODO 3: PATCH /users/{id}: JSON Merge Patch; each field in the body replaces the stored one,
# | #         a field left out stays as it is (store.update); 200 and the whole updated user.
# | # TODO 5: PATCH takes application/merge-patch+json or application/json; else 415.
# | # TODO 6: DELETE /users/{id}: 204 and no body (store.delete); afterwards, GET and DELETE are 404.
# END SOLUTION


# ---- Routing ------------------------------------------------------------------------------

# The handlers by method, in the order a 405's Allow header lists them: /users, then /users/{id}.
COLLECTION_HANDLERS: Handlers = {"POST": create_user}
# BEGIN SOLUTION
# One URL per user; the method, not the URL, says what to do with it.
ITEM_HANDLERS: Handlers = {"GET": get_user, "HEAD": get_user, "PATCH": update_user, "DELETE": delete_user}
# STARTER
# | # TODO 1: the handlers of /users/{id} by method; the plumbing answers 405 for the others.
# | ITEM_HANDLERS: Handlers = {}
# END SOLUTION

if __name__ == "__main__":
    serve(COLLECTION_HANDLERS, ITEM_HANDLERS)
