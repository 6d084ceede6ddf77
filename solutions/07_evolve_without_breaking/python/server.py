# BEGIN SOLUTION
"""Exercise 07, solved: the `users` API grows a `nickname` and renames `name`, and v1 clients never notice.

    python3 solutions/07_evolve_without_breaking/python/server.py [PORT]

Every change here only adds: a field in responses (which a tolerant v1 reader ignores), an
optional field in requests (whose default keeps v1's meaning), a second name for a field (the old
one stays, in requests and responses). Nothing v1 sent is refused, nothing v1 read is gone or
changes type. The old name is announced as deprecated (RFC 9745), so that clients can move before
it goes, and the server can learn, from who still sends it, when it may go.
"""
# STARTER
# | """Exercise 07: the `users` API, v1, to evolve without breaking the clients that rely on it.
# |
# |     python3 exercises/07_evolve_without_breaking/python/server.py [PORT]
# |
# | This is v1 (servers/README.md, without ETags), and a v1 client is deployed against it. Add what
# | the product needs, a `nickname` and `full_name` in place of `name`, the way the README asks, so
# | that every v1 contract test still passes; then `make check EX=07 IN=python`.
# | """
# END SOLUTION

from http.server import BaseHTTPRequestHandler
from typing import Any

# The store (it keeps every field it is given), JSON in and out, the pages of GET /users,
# routing, the launch contract: plumbing.py, shared by exercises 05 to 07 (no need to open it).
from plumbing import (
    ApiError,
    Handlers,
    Response,
    User,
    check_content_type,
    check_known_fields,
    check_user_field,
    list_page,
    parse_object,
    read_body,
    serve,
    store,
)

# BEGIN SOLUTION
MAX_NICKNAME = 50
# RFC 9745: Deprecation is a date, @ and seconds since 1970 (here 2026-01-01T00:00:00Z): since
# when `name` is deprecated. RFC 8594: Sunset is the HTTP-date after which it may stop working.
# The Link with rel="deprecation" points to the page that says what replaces it.
DEPRECATION = {
    "Deprecation": "@1767225600",
    "Sunset": "Wed, 30 Jun 2027 23:59:59 GMT",
    "Link": '<https://example.com/docs/users-api/deprecations>; rel="deprecation"',
}
# END SOLUTION

# ---- Validation ---------------------------------------------------------------------------


# BEGIN SOLUTION
def validate_user(fields: dict[str, Any], partial: bool) -> dict[str, Any]:
    """The checked email, name and nickname of a POST body, or of a PATCH body when partial."""
    check_known_fields(fields, ("email", "name", "full_name", "nickname"))
    fields = dict(fields)  # a copy: full_name is folded into name below
    if "full_name" in fields:
        # Two names for one field: either is accepted, and both if they agree. One stored value,
        # so a v1 client reading `name` sees what a new client wrote as `full_name`.
        full_name = fields.pop("full_name")
        if "name" in fields and fields["name"] != full_name:
            raise ApiError(400, "name and full_name must be the same")
        fields["name"] = full_name
# STARTER
# | # TODO 2: a user also has a `nickname`, null unless the client gives one: return it with the
# | #         other fields, and store.create() and store.update() keep it.
# | # TODO 3: `nickname` is optional: null or a string of 1 to 50 characters, else 400
# | #         "nickname must be null or 1 to 50 characters". Left out of a POST: null.
# | # TODO 4: in a PATCH, a nickname replaces the stored one, and null removes it.
# | # TODO 6: `full_name` is accepted in place of `name` (or beside it, if both are the same:
# | #         else 400 "name and full_name must be the same").
# | def validate_user(fields: dict[str, Any], partial: bool) -> dict[str, Any]:
# |     """The checked email and name of a POST body, or of a PATCH body when partial."""
# |     check_known_fields(fields, ("email", "name"))
# END SOLUTION
    checked = {}
    for field in ("email", "name"):
        if partial and field not in fields:
            continue  # JSON Merge Patch: a field left out stays as it is
        checked[field] = check_user_field(field, fields.get(field))  # null: 400, both are required
    # BEGIN SOLUTION
    # Optional, so a v1 client that never sends it still creates valid users: left out of a POST
    # it is null, the value that means what v1 meant (no nickname). In a PATCH, null removes it.
    if not partial or "nickname" in fields:
        nickname = fields.get("nickname")
        if nickname is not None and (not isinstance(nickname, str)
                                     or not 1 <= len(nickname) <= MAX_NICKNAME):
            raise ApiError(400, f"nickname must be null or 1 to {MAX_NICKNAME} characters")
        checked["nickname"] = nickname
    # END SOLUTION
    return checked


