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


@check_that("takes its port from the first command-line argument", hint=4)
def port_from_argument(ctx: Context) -> None:
    port = free_port()
    with ctx.launch(str(port)) as server:
        expect(server.url == f"http://127.0.0.1:{port}",
               f"started with the argument {port}, it listens on port {port}",
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


@check_that("on SIGTERM, answers the request in flight before it exits", hint=5)
def drains_in_flight(ctx: Context) -> None:
    server = ctx.start()
    with socket.create_connection(("127.0.0.1", server.port), timeout=3) as sock:
        # A POST whose body is still arriving: the request is in flight when SIGTERM comes.
        sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 6\r\n\r\nHel")
        time.sleep(0.2)
        os.kill(server.pid, signal.SIGTERM)
        time.sleep(0.2)
        answer = b""
        try:
            sock.sendall(b"lo\n")
            while b"\r\n\r\n" not in answer and (chunk := sock.recv(4096)):
                answer += chunk
        except OSError:
            pass
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
