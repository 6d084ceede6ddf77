"""Graceful shutdown of the `users` servers (servers/README.md, "Robustness"): on SIGTERM a server
stops accepting, closes idle keep-alive connections at once, finishes the requests in flight (a POST
whose body is still arriving included) and exits 0. So a replica can be replaced behind Caddy under
a write load without one failed request."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time

import requests

from workbook import serve
from workbook.lessons.balancer import balance
from workbook.unique import unique_email

REPLACEMENTS = 5


def wait_for_exit(srv, seconds: float = 12.0) -> int | None:
    """The exit status once the server has exited by itself; None if it is still running."""
    deadline = time.monotonic() + seconds
    while srv.running() and time.monotonic() < deadline:
        time.sleep(0.02)
    return None if srv.running() else srv.stop()


def test_a_post_whose_body_is_still_arriving_at_sigterm_is_answered_201(language):
    body = json.dumps({"email": "late@example.com", "name": "Late"}).encode()
    head = (
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    with serve(language, "users") as srv, socket.create_connection(("127.0.0.1", srv.port), 12) as sock:
        sock.sendall(head + body[:10])
        time.sleep(0.3)  # the server is reading the body now
        os.kill(srv.pid, signal.SIGTERM)
        time.sleep(0.3)
        sock.sendall(body[10:])
        answer = b""
        while chunk := sock.recv(65536):  # until the server closes: it must, it is draining
            answer += chunk
        status = wait_for_exit(srv)
    assert answer.startswith(b"HTTP/1.1 201 "), answer
    assert b"connection: close" in answer.lower()
    assert status == 0


def test_an_idle_keep_alive_connection_is_closed_at_once_and_the_server_exits_0(language):
    with serve(language, "users") as srv, socket.create_connection(("127.0.0.1", srv.port), 12) as sock:
        sock.sendall(b"GET /users HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = b""
        while not answer.endswith(b"}\n"):  # the whole answer: the connection is now idle
            answer += sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200 ")
        started = time.monotonic()
        os.kill(srv.pid, signal.SIGTERM)
        assert sock.recv(65536) == b""  # closed by the server, not after its 30 s idle timeout
        status = wait_for_exit(srv)
        seconds = time.monotonic() - started
    assert status == 0
    assert seconds < 3


def post_until(url: str, stop: threading.Event, outcomes: list[int | str]) -> None:
    """POST new users through the balancer until stop; record each status (or the error)."""
    with requests.Session() as session:
        while not stop.is_set():
            email = unique_email("load")
            try:
                response = session.post(url + "/users", json={"email": email, "name": "Load"}, timeout=10)
                outcomes.append(response.status_code)
            except requests.RequestException as error:
                outcomes.append(type(error).__name__)


def test_replacing_a_replica_five_times_under_post_load_fails_no_request(language, scratch):
    """Two replicas of one language behind Caddy on one store; four clients POST without pause while
    one replica is stopped (SIGTERM) and replaced on its port, five times."""
    env = {"USERS_STORE": str(scratch)}
    replica = serve(language, "users", env=env)
    other = serve(language, "users", env=env)
    outcomes: list[int | str] = []
    stop = threading.Event()
    try:
        with balance([replica.url, other.url]) as lb:
            clients = [threading.Thread(target=post_until, args=(lb.url, stop, outcomes)) for _ in range(4)]
            for client in clients:
                client.start()
            for _ in range(REPLACEMENTS):
                time.sleep(0.5)
                port = replica.port
                assert replica.stop() == 0  # SIGTERM: drains, then exits 0
                replica = serve(language, "users", port=port, env=env)
            time.sleep(0.5)
            stop.set()
            for client in clients:
                client.join()
            balancer_log = [line for line in lb.output().splitlines() if '"error"' in line]
    finally:
        stop.set()
        replica.stop()
        other.stop()
    failed = [outcome for outcome in outcomes if outcome != 201]
    print(f"\n{language}: {len(failed)} failed of {len(outcomes)} POSTs during {REPLACEMENTS} replacements")
    print("\n".join(balancer_log))  # what Caddy saw, for each failed request
    assert len(outcomes) > 50
    # Zero is the goal and the usual result. A request may still meet a keep-alive connection in
    # the very instant the server closes it as idle (RFC 9112 §9.3.1 warns clients of that race),
    # and Caddy retries no POST: on a busy machine that happened twice in five replacements. A
    # server that drops its requests in flight fails more (Python and Node before draining: 3-7).
    assert len(failed) <= 2, "\n".join(balancer_log)
