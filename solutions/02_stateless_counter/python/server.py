# BEGIN SOLUTION
"""Exercise 02, solved: a visit counter whose state travels with the request.

    COUNTER_SECRET=some-long-random-key python3 solutions/02_stateless_counter/python/server.py [PORT]

The starter kept {visitor id: visits} in this process's memory, so a second replica or a restart
did not know the visitor. Here the server keeps nothing: the count itself is the cookie, signed
with a key every replica shares. Any replica can check the signature, read the count, add one and
sign the new count. The process can die and come back; nothing is lost, because nothing is in it.

The other road (see the README) keeps the counts in a store every replica shares, the way the
`users` servers do with USERS_STORE: the cookie is then only an unguessable id.
"""
# STARTER
# | """Exercise 02: a visit counter that forgets, and disagrees with its own replicas.
# |
# |     python3 exercises/02_stateless_counter/python/server.py [PORT]
# |
# | GET / answers {"visits": N}: how many times this client has visited, this visit included. The
# | client is recognised by a cookie. It works, as long as there is only one process and it never
# | restarts: the counts live in this process's memory. Make it stateless (the README says what that
# | means here), then `make check EX=02 IN=python`.
# | """
# END SOLUTION

import hashlib
import hmac
import json
import os
import sys
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler

# 127.0.0.1, the port, the readiness line, SIGTERM: exercise 01's launch contract, in launch.py
# (shared by the exercises; no need to open it).
from launch import serve

# BEGIN SOLUTION
# STARTER
# | from threading import Lock
# END SOLUTION

# BEGIN SOLUTION
COOKIE = "visits"
MAX_DIGITS = 18  # a count longer than this was not written by us (and would not fit Go's int64)
# STARTER
# | COOKIE = "visitor"
# END SOLUTION

# BEGIN SOLUTION

def secret_from(environ: dict[str, str]) -> bytes:
    """The signing key every replica shares; without it each replica would sign differently."""
    secret = environ.get("COUNTER_SECRET", "")
    if not secret:
        sys.exit("error: set COUNTER_SECRET to a long random string, the same for every replica "
                 "(it signs the visit cookies)")
    return secret.encode()


SECRET = secret_from(os.environ)


def sign(count: int) -> str:
    """The cookie value for a count: the count, a dot, an HMAC-SHA256 of it under SECRET."""
    signature = hmac.new(SECRET, str(count).encode(), hashlib.sha256).hexdigest()
    return f"{count}.{signature}"


def verified_count(value: str | None) -> int:
    """The count a cookie carries if we signed it, else 0: the client can read it, not forge it."""
    count, _, signature = (value or "").partition(".")
    if not (count.isdigit() and count.isascii() and len(count) <= MAX_DIGITS):
        return 0
    # compare_digest takes as long for a near miss as for a far one, so the time an answer
    # takes does not tell an attacker how many characters of a guessed signature were right.
    return int(count) if hmac.compare_digest(sign(int(count)), f"{count}.{signature}") else 0
# STARTER
# | # TODO: this is the state to move out of the process. Another replica has its own dict, and a
# | # restart starts from an empty one. Every server the check starts gets two environment variables:
# | # COUNTER_SECRET (a key they all share) and COUNTER_STORE (a directory they all share).
# | visits: dict[str, int] = {}  # visitor id -> visits so far
# | visits_lock = Lock()  # serve() runs each connection in a thread of its own
# END SOLUTION


def cookie_value(header: str | None, name: str) -> str | None:
    """The value of one cookie in a Cookie request header, or None."""
    try:
        morsel = SimpleCookie(header or "").get(name)
    except CookieError:
        return None
    return morsel.value if morsel else None


# BEGIN SOLUTION
# STARTER
# | def count_visit(visitor: str | None) -> tuple[str, int]:
# |     """Count one visit; return the visitor's id (a new one for a new visitor) and their visits."""
# |     with visits_lock:
# |         if visitor not in visits:
# |             visitor = os.urandom(16).hex()
# |         visits[visitor] = visits.get(visitor, 0) + 1
# |         return visitor, visits[visitor]
# |
# |
# END SOLUTION
class Counter(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/":
            self.send_error(404)
            return
        # BEGIN SOLUTION
        # Everything this request needs is in this request: no lock, no shared memory.
        count = verified_count(cookie_value(self.headers.get("Cookie"), COOKIE)) + 1
        # STARTER
        # |         visitor, count = count_visit(cookie_value(self.headers.get("Cookie"), COOKIE))
        # END SOLUTION
        body = json.dumps({"visits": count}).encode() + b"\n"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        # BEGIN SOLUTION
        # HttpOnly: page scripts cannot read it; SameSite=Lax: other sites' pages do not send it.
        self.send_header("Set-Cookie", f"{COOKIE}={sign(count)}; Path=/; HttpOnly; SameSite=Lax")
        # STARTER
        # |         self.send_header("Set-Cookie", f"{COOKIE}={visitor}; Path=/; HttpOnly; SameSite=Lax")
        # END SOLUTION
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    serve(Counter)
