"""Checks of exercise 01: a hello server that follows the launch contract (servers/README.md)."""

import socket
from contextlib import closing

from workbook.grading import Context, check_that, expect
from workbook.launcher import free_port

# A server that never prints its readiness line cannot be checked at all: show hint 1 then.
START_HINT = 1


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


@check_that("listens on 127.0.0.1 only: a connection to 127.0.0.2 is refused", hint=3)
def loopback_only(ctx: Context) -> None:
    # All of 127.0.0.0/8 is this machine; a server bound to 0.0.0.0 (every address) accepts on
    # 127.0.0.2 too, one bound to 127.0.0.1 does not. Where 127.0.0.2 is not set up, both refuse.
    with closing(socket.socket()) as sock:
        sock.settimeout(1)
        accepted = sock.connect_ex(("127.0.0.2", ctx.server.port)) == 0
    expect(not accepted, f"a connection to 127.0.0.2:{ctx.server.port} is refused",
           got="it was accepted: the server listens on every address, so other machines can reach it")


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
               -9: "it ignored SIGTERM and had to be killed with SIGKILL 3 s later"}
    expect(status == 0, "exit status 0 after SIGTERM",
           got=f"exit status {status}: {meaning.get(status, 'see its output')}\n"
               f"it printed:\n{server.output() or '(nothing)'}")
