"""Exercise 06: POST /users says exactly what it did, and exactly what was wrong.

    python3 exercises/06_explicit_create/python/server.py [PORT]

POST /users creates a user from whatever it gets, answers 200 and an id, and never says no.
Make every outcome explicit the way the README asks, then `make check EX=06 IN=python`.
"""

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
    """The users, in memory, in creation order."""

    def __init__(self) -> None:
        self.lock = threading.Lock()  # a thread per connection: requests run at the same time
        self.users: dict[str, User] = {}
        self.last_id = 0

    def create(self, email: str, name: str) -> User:
        # TODO 8: one user per email: a second one is 409 {"error": "email is already in use"}.
        with self.lock:
            self.last_id += 1
            user = {"id": str(self.last_id), "email": email, "name": name}
            self.users[user["id"]] = user
            return user

    def get(self, user_id: str) -> User | None:
        with self.lock:
            return self.users.get(user_id)


store = MemoryStore()

# ---- Validation ---------------------------------------------------------------------------


# TODO 3: check_content_type(request, allowed): a Content-Type other than application/json is
#         415 {"error": "Content-Type must be application/json"}.


def parse_object(body: bytes) -> dict[str, Any]:
    """The body as a JSON object; anything else counts as an empty one."""
    # TODO 4: a body that is not JSON, or JSON but not an object, is the client's mistake: 400,
    #         with a message that says which of the two.
    check_depth(body)  # the contract's limit on nesting, before the parser recurses
    try:
        value = load_json(body)  # json.loads of the UTF-8 text, as strict as RFC 8259
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def validate_user(fields: dict[str, Any]) -> dict[str, str]:
    """The email and name of a POST body; whatever is not a string becomes an empty one."""
    # TODO 5: a missing field, or one that is not a string: 400, each with its own message.
    # TODO 6: an email or a name out of bounds: 400, each with its own message.
    # TODO 7: a field the API does not define (`id`, or a typo such as `nmae`): 400.
    # The messages, word for word, and their order: servers/README.md.
    email, name = fields.get("email"), fields.get("name")
    return {"email": email if isinstance(email, str) else "",
            "name": name if isinstance(name, str) else ""}


# ---- Handlers -----------------------------------------------------------------------------


def create_user(request: BaseHTTPRequestHandler, user_id: str) -> Response:
    body = read_body(request)
    # TODO 3: the Content-Type (415), before the body is parsed.
    fields = validate_user(parse_object(body))
    user = store.create(fields["email"], fields["name"])
    # TODO 1: 201 Created, and Location: /users/{id} says where the new user is.
    # TODO 2: the body is the user as stored, all of it.
    return 200, {}, {"id": user["id"]}


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
