"""A slow client cannot hold a `users` server: each server hangs up on a client that drips its
request, at the same deadlines in all three languages (servers/README.md, "Robustness":
HEADER_TIMEOUT = 5 s for the headers, REQUEST_TIMEOUT = 10 s for the whole request), and serves
other clients meanwhile."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import requests

from workbook import serve

HEADER_TIMEOUT, REQUEST_TIMEOUT = 5, 10
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


@pytest.fixture(scope="module")
def hang_ups() -> dict[str, dict[str, float]]:
    """Hang-up times per language, filled in by the tests; printed at the end of the module."""
    times: dict[str, dict[str, float]] = {}
    yield times
    for language, measured in times.items():
        print(
            f"\n{language}: "
            + ", ".join(f"{what} hung up after {seconds:.1f} s" for what, seconds in measured.items())
        )


def test_a_client_dripping_its_headers_is_hung_up_on_after_the_header_timeout(language, hang_ups):
    with serve(language, "users") as srv:
        user = requests.post(
            srv.url + "/users", json={"email": "patient@example.com", "name": "P"}, timeout=5
        ).json()
        served = []
        waiter = threading.Thread(
            target=lambda: served.append(
                (time.sleep(1), requests.get(f"{srv.url}/users/{user['id']}", timeout=5).status_code)[1]
            )
        )
        waiter.start()  # another client, served while the slow one drips
        seconds = drip(srv.port, b"", b"GET /users HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100)
        waiter.join()
    hang_ups.setdefault(language, {})["headers"] = seconds
    assert HEADER_TIMEOUT + EARLIEST <= seconds <= HEADER_TIMEOUT + LATEST
    assert served == [200]


def test_a_client_dripping_its_body_is_hung_up_on_after_the_request_timeout(language, hang_ups):
    head = b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    with serve(language, "users") as srv:
        seconds = drip(srv.port, head, b"x" * 100)
        assert requests.get(srv.url + "/users", timeout=5).status_code == 200
    hang_ups.setdefault(language, {})["body"] = seconds
    assert REQUEST_TIMEOUT + EARLIEST <= seconds <= REQUEST_TIMEOUT + LATEST
