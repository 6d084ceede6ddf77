"""Authentication for the `users` API (servers/python/users.py), standard library only.

Off unless USERS_AUTH_SECRET is set: then its value is the HMAC key of every token, and any
`users` server started with the same secret, in any of the three languages, accepts the tokens of
the others. The contract is in servers/README.md ("Authentication"); the same module in Node and
Go: servers/node/users_auth.js, servers/go/users/auth.go.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# ---- Constants ----------------------------------------------------------------------------

PBKDF2_ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256: ~0.3 s per guess here
SALT_BYTES = 16
TOKEN_LIFETIME = 3600  # seconds; a token cannot be revoked, so it must not live long
MIN_PASSWORD = 8
MAX_PASSWORD = 128
REALM = 'Bearer realm="users"'
# RFC 6750, section 2.1: b64token. Ours is base64url(payload) "." base64url(signature).
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}")
BEARER = re.compile(r"Bearer +([A-Za-z0-9._~+/-]+=*)", re.IGNORECASE)  # the scheme is case-insensitive

# ---- Passwords at rest --------------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, iterations: int, salt: bytes | None = None) -> str:
    """The stored form, "pbkdf2_sha256$<iterations>$<salt>$<hash>": all a later check needs."""
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)  # per user: no shared tables
    derived = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${b64url(salt)}${b64url(derived)}"


def verify_password(password: str, stored: str) -> bool:
    """Hash the guess with the stored salt and count, then compare in constant time."""
    _, iterations, salt, expected = stored.split("$")
    derived = hashlib.pbkdf2_hmac("sha256", password.encode(), unb64url(salt), int(iterations))
    # compare_digest takes as long for a first byte that differs as for a last one: the time of a
    # refusal tells an attacker nothing about how close the guess was.
    return hmac.compare_digest(b64url(derived), expected)


# ---- Signed tokens ------------------------------------------------------------------------


def sign(secret: bytes, payload: str) -> str:
    return b64url(hmac.new(secret, payload.encode(), hashlib.sha256).digest())


def mint_token(secret: bytes, sub: str, exp: int) -> str:
    """base64url({"sub":..,"exp":..}) "." base64url(HMAC-SHA256(secret, the first part))."""
    payload = b64url(json.dumps({"sub": sub, "exp": exp}, separators=(",", ":")).encode())
    return f"{payload}.{sign(secret, payload)}"


def verify_token(secret: bytes, token: str, now: int) -> tuple[str | None, str]:
    """(the user id, "") for a good token, else (None, why): "not valid" or "expired"."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None, "token is not valid"
    payload, signature = token.split(".")
    # The signature first, in constant time: nothing of an unsigned payload is even decoded.
    if not hmac.compare_digest(sign(secret, payload), signature):
        return None, "token is not valid"
    claims = json.loads(unb64url(payload))
    if claims["exp"] <= now:
        return None, "token has expired"
    return claims["sub"], ""


# ---- Credentials: one password hash per user id --------------------------------------------


class MemoryCredentials:
    """Hashes in this process's memory, beside the MemoryStore."""

    def __init__(self) -> None:
        self.hashes: dict[str, str] = {}

    def save(self, user_id: str, stored: str) -> None:
        self.hashes[user_id] = stored

    def load(self, user_id: str) -> str | None:
        return self.hashes.get(user_id)


class FileCredentials:
    """Hashes in USERS_STORE/passwords/<id>, shared by every process of that store."""

    def __init__(self, directory: str) -> None:
        self.folder = Path(directory) / "passwords"
        self.folder.mkdir(parents=True, exist_ok=True)

    def save(self, user_id: str, stored: str) -> None:
        temporary = self.folder / f".{user_id}.{secrets.token_hex(8)}"
        temporary.write_text(stored)
        os.replace(temporary, self.folder / user_id)  # readers see the whole hash or none

    def load(self, user_id: str) -> str | None:
        try:
            return (self.folder / user_id).read_text()
        except FileNotFoundError:
            return None


# ---- The decisions: who may do what --------------------------------------------------------


