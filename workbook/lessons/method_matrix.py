"""Send every method to every path of an API and tabulate the status codes (lesson 05).

    status_matrix([actions_api(actions.url), users_api(users.url)])

Each cell is one probe against a user created just for it, so that no probe sees what another did
(a DELETE in one cell cannot turn the next cell into a 404). POST, PUT and PATCH carry the JSON body
the path's operation expects; the other methods carry none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import requests

from ..show import Table, table
from ..unique import unique_email

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
WITH_BODY = ("POST", "PUT", "PATCH")


@dataclass
class Api:
    """An API to probe: where it is, how to create a user, and each path with the body it expects.

    A path may hold `{id}`, replaced by the id of the probe's own user; a body function gets that
    id and returns the JSON body for POST, PUT and PATCH."""

    url: str
    create_user: Callable[[str], str]  # the API's url -> the id of a new user
    bodies: dict[str, Callable[[str], dict]]


def actions_api(url: str) -> Api:
    """The `actions` server: four paths, each the name of an operation."""

    def create(url: str) -> str:
        answer = requests.post(
            url + "/createUser", json={"email": unique_email("probe"), "name": "Ada"}, timeout=5
        )
        return answer.json()["user"]["id"]

    return Api(
        url,
        create,
        {
            "/createUser": lambda _: {"email": unique_email("probe"), "name": "Ada"},
            "/getUserDetails": lambda user_id: {"id": user_id},
            "/updateUser": lambda user_id: {"id": user_id, "name": "Ada King"},
            "/deleteUser": lambda user_id: {"id": user_id},
        },
    )


def users_api(url: str) -> Api:
    """The `users` server: a collection and its items."""

    def create(url: str) -> str:
        answer = requests.post(
            url + "/users", json={"email": unique_email("probe"), "name": "Ada"}, timeout=5
        )
        return answer.json()["id"]

    return Api(
        url,
        create,
        {
            "/users": lambda _: {"email": unique_email("probe"), "name": "Ada"},
            "/users/{id}": lambda _: {"name": "Ada King"},
        },
    )


def status_of(api: Api, method: str, path: str) -> int:
    """The status of `method` on `path`, sent right after creating a user of its own."""
    user_id = api.create_user(api.url)
    body = api.bodies[path](user_id) if method in WITH_BODY else None
    return requests.request(method, api.url + path.format(id=user_id), json=body, timeout=5).status_code


def status_matrix(apis: Iterable[Api], methods: Iterable[str] = METHODS) -> Table:
    """Rows: the paths of every API given. Columns: the methods. Cells: the status codes.
    (Paths down the side, short method names across: the table fits a narrow window.)"""
    methods = list(methods)
    rows = [
        [path] + [status_of(api, method, path) for method in methods] for api in apis for path in api.bodies
    ]
    return table(rows, ["path", *methods])
