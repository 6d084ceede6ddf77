"""Bad input over raw sockets: every server answers 4xx or closes the connection, then serves the
next request normally, and the users it stored before are still there, unchanged."""

import json
import socket
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass

import pytest
import requests

from workbook import LANGUAGES, serve


@dataclass
class Outcome:
    received: bytes
    closed: bool  # the server closed (or reset) the connection
    seconds: float

    @property
    def status(self) -> int | None:
        parts = self.received.split(b" ", 2)
        if self.received.startswith(b"HTTP/1.") and len(parts) > 1 and parts[1].isdigit():
            return int(parts[1])
        return None

    def body(self) -> bytes:
        """The body of the first response (a second one may follow if the server read on)."""
        head, _, rest = self.received.partition(b"\r\n\r\n")
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                return rest[: int(value)]
        return rest

    def __str__(self) -> str:
        shown = self.received[:600].decode("latin-1")
        return (
            f"received {len(self.received)} bytes, closed={self.closed}, after {self.seconds:.1f} s:\n{shown}"
        )


def send(port: int, data: bytes, *, half_close: bool = False, timeout: float = 3.0) -> Outcome:
    """Write `data` (stopping early if the server hangs up) and read until the server closes the
    connection, one response has fully arrived, or `timeout` passes."""
    started = time.monotonic()
    received, closed = b"", False
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)  # "that is all": the body will never be complete
        except (BrokenPipeError, ConnectionResetError):
            closed = True  # the server refused to read it all
        deadline = started + timeout
        while not closed and time.monotonic() < deadline and not _one_response(received):
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            except ConnectionResetError:
                closed = True
                break
            closed = not chunk
            received += chunk
        if not closed:
            try:  # after the whole response, the server may still close: look once, briefly
                sock.settimeout(0.05)
                chunk = sock.recv(65536)
                closed, received = not chunk, received + chunk
            except (TimeoutError, ConnectionResetError) as error:
                closed = isinstance(error, ConnectionResetError)
    return Outcome(received, closed, time.monotonic() - started)


def _one_response(data: bytes) -> bool:
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value)
    return True


def assert_refused(outcome: Outcome) -> None:
    """A 4xx answer or a closed connection; never a 2xx, 3xx or 5xx, never silence."""
    status = outcome.status
    assert (status is not None and 400 <= status < 500) or (status is None and outcome.closed), str(outcome)
    if status is not None and b"application/json" in outcome.received.split(b"\r\n\r\n")[0]:
        assert set(json.loads(outcome.body())) == {"error"}, str(outcome)


def post_head(length: int | str, extra: bytes = b"") -> bytes:
    return (
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {length}\r\n".encode()
        + extra
        + b"\r\n"
    )


SEEDED = [
    {"email": "ada@example.com", "name": "Ada Lovelace"},
    {"email": "zoë@例え.jp", "name": "Zoë 李 😀"},
    {"email": "grace@example.com", "name": "Grace Hopper"},
]


@pytest.fixture(scope="module")
def stored(users_server) -> list[tuple[dict, str]]:
    """Users created before any bad input, with their ETags; the second one is at version 2."""
    kept = []
    for fields in SEEDED:
        response = requests.post(users_server.url + "/users", json=fields, timeout=5)
        assert response.status_code == 201, response.text
        kept.append(response.json())
    patched = requests.patch(
        f"{users_server.url}/users/{kept[1]['id']}",
        json={"name": "Zoë Li"},
        headers={"Content-Type": "application/merge-patch+json"},
        timeout=5,
    )
    kept[1] = patched.json()
    return [(user, '"v2"' if index == 1 else '"v1"') for index, user in enumerate(kept)]


@pytest.fixture
def srv(users_server, stored):
    """The server; after the test, it must answer normally and still hold the stored users."""
    yield users_server
    for user, etag in stored:
        response = requests.get(f"{users_server.url}/users/{user['id']}", timeout=5)
        assert (response.status_code, response.json(), response.headers["ETag"]) == (200, user, etag)
    listed = requests.get(users_server.url + "/users?limit=100", timeout=5)
    assert listed.status_code == 200
    assert [user for user in listed.json()["users"] if user["id"] in {u["id"] for u, _ in stored}] == [
        user for user, _ in stored
    ]


