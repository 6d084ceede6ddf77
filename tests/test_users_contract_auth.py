"""The whole `users` contract suite again, with authentication on (USERS_AUTH_SECRET set).

Authentication adds requirements and changes no answer: a request that carries what auth asks
for (a password on POST /users, the user's token on PATCH and DELETE) gets exactly the answer the
contract gives without auth. So every test of test_users_contract.py runs here unchanged against
servers with auth on, through a client that adds those credentials to what it sends, as a
well-behaved client would; the one test that sends raw bytes to PATCH without a token is replaced
at the end. What auth refuses, and in which order, is tests/test_users_auth.py.
"""

import base64
import hashlib
import hmac
import json
import re
import time

import pytest
import requests
from test_users_contract import *  # noqa: F403 (every test of the contract suite, collected again)

from workbook import LANGUAGES, serve

# This one starts its own servers, with auth off: run twice, it would prove nothing more.
del test_the_server_exits_0_when_stopped_right_after_its_readiness_line  # noqa: F821

SECRET = "contract suite secret"
AUTH_ENV = {"USERS_AUTH_SECRET": SECRET, "USERS_PBKDF2_ITERATIONS": "1000"}
PASSWORD = "a password the contract suite sends"
ITEM = re.compile(r"^/users/([^/?]+)")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_for(user_id: str) -> str:
    payload = b64url(
        json.dumps({"sub": user_id, "exp": int(time.time()) + 600}, separators=(",", ":")).encode()
    )
    return payload + "." + b64url(hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).digest())


def with_password(body: bytes, empty: bool) -> bytes:
    """The same bytes with a password added before the closing brace (and as many trailing spaces
    dropped, if there are, so that a body of an exact size keeps its size)."""
    end = body.rindex(b"}")
    addition = (b"" if empty else b",") + json.dumps({"password": PASSWORD})[1:-1].encode()
    added = body[:end] + addition + body[end:]
    trailing = len(added) - len(added.rstrip(b" "))
    return added[: len(added) - min(trailing, len(addition))]


def with_credentials(method: str, url: str, kwargs: dict) -> dict:
    """The request as a client that knows the credentials sends it."""
    path = "/" + url.split("://", 1)[-1].partition("/")[2]
    if method.upper() == "POST" and path.split("?")[0] == "/users":
        body = kwargs.get("data")
        if kwargs.get("json") is not None:  # what requests would send for json=
            body = json.dumps(kwargs.pop("json")).encode()
            kwargs["headers"] = {"Content-Type": "application/json", **(kwargs.get("headers") or {})}
        try:
            fields = json.loads(body) if isinstance(body, (bytes, str)) else None
        except ValueError:
            fields = None
        if isinstance(fields, dict) and "password" not in fields:
            body = body.encode() if isinstance(body, str) else body
            kwargs["data"] = with_password(body, empty=not fields)
    found = ITEM.match(path)
    if method.upper() in ("PATCH", "DELETE") and found:
        headers = dict(kwargs.get("headers") or {})
        headers.setdefault("Authorization", f"Bearer {token_for(found.group(1))}")
        kwargs["headers"] = headers
    return kwargs


@pytest.fixture(autouse=True)
def credentials(monkeypatch):
    """Every request of a test goes out with the credentials auth asks for."""
    original = requests.Session.request

    def request(self, method, url, **kwargs):
        return original(self, method, url, **with_credentials(method, url, kwargs))

    monkeypatch.setattr(requests.Session, "request", request)


@pytest.fixture(scope="module", params=LANGUAGES)
def users_server(request):
    with serve(request.param, "users", env=AUTH_ENV) as srv:
        yield srv


@pytest.fixture
def fresh_users_server(language):
    with serve(language, "users", env=AUTH_ENV) as srv:
        yield srv


# ---- the one test whose answer authentication changes ----


def test_patch_without_content_length_is_411(srv):  # noqa: F811 (replaces the contract suite's test)
    """Who asks comes first: without a token, 401 before 411; with the owner's token, 411 as before."""
    user = create(srv)  # noqa: F405
    request = (
        f"PATCH /users/{user['id']} HTTP/1.1\r\nHost: x\r\nContent-Type: application/merge-patch+json\r\n"
    )
    anonymous = raw(srv, (request + "\r\n").encode())  # noqa: F405
    assert anonymous.status == 401
    owner = raw(srv, (request + f"Authorization: Bearer {token_for(user['id'])}\r\n\r\n").encode())  # noqa: F405
    assert_raw_error(owner, 411, "Content-Length is required")  # noqa: F405
