"""Checks of exercise 02: a visit counter that any replica can serve and a restart does not forget."""

import secrets
from pathlib import Path

from workbook import Server
from workbook.grading import Context, check_that, expect, json_body
from workbook.wire import Exchange

ANSWER = 'GET / answers 200 with the JSON body {"visits": N}'


def environment(scratch: Path) -> dict[str, str]:
    """Every server of one run gets both: a shared signing key and a shared store directory."""
    return {"COUNTER_SECRET": secrets.token_hex(16), "COUNTER_STORE": str(scratch / "store")}


class Visitor:
    """A client that keeps the cookies it is given and sends them back, like a browser."""

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.cookies: dict[str, str] = {}
        self.seen: list[Exchange] = []  # shown when a check fails: how the visitor got here

    def visit(self, server: Server | None = None) -> int:
        """One GET /; the count the server answered."""
        ex = self.ctx.request("GET", "/", server=server, cookies=self.cookies)
        self.seen.append(ex)
        expect(ex.response.status_code == 200, ANSWER, *self.seen[-2:])
        body = json_body(ex, ANSWER)
        visits = body.get("visits") if isinstance(body, dict) else None
        expect(isinstance(visits, int), ANSWER, ex)
        self.cookies.update(ex.response.cookies.get_dict())
        return visits

    def expect_visits(self, wanted: int, server: Server | None = None, why: str = "") -> None:
        visits = self.visit(server)
        expect(visits == wanted, f'{{"visits": {wanted}}}{why}', *self.seen[-2:],
               got=f'{{"visits": {visits}}}')


@check_that('a first visit answers {"visits": 1} and sets a cookie', hint=1)
def first_visit(ctx: Context) -> None:
    visitor = Visitor(ctx)
    visitor.expect_visits(1)
    expect(bool(visitor.cookies), "a Set-Cookie header the client can send back", visitor.seen[-1])


@check_that("the cookie brings the count back: 1, 2, 3 on one server", hint=1)
def counts_on_one_server(ctx: Context) -> None:
    visitor = Visitor(ctx)
    for wanted in (1, 2, 3):
        visitor.expect_visits(wanted)


@check_that("each visitor has a count of their own", hint=1)
def visitors_apart(ctx: Context) -> None:
    first, second = Visitor(ctx), Visitor(ctx)
    first.expect_visits(1)
    first.expect_visits(2)
    second.expect_visits(1, why=": a client without a cookie is a new visitor")
    first.expect_visits(3)


@check_that("two replicas agree: visits alternating between them keep counting", hint=2)
def replicas_agree(ctx: Context) -> None:
    other = ctx.start()
    visitor = Visitor(ctx)
    for wanted, server in ((1, ctx.server), (2, other), (3, ctx.server), (4, other)):
        which = "the first replica" if server is ctx.server else "the second replica"
        visitor.expect_visits(wanted, server, why=f" from {which}, started with the same environment")


@check_that("a restart does not forget: the count goes on after the server is replaced", hint=3)
def restart_remembers(ctx: Context) -> None:
    before = ctx.start()
    visitor = Visitor(ctx)
    visitor.expect_visits(1, before)
    visitor.expect_visits(2, before)
    before.stop()
    after = ctx.start()
    visitor.expect_visits(3, after, why=" from a new process started with the same environment")


@check_that("a cookie the server did not issue is not trusted: it counts as a new visitor", hint=4)
def forged_cookie(ctx: Context) -> None:
    visitor = Visitor(ctx)
    for wanted in (1, 2, 3):
        visitor.expect_visits(wanted)
    # Change the first character of every cookie: a count written in clear ("3" -> "4") changes,
    # a signature no longer matches, a random id names no one.
    visitor.cookies = {name: forge(value) for name, value in visitor.cookies.items()}
    visitor.expect_visits(1, why=" for a cookie whose value was changed by the client")


@check_that("a cookie the server could not have written is a new visitor, and the server lives on", hint=4)
def malformed_cookie(ctx: Context) -> None:
    visitor = Visitor(ctx)
    visitor.expect_visits(1)
    names = list(visitor.cookies)
    # A count with no signature (a client that wants more visits), then no count at all.
    for value, what in (("1000", "a bare count, unsigned"), ("x.y", "no count at all")):
        visitor.cookies = {name: value for name in names}
        visitor.expect_visits(1, why=f" for a cookie set by the client to {value} ({what})")


def forge(value: str) -> str:
    """The same value with its first character changed (a digit to the next digit, a letter to the next)."""
    if not value:
        return "x"
    first = value[0]
    if first.isdigit():
        changed = str((int(first) + 1) % 10)
    elif first.isalpha():
        changed = "a" if first == "z" else "A" if first == "Z" else chr(ord(first) + 1)
    else:
        changed = "x"
    return changed + value[1:]