# ---- malformed request lines ----


@pytest.mark.parametrize(
    "data",
    [
        b"GARBAGE\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /users HTTP/1.1 extra\r\nHost: x\r\n\r\n",
        b"GET /users HTTX/1.1\r\nHost: x\r\n\r\n",
        b"GET /users HTTP/1.x\r\nHost: x\r\n\r\n",
        b"\x00\x01\x02\x03\xff\r\n\r\n",
        b"BREW /users HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /users/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /users HTTP/1.1\r\nHost: x\r\nNo colon in this line\r\n\r\n",
        b"GET /users HTTP/1.1\r\nHost: x\r\n: no name\r\n\r\n",
    ],
    ids=[
        "garbage",
        "method-only",
        "four-words",
        "not-http",
        "bad-version",
        "binary",
        "unknown-method",
        "path-not-utf8",
        "header-without-colon",
        "header-without-name",
    ],
)
def test_a_malformed_request_is_refused(srv, data):
    assert_refused(send(srv.port, data))


# ---- Content-Length ----


@pytest.mark.parametrize("length", ["abc", "-1", "+5", "1.0", "0x10", "5 5", ""])
def test_a_content_length_that_is_not_digits_is_refused(srv, length):
    assert_refused(send(srv.port, post_head(length) + b'{"a":1}'))


@pytest.mark.parametrize(
    "extra",
    [b"Content-Length: 3\r\n", b"Content-Length: 7\r\n", b"Transfer-Encoding: chunked\r\n"],
    ids=["smaller", "equal", "chunked"],
)
def test_a_second_length_or_transfer_encoding_is_refused(srv, extra):
    body = b'{"email":"twice@example.com","name":"Twice"}'
    assert_refused(send(srv.port, post_head(len(body), extra) + body))


def test_an_enormous_content_length_is_refused_without_waiting_for_the_body(srv):
    outcome = send(srv.port, post_head("99999999999999999999999999") + b"{}")
    assert_refused(outcome)
    assert outcome.seconds < 2


def test_an_unsupported_transfer_encoding_is_refused(srv):
    outcome = send(
        srv.port,
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: gzip\r\n\r\n\x1f\x8b",
    )
    if outcome.status == 501 and outcome.closed:
        return  # RFC 9112 6.1: an unknown transfer coding SHOULD get 501; Go's net/http does that
    assert_refused(outcome)


# ---- truncated bodies ----


def test_a_body_shorter_than_its_content_length_is_refused_when_the_client_stops(srv):
    outcome = send(srv.port, post_head(100) + b'{"email":"half', half_close=True)
    assert_refused(outcome)
    assert outcome.seconds < 2


def test_a_truncated_chunked_body_is_refused(srv):
    outcome = send(
        srv.port,
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Transfer-Encoding: chunked\r\n\r\n40\r\n{"email"',
        half_close=True,
    )
    assert_refused(outcome)


# ---- invalid UTF-8 and odd JSON ----


@pytest.mark.parametrize(
    "bad",
    [b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82", b"\xf4\x90\x80\x80"],
    ids=["ff", "overlong", "surrogate", "cut-short", "past-u10ffff"],
)
def test_a_body_with_invalid_utf8_is_400(srv, bad):
    body = b'{"email": "bad' + bad + b'@example.com", "name": "Bad"}'
    outcome = send(srv.port, post_head(len(body)) + body)
    assert (outcome.status, outcome.body()) == (400, b'{"error":"body is not valid JSON"}\n'), str(outcome)


DEPTH_ERROR = b'{"error":"body must be nested at most 20 levels deep"}\n'


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 8000 + b"]" * 8000,
        b'{"a":' * 2700 + b"1" + b"}" * 2700,
        b'{"email":' + b"[" * 20 + b"]" * 20 + b"}",
        b"[" * 21,
        b'{"a":"[[[[", "b":' + b"{" * 20 + b"}" * 20 + b"}",
    ],
    ids=["arrays", "objects", "21-levels", "21-unclosed", "brackets-in-strings-do-not-count"],
)
def test_json_nested_deeper_than_20_levels_is_400_with_one_message(srv, body):
    """servers/README.md: MAX_JSON_DEPTH = 20, checked before parsing, one message in all three."""
    assert len(body) <= 16384
    outcome = send(srv.port, post_head(len(body)) + body)
    assert (outcome.status, outcome.body()) == (400, DEPTH_ERROR), str(outcome)


