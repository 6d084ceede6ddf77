"""Many clients at once: no user is lost or duplicated, and If-Match lets exactly one of several
concurrent writers win (the others get 412 and can read the new version and retry)."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import requests

CLIENTS = 200


def at_once(count: int, action) -> list:
    """Run action(i) for i in range(count) in `count` threads released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(index: int):
        barrier.wait(timeout=30)
        return action(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def all_users(url: str) -> list[dict]:
    """Every user, following next_cursor page by page."""
    users, cursor = [], None
    while True:
        page = requests.get(
            url + "/users", params={"limit": 100, **({"cursor": cursor} if cursor else {})}, timeout=10
        ).json()
        users += page["users"]
        cursor = page["next_cursor"]
        if cursor is None:
            return users


def test_200_concurrent_creates_make_200_distinct_users_and_lose_none(fresh_users_server):
    url = fresh_users_server.url

    def create(index: int) -> requests.Response:
        return requests.post(
            url + "/users", json={"email": f"c{index}@example.com", "name": f"C {index}"}, timeout=30
        )

    responses = at_once(CLIENTS, create)
    assert [response.status_code for response in responses] == [201] * CLIENTS
    created = [response.json() for response in responses]
    assert len({user["id"] for user in created}) == CLIENTS
    listed = all_users(url)
    assert sorted(listed, key=lambda user: int(user["id"])) == listed  # oldest first, no repeat
    assert {json.dumps(user) for user in listed} == {json.dumps(user) for user in created}


def test_concurrent_patches_with_the_same_if_match_have_exactly_one_winner(fresh_users_server):
    url = fresh_users_server.url
    user = requests.post(
        url + "/users", json={"email": "race@example.com", "name": "Start"}, timeout=5
    ).json()

    def rename(index: int) -> requests.Response:
        return requests.patch(
            f"{url}/users/{user['id']}",
            data=json.dumps({"name": f"Writer {index}"}),
            headers={"Content-Type": "application/merge-patch+json", "If-Match": '"v1"'},
            timeout=30,
        )

    responses = at_once(50, rename)
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [412] * 49
    winner = next(response for response in responses if response.status_code == 200)
    current = requests.get(f"{url}/users/{user['id']}", timeout=5)
    assert current.headers["ETag"] == '"v2"' == winner.headers["ETag"]
    assert current.json() == winner.json()


def test_concurrent_creates_with_the_same_email_have_exactly_one_winner(fresh_users_server):
    url = fresh_users_server.url

    def create(index: int) -> requests.Response:
        return requests.post(
            url + "/users", json={"email": "same@example.com", "name": f"N {index}"}, timeout=30
        )

    statuses = sorted(response.status_code for response in at_once(50, create))
    assert statuses == [201] + [409] * 49
    assert [user["email"] for user in all_users(url)] == ["same@example.com"]