class Auth:
    """What users.py asks when auth is on; `error(status, message, headers)` makes its ApiError."""

    def __init__(self, secret: str, iterations: int, directory: str | None, error: Callable) -> None:
        self.secret = secret.encode()
        self.iterations = iterations
        self.credentials = FileCredentials(directory) if directory else MemoryCredentials()
        self.error = error
        # Hashed once, so that an unknown email costs as much time as a wrong password.
        self.decoy = hash_password(secrets.token_urlsafe(), iterations)

    def refuse_token_in_url(self, query: str) -> None:
        """A URL ends up in logs, history and Referer headers: a token there is a leaked token."""
        if any(part.split("=")[0] == "access_token" for part in query.split("&")):
            challenge = REALM + ', error="invalid_request"'
            raise self.error(400, "a token must not be sent in the URL", {"WWW-Authenticate": challenge})

    def authorize(self, authorization: list[str], user_id: str) -> None:
        """The token must be valid (else 401) and be this user's (else 403)."""
        value = ", ".join(authorization).strip()
        if value.split(" ")[0].lower() != "bearer":  # none, or another scheme: no token at all
            raise self.error(401, "a token is required", {"WWW-Authenticate": REALM})
        found = BEARER.fullmatch(value)  # also refuses two Authorization lines, joined by ", "
        sub, why = None, "token is not valid"
        if found:
            sub, why = verify_token(self.secret, found.group(1), int(time.time()))
        if sub is None:
            challenge = f'{REALM}, error="invalid_token", error_description="{why}"'
            raise self.error(401, why, {"WWW-Authenticate": challenge})
        if sub != user_id:
            raise self.error(403, "the token is for another user")

    def take_password(self, fields: dict[str, Any]) -> Any:
        """Remove the password from a POST body, so the user's fields are checked as before."""
        return fields.pop("password", None)

    def hash_new(self, password: Any) -> str:
        """Check a new password (400), then hash it."""
        if password is None:
            raise self.error(400, "password is required")
        if not isinstance(password, str):
            raise self.error(400, "password must be a string")
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise self.error(400, f"password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters")
        return hash_password(password, self.iterations)

    def issue(self, fields: dict[str, Any], store: Any) -> dict[str, Any]:
        """POST /tokens: a token for the right email and password; one 401 for any wrong one."""
        unknown = sorted(set(fields) - {"email", "password"})
        if unknown:
            raise self.error(400, f"unknown field: {unknown[0]}")
        for field in ("email", "password"):
            if fields.get(field) is None:
                raise self.error(400, f"{field} is required")
            if not isinstance(fields[field], str):
                raise self.error(400, f"{field} must be a string")
        user_id = owner_of(store, fields["email"])
        stored = self.credentials.load(user_id) if user_id else None
        # An unknown email is checked against the decoy: same time, same answer as a wrong password.
        if not verify_password(fields["password"], stored or self.decoy) or stored is None:
            raise self.error(401, "email or password is not correct", {"WWW-Authenticate": REALM})
        return {"token": mint_token(self.secret, user_id, int(time.time()) + TOKEN_LIFETIME),
                "expires_in": TOKEN_LIFETIME}


def owner_of(store: Any, email: str) -> str | None:
    """The id of the user who has this email: the store's own index (servers/README.md)."""
    if hasattr(store, "owners"):  # MemoryStore
        return store.owner(email)
    try:  # FileStore: emails/<sha256 of the email> holds the id
        return store.email_path(email).read_text()
    except FileNotFoundError:
        return None


def from_environment(error: Callable) -> Auth | None:
    """Auth as the environment asks: None (off) unless USERS_AUTH_SECRET is set."""
    secret = os.environ.get("USERS_AUTH_SECRET")
    if not secret:
        return None
    # For tests only: fewer iterations make a test suite fast and a password cheap to guess.
    iterations = int(os.environ.get("USERS_PBKDF2_ITERATIONS") or PBKDF2_ITERATIONS)
    return Auth(secret, iterations, os.environ.get("USERS_STORE"), error)
