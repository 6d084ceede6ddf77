"""Checks of exercise 08: private notes behind signed tokens, refused the way RFC 6750 says.

The checks hold the key (AUTH_SECRET, given to the server by `environment`) and mint the tokens
themselves, the way an identity service that shares the key would: valid ones, expired ones,
forged ones and other users' ones.
"""

import base64
import hashlib
import hmac
import itertools
import json
import secrets
import time
from pathlib import Path

from workbook.grading import Context, check_that, expect, json_body
from workbook.wire import Exchange

REALM = 'Bearer realm="notes"'
_users = itertools.count(1)


def environment(scratch: Path) -> dict[str, str]:
    """The key that signs the tokens, new for every run: a server cannot know it in advance."""
    return {"AUTH_SECRET": secrets.token_urlsafe(24)}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(ctx: Context, sub: str, lifetime: int = 600, key: str | None = None) -> str:
    """A token for `sub`, valid for `lifetime` seconds (negative: expired that long ago)."""
    claims = {"sub": sub, "exp": int(time.time()) + lifetime}
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    key = ctx.env["AUTH_SECRET"] if key is None else key
    return payload + "." + b64url(hmac.new(key.encode(), payload.encode(), hashlib.sha256).digest())


def new_user() -> str:
    return f"user{next(_users)}{secrets.randbelow(1000)}"


def get(ctx: Context, user: str, authorization: str | None = None, query: str = "") -> Exchange:
    headers = {"Authorization": authorization} if authorization else {}
    return ctx.request("GET", f"/notes/{user}{query}", headers=headers)


def put(ctx: Context, user: str, note: str, authorization: str | None = None) -> Exchange:
    headers = {"Authorization": authorization} if authorization else {}
    return ctx.request("PUT", f"/notes/{user}", json={"note": note}, headers=headers)


NO_CHALLENGE = "none"  # expect_refused(..., NO_CHALLENGE): a 403 carries no WWW-Authenticate


def expect_refused(ex: Exchange, status: int, error_code: str | None, why: str, *shown: Exchange) -> None:
    """The status, a JSON {"error": ...} body, and WWW-Authenticate: Bearer realm="notes" with this
    error code (None: the bare challenge, with no error code; NO_CHALLENGE: no header at all)."""
    expect(ex.response.status_code == status, f"status {status}{why}", *shown, ex)
    body = json_body(ex, 'a JSON body {"error": "<message>"}')
    expect(isinstance(body, dict) and isinstance(body.get("error"), str),
           'a JSON body {"error": "<message>"}', *shown, ex)
    got = ex.response.headers.get("WWW-Authenticate")
    if error_code == NO_CHALLENGE:
        expect(got is None, f"no WWW-Authenticate header{why}", *shown, ex, got=got)
        return
    shown_got = got or "no WWW-Authenticate header"
    expect(got is not None and got.startswith(REALM), f"a WWW-Authenticate header starting {REALM}",
           *shown, ex, got=shown_got)
    if error_code is None:
        expect("error=" not in got, f"the challenge {REALM} with no error code{why}", *shown, ex, got=got)
    else:
        expect(f'error="{error_code}"' in got, f'the challenge {REALM}, error="{error_code}"{why}',
               *shown, ex, got=got)


@check_that("a note with no token is 401 with WWW-Authenticate: Bearer realm=\"notes\"", hint=1)
def no_token(ctx: Context) -> None:
    user = new_user()
    expect_refused(get(ctx, user), 401, None, ": no Authorization header, so the client must authenticate")
    expect_refused(put(ctx, user, "written by nobody"), 401, None, ": PUT needs a token too")


@check_that("the owner's token reads and writes the note", hint=2)
def owner_reads_and_writes(ctx: Context) -> None:
    user = new_user()
    bearer = f"Bearer {mint(ctx, user)}"
    first = get(ctx, user, bearer)
    expect(first.response.status_code == 200, "status 200: the token is valid and it is this user's", first)
    note = f"private words of {user}"
    written = put(ctx, user, note, bearer)
    expect(written.response.status_code == 200, "status 200 for PUT with the owner's token", written)
    read = get(ctx, user, bearer)
    expect(json_body(read, "a JSON body") == {"user": user, "note": note},
           f'GET answers {{"user": "{user}", "note": "{note}"}}', written, read)
    lower = get(ctx, user, bearer.replace("Bearer", "bearer", 1))
    expect(lower.response.status_code == 200,
           "status 200 for bearer in lower case: a scheme is case-insensitive (RFC 9110, 11.1)",
           lower, hint=1)


