"""The three `users` servers are one API: the same scripted requests, sent to a fresh server in each
language, get the same status, the same headers and the same body, byte for byte; with
authentication on too, where each accepts the passwords and tokens of the other two."""

import base64
import hashlib
import hmac
import http.client
import itertools
import json
import socket

import pytest
import requests

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


def raw(data: bytes) -> tuple:
    """A request sent as these exact bytes: framing http.client never writes (a bare LF, ...)."""
    return "RAW", "", {}, data, False


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
    # The error cases of issue 9: framing the handlers answer, limits, JSON depth, the email rule.
    step("GET", "/users?x=" + "a" * 9000),  # 414
    step("GET", "/users", {f"X-Header-{n}": "v" for n in range(120)}),  # 431
    step("get", "/users"),  # 405: methods are case-sensitive
    step("BREW", "/nope"),  # 404
    step("POST", "/users", {**JSON, "Transfer-Encoding": "chunked"}, length=False),  # 411, closes
    step("POST", "/users", JSON, b"[" * 21 + b"]" * 21),
    step("POST", "/users", JSON, b'{"email": ' + b"[" * 20 + b"]" * 20 + b"}"),
    step("POST", "/users", JSON, body({"email": "ADA@EXAMPLE.COM", "name": "Upper Ada"})),  # 409
    step("POST", "/users", JSON, body({"email": "ada\u00a0@example.com", "name": "NBSP"})),
    step("POST", "/users", JSON, body({"email": "ada\u2028x@example.com", "name": "LS"})),
    step("POST", "/users", JSON, body({"email": "ada\u0000x@example.com", "name": "NUL"})),
    step("PATCH", "/users/5", MERGE, body({"email": "Ada@Example.com"})),  # own email, new case: v2
    step("GET", "/users?limit=100"),
    # Framing RFC 9112 lets a server bend and the contract refuses (servers/README.md, "HTTP/1.1
    # framing"): the same JSON 400 from all three, Go's net/http included.
    raw(b"GET /users?limit=1 HTTP/1.1\nHost: x\n\n"),  # bare LF line ends
    raw(b"GET /users?limit=1 HTTP/1.1\r\nHost: x\r\nX-Foo: bar\n\r\n"),  # one bare LF
    raw(b"\r\n\r\nGET /users?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n"),  # empty lines first: 200
    step("GET ", "/users"),  # two spaces in the request line
    step("GET", "/users", {"X-Fold": "a\r\n b"}),  # obs-fold
    step("GET", "/users", {"X-Fold": "a\r\n\tb"}),  # obs-fold with HTAB
    step("POST", "/users", {**JSON, "Content-Length": "2"}, b"{}"),  # send() adds a second one
    step("GET", "/users", {"Content-Length": "0", "content-length": "0"}),  # repeated on a GET
    # Every other refusal of "HTTP/1.1 framing", as raw bytes, Connection: close included: Go's
    # net/http and Node's parser would answer these themselves, framing.go and Node's handlers
    # answer them in the contract's JSON first.
    raw(b"GET /users HTTP/1.1\r\n\r\n"),  # no Host
    raw(b"GET /users HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),  # two
    raw(b"GET /users HTTP/1.1\r\nHost: a/b\r\n\r\n"),  # a byte no host has
    raw(b"CONNECT example.com:443 HTTP/1.1\r\n\r\n"),  # no Host on CONNECT either
    raw(b"GET /users HTTP/1.32\r\nHost: x\r\n\r\n"),  # a malformed version
    raw(b"GET /users http/1.1\r\nHost: x\r\n\r\n"),
    raw(b"GET /users HTTP/2.0\r\nHost: x\r\n\r\n"),  # 505
    raw(b"GET /users HTTP/1.2\r\nHost: x\r\n\r\n"),  # 505
    raw(b"GET /users HTTP/0.9\r\nHost: x\r\n\r\n"),  # 505
    raw(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),  # 505: the HTTP/2 preface
    raw(b"GET /users\r\nHost: x\r\n\r\n"),  # no version
    raw(b"GET\t/users HTTP/1.1\r\nHost: x\r\n\r\n"),  # a tab
    raw(b"GET /us ers HTTP/1.1\r\nHost: x\r\n\r\n"),  # a space in the target
    raw(b"GET /users\xff HTTP/1.1\r\nHost: x\r\n\r\n"),  # a byte no target has
    raw(b'G=":<>(e),[T];?" /users HTTP/1.1\r\nHost: x\r\n\r\n'),  # a method that is no token
    raw(b"GET /users HTTP/1.1\r\nHost: x\r\nX(Foo): bar\r\n\r\n"),  # a name that is no token
    raw(b"GET /users HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n"),
    raw(b"GET /users HTTP/1.1\r\nHost: x\r\nX-Foo : bar\r\n\r\n"),
    raw(b"GET /users HTTP/1.1\r\nHost: x\r\nX-Foo: b\x00ar\r\n\r\n"),  # NUL in a value
    raw(b"GET /users HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n"),  # 431
    raw(b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),  # 431: the request line alone
    raw(b"GET /users?x=" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"),  # 414
    raw(b"GET /users HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\n\r\n"),  # 417
    raw(b"GET /users HTTP/1.0\r\nExpect: 100-continue, bogus\r\n\r\n"),  # 417, in HTTP/1.0 too
    raw(b"POST /users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),  # 501
    raw(b"GET /users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),  # 501
    raw(b"POST /users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),  # 411
    raw(b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: +1_0\r\n\r\n"),  # 400
    raw(b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n"),
]


def send(port: int, method: str, path: str, headers: dict, data: bytes | None, length: bool) -> tuple:
    """Send one request on a new connection; return (status, normalized headers, body bytes)."""
    if method == "RAW":
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(data)
            response = http.client.HTTPResponse(sock)
            response.begin()
            return response.status, kept_headers(response, raw=True), response.read()
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
        return response.status, kept_headers(response), received
    finally:
        connection.close()


def kept_headers(response: http.client.HTTPResponse, raw: bool = False) -> list[tuple[str, str]]:
    """The headers to compare, sorted; for a raw step Connection too, unless it is the keep-alive
    Node spells out, so that every refusal says close in all three. (The reason phrase of the
    status line is each standard library's own: servers/README.md.)"""
    return sorted(
        (name.lower(), value)
        for name, value in response.getheaders()
        if name.lower() not in UNCOMPARED or (raw and name.lower() == "connection" and value != "keep-alive")
    )


def run_script(language: str) -> list[tuple]:
    with serve(language, "users") as srv:
        return [send(srv.port, *request) for request in SCRIPT]


@pytest.fixture(scope="module")
def answers() -> dict[str, list[tuple]]:
    return {language: run_script(language) for language in LANGUAGES}


def describe(index: int, answers: dict[str, list[tuple]], script: list[tuple] = SCRIPT) -> str:
    method, path, headers, data, _ = script[index]
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
    assert statuses >= {200, 201, 204, 304, 400, 404, 405, 409, 411, 412, 413, 414, 415, 417, 431, 501, 505}


# ---- with authentication on (USERS_AUTH_SECRET): the same bytes, and one another's tokens ----

SECRET = "equivalence secret"
AUTH_ENV = {"USERS_AUTH_SECRET": SECRET, "USERS_PBKDF2_ITERATIONS": "1000"}
FAR = 4102444800  # 2100-01-01: a token of the script that expires after every test run


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(sub: str, exp: int, secret: str = SECRET) -> str:
    """A token as the contract describes it, made here: the script's bytes never depend on the clock."""
    payload = b64url(json.dumps({"sub": sub, "exp": exp}, separators=(",", ":")).encode())
    return payload + "." + b64url(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())


def bearer(token: str) -> dict:
    return {**MERGE, "Authorization": f"Bearer {token}"}


ADA_PASSWORD = {**ADA, "password": "analytical engine"}
AUTH_SCRIPT = [
    step("POST", "/users", JSON, body(ADA_PASSWORD)),  # id 1
    step("POST", "/users", JSON, body({**GRACE, "password": "compiler A-0"})),  # id 2
    step("POST", "/users", JSON, body(ZOE)),
    step("POST", "/users", JSON, body({**ZOE, "password": "short"})),
    step("POST", "/users", JSON, body({**ZOE, "password": ["x" * 8]})),
    step("POST", "/tokens", JSON, body({"email": ADA["email"], "password": "difference engine"})),
    step("POST", "/tokens", JSON, body({"email": "nobody@example.com", "password": "analytical engine"})),
    step("POST", "/tokens", JSON, body({"email": ADA["email"]})),
    step(
        "POST",
        "/tokens",
        JSON,
        body({"email": ADA["email"], "password": "analytical engine", "b": 1, "a": 2}),
    ),
    step("POST", "/tokens", {"Content-Type": "text/plain"}, body(ADA_PASSWORD)),
    step("GET", "/tokens"),
    step("PATCH", "/users/1", MERGE, body({"name": "Ada King"})),
    step(
        "PATCH", "/users/1", {**MERGE, "Authorization": "Basic YWRhOmVuZ2luZQ=="}, body({"name": "Ada King"})
    ),
    step("PATCH", "/users/1", {**MERGE, "Authorization": "Bearer"}, body({"name": "Ada King"})),
    step("PATCH", "/users/1", bearer("x.y"), body({"name": "Ada King"})),
    step("PATCH", "/users/1", bearer(mint("1", FAR, "guessed")), body({"name": "Ada King"})),
    step("PATCH", "/users/1", bearer(mint("1", 1000000000)), body({"name": "Ada King"})),
    step("PATCH", "/users/1", bearer(mint("2", FAR)), body({"name": "Ada King"})),
    step("PATCH", "/users/1?access_token=" + mint("1", FAR), MERGE, body({"name": "Ada King"})),
    step("PATCH", "/users/1", bearer(mint("1", FAR)), body({"name": "Ada King"})),
    step("PATCH", "/users/999", MERGE, b"not json"),
    step("DELETE", "/users/2", {"Authorization": "Bearer " + mint("1", FAR)}),
    step("DELETE", "/users/2", {"Authorization": "bearer " + mint("2", FAR)}),
    step("GET", "/users"),
]


@pytest.fixture(scope="module")
def auth_answers() -> dict[str, list[tuple]]:
    answers = {}
    for language in LANGUAGES:
        with serve(language, "users", env=AUTH_ENV) as srv:
            answers[language] = [send(srv.port, *request) for request in AUTH_SCRIPT]
    return answers


@pytest.mark.parametrize("other", [language for language in LANGUAGES if language != "python"])
def test_with_auth_on_every_answer_matches_the_python_server(auth_answers, other):
    differing = [i for i in range(len(AUTH_SCRIPT)) if auth_answers[other][i] != auth_answers["python"][i]]
    assert not differing, "\n".join(describe(i, auth_answers, AUTH_SCRIPT) for i in differing)


def test_the_auth_script_meets_every_refusal_of_the_contract(auth_answers):
    statuses = [status for status, _, _ in auth_answers["python"]]
    assert {200, 201, 204, 400, 401, 403, 405, 415} <= set(statuses)


def test_a_password_hashed_and_a_token_minted_in_one_language_work_in_the_other_two(tmp_path):
    """Three replicas, one store and one secret: sign up on one, log in on a second, PATCH on the third."""
    env = {**AUTH_ENV, "USERS_STORE": str(tmp_path)}
    with serve("python", "users", env=env) as py, serve("node", "users", env=env) as node:
        with serve("go", "users", env=env) as go:
            servers = {"python": py, "node": node, "go": go}
            for signup, login, change in itertools.permutations(LANGUAGES):
                email = f"{signup}-{login}-{change}@example.com"
                created = requests.post(
                    servers[signup].url + "/users", json={"email": email, "name": signup, "password": "p" * 8}
                )
                issued = requests.post(
                    servers[login].url + "/tokens", json={"email": email, "password": "p" * 8}
                )
                assert issued.status_code == 200, f"{login} refused a password {signup} hashed: {issued.text}"
                changed = requests.patch(
                    f"{servers[change].url}/users/{created.json()['id']}",
                    data=b'{"name": "changed"}',
                    headers=bearer(issued.json()["token"]),
                )
                assert changed.status_code == 200, f"{change} refused a token {login} minted: {changed.text}"
