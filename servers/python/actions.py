"""actions: the features of the `users` API, designed as actions instead of resources (lesson 05).

    python3 servers/python/actions.py [PORT]

Every operation is a verb in the URL, every request is a POST with a JSON body, and the answer of
every operation is 200 with a body that says whether it worked. HTTP is used as a pipe to call
functions through: the style of many RPC-over-HTTP APIs (JSON-RPC over HTTP answers its errors
with 200 too). Lesson 05 sets it beside `users` and asks what a cache, a retrying client and a
proxy, which read the method, the URL and the status but never the body, can tell about each
request.

    POST /createUser      {"email": ..., "name": ...}            200 {"ok": true, "user": {...}}
    POST /getUserDetails  {"id": ...}                            200 {"ok": true, "user": {...}}
    POST /updateUser      {"id": ..., "email"?: ..., "name"?: ...} 200 {"ok": true, "user": {...}}
    POST /deleteUser      {"id": ...}                            200 {"ok": true}
    an operation that fails                                      200 {"ok": false, "error": "..."}

Only a request that never reaches an operation gets another status: 404 for any other path, 405
(with `Allow: POST`) for any other method, 400 for a body that is not a JSON object, 413 for a body
over 16384 bytes. The error messages are the words of the `users` contract (servers/README.md).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from typing import Any

from http_plumbing import ApiError, DemoRequestHandler, run  # servers/python/http_plumbing.py

# ---- Constants ----------------------------------------------------------------------------

EMAIL_PATTERN = re.compile(r"^[^@ \t\r\n]+@[^@ \t\r\n]+$")

User = dict[str, str]  # {"id": ..., "email": ..., "name": ...}, keys in this order


class Failed(Exception):
    """An operation that did not work: still 200 on the wire, `"ok": false` in the body."""


# ---- Store --------------------------------------------------------------------------------


class Store:
    """Users in this process's memory, one lock around every operation (one thread per request)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users: dict[str, User] = {}
        self.last_id = 0

    def create(self, email: str, name: str) -> User:
        with self.lock:
            if any(user["email"] == email for user in self.users.values()):
                raise Failed("email is already in use")
            self.last_id += 1
            user = {"id": str(self.last_id), "email": email, "name": name}
            self.users[user["id"]] = user
            return user

    def get(self, user_id: str) -> User:
        with self.lock:
            if user_id not in self.users:
                raise Failed("user not found")
            return self.users[user_id]

    def update(self, user_id: str, changes: dict[str, str]) -> User:
        with self.lock:
            if user_id not in self.users:
                raise Failed("user not found")
            email = changes.get("email")
            if email and any(u["email"] == email and u["id"] != user_id for u in self.users.values()):
                raise Failed("email is already in use")
            self.users[user_id] = {**self.users[user_id], **changes}
            return self.users[user_id]

    def delete(self, user_id: str) -> None:
        with self.lock:
            if self.users.pop(user_id, None) is None:
                raise Failed("user not found")


STORE = Store()

# ---- Validation ---------------------------------------------------------------------------


def check_fields(fields: dict[str, Any], allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
    """The body has only `allowed` fields, all `required` ones, and every one is a valid string."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise Failed(f"unknown field: {unknown[0]}")
    for field in allowed:
        if field not in fields:
            if field in required:
                raise Failed(f"{field} is required")
            continue
        if not isinstance(fields[field], str):
            raise Failed(f"{field} must be a string")
    if "email" in fields and not EMAIL_PATTERN.fullmatch(fields["email"]):
        raise Failed("email must look like name@example.com")
    if "name" in fields and not 1 <= len(fields["name"]) <= 100:
        raise Failed("name must be 1 to 100 characters")


# ---- Handlers: one function per action, each takes the body and returns the answer -------


def create_user(fields: dict[str, Any]) -> dict[str, Any]:
    check_fields(fields, ("email", "name"), required=("email", "name"))
    return {"ok": True, "user": STORE.create(fields["email"], fields["name"])}


def get_user_details(fields: dict[str, Any]) -> dict[str, Any]:
    check_fields(fields, ("id",), required=("id",))
    return {"ok": True, "user": STORE.get(fields["id"])}


def update_user(fields: dict[str, Any]) -> dict[str, Any]:
    check_fields(fields, ("id", "email", "name"), required=("id",))
    changes = {key: value for key, value in fields.items() if key != "id"}
    return {"ok": True, "user": STORE.update(fields["id"], changes)}


def delete_user(fields: dict[str, Any]) -> dict[str, Any]:
    check_fields(fields, ("id",), required=("id",))
    STORE.delete(fields["id"])
    return {"ok": True}


# ---- Routing ------------------------------------------------------------------------------

# The path names the operation, so the list of paths is the list of functions: a new feature is
# a new URL, and nothing in the URL says which user a request is about.
ACTIONS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "/createUser": create_user,
    "/getUserDetails": get_user_details,
    "/updateUser": update_user,
    "/deleteUser": delete_user,
}


class ActionsRequestHandler(DemoRequestHandler):
    """Reads the body, calls the action the path names, answers 200 with what it returned."""

    def __getattr__(self, name: str) -> Callable[[], None]:
        # Every method, known or not, goes to dispatch(), which answers 405 for all but POST.
        if name.startswith("do_"):
            return self.dispatch
        raise AttributeError(name)

    def dispatch(self) -> None:
        try:
            status, headers, body = 200, {}, self.call_action()
        except ApiError as error:
            status, headers, body = error.status, error.headers, {"ok": False, "error": error.message}
        self.send_json(status, headers, body)

    def call_action(self) -> dict[str, Any]:
        body = self.read_body()
        path = self.requestline.split()[1].partition("?")[0]
        if path not in ACTIONS:
            raise ApiError(404, "not found")
        if self.command != "POST":
            raise ApiError(405, "method not allowed", {"Allow": "POST"})
        try:
            fields = json.loads(body.decode("utf-8"))
        except ValueError:  # bad UTF-8 or bad JSON
            raise ApiError(400, "body is not valid JSON") from None
        if not isinstance(fields, dict):
            raise ApiError(400, "body must be a JSON object")
        try:
            return ACTIONS[path](fields)
        except Failed as failure:
            # The RPC habit this server stands for: the call reached the function, so the
            # transport says 200 and only the body tells a failure from a success.
            return {"ok": False, "error": str(failure)}


if __name__ == "__main__":
    run(ActionsRequestHandler)