@check_that("another scheme (Basic, Token) is 401 with the bare challenge, no error code", hint=3)
def another_scheme(ctx: Context) -> None:
    user = new_user()
    basic = "Basic " + base64.b64encode(f"{user}:password".encode()).decode()
    expect_refused(get(ctx, user, basic), 401, None, ": Basic is not a bearer token (RFC 6750, 3.1)")
    expect_refused(get(ctx, user, f"Token {mint(ctx, user)}"), 401, None,
                   ": a good token under another scheme name is still not Bearer")


@check_that("a malformed or forged token is 401 with error=\"invalid_token\"", hint=4)
def forged_token(ctx: Context) -> None:
    user = new_user()
    invalid = "invalid_token"
    # Not one part, three parts, two with a short signature, a signature made with another key.
    for token in ("hello", "a.b.c", "a.b", mint(ctx, user, key="a key someone guessed")):
        why = f": the token {token if len(token) <= 30 else token[:30] + '…'} is not valid"
        expect_refused(get(ctx, user, f"Bearer {token}"), 401, invalid, why)
    # A real signature over another payload: the payload was changed after signing.
    _, signature = mint(ctx, user).split(".")
    payload = b64url(json.dumps({"sub": user, "exp": int(time.time()) + 10**8}).encode())
    expect_refused(get(ctx, user, f"Bearer {payload}.{signature}"), 401, invalid,
                   ": the payload was changed after signing (a later exp), so the signature does not match")


@check_that("an expired token is 401 with error=\"invalid_token\"", hint=5)
def expired_token(ctx: Context) -> None:
    user = new_user()
    expired = mint(ctx, user, lifetime=-5)
    expect_refused(get(ctx, user, f"Bearer {expired}"), 401, "invalid_token",
                   ": its exp is 5 seconds ago")
    # exp this very second, early in it, so that a server counting whole seconds still reads the
    # same second: a token is valid only while exp is after now.
    if time.time() % 1 > 0.5:
        time.sleep(1.01 - time.time() % 1)
    expect_refused(get(ctx, user, f"Bearer {mint(ctx, user, lifetime=0)}"), 401, "invalid_token",
                   ": its exp is now, and a token is valid only while its exp is after now")


@check_that("another user's valid token is 403, and the note stays as it was", hint=6)
def other_users_token(ctx: Context) -> None:
    owner, other = new_user(), new_user()
    mine = put(ctx, owner, "only mine", f"Bearer {mint(ctx, owner)}")
    theirs = f"Bearer {mint(ctx, other)}"
    why = f": the token is {other}'s, the note {owner}'s"
    expect_refused(get(ctx, owner, theirs), 403, NO_CHALLENGE, why, mine)
    expect_refused(put(ctx, owner, "overwritten", theirs), 403, NO_CHALLENGE, why, mine)
    read = get(ctx, owner, f"Bearer {mint(ctx, owner)}")
    expect(json_body(read, "a JSON body").get("note") == "only mine", "the note unchanged", mine, read)


@check_that("a token in the query string is refused with 400, even a valid one", hint=7)
def token_in_query(ctx: Context) -> None:
    user = new_user()
    ex = get(ctx, user, query=f"?access_token={mint(ctx, user)}")
    expect_refused(ex, 400, "invalid_request", ": a URL is logged, so the token would leak")


@check_that("the server prints no token and no key", hint=8)
def nothing_secret_printed(ctx: Context) -> None:
    user = new_user()
    token = mint(ctx, user)
    ex = put(ctx, user, "a note", f"Bearer {token}")
    time.sleep(0.2)  # give the server's output a moment to arrive
    printed = ctx.server.output()
    leaked = [name for name, secret in (("a token", token), ("the key", ctx.env["AUTH_SECRET"]),
                                        ("a token's signature", token.split(".")[1])) if secret in printed]
    expect(not leaked, "no secret in what the server printed (logs are read by many people)", ex,
           got=f"{' and '.join(leaked)} in the output:\n{printed[-600:]}")
