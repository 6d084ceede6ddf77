"""mutating_get: an admin page built the wrong way, with links that change data (lesson 04).

    python3 servers/python/mutating_get.py [PORT] [--lose-first-response]

GET / is an HTML page listing three users, each with two links: "send a reminder"
(GET /users/{id}/remind) and "delete" (GET /users/{id}/delete). Following a link changes data,
although GET is a safe method (RFC 9110, section 9.2.1): whoever fetches a URL, a browser
prefetching links, a crawler, a link checker, a client library retrying, is allowed to assume that
nothing changes. POST /users/{id}/remind does the same work with the method that says so.
GET /users shows the state as JSON, and only reads it.

--lose-first-response: the first time each action (method and path) arrives, the server does the
work and then closes the connection without answering, as when a proxy or the network drops a
response. The second time it does the work again and answers: a retrying client sees one success.
"""

import html
import json
import re
import sys
import threading

from http_plumbing import DemoRequestHandler, run  # servers/python/http_plumbing.py

# ---- Constants ----

ACTION = re.compile(r"/users/([0-9]+)/(remind|delete)")
LOSE_FIRST_RESPONSE = "--lose-first-response" in sys.argv[2:]

# ---- Store ----

users = {
    "1": {"id": "1", "name": "Ada Lovelace", "reminders": 0},
    "2": {"id": "2", "name": "Grace Hopper", "reminders": 0},
    "3": {"id": "3", "name": "Alan Turing", "reminders": 0},
}
lock = threading.Lock()  # one thread per connection: changes happen one at a time
answered_once: set[tuple[str, str]] = set()  # actions whose first response was already lost


def act(action: str, user_id: str) -> str | None:
    """Do one action on one user; the sentence that says what happened, or None if no such user."""
    with lock:
        user = users.get(user_id)
        if user is None:
            return None
        if action == "delete":
            del users[user_id]
            return f"Deleted {user['name']}."
        user["reminders"] += 1  # in a real application: an email leaves, and cannot be called back
        return f"Sent a reminder to {user['name']} (reminders sent: {user['reminders']})."


def page() -> str:
    """The admin page: every user with a GET link per action (the mistake this server shows)."""
    with lock:
        items = "".join(
            f'<li>{html.escape(u["name"])}, reminders sent: {u["reminders"]}: '
            f'<a href="/users/{u["id"]}/remind">send a reminder</a> '
            f'<a href="/users/{u["id"]}/delete">delete</a></li>\n'
            for u in users.values())
    return f"<!doctype html>\n<title>Users</title>\n<h1>Users</h1>\n<ul>\n{items}</ul>\n"


# ---- Handlers ----


class Admin(DemoRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/":
            self.send_text(200, "text/html; charset=utf-8", page())
        elif self.path == "/users":
            with lock:
                state = {"users": list(users.values())}
            self.send_text(200, "application/json", json.dumps(state, separators=(",", ":")) + "\n")
        elif ACTION.fullmatch(self.path):
            self.do_action()  # the mistake: a GET that changes data
        else:
            self.send_text(404, "text/plain; charset=utf-8", "not found\n")

    def do_POST(self) -> None:
        found = ACTION.fullmatch(self.path)
        if found and found[2] == "remind":
            self.do_action()  # the same work, with the method that says it changes something
        else:
            self.send_text(404, "text/plain; charset=utf-8", "not found\n")

    def do_action(self) -> None:
        user_id, action = ACTION.fullmatch(self.path).groups()
        done = act(action, user_id)
        if LOSE_FIRST_RESPONSE and (self.command, self.path) not in answered_once:
            answered_once.add((self.command, self.path))
            # The work is done; the answer never arrives. The client cannot tell whether it was.
            self.close_connection = True
            return
        if done is None:
            self.send_text(404, "text/plain; charset=utf-8", "no such user\n")
        else:
            self.send_text(200, "text/plain; charset=utf-8", done + "\n")


# ---- Start-up ----


if __name__ == "__main__":
    run(Admin)
