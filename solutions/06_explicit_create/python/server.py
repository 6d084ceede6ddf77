# BEGIN SOLUTION
"""Exercise 06, solved: POST /users says exactly what it did, and exactly what was wrong.

    python3 solutions/06_explicit_create/python/server.py [PORT]

Every outcome is explicit: 201 with the user and its Location when it worked; otherwise one
status and one message per reason (415, 400, 409), from servers/README.md, word for word, so a
client can act on each one. Nothing is guessed, filled in or silently dropped.
"""
# STARTER
# | """Exercise 06: POST /users says exactly what it did, and exactly what was wrong.
# |
# |     python3 exercises/06_explicit_create/python/server.py [PORT]
# |
# | POST /users creates a user from whatever it gets, answers 200 and an id, and never says no.
# | Make every outcome explicit the way the README asks, then `make check EX=06 IN=python`.
# | """
# END SOLUTION

import threading
from http.server import BaseHTTPRequestHandler
from typing import Any

# Reading a body, JSON out, routing, the launch contract, the contract's limits: plumbing.py,
# shared by exercises 05 to 07 (no need to open it).
from plumbing import (
    EMAIL_PATTERN,
    MAX_EMAIL,
    MAX_NAME,
    ApiError,
    Handlers,
    Response,
    User,
    check_depth,
    email_key,
    load_json,
    read_body,
    serve,
)

# ---- Store --------------------------------------------------------------------------------


class MemoryStore:
    # BEGIN SOLUTION
    """The users, in memory, in creation order; one user per email."""
    # STARTER
    # |     """The users, in memory, in creation order."""
    # END SOLUTION

    def __init__(self) -> None:
        self.lock = threading.Lock()  # a thread per connection: requests run at the same time
        self.users: dict[str, User] = {}
        # BEGIN SOLUTION
        self.owners: dict[str, str] = {}  # email_key(email) -> the id of the user who has it
        # END SOLUTION
        self.last_id = 0

    def create(self, email: str, name: str) -> User:
        # BEGIN SOLUTION
        # Check and insert under one lock: two POSTs with the same email, checked apart and then
        # inserted, would both pass the check. Ada@Example.COM is ada@example.com (email_key).
        # STARTER
        # |         # TODO 8: one user per email: a second one is 409 {"error": "email is already in use"}.
        # END SOLUTION
        with self.lock:
            # BEGIN SOLUTION
            if email_key(email) in self.owners:
                raise ApiError(409, "email is already in use")
            # END SOLUTION
            self.last_id += 1
            user = {"id": str(self.last_id), "email": email, "name": name}
            self.users[user["id"]] = user
            # BEGIN SOLUTION
            self.owners[email_key(email)] = user["id"]
            # END SOLUTION
            return user

    def get(self, user_id: str) -> User | None:
        with self.lock:
            return self.users.get(user_id)


store = MemoryStore()

# ---- Validation ---------------------------------------------------------------------------


# BEGIN SOLUTION
def check_content_type(request: BaseHTTPRequestHandler, allowed: tuple[str, ...]) -> None:
    # Parameters such as "; charset=utf-8" are allowed, and media types are case-insensitive.
    media_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type not in allowed:
        raise ApiError(415, "Content-Type must be " + " or ".join(allowed))
# STARTER
# | # TODO 3: check_content_type(request, allowed): a Content-Type other than application/json is
# | #         415 {"error": "Content-Type must be application/json"}.
# END SOLUTION


def parse_object(body: bytes) -> dict[str, Any]:
    # BEGIN SOLUTION
    """The body as a JSON object, else a 400 that says which of the two it is not."""
    # STARTER
    # |     """The body as a JSON object; anything else counts as an empty one."""
    # |     # TODO 4: a body that is not JSON, or JSON but not an object, is the client's mistake: 400,
    # |     #         with a message that says which of the two.
    # END SOLUTION
    check_depth(body)  # the contract's limit on nesting, before the parser recurses
    try:
        value = load_json(body)  # json.loads of the UTF-8 text, as strict as RFC 8259
    # BEGIN SOLUTION
    except ValueError:  # bad UTF-8 or bad JSON
        raise ApiError(400, "body is not valid JSON") from None
    if not isinstance(value, dict):
        raise ApiError(400, "body must be a JSON object")
    return value
    # STARTER
    # |     except ValueError:
    # |         return {}
    # |     return value if isinstance(value, dict) else {}
    # END SOLUTION


def validate_user(fields: dict[str, Any]) -> dict[str, str]:
    # BEGIN SOLUTION
    """The checked email and name of a POST body: the first problem found, as a 400."""
    # A field the API does not define is an error, not something to drop: a typo such as
    # "nmae" would otherwise create a user without the name the client meant to send.
    if "id" in fields:
        raise ApiError(400, "id is assigned by the server")
    unknown = sorted(set(fields) - {"email", "name"})
    if unknown:
        raise ApiError(400, f"unknown field: {unknown[0]}")  # sorted: the same answer every time
    checked = {}
    for field in ("email", "name"):  # one field entirely, then the other
        value = fields.get(field)
        if value is None:  # required: never guessed or filled in with a default
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
    # STARTER
    # |     """The email and name of a POST body; whatever is not a string becomes an empty one."""
    # |     # TODO 5: a missing field, or one that is not a string: 400, each with its own message.
    # |     # TODO 6: an email or a name out of bounds: 400, each with its own message.
    # |     # TODO 7: a field the API does not define (`id`, or a typo such as `nmae`): 400.
    # |     # The messages, word for word, and their order: servers/README.md.
    # |     email, name = fields.get("email"), fields.get("name")
    # |     return {"email": email if isinstance(email, str) else "",
    # |             "name": name if isinstance(name, str) else ""}
    # END SOLUTION


# ---- Handlers -----------------------------------------------------------------------------


def create_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    # BEGIN SOLUTION
    # One check after the other, in the order of servers/README.md, so that a request with two
    # problems always gets the same answer: the media type (415), the syntax (400), each field
    # (400), then what only the store knows, the other users (409).
    # END SOLUTION
    body = read_body(request)
    # BEGIN SOLUTION
    check_content_type(request, ("application/json",))
    # STARTER
    # |     # TODO 3: the Content-Type (415), before the body is parsed.
    # END SOLUTION
    fields = validate_user(parse_object(body))
    user = store.create(fields["email"], fields["name"])
    # BEGIN SOLUTION
    # 201, not 200: something new exists, and Location says where (RFC 9110 §15.3.2). The body
    # is the user as stored, id included: the client needs no second request to learn it.
    return 201, {"Location": f"/users/{user['id']}"}, user
    # STARTER
    # |     # TODO 1: 201 Created, and Location: /users/{id} says where the new user is.
    # |     # TODO 2: the body is the user as stored, all of it.
    # |     return 200, {}, {"id": user["id"]}
    # END SOLUTION


def get_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    user = store.get(user_id)
    if user is None:
        raise ApiError(404, "user not found")
    return 200, {}, user


# ---- Routing ------------------------------------------------------------------------------

# The handlers by method, in the order a 405's Allow header lists them: /users, then /users/{id}.
COLLECTION_HANDLERS: Handlers = {"POST": create_user}
ITEM_HANDLERS: Handlers = {"GET": get_user, "HEAD": get_user}

if __name__ == "__main__":
    serve(COLLECTION_HANDLERS, ITEM_HANDLERS)
