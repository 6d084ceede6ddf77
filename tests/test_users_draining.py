"""Graceful shutdown of the `users` servers (servers/README.md, "Robustness"): on SIGTERM or SIGINT
a server stops accepting, closes idle keep-alive connections at once, finishes the requests in
flight (a POST whose body is still arriving included) and exits 0; past DRAIN_TIMEOUT it cuts what
is left. So a replica taken out of the balancer's rotation first, then stopped, can be replaced
behind Caddy under a write load, or a read load, without one failed request."""

from __future__ import annotations

import json
import os
import signal
import socket
import threading
import time

import pytest
import requests

from workbook import serve, temporary_folder
from workbook.lessons.balancer import balance
from workbook.lessons.replicas import Replicas
from workbook.unique import unique_email

REPLACEMENTS = 5
DRAIN_TIMEOUT = 10


def wait_for_exit(srv, seconds: float = 12.0) -> int | None:
    """The exit status once the server has exited by itself; None if it is still running."""
    return srv.stop() if srv.exits_within(seconds) else None


def read_until_closed(sock: socket.socket) -> bytes:
    """All the server sends until it closes the connection (a reset counts as closed)."""
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except ConnectionResetError:
        pass
    return answer


def post_with_a_body_arriving_at(signum: int, language: str) -> tuple[bytes, int | None]:
    """Send a POST's head and part of its body, then signum, then the rest; (answer, exit status)."""
    body = json.dumps({"email": "late@example.com", "name": "Late"}).encode()
    head = (
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
    )
    with serve(language, "users") as srv:
        with socket.create_connection(("127.0.0.1", srv.port), 12) as sock:
            sock.sendall(head + body[:10])
            time.sleep(0.3)  # the server is reading the body now
            os.kill(srv.pid, signum)
            time.sleep(0.3)
            sock.sendall(body[10:])
            answer = read_until_closed(sock)  # the server must close: it is draining
        # The client closes too, as a client does after "Connection: close": the server reads until
        # then (RFC 9112 §9.6), or until DRAIN_TIMEOUT.
        status = wait_for_exit(srv)
    return answer, status


def test_a_post_whose_body_is_still_arriving_at_sigterm_is_answered_201(language):
    answer, status = post_with_a_body_arriving_at(signal.SIGTERM, language)
    assert answer.startswith(b"HTTP/1.1 201 "), answer
    assert b"connection: close" in answer.lower()
    assert status == 0


def test_sigint_drains_as_sigterm_does(language):
    """Ctrl-C in the terminal that started the server: the request in flight is finished too."""
    answer, status = post_with_a_body_arriving_at(signal.SIGINT, language)
    assert answer.startswith(b"HTTP/1.1 201 "), answer
    assert b"connection: close" in answer.lower()
    assert status == 0


