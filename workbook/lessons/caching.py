"""Lesson 04: a client with an HTTP cache (RFC 9111), and what crossed the wire for each request.

    client, wire = cached_client()               # CacheControl's adapter, a cache in memory
    client.get(url).from_cache, wire[-1]         # True, 'GET with If-None-Match: "v1" → 304'
    cached_client(default_lifetime=120)          # a cache that gives silent answers 120 s
    table(follow(client, wire, url, {"read": None, "renamed, read": rename}, show), COLUMNS)

The cache is CacheControl (pinned in requirements.txt), the HTTP cache for `requests` that pip
itself ships: a private cache, a port of httplib2's, not a complete RFC 9111; this module only adds
the log of the wire and one heuristic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from cachecontrol import CacheControlAdapter
from cachecontrol.heuristics import BaseHeuristic
from urllib3 import HTTPResponse

from workbook import web


class DefaultLifetime(BaseHeuristic):
    """What RFC 9111, section 4.2.2 lets a cache do with an answer that states no freshness of its
    own: choose a lifetime itself (Varnish's default_ttl is 120 s). CacheControl does not, unless
    asked; an answer with Cache-Control or Expires keeps what it says."""

    def __init__(self, seconds: int) -> None:
        self.seconds = seconds

    def update_headers(self, response: HTTPResponse) -> dict[str, str]:
        if "Cache-Control" in response.headers or "Expires" in response.headers:
            return {}
        return {"Cache-Control": f"max-age={self.seconds}"}

    def warning(self, response: HTTPResponse) -> str | None:
        return None  # the Warning header is obsolete (RFC 9111, section 5.5)


class LoggingCacheAdapter(CacheControlAdapter):
    """CacheControl's adapter, which also notes in `wire` what crossed it for each request."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.wire: list[str] = []

    def build_response(
        self,
        request: requests.PreparedRequest,
        response: HTTPResponse,
        from_cache: bool = False,
        cacheable_methods: Any = None,
    ) -> requests.Response:
        # Called once per request: with from_cache=True when the cache answered alone, else with
        # what the server sent (a 304 included, before the cache turns it into its stored 200).
        if from_cache:
            self.wire.append("nothing: the cache answered")
        else:
            condition = request.headers.get("If-None-Match")
            sent = f"{request.method} with If-None-Match: {condition}" if condition else request.method
            self.wire.append(f"{sent} → {response.status}")
        return super().build_response(request, response, from_cache, cacheable_methods)


def cached_client(default_lifetime: int | None = None) -> tuple[requests.Session, list[str]]:
    """A session (web.Session: 5 s timeout) whose http:// requests go through a cache in memory,
    and the list that grows by one line per request: what crossed the wire."""
    heuristic = DefaultLifetime(default_lifetime) if default_lifetime else None
    adapter = LoggingCacheAdapter(heuristic=heuristic)
    session = web.Session()
    session.mount("http://", adapter)
    return session, adapter.wire


COLUMNS = ["step", "the client shows", "from its cache", "on the wire"]


def follow(
    client: requests.Session,
    wire: list[str],
    url: str,
    steps: dict[str, Callable[[], object] | None],
    show: Callable[[Any], str],
) -> list[list]:
    """For each step, make its change (if any), then read url through the cached client: one row
    per read (COLUMNS), `show` picking from the JSON body what the client would display."""
    rows = []
    for step, change in steps.items():
        if change is not None:
            change()
        answer = client.get(url)
        rows.append([step, show(answer.json()), answer.from_cache, wire[-1]])
    return rows
