"""What a checks.py imports to write checks: `check_that`, `expect`, `Context` and two helpers.

    @check_that("GET /greeting answers 200", hint=1)
    def get_greeting(ctx: Context) -> None:
        ex = ctx.request("GET", "/greeting")
        expect(ex.response.status_code == 200, "status 200", ex)

A check passes by returning; it fails by calling `expect(...)`, which carries what was expected,
the exchanges that show what was sent and what came back, and the check's hint (section N of the
exercise's HINTS.md).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..launcher import Server, ServerError, serve
from ..wire import Exchange, RawExchange, exchange, raw_request

START_TIMEOUT = 5.0  # seconds a server gets to print its readiness line
REQUEST_TIMEOUT = 5.0  # seconds a server gets to answer one request

Shown = Exchange | RawExchange


class Failed(Exception):
    """A check's expectation was not met: what was expected, what travelled, what came back."""

    def __init__(self, expected: str, exchanges: tuple[Shown, ...] = (), got: str | None = None):
        super().__init__(expected)
        self.expected = expected
        self.exchanges = exchanges
        self.got = got


def expect(ok: bool, expected: str, *exchanges: Shown, got: str | None = None) -> None:
    """Fail the running check unless `ok`; `expected` is one line, the exchanges show the wire."""
    if not ok:
        raise Failed(expected, exchanges, got)


def json_body(ex: Exchange, expected: str) -> object:
    """The response body as JSON, or a failure saying a JSON body was expected."""
    try:
        return ex.response.json()
    except ValueError:
        raise Failed(expected, (ex,), got="a body that is not JSON") from None


def expect_error(ex: Exchange, status: int, message: str, *shown: Shown) -> None:
    """A JSON error: the status, Content-Type: application/json, and the body {"error": message}."""
    wanted = json.dumps({"error": message})
    expect(ex.response.status_code == status, f"status {status} with the body {wanted}", *shown, ex)
    expect(
        ex.response.headers.get("Content-Type", "").startswith("application/json"),
        "Content-Type: application/json: every error body is JSON",
        *shown,
        ex,
    )
    expect(json_body(ex, f"the JSON body {wanted}") == {"error": message}, f"the body {wanted}", *shown, ex)


@dataclass
class Check:
    """One check: a title (what passing means), the hint to show when it fails, the function."""

    title: str
    hint: int
    run: Callable[[Context], None]


def check_that(title: str, *, hint: int) -> Callable[[Callable[[Context], None]], Check]:
    """Decorator: make a function of a checks.py a check, shown as `title`, with hint section `hint`."""

    def wrap(function: Callable[[Context], None]) -> Check:
        return Check(title, hint, function)

    return wrap


class Context:
    """What a check gets: the learner's running server and ways to talk to it or start more of it."""

    def __init__(
        self, language: str, source: Path, server: Server, env: dict[str, str], start_timeout: float
    ):
        self.language = language
        self.source = source
        self.server = server
        self.env = env
        self.start_timeout = start_timeout
        self._started: list[Server] = []

    @property
    def url(self) -> str:
        return self.server.url

    def request(self, method: str, path: str, *, server: Server | None = None, **kwargs) -> Exchange:
        """Send one request with `requests` (same keyword arguments); keep what travelled."""
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        return exchange(method, (server or self.server).url + path, **kwargs)

    def raw(self, data: bytes, *, server: Server | None = None) -> RawExchange:
        """Send exact bytes; keep exactly what came back."""
        return raw_request((server or self.server).url, data, timeout=REQUEST_TIMEOUT)

    def start(self, env: dict[str, str] | None = None) -> Server:
        """Another process of the learner's server (a replica, a restart); stopped after the run."""
        server = serve(
            self.language, self.source, env={**self.env, **(env or {})}, timeout=self.start_timeout
        )
        self._started.append(server)
        return server

    @contextmanager
    def launch(self, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
        """The learner's server started with exactly these arguments: no port argument unless given."""
        try:
            server = serve(
                self.language,
                self.source,
                *args,
                port=None,
                env={**self.env, **(env or {})},
                timeout=self.start_timeout,
            )
        except ServerError as error:
            shown = " ".join(args) or "no arguments"
            raise Failed(
                f"started with {shown}, the server prints its readiness line", got=str(error)
            ) from None
        with server:
            yield server

    def stop_started(self) -> None:
        for server in self._started:
            server.stop()
