"""Checks of exercise 01: a hello server that follows the launch contract (servers/README.md)."""

import os
import signal
import socket
import time

from workbook.grading import Context, check_that, expect
from workbook.launcher import free_port

# A server that never prints its readiness line cannot be checked at all: show hint 1 then. Before
# any check, the checker also makes sure the server listens on the port the line names, on
# 127.0.0.1 only: hint 3 when it listens on every address.
START_HINT = 1
LOOPBACK_HINT = 3


@check_that("prints exactly one readiness line, `listening on http://127.0.0.1:PORT`", hint=1)
def readiness_line(ctx: Context) -> None:
    said = [line for line in ctx.server.output().splitlines() if "listening on" in line]
    expect(said == [f"listening on {ctx.url}"], f"one line `listening on {ctx.url}`",
           got=f"{len(said)} such lines: {said}")


@check_that("GET / answers 200", hint=2)
def get_root_is_200(ctx: Context) -> None:
    ex = ctx.request("GET", "/")
    expect(ex.response.status_code == 200, "status 200", ex)


@check_that("GET / sends text: Content-Type text/plain and a body that is not empty", hint=2)
def get_root_is_text(ctx: Context) -> None:
    ex = ctx.request("GET", "/")
    content_type = ex.response.headers.get("Content-Type", "")
    expect(content_type.startswith("text/plain"), "a Content-Type header starting with text/plain", ex)
    expect(len(ex.response.content) > 0, "a body that is not empty", ex)


@check_that("takes its port from the first command-line argument, even when $PORT is set too", hint=4)
def port_from_argument(ctx: Context) -> None:
    port = free_port()
    while (other := free_port()) == port:
        pass
    # Both set, as when a launcher passes the port to a server whose environment already has a
    # PORT: the argument comes first, so a server reading $PORT first fails here.
    with ctx.launch(str(port), env={"PORT": str(other)}) as server:
        expect(server.url == f"http://127.0.0.1:{port}",
               f"started with the argument {port} and PORT={other}, it listens on port {port}: "
               "the argument comes first, $PORT only when there is none",
               got=f"it printed:\n{server.output()}")


@check_that("takes its port from $PORT when there is no argument", hint=4)
def port_from_environment(ctx: Context) -> None:
    port = free_port()
    with ctx.launch(env={"PORT": str(port)}) as server:
        expect(server.url == f"http://127.0.0.1:{port}",
               f"started with PORT={port} and no argument, it listens on port {port}",
               got=f"it printed:\n{server.output()}")


@check_that("exits with status 0 on SIGTERM", hint=5)
def clean_exit(ctx: Context) -> None:
    server = ctx.start()
    status = server.stop()
    meaning = {-15: "it was killed by SIGTERM: nothing handled the signal",
               -9: "it was still running 3 s after SIGTERM and had to be killed: the signal was "
                   "caught but the shutdown never finished (Python: server.shutdown() called in the "
                   "thread that runs serve_forever() waits for itself forever)"}
    expect(status == 0, "exit status 0 after SIGTERM",
           got=f"exit status {status}: {meaning.get(status, 'see its output')}\n"
               f"it printed:\n{server.output() or '(nothing)'}")


@check_that("exits with status 0 on SIGINT (Ctrl-C) too", hint=5)
def clean_exit_on_ctrl_c(ctx: Context) -> None:
    server = ctx.start()
    os.kill(server.pid, signal.SIGINT)
    ignored = not server.exits_within(3)
    status = server.stop()  # SIGTERM, then SIGKILL, if SIGINT did not stop it
    how = {"go": "signal.NotifyContext with os.Interrupt beside syscall.SIGTERM",
           "node": 'process.on("SIGINT", ...) as for SIGTERM',
           "python": "signal.signal(signal.SIGINT, signal.default_int_handler), as for SIGTERM"}
    if ignored:
        got = "it was still running 3 s after SIGINT: the signal was ignored or its shutdown never finished"
    elif status == -2:
        got = "exit status -2: it was killed by SIGINT, nothing handled the signal"
    else:
        got = f"exit status {status}"
    expect(not ignored and status == 0,
           f"exit status 0 after SIGINT, the signal Ctrl-C sends ({how.get(ctx.language, 'as SIGTERM')})",
           got=f"{got}\nit printed:\n{server.output() or '(nothing)'}")


@check_that("on SIGTERM, answers the request in flight before it exits", hint=5)
def drains_in_flight(ctx: Context) -> None:
    server = ctx.start()
    with socket.create_connection(("127.0.0.1", server.port), timeout=3) as sock:
        # A POST whose body is still arriving: the request is in flight when SIGTERM comes.
        sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 6\r\n\r\nHel")
        time.sleep(0.1)  # the server has the head now, and waits for the rest of the body
        os.kill(server.pid, signal.SIGTERM)
        refusing(server.port, within=0.5)  # draining: the rest of the body comes after SIGTERM
        answer = b""
        try:
            sock.sendall(b"lo\n")
            while b"\r\n\r\n" not in answer and (chunk := sock.recv(4096)):
                answer += chunk
        except OSError:
            pass
    server.exits_within(3)  # by itself, once it has answered: a second SIGTERM would kill it
    status = server.stop()
    why = {"go": "Serve returns the moment Shutdown begins; main must wait for Shutdown to return, or "
                 "the process exits with requests in flight",
           "node": "server.close(callback) calls back once the requests in flight are answered: exit "
                   "there, not in the signal handler itself"}.get(ctx.language, "the server must not exit "
                                                                   "before it has answered what it took")
    expect(answer.startswith(b"HTTP/1."),
           "an answer to the POST whose body was still arriving when SIGTERM came, then exit status 0",
           got=f"{repr(answer[:40]) if answer else 'no answer: the connection closed'} (exit status "
               f"{status}): {why}")
    expect(status == 0, "exit status 0 after SIGTERM", got=f"exit status {status}")


def refusing(port: int, within: float) -> None:
    """Return once nothing accepts connections on `port` any more, or after `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
        except OSError:
            return
        time.sleep(0.005)

