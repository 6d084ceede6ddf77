"""The three `users` servers are one API: the same scripted requests, sent to a fresh server in each
language, get the same status, the same headers and the same body, byte for byte."""

import http.client
import json

import pytest

from workbook import LANGUAGES, serve

MERGE = {"Content-Type": "application/merge-patch+json"}
JSON = {"Content-Type": "application/json"}
# Headers that legitimately differ between servers or from one second to the next.
UNCOMPARED = {"date", "connection", "keep-alive", "server"}


def body(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


def step(
    method: str, path: str, headers: dict | None = None, data: bytes | None = None, length: bool = True
) -> tuple:
    """One request of the script; `length=False` sends a body-less request without Content-Length."""
    return method, path, headers or {}, data, length


ADA = {"email": "ada@example.com", "name": "Ada Lovelace"}
GRACE = {"email": "grace@example.com", "name": "Grace Hopper"}
ZOE = {"email": "zoë@例え.jp", "name": "Zoë 李 😀"}

SCRIPT = [
    step("GET", "/users"),
    step("POST", "/users", JSON, body(ADA)),  # id 1
    step("POST", "/users", JSON, body(GRACE)),  # id 2
    step("POST", "/users", JSON, body({**ADA, "name": "Impostor"})),  # 409, uses up id 3
    step("POST", "/users", {"Content-Type": "application/json; charset=UTF-8"}, body(ZOE)),  # id 4
    step("POST", "/users", JSON, b'{"email": "x@y",'),
    step("POST", "/users", JSON, b"[1, 2]"),
    step("POST", "/users", JSON, body({"id": "9", **ADA})),
    step("POST", "/users", JSON, body({"b": 1, "a": 2, **ADA})),
    step("POST", "/users", JSON, body({"name": "No Email"})),
    step("POST", "/users", JSON, body({"email": "no-name@example.com"})),
    step("POST", "/users", JSON, body({"email": None, "name": "Null Email"})),
    step("POST", "/users", JSON, body({"email": 7, "name": "Seven"})),
    step("POST", "/users", JSON, body({"email": "not-an-email", "name": "X"})),
    step("POST", "/users", JSON, body({"email": "a" * 250 + "@b.cd", "name": "Long"})),
    step("POST", "/users", JSON, body({"email": "empty@example.com", "name": ""})),
    step("POST", "/users", JSON, body({"email": "astral@example.com", "name": "😀" * 101})),
    step("POST", "/users", {"Content-Type": "text/plain"}, body(ADA)),
    step("POST", "/users", {}, body(ADA)),
    step("POST", "/users", JSON, b"{" + b" " * 16400 + b"}"),
    step("POST", "/users", JSON, length=False),
    step("POST", "/users", JSON, b'{"email": "\xc3\x28@example.com", "name": "Bad UTF-8"}'),
    step("GET", "/users/1"),
    step("GET", "/users/1", {"If-None-Match": '"v1"'}),
    step("GET", "/users/1", {"If-None-Match": '"v5", W/"v1"'}),
    step("GET", "/users/1", {"If-None-Match": '"v2"'}),
    step("GET", "/users/3"),
    step("GET", "/users/abc?x=1"),
    step("HEAD", "/users/4"),
    step("HEAD", "/users/999"),
    step("PATCH", "/users/1", MERGE, body({"name": "Ada King"})),  # v2
    step("PATCH", "/users/1", {**MERGE, "If-Match": '"v1"'}, body({"name": "Stale"})),
    step("PATCH", "/users/1", {**JSON, "If-Match": '"v2"'}, body({"email": "ada@king.uk"})),  # v3
    step("PATCH", "/users/2", MERGE, body({"email": "ada@king.uk"})),
    step("POST", "/users", JSON, body({**ADA, "name": "Ada Again"})),  # the old email is free: id 5
    step("PATCH", "/users/2", MERGE, b"{}"),  # v2
    step("PATCH", "/users/2", MERGE, body({"name": None})),
    step("PATCH", "/users/2", {"Content-Type": "text/plain"}, b"{}"),
    step("PATCH", "/users/999", MERGE, b"not json"),
    step("PATCH", "/users/1", {**MERGE, "If-Match": "*"}, b"not json"),
    step("PATCH", "/users/1", MERGE, body({"name": "x", "role": "admin"})),
    step("PATCH", "/users/1", MERGE, length=False),
    step("GET", "/users?limit=2"),
    step("GET", "/users?limit=2&cursor=2"),
    step("GET", "/users?limit=2&cursor=4"),
    step("GET", "/users?limit=0"),
    step("GET", "/users?limit=101"),
    step("GET", "/users?limit="),
    step("GET", "/users?cursor=x"),
    step("GET", "/users?cursor="),
    step("GET", "/users?cursor=99999999999999999999"),
    step("GET", "/users?limit=100&cursor=0&sort=name"),
    step("HEAD", "/users?limit=1"),
    step("OPTIONS", "/users"),
    step("PUT", "/users/1", JSON, body(ADA)),
    step("DELETE", "/users"),
    step("TRACE", "/users/1"),
    step("GET", "/users/"),
    step("GET", "/users/1/email"),
    step("GET", "/nope"),
    step("DELETE", "/users/2", {"If-Match": '"v1"'}),
    step("DELETE", "/users/2", {"If-Match": '"v2"'}),
    step("DELETE", "/users/2"),
    step("GET", "/users/2", {"If-None-Match": "*"}),
    step("POST", "/users", JSON, body(GRACE)),  # id 6
    step("PATCH", "/users/6", {**MERGE, "If-Match": ""}, b"{}"),
    step("DELETE", "/users/6", {"If-Match": ""}),
    step("POST", "/users", JSON, b'{"email": "lone@example.com", "name": "\\ud800"}'),
    step("POST", "/users", JSON, b'{"email": "pair@example.com", "name": "\\ud83d\\ude00"}'),  # id 7
    step("GET", "/users/7", {"If-None-Match": ""}),
    step("GET", "/users?limit=5;x=1"),
    step("GET", "/users?limit"),
    step("GET", "/users?cursor=" + "9" * 5000),
    step("GET", "/users"),
]


def send(port: int, method: str, path: str, headers: dict, data: bytes | None, length: bool) -> tuple:
    """Send one request on a new connection; return (status, normalized headers, body bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        if data is not None:
            connection.putheader("Content-Length", str(len(data)))
        elif length and method in ("POST", "PATCH", "PUT"):
            connection.putheader("Content-Length", "0")
        connection.endheaders(data)
        response = connection.getresponse()
        received = response.read()
        kept = sorted(
            (name.lower(), value) for name, value in response.getheaders() if name.lower() not in UNCOMPARED
        )
        return response.status, kept, received
    finally:
        connection.close()


def run_script(language: str) -> list[tuple]:
    with serve(language, "users") as srv:
        return [send(srv.port, *request) for request in SCRIPT]


@pytest.fixture(scope="module")
def answers() -> dict[str, list[tuple]]:
    return {language: run_script(language) for language in LANGUAGES}


def describe(index: int, answers: dict[str, list[tuple]]) -> str:
    method, path, headers, data, _ = SCRIPT[index]
    lines = [f"step {index}: {method} {path} {headers} {data[:80] if data else ''}"]
    for language, results in answers.items():
        status, kept, received = results[index]
        lines.append(f"  {language:6} {status} {kept} {received[:200]!r}")
    return "\n".join(lines)


def test_the_script_is_long_enough_to_mean_something():
    assert len(SCRIPT) >= 40


@pytest.mark.parametrize("other", [language for language in LANGUAGES if language != "python"])
def test_every_answer_matches_the_python_server(answers, other):
    differing = [index for index in range(len(SCRIPT)) if answers[other][index] != answers["python"][index]]
    assert not differing, "\n".join(describe(index, answers) for index in differing)


def test_the_script_meets_every_status_of_the_contract(answers):
    statuses = {status for status, _, _ in answers["python"]}
    assert statuses >= {200, 201, 204, 304, 400, 404, 405, 409, 411, 412, 413, 415}