@pytest.mark.slow  # waits out DRAIN_TIMEOUT
@pytest.mark.parametrize("language", ["python", "go"])
def test_past_the_drain_timeout_a_request_stuck_in_the_store_is_cut_and_the_server_exits_0(language):
    """The user's version file is replaced by a FIFO nobody writes to, so the GET's open() waits for
    a writer forever, as a read from a hung disk would. Not Node: its store reads are synchronous, so
    the same FIFO stops its one thread, SIGTERM's handler included (the next test holds Node's
    request on its thread pool instead)."""
    with (
        temporary_folder("users-store") as store,
        serve(language, "users", env={"USERS_STORE": str(store)}) as srv,
    ):
        user = requests.post(srv.url + "/users", json={"email": "s@example.com", "name": "S"}, timeout=5)
        user_id = user.json()["id"]
        version = store.path / "users" / user_id / "1.json"
        version.unlink()
        os.mkfifo(version)  # opened by no one here: the server's open() is its only end
        with socket.create_connection(("127.0.0.1", srv.port), 1) as sock:
            sock.sendall(f"GET /users/{user_id} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            time.sleep(0.3)  # the server is stuck in the store now
            started = time.monotonic()
            os.kill(srv.pid, signal.SIGTERM)
            status = wait_for_exit(srv, DRAIN_TIMEOUT + 10)
            seconds = time.monotonic() - started
            answer = read_until_closed(sock)  # closed by now, or recv times out in 1 s
    assert status == 0
    assert DRAIN_TIMEOUT - 0.5 <= seconds <= DRAIN_TIMEOUT + 3
    assert answer == b""


@pytest.mark.slow  # waits out DRAIN_TIMEOUT
def test_node_cuts_a_password_check_at_the_drain_timeout_but_its_exit_waits_for_the_hash():
    """A check uses the stored hash's iteration count: raised to a billion, it keeps POST /tokens
    hashing on libuv's thread pool for minutes. At DRAIN_TIMEOUT Node cuts the connection, as Python
    and Go do, but process.exit waits for the thread pool's work to end (servers/README.md says so)."""
    user = {"email": "slow-hash@example.com", "password": "correct horse"}
    env = {"USERS_AUTH_SECRET": "drain", "USERS_PBKDF2_ITERATIONS": "1000"}
    with (
        temporary_folder("users-store") as store,
        serve("node", "users", env={**env, "USERS_STORE": str(store)}) as srv,
    ):
        user_id = requests.post(srv.url + "/users", json={**user, "name": "S"}, timeout=5).json()["id"]
        stored = store.path / "passwords" / user_id
        scheme, _, salt, digest = stored.read_text().split("$")
        stored.write_text(f"{scheme}${10**9}${salt}${digest}")
        body = json.dumps(user).encode()
        head = (
            b"POST /tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
        )
        with socket.create_connection(("127.0.0.1", srv.port), DRAIN_TIMEOUT + 10) as sock:
            sock.sendall(head + body)
            time.sleep(0.3)  # the hash is under way now
            started = time.monotonic()
            os.kill(srv.pid, signal.SIGTERM)
            answer = read_until_closed(sock)
            seconds = time.monotonic() - started
        still_running = wait_for_exit(srv, 1) is None
        srv.stop(grace=0.5)  # the hash would go on for minutes: SIGKILL
    assert answer == b""
    assert DRAIN_TIMEOUT - 0.5 <= seconds <= DRAIN_TIMEOUT + 3
    assert still_running


def whole_answers(stream: bytes) -> tuple[list[bytes], bytes]:
    """The answers in stream, each cut at its Content-Length; and the bytes of a last one cut short."""
    answers = []
    while b"\r\n\r\n" in stream:
        head, _, rest = stream.partition(b"\r\n\r\n")
        fields = dict(line.lower().split(b": ", 1) for line in head.split(b"\r\n")[1:])
        length = int(fields[b"content-length"])
        if len(rest) < length:
            break
        answers.append(head.split(b"\r\n")[0])
        stream = rest[length:]
    return answers, stream


def pipelined_and_read_slowly(
    language: str, requests_sent: int = 300
) -> tuple[list[bytes], bytes, int | None]:
    """Pipeline pages of 100 users (about 10 MB of answers, more than the kernel's buffers hold), read
    them slowly, and send SIGTERM while the server is still sending. (the whole answers, the bytes of
    an answer cut short, the exit status)"""
    with serve(language, "users") as srv:
        with requests.Session() as session:
            for n in range(100):
                user = {"email": f"{n}{'x' * 190}@example.com", "name": "N" * 100}
                session.post(srv.url + "/users", json=user, timeout=5)
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)  # before connect: a small window
            sock.connect(("127.0.0.1", srv.port))
            sock.settimeout(DRAIN_TIMEOUT + 5)
            sock.sendall(b"GET /users?limit=100 HTTP/1.1\r\nHost: x\r\n\r\n" * requests_sent)
            started, stream, signalled = time.monotonic(), b"", False
            while True:
                if not signalled and time.monotonic() - started > 0.2:
                    os.kill(srv.pid, signal.SIGTERM)  # mid-way: megabytes are still to come
                    signalled = True
                try:
                    chunk = sock.recv(65536)
                except ConnectionResetError:
                    break
                if not chunk:
                    break
                stream += chunk
                time.sleep(0.005)  # a slow reader: about 5 MB/s
        status = wait_for_exit(srv)
    answers, cut = whole_answers(stream)
    print(f"\n{language}: {len(answers)} whole answers of {requests_sent}, {len(cut)} bytes of one cut")
    return answers, cut, status


