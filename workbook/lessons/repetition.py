"""Send the same request twice to a `users` server and tell what each copy did to its state (lesson 04).

    repeat_twice(srv.url, "DELETE")     # '204, 404: the 1st changed it'
    create_user(srv.url)                # 'http://127.0.0.1:PORT/users/7', a user of its own

RFC 9110 promises, per method, what repeating a request may do: a safe method changes nothing, an
idempotent one changes the state once however often it is repeated. This module checks the
promise by looking: it snapshots every user (body and ETag) before, between and after the two copies.
"""

from __future__ import annotations

import requests

from ..unique import unique_email

# RFC 9110, sections 9.2.1 and 9.2.2 (PATCH: RFC 5789, section 2).
PROMISE = {
    "GET": "safe",
    "HEAD": "safe",
    "OPTIONS": "safe",
    "PUT": "idempotent",
    "DELETE": "idempotent",
    "POST": "neither",
    "PATCH": "neither",
}
METHODS = tuple(PROMISE)


def snapshot(url: str) -> list[tuple[str, str]]:
    """Every user's body and ETag: two snapshots are equal exactly when no user changed."""
    users = requests.get(url + "/users?limit=100", timeout=5).json()["users"]
    state = []
    for user in users:
        response = requests.get(f"{url}/users/{user['id']}", timeout=5)
        state.append((response.text, response.headers.get("ETag", "")))
    return state


def create_user(url: str, name: str = "Probe") -> str:
    """Create a user no other request has touched on the `users` server at `url`; its URL."""
    created = requests.post(url + "/users", json={"email": unique_email("probe"), "name": name}, timeout=5)
    created.raise_for_status()
    return url + created.headers["Location"]


def request_for(url: str, method: str) -> requests.Request:
    """The request to repeat: on a user created for this probe alone, or a new user for POST."""
    if method == "POST":
        body = {"email": unique_email("new"), "name": "New User"}
        return requests.Request("POST", url + "/users", json=body)
    target = create_user(url)
    email = requests.get(target, timeout=5).json()["email"]
    bodies = {"PUT": {"email": email, "name": "Put"}, "PATCH": {"name": "Patched"}}
    return requests.Request(method, target, json=bodies.get(method))


def repeat_twice(url: str, method: str) -> str:
    """Send one request twice; its two statuses and which copies changed the server's state."""
    request = request_for(url, method)
    states, statuses = [snapshot(url)], []
    with requests.Session() as session:
        for _ in range(2):
            statuses.append(session.send(session.prepare_request(request), timeout=5).status_code)
            states.append(snapshot(url))
    first, second = states[0] != states[1], states[1] != states[2]
    effect = {
        (False, False): "no change",
        (True, False): "the 1st changed it",
        (False, True): "the 2nd changed it",
        (True, True): "both changed it",
    }[first, second]
    return f"{statuses[0]}, {statuses[1]}: {effect}"