def test_json_nested_20_levels_deep_is_parsed(srv):
    body = b'{"email":' + b"[" * 19 + b"]" * 19 + b', "name": "Deep"}'
    outcome = send(srv.port, post_head(len(body)) + body)
    assert (outcome.status, outcome.body()) == (400, b'{"error":"email must be a string"}\n'), str(outcome)


def test_a_lone_surrogate_escape_is_refused_or_stored_as_valid_utf8(srv):
    body = b'{"email": "lone@example.com", "name": "\\ud800"}'
    outcome = send(srv.port, post_head(len(body)) + body)
    assert outcome.status in (201, 400), str(outcome)
    outcome.body().decode("utf-8")  # whatever came back is UTF-8
    listed = requests.get(srv.url + "/users?limit=100", timeout=5)
    assert listed.status_code == 200
    listed.content.decode("utf-8")


def test_a_nul_character_in_a_name_is_stored_and_given_back(srv):
    response = requests.post(
        srv.url + "/users",
        data=b'{"email":"nul@example.com","name":"a\\u0000b"}',
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert response.status_code == 201
    assert requests.get(f"{srv.url}/users/{response.json()['id']}", timeout=5).json()["name"] == "a\x00b"


# ---- huge headers ----


def test_a_two_megabyte_header_is_refused(srv):
    outcome = send(srv.port, b"GET /users HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2_000_000 + b"\r\n\r\n")
    assert_refused(outcome)


def test_a_two_megabyte_request_line_is_refused(srv):
    assert_refused(send(srv.port, b"GET /users?" + b"a" * 2_000_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"))


def test_two_megabytes_of_small_headers_are_refused(srv):
    headers = b"".join(b"X-H%06d: v\r\n" % index for index in range(150_000))
    assert_refused(send(srv.port, b"GET /users HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n"))


# ---- slow clients ----


def test_slow_clients_do_not_block_the_others(srv):
    stalled = []
    try:
        for data in (b"GET /users HTTP/1.1\r\nHost:", post_head(100) + b'{"email":'):
            for _ in range(5):
                sock = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
                sock.sendall(data)
                stalled.append(sock)
        started = time.monotonic()
        response = requests.get(srv.url + "/users?limit=1", timeout=5)
        assert response.status_code == 200
        assert time.monotonic() - started < 1
    finally:
        for sock in stalled:
            sock.close()


@pytest.fixture(scope="module", autouse=True)
def stalled():
    """A silent half-sent request to a server of each language, opened when this module starts and
    watched in the background, so the 5-10 s the servers wait overlap the other tests."""
    outcomes: dict[str, Outcome] = {}

    def stall(language: str, port: int) -> None:
        outcomes[language] = send(port, b"GET /users HTTP/1.1\r\nHost: x\r\n", timeout=14)

    with ExitStack() as stack:
        servers = [stack.enter_context(serve(language, "users")) for language in LANGUAGES]
        threads = [threading.Thread(target=stall, args=(srv.language, srv.port)) for srv in servers]
        for thread in threads:
            thread.start()

        def results() -> dict[str, Outcome]:
            for thread in threads:
                thread.join()
            return outcomes

        yield results
        results()


def test_a_stalled_connection_is_closed_by_every_server(stalled):
    """README, Robustness: headers get 5 s (Go, Node), a silent socket 10 s (Python)."""
    for language, outcome in stalled().items():
        assert outcome.closed and outcome.seconds < 13, f"{language}: {outcome}"
        assert outcome.status in (None, 408), f"{language}: {outcome}"
