"""counter: a server that keeps state, in its own memory or in a directory it shares (lesson 03).

    python3 servers/python/counter.py [PORT]
    COUNTER_STORE=DIR python3 servers/python/counter.py [PORT]

POST /count adds one and answers {"count": N}; GET /count answers the count without changing it.
By default the count lives in this process: a restart forgets it, and a second process has its own.
With COUNTER_STORE=DIR it lives in DIR, as one file per increment, and every counter process
started with the same DIR (in any of the three languages) counts on the same number.
"""

import os
import threading

from http_plumbing import DemoRequestHandler, run  # servers/python/http_plumbing.py

# ---- Constants ----

ALLOW = "GET, HEAD, POST"

# ---- Store ----

# The state this lesson is about: one number. Without COUNTER_STORE it is a variable of this process.
STORE = os.environ.get("COUNTER_STORE")  # a directory every replica shares, or None
count = 0
# Python runs each connection on its own thread: two POSTs at once must not both read 4 and write 5.
count_lock = threading.Lock()


def highest(directory: str) -> int:
    """The count kept in a directory: the highest file name there, 0 if there is none."""
    numbers = (int(name) for name in os.listdir(directory) if name.isascii() and name.isdigit())
    return max(numbers, default=0)


def add_one_in(directory: str) -> int:
    """Create the file for the next count; the number it got."""
    n = highest(directory) + 1
    while True:
        try:
            # O_EXCL: create the file, or fail if it exists. The file system decides which of two
            # processes racing for n wins, atomically: create-if-absent, like a database's unique key.
            os.close(os.open(os.path.join(directory, str(n)), os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return n
        except FileExistsError:
            n += 1  # another replica counted n first: its n stands, ours is the next one


def add_one() -> int:
    global count
    if STORE:
        return add_one_in(STORE)
    with count_lock:
        count += 1
        return count


def current() -> int:
    if STORE:
        return highest(STORE)
    with count_lock:
        return count


# ---- Handlers ----


class Counter(DemoRequestHandler):
    def do_GET(self) -> None:
        if self.route():
            self.send_json(200, {}, {"count": current()})

    def do_HEAD(self) -> None:
        self.do_GET()  # send_json leaves the body out for HEAD

    def do_POST(self) -> None:
        if self.route():
            self.send_json(200, {}, {"count": add_one()})

    def route(self) -> bool:
        """True if the path is /count; else the 404 has been sent."""
        if self.path == "/count":
            return True
        self.send_json(404, {}, {"error": "not found"})
        return False

    def __getattr__(self, name: str):
        # Any other method (PUT, DELETE, BREW, ...): 405 and the methods that do work, not 501.
        if name.startswith("do_"):
            return self.not_allowed
        raise AttributeError(name)

    def not_allowed(self) -> None:
        if self.route():
            self.send_json(405, {"Allow": ALLOW}, {"error": "method not allowed"})


# ---- Start-up ----


if __name__ == "__main__":
    if STORE:
        os.makedirs(STORE, exist_ok=True)
    run(Counter)
