"""A v1 client of the `users` API, as an application team would write it (lessons 07 and 08).

    client = UsersClient(srv.url)
    ada = client.create("ada@example.com", "Ada Lovelace")    # User(id='1', email=..., name=...)
    client.rename(ada.id, "Ada King")

It was written against v1 (servers/README.md) and is never changed afterwards: that is what a
deployed client is. Its promises about the server are checked by workbook.lessons.client_contract.

UsersClient is a *tolerant reader*: it takes the three fields it knows from a user and ignores
any other. StrictUsersClient is the same client written the other way: it refuses a user with a
field it does not know, as code that validates responses against "exactly these fields" does.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import requests

FIELDS = ("id", "email", "name")


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str


class UsersApiError(Exception):
    """The server answered something other than success; `status` and its `error` message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class InvalidUser(UsersApiError):
    """400: the server refused the data; the message says which field and why."""


class UserNotFound(UsersApiError):
    """404: no such user (also after a delete)."""


class EmailInUse(UsersApiError):
    """409: another user has this email."""


class UnexpectedResponse(UsersApiError):
    """An answer v1 never promised: a status this client has no meaning for, or a body it cannot read."""


class AmbiguousEmail(Exception):
    """v1 promised one user per email, and the server holds several."""


# What each v1 error status means to this client; any other non-2xx status is unexpected.
ERRORS: dict[int, type[UsersApiError]] = {400: InvalidUser, 404: UserNotFound, 409: EmailInUse}


class UsersClient:
    """The v1 client, a tolerant reader: it reads the fields it needs and ignores the rest."""

    def __init__(self, base_url: str, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = requests.Session()

    # ---- the operations an application calls ----

    def create(self, email: str, name: str) -> User:
        return self.user(self.call("POST", "/users", json={"email": email, "name": name}))

    def get(self, user_id: str) -> User:
        return self.user(self.call("GET", f"/users/{user_id}"))

    def rename(self, user_id: str, name: str) -> User:
        """Change the name only: a JSON Merge Patch that leaves every other field as it is."""
        body = self.call(
            "PATCH",
            f"/users/{user_id}",
            json={"name": name},
            headers={"Content-Type": "application/merge-patch+json"},
        )
        return self.user(body)

    def delete(self, user_id: str) -> None:
        self.call("DELETE", f"/users/{user_id}")

    def pages(self, limit: int = 20) -> Iterator[list[User]]:
        """Every user, a page at a time, oldest first: follow next_cursor until it is null."""
        cursor = None
        while True:
            params = {"limit": limit, **({"cursor": cursor} if cursor is not None else {})}
            page = self.call("GET", "/users", params=params)
            if not isinstance(page, dict) or not isinstance(page.get("users"), list):
                raise UnexpectedResponse(200, "GET /users: the body has no list of users")
            yield [self.user(item) for item in page["users"]]
            cursor = page.get("next_cursor")
            if cursor is None:
                return

    def all(self, limit: int = 100) -> list[User]:
        return [user for page in self.pages(limit) for user in page]

    def find_by_email(self, email: str) -> User | None:
        """The user with this email, or None. v1 promised at most one, so more is an error."""
        found = [user for user in self.all() if user.email == email]
        if len(found) > 1:
            raise AmbiguousEmail(f"{len(found)} users have this email; v1 promised at most one")
        return found[0] if found else None

    # ---- how it talks HTTP ----

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Send one request; the decoded JSON body on 2xx (None when empty), else a UsersApiError."""
        response = self.session.request(method, self.base_url + path, timeout=self.timeout, **kwargs)
        where = f"{method} {route_of(path)}"
        try:
            body = response.json() if response.content else None
        except ValueError:
            raise UnexpectedResponse(response.status_code, f"{where}: the body is not JSON") from None
        if 200 <= response.status_code < 300:  # tolerant: any success is success
            return body
        message = body.get("error", "") if isinstance(body, dict) else ""
        error = ERRORS.get(response.status_code)
        if error is None:
            raise UnexpectedResponse(
                response.status_code, f"{where} answered {response.status_code}: {message!r}"
            )
        raise error(response.status_code, message)

    def user(self, body: Any) -> User:
        """A User from a response body: the three v1 fields, each a string; others are ignored."""
        if not isinstance(body, dict):
            raise UnexpectedResponse(200, "a user should be a JSON object")
        for field in FIELDS:
            if not isinstance(body.get(field), str):
                raise UnexpectedResponse(
                    200, f"`{field}` should be a string, got {json_type(body.get(field))}"
                )
        return User(*(body[field] for field in FIELDS))


class StrictUsersClient(UsersClient):
    """The same v1 client, but a strict reader: a user must have exactly the v1 fields."""

    def user(self, body: Any) -> User:
        unknown = sorted(set(body) - set(FIELDS)) if isinstance(body, dict) else []
        if unknown:
            raise UnexpectedResponse(200, f"a user has a field v1 does not define: `{unknown[0]}`")
        return super().user(body)


def json_type(value: Any) -> str:
    """What a decoded JSON value is, in JSON's words: 'a number', 'nothing' (absent or null), ..."""
    if value is None:
        return "nothing"
    for kind, name in (
        (bool, "a boolean"),
        (str, "a string"),
        ((int, float), "a number"),
        (list, "an array"),
        (dict, "an object"),
    ):
        if isinstance(value, kind):
            return name
    return type(value).__name__


def route_of(path: str) -> str:
    """/users/42 -> /users/{id}: messages name the route, not one user, so they read the same every run."""
    return "/users/{id}" if path.startswith("/users/") else path
