"""A slow client cannot hold a `users` server: each server hangs up on a client that drips its
request, at the same deadlines in all three languages (servers/README.md, "Robustness":
HEADER_TIMEOUT = 5 s for the headers, REQUEST_TIMEOUT = 10 s for the whole request), and on one that
does not take its answers (WRITE_TIMEOUT = 10 s for each), and serves other clients meanwhile; a
kept-alive connection that stays silent is closed after IDLE_TIMEOUT."""

from __future__ import annotations

import select
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from workbook import LANGUAGES, serve

HEADER_TIMEOUT, REQUEST_TIMEOUT, IDLE_TIMEOUT, WRITE_TIMEOUT = 5, 10, 30, 10
# Node checks its timeouts once a second; the margins leave room for a busy machine too.
EARLIEST, LATEST = -1.0, 3.0


def drip(port: int, head: bytes, drops: bytes, interval: float = 0.5) -> float:
    """Send head at once, then drops one byte per interval; the seconds until the server hung up."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    closed = threading.Event()

    def watch() -> None:
        try:
            while sock.recv(4096):
                pass
        except OSError:
            pass
        closed.set()

    started = time.monotonic()
    sock.sendall(head)
    threading.Thread(target=watch, daemon=True).start()
    try:
        for byte in drops:
            if closed.wait(interval):
                break
            sock.send(bytes([byte]))
    except OSError:  # the server closed first and our send hit the reset
        pass
    closed.wait(30)
    sock.close()
    return time.monotonic() - started


def headers_dripped(language: str) -> tuple[float, list[int]]:
    """Drip a request's headers at a fresh server while another client is served; (seconds, statuses)."""
    with serve(language, "users") as srv:
        user = requests.post(
            srv.url + "/users", json={"email": "patient@example.com", "name": "P"}, timeout=5
        ).json()
        served: list[int] = []

        def other_client() -> None:
            time.sleep(1)
            served.append(requests.get(f"{srv.url}/users/{user['id']}", timeout=5).status_code)

        waiter = threading.Thread(target=other_client)
        waiter.start()  # another client, served while the slow one drips
        seconds = drip(srv.port, b"", b"GET /users HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100)
        waiter.join()
    return seconds, served


def body_dripped(language: str) -> tuple[float, list[int]]:
    """Drip a request's body at a fresh server; (seconds, the status of a request after it)."""
    head = b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    with serve(language, "users") as srv:
        seconds = drip(srv.port, head, b"x" * 100)
        after = requests.get(srv.url + "/users", timeout=5).status_code
    return seconds, [after]


@pytest.fixture(scope="module")
def hang_ups() -> dict[tuple[str, str], tuple[float, list[int]]]:
    """Every drip, each at its own server, all at once: the tests wait out the deadlines once (about
    10 s), not six times one after the other. Printed at the end of the module."""
    runs = {
        (language, kind): run
        for language in LANGUAGES
        for kind, run in (("headers", headers_dripped), ("body", body_dripped))
    }
    with ThreadPoolExecutor(len(runs)) as pool:
        futures = {key: pool.submit(run, key[0]) for key, run in runs.items()}
        measured = {key: future.result() for key, future in futures.items()}
    yield measured
    for (language, kind), (seconds, _) in measured.items():
        print(f"\n{language}: {kind} dripped, hung up after {seconds:.1f} s")


def test_a_client_dripping_its_headers_is_hung_up_on_after_the_header_timeout(language, hang_ups):
    seconds, served = hang_ups[language, "headers"]
    assert HEADER_TIMEOUT + EARLIEST <= seconds <= HEADER_TIMEOUT + LATEST
    assert served == [200]


def test_a_client_dripping_its_body_is_hung_up_on_after_the_request_timeout(language, hang_ups):
    seconds, after = hang_ups[language, "body"]
    assert REQUEST_TIMEOUT + EARLIEST <= seconds <= REQUEST_TIMEOUT + LATEST
    assert after == [200]


def idle_until_closed(language: str) -> float:
    """One request on a keep-alive connection, then silence; the seconds until the server closes it."""
    with (
        serve(language, "users") as srv,
        socket.create_connection(("127.0.0.1", srv.port), IDLE_TIMEOUT + 10) as sock,
    ):
        sock.sendall(b"GET /users HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = b""
        while not answer.endswith(b"}\n"):  # the whole answer: the connection is now idle
            answer += sock.recv(65536)
        started = time.monotonic()
        assert sock.recv(65536) == b""  # closed by the server, with nothing more sent
        return time.monotonic() - started


@pytest.fixture(scope="module")
def idle_closes() -> dict[str, float]:
    """The three servers' idle connections, waited out at once (about 30 s, not 90)."""
    with ThreadPoolExecutor(len(LANGUAGES)) as pool:
        measured = dict(zip(LANGUAGES, pool.map(idle_until_closed, LANGUAGES)))
    yield measured
    for language, seconds in measured.items():
        print(f"\n{language}: a silent keep-alive connection closed after {seconds:.1f} s")


@pytest.mark.slow  # waits out IDLE_TIMEOUT
def test_a_silent_keep_alive_connection_is_closed_after_the_idle_timeout(language, idle_closes):
    assert IDLE_TIMEOUT + EARLIEST <= idle_closes[language] <= IDLE_TIMEOUT + LATEST


def create_users(url: str, count: int = 100) -> None:
    """count users with long emails and names: a page of 100 is about 35 KB."""
    with requests.Session() as session:
        for n in range(count):
            user = {"email": f"{n}{'x' * 190}@example.com", "name": "N" * 100}
            assert session.post(url + "/users", json=user, timeout=5).status_code == 201


def never_reading(language: str, requests_sent: int = 300) -> tuple[float, list[int]]:
    """Pipeline pages of 100 users, about 10 MB of answers, and read none: the kernel's buffers
    fill, and the server waits for the client. (the seconds until the server hung up, the status
    another client got meanwhile)"""
    with serve(language, "users") as srv:
        create_users(srv.url)
        served: list[int] = []

        def other_client() -> None:
            time.sleep(3)  # the buffers are full by now
            served.append(requests.get(srv.url + "/users/1", timeout=5).status_code)

        waiter = threading.Thread(target=other_client)
        with socket.create_connection(("127.0.0.1", srv.port)) as sock:
            waiter.start()
            started = time.monotonic()
            sock.sendall(b"GET /users?limit=100 HTTP/1.1\r\nHost: x\r\n\r\n" * requests_sent)
            hang_up = select.poll()  # a reset: POLLERR and POLLHUP, whatever is left unread
            hang_up.register(sock, select.POLLERR | select.POLLHUP)
            hang_up.poll((WRITE_TIMEOUT + 10) * 1000)
            seconds = time.monotonic() - started
        waiter.join()
    return seconds, served


@pytest.fixture(scope="module")
def write_hang_ups() -> dict[str, tuple[float, list[int]]]:
    """The three servers' clients that read nothing, waited out at once (about 10 s, not 30)."""
    with ThreadPoolExecutor(len(LANGUAGES)) as pool:
        measured = dict(zip(LANGUAGES, pool.map(never_reading, LANGUAGES)))
    yield measured
    for language, (seconds, _) in measured.items():
        print(f"\n{language}: answers not taken, hung up after {seconds:.1f} s")


@pytest.mark.slow  # waits out WRITE_TIMEOUT
def test_a_client_that_does_not_take_its_answers_is_hung_up_on_after_the_write_timeout(
    language, write_hang_ups
):
    """Counted from the first byte of the answer the client does not take, which the server
    begins a fraction of a second after the requests arrive."""
    seconds, served = write_hang_ups[language]
    assert WRITE_TIMEOUT + EARLIEST <= seconds <= WRITE_TIMEOUT + LATEST
    assert served == [200]
