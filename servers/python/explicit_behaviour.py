"""explicit_behaviour: hidden_behaviour.py with everything it does written in its contract (lesson 06).

    python3 servers/python/explicit_behaviour.py [PORT]

The contract, all of it:

    POST /users  {"email": ..., "name": ...}  201, Location: /users/{id}, the user
                 both fields required, no other field; else 400 {"error": "<what to fix>"}
    GET  /users/{id}                          200, the user; 404 {"error": "user not found"}
    GET  /users?limit=N&cursor=C&fields=F     200, {"users": [...], "next_cursor": "<id>" or null}
                 oldest first; limit 1 to 100, default 10; when more users follow, next_cursor and
                 a Link rel="next" say where; fields is a comma-separated subset of id,email,name
                 (default all three): the short form, asked for in the URL
    any other path 404, any other method 405 with Allow; errors are {"error": "<message>"}

Compare it with servers/python/hidden_behaviour.py line by line: each difference is marked EXPLICIT
here and HIDDEN there. What the two servers share (the store, reading the body, storing a user,
GET /users/{id}) is imported from there, so this file holds only what differs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from hidden_behaviour import EMAIL_PATTERN, FIELDS, LOCK, USERS, add_user, get_user, read_json
from http_plumbing import ApiError, DemoRequestHandler, Response, run  # servers/python/

# ---- Constants ----------------------------------------------------------------------------

DEFAULT_LIMIT = 10  # EXPLICIT: the same page size as hidden_behaviour, but in the contract


# ---- Validation ---------------------------------------------------------------------------


def parse_user(fields: Any) -> dict[str, str]:
    """The email and name of a POST body, or a 400 that says what to fix."""
    if not isinstance(fields, dict):
        raise ApiError(400, "body must be a JSON object")
    # EXPLICIT: a field the server does not know is an error, so a typo ("nmae") is caught at
    # once instead of being dropped without a word.
    unknown = sorted(set(fields) - {"email", "name"})
    if unknown:
        raise ApiError(400, f"unknown field: {unknown[0]}")
    for field in ("email", "name"):
        # EXPLICIT: a missing field is the client's to fix (400), not the server's to guess.
        if field not in fields:
            raise ApiError(400, f"{field} is required")
        if not isinstance(fields[field], str):
            raise ApiError(400, f"{field} must be a string")
    if not EMAIL_PATTERN.fullmatch(fields["email"]):
        raise ApiError(400, "email must look like name@example.com")
    if not 1 <= len(fields["name"]) <= 100:
        raise ApiError(400, "name must be 1 to 100 characters")
    return {"email": fields["email"], "name": fields["name"]}


def query_value(query: dict[str, list[str]], name: str, default: str) -> str:
    return query.get(name, [default])[0]


def parse_page(query: dict[str, list[str]]) -> tuple[int, int]:
    """EXPLICIT: the page size and where the page starts are parameters of the request."""
    limit, cursor = query_value(query, "limit", str(DEFAULT_LIMIT)), query_value(query, "cursor", "0")
    if not (limit.isascii() and limit.isdigit()) or not 1 <= int(limit) <= 100:
        raise ApiError(400, "limit must be an integer from 1 to 100")
    if not (cursor.isascii() and cursor.isdigit()):
        raise ApiError(400, "cursor is not valid")
    return int(limit), int(cursor)


def parse_fields(query: dict[str, list[str]]) -> list[str]:
    """EXPLICIT: the short form is asked for in the URL, so each form has a URL of its own."""
    fields = query_value(query, "fields", ",".join(FIELDS)).split(",")
    if not fields or any(field not in FIELDS for field in fields):
        raise ApiError(400, "fields must be a comma-separated list of id, email, name")
    return [field for field in FIELDS if field in fields]  # always in the order id, email, name


# ---- Handlers -----------------------------------------------------------------------------


def create_user(request: DemoRequestHandler, path: str) -> Response:
    return add_user(parse_user(read_json(request)))


def list_users(request: DemoRequestHandler, path: str) -> Response:
    query = parse_qs(request.requestline.split()[1].partition("?")[2])
    limit, cursor = parse_page(query)
    fields = parse_fields(query)
    with LOCK:
        after = [user for user in USERS if int(user["id"]) > cursor]
    page = [{field: user[field] for field in fields} for user in after[:limit]]
    # EXPLICIT: a page that is not the end says so, in the body and in a Link header. And no
    # request header changes this answer, so it needs no Vary; one that did (Accept-Language,
    # say) would be named in a Vary header, so that caches keep one copy per value.
    next_cursor = after[limit - 1]["id"] if len(after) > limit else None
    headers = {}
    if next_cursor:
        headers["Link"] = f'</users?limit={limit}&cursor={next_cursor}>; rel="next"'
    return 200, headers, {"users": page, "next_cursor": next_cursor}


# ---- Routing and start-up -----------------------------------------------------------------


class ExplicitBehaviourHandler(DemoRequestHandler):
    routes = {"/users": {"GET": list_users, "POST": create_user}, "/users/[^/]+": {"GET": get_user}}


if __name__ == "__main__":
    run(ExplicitBehaviourHandler)
