"""hidden_behaviour: a small users API that does more than its documentation says (lesson 06).

    python3 servers/python/hidden_behaviour.py [PORT]

Its documentation, all of it:

    POST /users  {"email": ..., "name": ...}  201, Location: /users/{id}, the user
    GET  /users/{id}                          200, the user; 404 {"error": "user not found"}
    GET  /users                               200, {"users": [...]}, oldest first
    any other path 404, any other method 405 with Allow; errors are {"error": "<message>"}

What it also does, written nowhere but here (each marked HIDDEN below):

    1. A missing name is filled in from the email ("grace@example.com" becomes "grace"), and
       fields it does not know are dropped: a typo such as "nmae" is never reported.
    2. The list holds the first 10 users only, and nothing in the answer says that more exist.
    3. A client whose User-Agent contains "Mobile" gets the users without their email, and no
       Vary header tells a cache that the answer depends on the User-Agent.

servers/python/explicit_behaviour.py is the same server with each of these made explicit; it imports
the parts the two share (the store, create and get) from here. The plumbing (HTTP/1.1, JSON
answers, start-up) is servers/python/http_plumbing.py.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

from http_plumbing import ApiError, DemoRequestHandler, Response, run  # servers/python/

# ---- Constants ----------------------------------------------------------------------------

EMAIL_PATTERN = re.compile(r"^[^@ \t\r\n]+@[^@ \t\r\n]+$")
FIELDS = ("id", "email", "name")
MAX_LISTED = 10  # HIDDEN: the list stops here, and the documentation never says so

# ---- Store --------------------------------------------------------------------------------

LOCK = threading.Lock()  # one thread per connection: one lock around the list
USERS: list[dict[str, str]] = []  # in creation order, so ids ascend


# ---- Validation ---------------------------------------------------------------------------


def read_json(request: DemoRequestHandler) -> Any:
    """The body of a POST, parsed: 411, 413, 415 or 400 when it cannot be."""
    if "Content-Length" not in request.headers:
        raise ApiError(411, "Content-Length is required")
    body = request.read_body()
    if request.headers.get("Content-Type", "").split(";")[0].strip().lower() != "application/json":
        raise ApiError(415, "Content-Type must be application/json")
    try:
        return json.loads(body.decode("utf-8"))
    except ValueError:
        raise ApiError(400, "body is not valid JSON") from None


def parse_user(fields: Any) -> dict[str, str]:
    """The email and name of a POST body, or a 400 that says what to fix."""
    if not isinstance(fields, dict):
        raise ApiError(400, "body must be a JSON object")
    # HIDDEN: fields other than email and name are dropped without a word, typos included.
    if "email" not in fields:
        raise ApiError(400, "email is required")
    if not isinstance(fields["email"], str):
        raise ApiError(400, "email must be a string")
    if "name" not in fields:
        # HIDDEN: a guess instead of an error; the client believes it sent a name.
        fields["name"] = fields["email"].partition("@")[0]
    if not isinstance(fields["name"], str):
        raise ApiError(400, "name must be a string")
    if not EMAIL_PATTERN.fullmatch(fields["email"]):
        raise ApiError(400, "email must look like name@example.com")
    if not 1 <= len(fields["name"]) <= 100:
        raise ApiError(400, "name must be 1 to 100 characters")
    return {"email": fields["email"], "name": fields["name"]}


def wants_short_form(request: DemoRequestHandler) -> bool:
    """HIDDEN: the answer depends on a request header that no documentation mentions."""
    return "Mobile" in request.headers.get("User-Agent", "")


# ---- Handlers -----------------------------------------------------------------------------


def add_user(fields: dict[str, str]) -> Response:
    """Store a user whose email and name passed validation; the 201 that says where it lives."""
    with LOCK:
        user = {"id": str(len(USERS) + 1), "email": fields["email"], "name": fields["name"]}
        USERS.append(user)
    return 201, {"Location": f"/users/{user['id']}"}, user


def create_user(request: DemoRequestHandler, path: str) -> Response:
    return add_user(parse_user(read_json(request)))


def get_user(request: DemoRequestHandler, path: str) -> Response:
    user_id = path.removeprefix("/users/")
    with LOCK:
        found = [user for user in USERS if user["id"] == user_id]
    if not found:
        raise ApiError(404, "user not found")
    return 200, {}, found[0]


def list_users(request: DemoRequestHandler, path: str) -> Response:
    fields = ["id", "name"] if wants_short_form(request) else list(FIELDS)
    with LOCK:
        # HIDDEN: the first MAX_LISTED users only; the answer looks the same whether or not more
        # exist, so a client cannot tell "10 users" from "the first 10 of many".
        listed = USERS[:MAX_LISTED]
    # HIDDEN: no "Vary: User-Agent", so a shared cache stores one form under the URL and hands it
    # to every client, mobile or not.
    return 200, {}, {"users": [{field: user[field] for field in fields} for user in listed]}


# ---- Routing and start-up -----------------------------------------------------------------


class HiddenBehaviourHandler(DemoRequestHandler):
    routes = {"/users": {"GET": list_users, "POST": create_user}, "/users/[^/]+": {"GET": get_user}}


if __name__ == "__main__":
    run(HiddenBehaviourHandler)
