"""What a program between client and server can tell from a request's method and URL, and the
answer's status and Cache-Control, never a body.

Caches, retrying clients and proxies decide without reading bodies: the request line, the status
line and a few headers are all they look at. Lesson 05 asks each of them about the requests of two
APIs.

    knowledge([response, ...], user_id="1")    # one row per request: what each of them can tell
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

import requests
from urllib3.util import Retry

from ..show import Table, table

# RFC 9110, section 9.2.1: a safe method asks to read and nothing else.
SAFE = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# RFC 9110, section 15.1: statuses a cache may store without being told how long they stay fresh.
HEURISTICALLY_CACHEABLE = frozenset({200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501})


def cache_may_store(method: str, status: int, cache_control: str = "") -> bool:
    """Whether a shared cache may keep this answer (RFC 9111, section 3).

    Never one whose Cache-Control says no-store (section 5.2.2.5) or private (section 5.2.2.7: no
    shared cache). Otherwise GET and HEAD answers with a heuristically cacheable status, yes. A POST
    answer only when it carries explicit freshness and a Content-Location equal to its URL (RFC
    9110, section 9.3.3), which no server of this workbook sends; other methods' answers, never.
    """
    directives = {directive.strip().lower() for directive in cache_control.split(",")}
    if directives & {"no-store", "private"}:
        return False
    return method in ("GET", "HEAD") and status in HEURISTICALLY_CACHEABLE


def client_retries(method: str) -> bool:
    """Whether urllib3's `Retry` (the policy `requests` retries with, once given `max_retries`)
    retries this method, by default, when the answer to an attempt is lost on its way back. (A
    connection that never opened is retried for any method: nothing was sent.)

    Its default list is the idempotent methods of RFC 9110 (section 9.2.2): sending one of them
    twice has the effect of sending it once, so a retry after a lost answer is safe.
    """
    return method in Retry.DEFAULT_ALLOWED_METHODS


def read_or_write(method: str) -> str:
    return "read" if method in SAFE else "write"


def url_names(path: str, user_id: str) -> bool:
    """Whether the URL's path has the user's id as one of its segments."""
    return user_id in path.split("/")


def yes_no(answer: bool) -> str:
    return "yes" if answer else "no"


def knowledge(responses: Iterable[requests.Response], user_id: str) -> Table:
    """One row per request: its line and status, then what a cache (which reads Cache-Control too),
    a retrying client and a proxy can tell from those alone."""
    rows = []
    for response in responses:
        method, path = response.request.method, urlsplit(response.request.url).path
        rows.append(
            [
                f"{method} {path}",
                response.status_code,
                yes_no(
                    cache_may_store(method, response.status_code, response.headers.get("Cache-Control", ""))
                ),
                yes_no(client_retries(method)),
                read_or_write(method),
                yes_no(url_names(path, user_id)),
            ]
        )
    return table(
        rows,
        [
            "request",
            "status",
            "cache may store it",
            "client retries it",
            "read or write",
            f"URL names user {user_id}",
        ],
    )
