# BEGIN SOLUTION
"""Exercise 08, a solution: private notes, each readable and writable only with its owner's token.

    AUTH_SECRET=key python3 solutions/08_protect_a_resource/python/server.py [PORT]

GET and PUT /notes/{user} need `Authorization: Bearer <token>` for that user. A token is
base64url(JSON {"sub": user, "exp": seconds}) "." base64url(HMAC-SHA256(AUTH_SECRET, first part)),
minted by someone else who holds the same key (here: the checks).
"""
# STARTER
# | """Exercise 08: private notes, each readable and writable only with its owner's token.
# |
# |     AUTH_SECRET=key python3 exercises/08_protect_a_resource/python/server.py [PORT]
# |
# | GET and PUT /notes/{user} need `Authorization: Bearer <token>` for that user. A token is
# | base64url(JSON {"sub": user, "exp": seconds}) "." base64url(HMAC-SHA256(AUTH_SECRET, first part)),
# | minted by someone else who holds the same key (here: the checks). The notes, the routes and the
# | JSON are done: make `authenticate` refuse what the README says, then `make check EX=08 IN=python`.
# | """
# END SOLUTION

import base64
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler

# 127.0.0.1, the port, the readiness line, SIGTERM: exercise 01's launch contract, in launch.py
# (shared by the exercises; no need to open it).
from launch import serve

SECRET = os.environ.get("AUTH_SECRET", "").encode()
REALM = 'Bearer realm="notes"'
NOTE_PATH = re.compile(r"/notes/([a-z0-9]+)")
BEARER = re.compile(r"Bearer +(\S+)", re.IGNORECASE)  # the scheme is case-insensitive (RFC 9110, 11.1)
MAX_BODY_BYTES = 10000

# The resource's state: one note per user.
notes: dict[str, str] = {}
notes_lock = threading.Lock()  # serve() runs each connection in a thread of its own


class Refused(Exception):
    """A request the server will not serve: its status, message and extra headers."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(payload: str) -> str:
    digest = hmac.new(SECRET, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def authenticate(authorization: str | None, query: str, user: str) -> None:
    """Raise Refused unless the request carries a valid token of `user`, in the header."""
    # BEGIN SOLUTION
    # A URL lands in logs and histories: a token there has leaked, even a good one.
    if any(part.split("=")[0] == "access_token" for part in query.split("&")):
        raise Refused(400, "a token must not be sent in the URL",
                      {"WWW-Authenticate": REALM + ', error="invalid_request"'})
    # No credentials, or another scheme (Basic, Token): the bare challenge, no error code.
    if not authorization or authorization.split(" ")[0].lower() != "bearer":
        raise Refused(401, "a token is required", {"WWW-Authenticate": REALM})
    invalid = {"WWW-Authenticate": REALM + ', error="invalid_token"'}
    found = BEARER.fullmatch(authorization.strip())
    parts = found.group(1).split(".") if found else []
    if len(parts) != 2:
        raise Refused(401, "token is not valid", invalid)
    payload, signature = parts
    # The signature first, compared in constant time: == would stop at the first different
    # byte, and the time it takes would tell an attacker how much of a forgery is right.
    if not hmac.compare_digest(sign(payload).encode(), signature.encode()):
        raise Refused(401, "token is not valid", invalid)
    claims = json.loads(b64url_decode(payload))  # signed by the key holder: safe to read now
    if claims["exp"] <= time.time():
        raise Refused(401, "token has expired", invalid)
    # Valid, but someone else's: the client is known, and no new token will change the answer.
    if claims["sub"] != user:
        raise Refused(403, "the token is for another user")
    # STARTER
    # |     # TODO 7: a token in the query string (`access_token=...`) is refused, even a valid one:
    # |     #         400 with WWW-Authenticate: Bearer realm="notes", error="invalid_request".
    # |     # TODO 1: no Authorization header, or a scheme other than Bearer (Basic, Token): 401 with
    # |     #         WWW-Authenticate: Bearer realm="notes" (REALM), and no error code.
    # |     # TODO 4: "Bearer <payload>.<signature>": compute sign(payload) and compare it with the
    # |     #         signature in constant time; a malformed token or a wrong signature is 401 with
    # |     #         WWW-Authenticate: Bearer realm="notes", error="invalid_token".
    # |     # TODO 5: only then read the payload (base64url JSON): an "exp" that is not after now is 401
    # |     #         with error="invalid_token" too.
    # |     # TODO 6: a valid token whose "sub" is not `user` is 403, with no WWW-Authenticate.
    # |     return None  # for now, anyone may read and write any note
    # END SOLUTION


class Notes(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.handle_note(write=False)

    def do_PUT(self) -> None:
        self.handle_note(write=True)

    def handle_note(self, write: bool) -> None:
        path, _, query = self.path.partition("?")
        found = NOTE_PATH.fullmatch(path)
        try:
            if not found:
                raise Refused(404, "not found")
            user = found.group(1)
            authenticate(self.headers.get("Authorization"), query, user)
            with notes_lock:
                if write:
                    # Only here is a ValueError the client's doing (a body that is not JSON);
                    # anywhere else, in authenticate too, it is a bug, and its traceback shows.
                    try:
                        length = int(self.headers.get("Content-Length") or 0)
                        if length > MAX_BODY_BYTES:
                            raise Refused(413, "the body is too large")
                        body = json.loads(self.rfile.read(length) or b"null")
                    except ValueError:
                        raise Refused(400, "the body is not JSON") from None
                    if not isinstance(body, dict) or not isinstance(body.get("note"), str):
                        raise Refused(400, 'the body must be {"note": "<text>"}')
                    notes[user] = body["note"]
                note = notes.get(user, "")
            self.send_json(200, {"user": user, "note": note})
        except Refused as refusal:
            self.send_json(refusal.status, {"error": refusal.message}, refusal.headers)

    def send_json(self, status: int, body: dict, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "private")  # one user's note: no shared cache may keep it
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:
        """Print nothing per request: a log line is where secrets leak (and this one has none)."""


def main() -> None:
    if not SECRET:
        sys.exit("server.py: set AUTH_SECRET, the key that signs the tokens")
    serve(Notes)


if __name__ == "__main__":
    main()
