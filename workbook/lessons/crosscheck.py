"""Send the same requests, in the same order, to several servers and tabulate their answers (lesson 06).

    crosscheck({"python": py.url, "node": js.url, "go": go.url}, CREATE_REQUESTS)

Each cell is the status and what a client acts on: the `error` message of an error body, the
`Location` of a 201. The last row counts, for each server, the answers equal to the first server's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from ..show import Table, table


@dataclass
class Case:
    """One request of a cross-check: method, path and the keyword arguments of requests.request."""

    method: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        """The request line, then the Content-Type and the body exactly as `requests` sends them
        (a body longer than 100 characters shortened, its length given)."""
        prepared = requests.Request(self.method, "http://127.0.0.1" + self.path, **self.options).prepare()
        body = prepared.body.decode() if isinstance(prepared.body, bytes) else prepared.body
        if body is None:
            return f"{self.method} {self.path}"
        if len(body) > 100:
            body = f"{body[:20]}…{body[-20:]} ({len(body):,} characters)"
        return (
            f"{self.method} {self.path}  {prepared.headers.get('Content-Type', '(no Content-Type)')}  {body}"
        )


def ada(**changes: Any) -> dict[str, Any]:
    """A valid user body with some fields changed (a value of None leaves the field out)."""
    body = {"email": "ada@example.com", "name": "Ada Lovelace", **changes}
    return {key: value for key, value in body.items() if value is not None}


def post_json(body: Any) -> Case:
    return Case("POST", "/users", {"json": body})


# Lesson 06: every way the users contract answers a create, plus a read of what is not there.
# Order matters: the first request creates Ada, so the last POST meets her email again (409).
CREATE_REQUESTS: dict[str, Case] = {
    "a valid user": post_json(ada()),
    "no email": post_json(ada(email=None)),
    "no name": post_json(ada(email="grace@example.com", name=None)),
    "a typo: nmae": post_json({"email": "grace@example.com", "nmae": "Grace Hopper"}),
    "an id chosen by the client": post_json(ada(id="7")),
    "email is a number": post_json(ada(email=42)),
    "email without @": post_json(ada(email="ada.example.com")),
    "name is empty": post_json(ada(name="")),
    "not JSON": Case(
        "POST", "/users", {"data": b"{email: ada}", "headers": {"Content-Type": "application/json"}}
    ),
    "JSON, not an object": post_json(["ada@example.com", "Ada Lovelace"]),
    # Each standard library's JSON parser has its own depth limit (or none); the contract sets one.
    "JSON nested 1,000 deep": Case(
        "POST", "/users", {"data": "[" * 1000 + "]" * 1000, "headers": {"Content-Type": "application/json"}}
    ),
    "a form, not JSON": Case("POST", "/users", {"data": ada()}),
    "the same email again": post_json(ada(name="Ada King")),
    "a user that does not exist": Case("GET", "/users/99"),
}


def outcome(response: requests.Response) -> str:
    """The status, then the error message or the Location, as one table cell."""
    text = str(response.status_code)
    if "Location" in response.headers:
        text += f" Location: {response.headers['Location']}"
    if response.headers.get("Content-Type", "").startswith("application/json"):
        error = response.json().get("error") if isinstance(response.json(), dict) else None
        if error:
            text += f" {error}"
    return text


def crosscheck(urls: dict[str, str], cases: dict[str, Case]) -> Table:
    """One row per case, one column per server; a last row says how many answers match the first."""
    answers = {
        name: [
            outcome(requests.request(case.method, url + case.path, timeout=5, **case.options))
            for case in cases.values()
        ]
        for name, url in urls.items()
    }
    reference = next(iter(answers.values()))
    rows = [[label] + [answers[name][i] for name in urls] for i, label in enumerate(cases)]
    same = [sum(a == b for a, b in zip(answers[name], reference)) for name in urls]
    rows.append([f"same as {next(iter(urls))}"] + [f"{n} of {len(cases)}" for n in same])
    return table(rows, ["request"] + list(urls))
