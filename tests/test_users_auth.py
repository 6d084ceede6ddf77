"""The `users` API with authentication on (USERS_AUTH_SECRET set; servers/README.md, "Authentication"),
for each of the three servers: passwords are write-only, POST /tokens, Bearer tokens on PATCH and
DELETE, 401 / 403 / 400 with the WWW-Authenticate of RFC 6750 section 3. The tokens of the tests
are minted here, independently of the servers' code, so a server cannot agree with itself only."""

import base64
import hashlib
import hmac
import json
import threading
import time

import pytest
import requests

from workbook import LANGUAGES, serve
from workbook.unique import unique_email

SECRET = "test secret, never a real one"
# USERS_PBKDF2_ITERATIONS is documented for tests only: 1000 keeps a test run fast.
AUTH_ENV = {"USERS_AUTH_SECRET": SECRET, "USERS_PBKDF2_ITERATIONS": "1000"}
PASSWORD = "correct horse battery"
REALM = 'Bearer realm="users"'
MERGE = {"Content-Type": "application/merge-patch+json"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(sub: str, exp: int, secret: str = SECRET) -> str:
    """A token as the contract describes it: base64url(JSON) "." base64url(HMAC-SHA256)."""
    payload = b64url(json.dumps({"sub": sub, "exp": exp}, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{b64url(signature)}"


def invalid(why: str) -> str:
    return f'{REALM}, error="invalid_token", error_description="{why}"'


@pytest.fixture(scope="module", params=LANGUAGES)
def srv(request):
    with serve(request.param, "users", env=AUTH_ENV) as server:
        yield server


def signup(srv, password: str = PASSWORD) -> dict:
    """A new user with a password; returns the user plus its email."""
    email = unique_email("auth")
    response = requests.post(srv.url + "/users", json={"email": email, "name": "Ada", "password": password})
    assert response.status_code == 201, response.text
    return response.json()


def token_for(srv, email: str, password: str = PASSWORD) -> str:
    response = requests.post(srv.url + "/tokens", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["token"]


def patch(srv, user_id: str, authorization: str | None = None, query: str = "") -> requests.Response:
    headers = {**MERGE, **({"Authorization": authorization} if authorization else {})}
    return requests.patch(f"{srv.url}/users/{user_id}{query}", data=b'{"name": "Ada K"}', headers=headers)


def assert_refused(response: requests.Response, status: int, message: str, challenge: str | None) -> None:
    assert (response.status_code, response.json()) == (status, {"error": message})
    assert response.headers.get("WWW-Authenticate") == challenge


# ---- passwords ----


def test_the_password_is_never_answered(srv):
    user = signup(srv)
    assert set(user) == {"id", "email", "name"}
    assert set(requests.get(f"{srv.url}/users/{user['id']}").json()) == {"id", "email", "name"}


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (None, "password is required"),
        (12345678, "password must be a string"),
        ("short", "password must be 8 to 128 characters"),
        ("x" * 129, "password must be 8 to 128 characters"),
    ],
)
def test_a_bad_password_is_refused_and_creates_nobody(srv, password, message):
    body = {"email": unique_email("bad"), "name": "Ada"}
    if password is not None:
        body["password"] = password
    response = requests.post(srv.url + "/users", json=body)
    assert (response.status_code, response.json()) == (400, {"error": message})


def test_the_fields_of_the_user_are_checked_before_the_password(srv):
    response = requests.post(srv.url + "/users", json={"email": "not-an-email", "name": "Ada"})
    assert response.json() == {"error": "email must look like name@example.com"}


# ---- POST /tokens ----


def test_the_right_password_gets_a_token_that_no_cache_may_keep(srv):
    user = signup(srv)
    response = requests.post(srv.url + "/tokens", json={"email": user["email"], "password": PASSWORD})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert list(response.json()) == ["token", "expires_in"]
    assert response.json()["expires_in"] == 3600


def test_the_token_says_who_and_until_when_and_is_signed_with_the_secret(srv):
    user = signup(srv)
    before = int(time.time())
    token = token_for(srv, user["email"])
    payload, _ = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["sub"] == user["id"]
    assert before + 3600 <= claims["exp"] <= int(time.time()) + 3600
    assert token == mint(user["id"], claims["exp"])


def test_a_wrong_password_and_an_unknown_email_get_the_same_401(srv):
    user = signup(srv)
    wrong = requests.post(srv.url + "/tokens", json={"email": user["email"], "password": "not the one"})
    unknown = requests.post(srv.url + "/tokens", json={"email": "nobody@example.com", "password": PASSWORD})
    for response in (wrong, unknown):
        assert_refused(response, 401, "email or password is not correct", REALM)
    assert wrong.content == unknown.content


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"email": "a@example.com"}, "password is required"),
        ({"password": PASSWORD}, "email is required"),
        ({"email": 1, "password": PASSWORD}, "email must be a string"),
        ({"email": "a@example.com", "password": PASSWORD, "scope": "admin"}, "unknown field: scope"),
    ],
)
def test_a_malformed_token_request_is_400(srv, body, message):
    response = requests.post(srv.url + "/tokens", json=body)
    assert (response.status_code, response.json()) == (400, {"error": message})


def test_tokens_take_only_post(srv):
    response = requests.get(srv.url + "/tokens")
    assert (response.status_code, response.headers["Allow"]) == (405, "POST")


# ---- Bearer tokens on PATCH and DELETE ----


