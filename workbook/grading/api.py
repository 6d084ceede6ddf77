"""What a checks.py imports to write checks: `check_that`, `expect`, `Context` and two helpers.

    @check_that("GET /greeting answers 200", hint=1)
    def get_greeting(ctx: Context) -> None:
        ex = ctx.request("GET", "/greeting")
        expect(ex.response.status_code == 200, "status 200", ex)

A check passes by returning; it fails by calling `expect(...)`, which carries what was expected,
the exchanges that show what was sent and what came back, and the check's hint (section N of the
exercise's HINTS.md). Data a server could hard-code (names, emails, texts) comes from `ctx.name()`,
`ctx.email()`, `ctx.text()`: random, from the run's seed, so `SEED=N` replays a run exactly.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from ..launcher import Server, ServerError, serve
from ..wire import Exchange, RawExchange, exchange, raw_request
from .diagnosis import framing_problems, raw_bytes_of

START_TIMEOUT = 5.0  # seconds a server gets to print its readiness line
REQUEST_TIMEOUT = 5.0  # seconds a server gets to answer one request

Shown = Exchange | RawExchange
# Why a request with a body may hang: the client keeps its side open after the body, so a server
# reading the body to its end (Python's rfile.read()) waits for ever.
READS_TO_THE_END = " Or one that reads the body until the connection ends, not Content-Length bytes?"

FIRST_NAMES = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Margaret", "Donald", "Radia", "Ken", "Frances")
LAST_NAMES = (
    "Lovelace",
    "Hopper",
    "Turing",
    "Dijkstra",
    "Liskov",
    "Hamilton",
    "Knuth",
    "Perlman",
    "Thompson",
)
WORDS = ("water", "the", "plants", "call", "plumber", "buy", "milk", "bread", "read", "a", "book", "walk")


class Failed(Exception):
    """A check's expectation was not met: what was expected, what travelled, what came back."""

    def __init__(
        self,
        expected: str,
        exchanges: tuple[Shown, ...] = (),
        got: str | None = None,
        hint: int | None = None,
    ):
        super().__init__(expected)
        self.expected = expected
        self.exchanges = exchanges
        self.got = got
        self.hint = hint  # None: the check's hint; 0: no hint fits this failure


class Hung(Failed):
    """The server took a request and never answered it: the checks after this one cannot run."""


class NotHTTP(Failed):
    """The server answered bytes that are not a valid HTTP/1.1 response."""


def expect(
    ok: bool, expected: str, *exchanges: Shown, got: str | None = None, hint: int | None = None
) -> None:
    """Fail the running check unless `ok`; `expected` is one line, the exchanges show the wire.
    `hint`: another section of HINTS.md than the check's (0: none fits this failure)."""
    if not ok:
        raise Failed(expected, exchanges, got, hint)


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
        "Content-Type: application/json on the response: every error body is JSON",
        *shown,
        ex,
        hint=0,  # about the response's header: the check's hint may be about the request's
    )
    expect(json_body(ex, f"the JSON body {wanted}") == {"error": message}, f"the body {wanted}", *shown, ex)


@dataclass
class Check:
    """One check: a title (what passing means), the hint to show when it fails, the function."""

    title: str
    hint: int
    run: Callable[[Context], None]

    @property
    def name(self) -> str:
        """The function's name in checks.py: how results.json and the mutants catalogue name it."""
        return self.run.__name__


def check_that(title: str, *, hint: int) -> Callable[[Callable[[Context], None]], Check]:
    """Decorator: make a function of a checks.py a check, shown as `title`, with hint section `hint`."""

    def wrap(function: Callable[[Context], None]) -> Check:
        return Check(title, hint, function)

    return wrap


class Context:
    """What a check gets: the learner's running server and ways to talk to it or start more of it."""

    def __init__(
        self,
        language: str,
        source: Path,
        server: Server,
        env: dict[str, str],
        start_timeout: float,
        seed: int = 0,
    ):
        self.language = language
        self.source = source
        self.server = server
        self.env = env
        self.start_timeout = start_timeout
        self.random = random.Random(seed)
        self.last_sent = ""  # the request line of the last request, to name what killed a server
        self._started: list[Server] = []
        self._unique = 0
        self._texts: set[str] = set()

    @property
    def url(self) -> str:
        return self.server.url

    # ---- data a server cannot guess ----

    def name(self) -> str:
        """A person's name, different in every run."""
        return f"{self.random.choice(FIRST_NAMES)} {self.random.choice(LAST_NAMES)}"

    def email(self) -> str:
        """An email no other request of this run has used."""
        self._unique += 1
        first = self.random.choice(FIRST_NAMES).lower()
        return f"{first}{self._unique}.{self.random.randrange(10**6)}@example.com"

    def text(self) -> str:
        """A line of text (3 to 8 words and a newline), different in every run and every call."""
        while True:
            words = self.random.choices(WORDS, k=self.random.randint(3, 8))
            text = " ".join(words).capitalize() + ".\n"
            if text not in self._texts:
                self._texts.add(text)
                return text

    # ---- talking to the server ----

    def request(self, method: str, path: str, *, server: Server | None = None, **kwargs) -> Exchange:
        """Send one request with `requests` (same keyword arguments); keep what travelled.

        A response that is not valid HTTP, a closed connection or a hang becomes the check's failure,
        naming the request and what was wrong with the bytes that came back."""
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        target = server or self.server
        self.last_sent = f"{method} {path}"
        try:
            return exchange(method, target.url + path, **kwargs)
        except (requests.RequestException, OSError) as error:
            # A process's sockets close a moment before its exit status exists, so the request its
            # exit cut short can fail first: give the exit a moment to show.
            if target.exits_within(0.25):
                # The runner reports the exit, with the server's output; this shows what killed it.
                sent = RawExchange(raw_bytes_of(method, target.url + path, **kwargs), b"", closed=True)
                raise Failed(f"an answer to {method} {path}", (sent,), got="the server exited") from None
            # Send the same request again as raw bytes, to show what came back and what is wrong
            # with it; a server that sent nothing at all hangs.
            data = raw_bytes_of(method, target.url + path, **kwargs)
            raw = raw_request(target.url, data, timeout=2.0 if isinstance(error, requests.Timeout) else 5.0)
            if isinstance(error, requests.Timeout) and not raw.received:
                raise Hung(
                    f"an answer to {method} {path} within {REQUEST_TIMEOUT:g} s",
                    got="no answer: the request hangs. A deadlock (a lock taken twice, a channel no "
                    "one reads) or a handler that never sends its response?"
                    + (READS_TO_THE_END if data.partition(b"\r\n\r\n")[2] else ""),
                ) from None
            problems = framing_problems(raw.received, head=method == "HEAD")
            raise NotHTTP(
                f"a valid HTTP/1.1 response to {method} {path}",
                (raw,),
                got="; ".join(problems) or "the connection closed before the response was complete",
            ) from None

    def raw(self, data: bytes, *, server: Server | None = None) -> RawExchange:
        """Send exact bytes; keep exactly what came back."""
        target = server or self.server
        self.last_sent = data.split(b"\r\n", 1)[0].decode("latin-1")
        ex = raw_request(target.url, data, timeout=REQUEST_TIMEOUT)
        if not ex.received and not ex.closed and target.running():
            raise Hung(
                f"an answer to {self.last_sent} within {REQUEST_TIMEOUT:g} s",
                (ex,),
                got="no answer: the request hangs. A deadlock or a handler that never sends its response?"
                + (READS_TO_THE_END if data.partition(b"\r\n\r\n")[2] else ""),
            )
        return ex

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