# ---- Handlers -----------------------------------------------------------------------------


def present(user: User) -> dict[str, Any]:
    # BEGIN SOLUTION
    """A stored user as the API sends it: v1's three fields first, then what was added."""
    # `name` stays where v1 clients read it; `full_name` is the same value under its new name,
    # and `nickname` is always there (null when unset), so a new client never has to guess.
    return {"id": user["id"], "email": user["email"], "name": user["name"],
            "full_name": user["name"], "nickname": user["nickname"]}
    # STARTER
    # |     """A stored user as the API sends it."""
    # |     # TODO 5: every user the API sends carries `full_name` (the same as `name`) and `nickname`;
    # |     #         `name` stays, where v1 clients read it.
    # |     return user
    # END SOLUTION


# BEGIN SOLUTION
def announce(headers: dict[str, str]) -> dict[str, str]:
    """The headers of a response that carries users, plus the deprecation notice for `name`."""
    # RFC 9745 speaks of the resource: every response that carries `name` carries the notice.
    # Two Links (next page, deprecation) are one header, a comma-separated list (RFC 9110 §5.3).
    links = [link for link in (headers.get("Link"), DEPRECATION["Link"]) if link]
    return {**headers, **DEPRECATION, "Link": ", ".join(links)}
# STARTER
# | # TODO 7: every response that carries users announces that `name` is deprecated:
# | #         Deprecation: @1767225600 (RFC 9745), and Sunset and a Link to the docs if you like.
# | def announce(headers: dict[str, str]) -> dict[str, str]:
# |     return headers
# END SOLUTION


def create_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    body = read_body(request)
    check_content_type(request, ("application/json",))
    user = store.create(validate_user(parse_object(body), partial=False))
    return 201, announce({"Location": f"/users/{user['id']}"}), present(user)


def list_users(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    page, headers, next_cursor = list_page(request)
    return 200, announce(headers), {"users": [present(user) for user in page], "next_cursor": next_cursor}


def get_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    user = store.get(user_id)
    if user is None:
        raise ApiError(404, "user not found")
    return 200, announce({}), present(user)


def update_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    body = read_body(request)
    # application/merge-patch+json names the patch format exactly; plain JSON is accepted too.
    check_content_type(request, ("application/json", "application/merge-patch+json"))
    if store.get(user_id) is None:  # 404 before any complaint about the body
        raise ApiError(404, "user not found")
    user = store.update(user_id, validate_user(parse_object(body), partial=True))
    if user is None:  # deleted by another request in between
        raise ApiError(404, "user not found")
    return 200, announce({}), present(user)  # the whole user as it is now: no second GET needed


def delete_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    if not store.delete(user_id):
        raise ApiError(404, "user not found")  # so a second DELETE says the user is gone
    return 204, {}, None  # done, and nothing left to show


# ---- Routing ------------------------------------------------------------------------------

# The handlers by method, in the order a 405's Allow header lists them: /users, then /users/{id}.
COLLECTION_HANDLERS: Handlers = {"GET": list_users, "HEAD": list_users, "POST": create_user}
ITEM_HANDLERS: Handlers = {"GET": get_user, "HEAD": get_user, "PATCH": update_user, "DELETE": delete_user}

if __name__ == "__main__":
    serve(COLLECTION_HANDLERS, ITEM_HANDLERS)
