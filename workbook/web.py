"""`requests` with a default timeout, for cells where the request is not the point.

    web.get(srv.url + "/users")                  # requests.get(..., timeout=5)
    web.post(srv.url + "/users", json={...})
    with web.Session() as session: ...            # a requests.Session with the same default

Each call opens its own connection, as `requests.get` does. A lesson about timeouts or connections
uses `requests` itself, where the choice is the point.
"""

from __future__ import annotations

from typing import Any

import requests

TIMEOUT = 5.0  # seconds: a lesson's server answers in milliseconds; 5 s means something is wrong


def request(method: str, url: str, **kwargs: Any) -> requests.Response:
    """requests.request, with `timeout=TIMEOUT` unless given."""
    kwargs.setdefault("timeout", TIMEOUT)
    return requests.request(method, url, **kwargs)


def get(url: str, **kwargs: Any) -> requests.Response:
    return request("GET", url, **kwargs)


def head(url: str, **kwargs: Any) -> requests.Response:
    return request("HEAD", url, **kwargs)


def post(url: str, **kwargs: Any) -> requests.Response:
    return request("POST", url, **kwargs)


def put(url: str, **kwargs: Any) -> requests.Response:
    return request("PUT", url, **kwargs)


def patch(url: str, **kwargs: Any) -> requests.Response:
    return request("PATCH", url, **kwargs)


def delete(url: str, **kwargs: Any) -> requests.Response:
    return request("DELETE", url, **kwargs)


class Session(requests.Session):
    """A requests.Session (connections kept alive, adapters mounted) with `timeout=TIMEOUT` by default."""

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", TIMEOUT)
        return super().request(method, url, **kwargs)
