"""Exercise 02: a visit counter that forgets, and disagrees with its own replicas.

    python3 exercises/02_stateless_counter/python/server.py [PORT]

GET / answers {"visits": N}: how many times this client has visited, this visit included. The
client is recognised by a cookie. It works, as long as there is only one process and it never
restarts: the counts live in this process's memory. Make it stateless (the README says what that
means here), then `make check EX=02 IN=python`.
"""

import hashlib
import hmac
import json
import os
import sys
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler
from threading import Lock

# 127.0.0.1, the port, the readiness line, SIGTERM: exercise 01's launch contract, in launch.py
# (shared by the exercises; no need to open it).
from launch import serve

COOKIE = "visitor"

# TODO: this is the state to move out of the process. Another replica has its own dict, and a
# restart starts from an empty one. Every server the check starts gets two environment variables:
# COUNTER_SECRET (a key they all share) and COUNTER_STORE (a directory they all share).
visits: dict[str, int] = {}  # visitor id -> visits so far
visits_lock = Lock()  # serve() runs each connection in a thread of its own


def cookie_value(header: str | None, name: str) -> str | None:
    """The value of one cookie in a Cookie request header, or None."""
    try:
        morsel = SimpleCookie(header or "").get(name)
    except CookieError:
        return None
    return morsel.value if morsel else None


def count_visit(visitor: str | None) -> tuple[str, int]:
    """Count one visit; return the visitor's id (a new one for a new visitor) and their visits."""
    with visits_lock:
        if visitor not in visits:
            visitor = os.urandom(16).hex()
        visits[visitor] = visits.get(visitor, 0) + 1
        return visitor, visits[visitor]


class Counter(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path != "/":
            self.send_error(404)
            return
        visitor, count = count_visit(cookie_value(self.headers.get("Cookie"), COOKIE))
        body = json.dumps({"visits": count}).encode() + b"\n"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", f"{COOKIE}={visitor}; Path=/; HttpOnly; SameSite=Lax")
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    serve(Counter)