def test_the_owners_token_lets_patch_and_delete_through(srv):
    user = signup(srv)
    token = token_for(srv, user["email"])
    assert patch(srv, user["id"], f"Bearer {token}").json()["name"] == "Ada K"
    response = requests.delete(f"{srv.url}/users/{user['id']}", headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 204


def test_no_token_is_401_with_a_challenge_and_no_error_code(srv):
    user = signup(srv)
    assert_refused(patch(srv, user["id"]), 401, "a token is required", REALM)
    refused = requests.delete(f"{srv.url}/users/{user['id']}")
    assert_refused(refused, 401, "a token is required", REALM)


def test_another_scheme_counts_as_no_token(srv):
    user = signup(srv)
    basic = "Basic " + base64.b64encode(f"{user['email']}:{PASSWORD}".encode()).decode()
    assert_refused(patch(srv, user["id"], basic), 401, "a token is required", REALM)
    token = token_for(srv, user["email"])
    assert_refused(patch(srv, user["id"], f"Token {token}"), 401, "a token is required", REALM)


@pytest.mark.parametrize("token", ["", "x.y", "not a token", "a.b.c"])
def test_a_malformed_token_is_401_invalid_token(srv, token):
    user = signup(srv)
    assert_refused(
        patch(srv, user["id"], f"Bearer {token}"), 401, "token is not valid", invalid("token is not valid")
    )


def test_a_token_signed_with_another_key_is_401_invalid_token(srv):
    user = signup(srv)
    forged = mint(user["id"], int(time.time()) + 600, secret="a guessed secret")
    assert_refused(
        patch(srv, user["id"], f"Bearer {forged}"), 401, "token is not valid", invalid("token is not valid")
    )


def test_a_payload_changed_after_signing_is_401_invalid_token(srv):
    user = signup(srv)
    _, signature = token_for(srv, user["email"]).split(".")
    payload = b64url(json.dumps({"sub": user["id"], "exp": 9999999999}, separators=(",", ":")).encode())
    response = patch(srv, user["id"], f"Bearer {payload}.{signature}")
    assert_refused(response, 401, "token is not valid", invalid("token is not valid"))


def test_an_expired_token_is_401_and_says_so(srv):
    user = signup(srv)
    expired = mint(user["id"], int(time.time()) - 1)
    assert_refused(
        patch(srv, user["id"], f"Bearer {expired}"), 401, "token has expired", invalid("token has expired")
    )


def test_another_users_token_is_403(srv):
    owner, other = signup(srv), signup(srv)
    token = token_for(srv, other["email"])
    assert_refused(patch(srv, owner["id"], f"Bearer {token}"), 403, "the token is for another user", None)
    response = requests.delete(f"{srv.url}/users/{owner['id']}", headers={"Authorization": f"Bearer {token}"})
    assert_refused(response, 403, "the token is for another user", None)
    assert requests.get(f"{srv.url}/users/{owner['id']}").json()["name"] == "Ada"


def test_a_token_in_the_query_string_is_refused_even_a_good_one(srv):
    user = signup(srv)
    token = token_for(srv, user["email"])
    response = patch(srv, user["id"], query=f"?access_token={token}")
    assert_refused(response, 400, "a token must not be sent in the URL", f'{REALM}, error="invalid_request"')
    assert requests.get(f"{srv.url}/users/{user['id']}").json()["name"] == "Ada"


def test_who_asks_is_checked_before_whether_the_user_exists(srv):
    assert_refused(patch(srv, "999999"), 401, "a token is required", REALM)


def test_reading_needs_no_token(srv):
    user = signup(srv)
    assert requests.get(f"{srv.url}/users/{user['id']}").status_code == 200


def test_the_server_prints_no_password_and_no_token(srv):
    user = signup(srv)
    token = token_for(srv, user["email"])
    patch(srv, user["id"], f"Bearer {token}")
    requests.post(srv.url + "/tokens", json={"email": user["email"], "password": "a wrong one"})
    printed = srv.output()
    assert PASSWORD not in printed and token not in printed and "a wrong one" not in printed


# ---- off by default ----


def test_without_the_secret_there_is_no_tokens_route_and_no_password_field(language):
    with serve(language, "users") as plain:
        assert requests.post(plain.url + "/tokens", json={}).status_code == 404
        response = requests.post(
            plain.url + "/users", json={"email": "a@example.com", "name": "A", "password": PASSWORD}
        )
        assert response.json() == {"error": "unknown field: password"}


def test_a_slow_password_check_does_not_hold_other_clients(language):
    """PBKDF2 is slow on purpose; a server must go on serving others meanwhile (Node: crypto.pbkdf2
    on the thread pool, not pbkdf2Sync on the event loop)."""
    slow = {**AUTH_ENV, "USERS_PBKDF2_ITERATIONS": "3000000"}  # a second or more per check
    with serve(language, "users", env=slow, timeout=30) as server:
        guess = {"email": "nobody@example.com", "password": PASSWORD}
        login = threading.Thread(target=requests.post, args=(server.url + "/tokens",), kwargs={"json": guess})
        login.start()
        time.sleep(0.2)  # the guess is being hashed now (if not, the GET below only gets easier)
        assert requests.get(server.url + "/users", timeout=30).status_code == 200
        still_hashing = login.is_alive()
        login.join()
    assert still_hashing, "the GET waited for the password check to finish"
