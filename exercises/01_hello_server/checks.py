"""Checks of exercise 01: a hello server that follows the launch contract (servers/README.md)."""

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
