"""Lesson 04's cache (workbook.lessons.caching): CacheControl, an RFC 9111 cache for requests, with
a log of what crossed the wire. What the lesson shows about caching holds here without its
stored outputs: a `no-cache` user is revalidated on every read, and a default lifetime applies
only to answers that say nothing about caching."""

import pytest

from workbook import serve, unique_email, web
from workbook.lessons.caching import cached_client, follow


@pytest.fixture(scope="module")
def users():
    with serve("python", "users") as srv:
        yield srv


def new_user(srv) -> str:
    created = web.post(srv.url + "/users", json={"email": unique_email("ada"), "name": "Ada Lovelace"})
    return srv.url + created.headers["Location"]


def test_a_no_cache_user_is_revalidated_on_every_read_and_a_change_shows_at_once(users):
    client, wire = cached_client()
    ada = new_user(users)
    steps = {"read": None, "read again": None, "renamed": lambda: web.patch(ada, json={"name": "Ada King"})}
    rows = follow(client, wire, ada, steps, show=lambda user: user["name"])
    etag = rows[1][3].split(": ")[1].split(" ")[0]
    assert [row[1:3] for row in rows] == [
        ["Ada Lovelace", False],
        ["Ada Lovelace", True],
        ["Ada King", False],
    ]
    assert [row[3] for row in rows] == [
        "GET → 200",
        f"GET with If-None-Match: {etag} → 304",
        f"GET with If-None-Match: {etag} → 200",
    ]


def test_a_default_lifetime_lets_the_cache_answer_alone_when_the_answer_says_nothing():
    client, wire = cached_client(default_lifetime=120)
    with serve("python", "mutating_get") as admin:
        remind = lambda: web.post(admin.url + "/users/1/remind")  # noqa: E731
        steps = {"read": None, "reminded": remind}
        rows = follow(
            client, wire, admin.url + "/users", steps, show=lambda page: page["users"][0]["reminders"]
        )
        assert web.get(admin.url + "/users").json()["users"][0]["reminders"] == 1
    assert rows == [["read", 0, False, "GET → 200"], ["reminded", 0, True, "nothing: the cache answered"]]


def test_a_default_lifetime_does_not_override_no_cache(users):
    client, wire = cached_client(default_lifetime=120)
    ada = new_user(users)
    steps = {"read": None, "renamed": lambda: web.patch(ada, json={"name": "Ada Byron"})}
    rows = follow(client, wire, ada, steps, show=lambda user: user["name"])
    assert [row[1:3] for row in rows] == [["Ada Lovelace", False], ["Ada Byron", False]]
    assert rows[1][3].endswith("→ 200") and "If-None-Match" in rows[1][3]