def test_answers_begun_before_sigterm_reach_a_slow_pipelining_client_whole(language):
    """Each server answers some of the pipelined requests (Node all it had answered before SIGTERM,
    Python and Go the one in flight and one more or none), then closes in stages (RFC 9112 §9.6):
    closed at once with requests of the client's unread, the connection would be reset by the kernel,
    and the last answer's end, still in the kernel's send buffer, lost."""
    answers, cut, status = pipelined_and_read_slowly(language)
    assert answers and set(answers) == {b"HTTP/1.1 200 OK"}
    assert cut == b""
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
        # Closed here too, as a client does on end-of-file: a connection SIGTERM met an instant
        # before it went idle is closed as one that just answered, and the server reads until the
        # client closes its end (servers/README.md, "Robustness"), which held this test 10 s once.
        sock.close()
        status = wait_for_exit(srv)
        seconds = time.monotonic() - started
    assert status == 0
    assert seconds < 3


def test_a_connection_that_has_sent_nothing_is_closed_at_once_and_the_server_exits_0(language):
    """A balancer may hold a spare connection it has sent nothing on yet. It is idle, as a kept-alive
    one is: closed at once (Go's Shutdown would count it busy for up to 5 s)."""
    with serve(language, "users") as srv, socket.create_connection(("127.0.0.1", srv.port), 12) as sock:
        time.sleep(0.2)  # accepted by now
        started = time.monotonic()
        os.kill(srv.pid, signal.SIGTERM)
        assert sock.recv(65536) == b""  # closed by the server
        sock.close()  # as a client does on end-of-file
        status = wait_for_exit(srv)
        seconds = time.monotonic() - started
    assert status == 0
    assert seconds < 1


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


def get_until(url: str, stop: threading.Event, outcomes: list[int | str]) -> None:
    """GET one user through the balancer until stop; record each status (or the error)."""
    with requests.Session() as session:
        while not stop.is_set():
            try:
                outcomes.append(session.get(url + "/users/1", timeout=10).status_code)
            except requests.RequestException as error:
                outcomes.append(type(error).__name__)


def replace_under_load(language: str, client, expected: int) -> tuple[list[int | str], list[str], list, int]:
    """Two replicas of one language behind Caddy on one store; four clients send requests without
    pause while replica A is replaced (out of rotation, SIGTERM, a new one, back in) five times.
    The failed requests, what Caddy logged as errors, the old replicas' exit statuses, how many were sent."""
    replicas = Replicas({"A": language, "B": language})
    outcomes: list[int | str] = []
    stop = threading.Event()
    try:
        with balance(replicas) as lb:
            ada = {"email": unique_email("ada"), "name": "Ada"}
            created = requests.post(lb.url + "/users", json=ada, timeout=5)
            assert created.status_code == 201 and created.headers["Location"] == "/users/1"
            clients = [threading.Thread(target=client, args=(lb.url, stop, outcomes)) for _ in range(4)]
            for thread in clients:
                thread.start()
            exits = []
            for _ in range(REPLACEMENTS):
                time.sleep(0.2)
                exits.append(replicas.replace("A"))
            time.sleep(0.2)
            stop.set()
            for thread in clients:
                thread.join()
            balancer_log = [line for line in lb.output().splitlines() if '"error"' in line]
    finally:
        stop.set()
        replicas.stop()
        replicas.store.remove()
    failed = [outcome for outcome in outcomes if outcome != expected]
    print(f"\n{language}: {len(failed)} failed of {len(outcomes)} during {REPLACEMENTS} replacements")
    return failed, balancer_log, exits, len(outcomes)


def test_replacing_a_replica_five_times_under_post_load_fails_no_request(language):
    """Taken out of rotation first, a replica gets no new request; what it has in flight, it
    finishes. So no POST meets a connection as it closes (RFC 9112, section 9.5), and none fails."""
    failed, balancer_log, exits, sent = replace_under_load(language, post_until, 201)
    assert exits == [0] * REPLACEMENTS  # each drained and exited by itself
    assert sent > 50
    assert failed == [], "\n".join(balancer_log)


def test_replacing_a_replica_five_times_under_get_load_fails_no_request(language):
    failed, balancer_log, exits, sent = replace_under_load(language, get_until, 200)
    assert exits == [0] * REPLACEMENTS
    assert sent > 50
    assert failed == [], "\n".join(balancer_log)
