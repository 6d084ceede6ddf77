"""USERS_STORE=DIR: `users` processes of any language share one directory and answer as one API,
and a restart forgets nothing (servers/README.md, "Sharing state between processes")."""

import hashlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
import requests

from workbook import LANGUAGES, serve

MERGE = {"Content-Type": "application/merge-patch+json"}


def start(stack: ExitStack, language: str, directory) -> str:
    """A users server on the shared directory, stopped when the stack closes; its URL."""
    return stack.enter_context(serve(language, "users", env={"USERS_STORE": str(directory)})).url


def create(url: str, email: str, name: str = "Someone") -> requests.Response:
    return requests.post(url + "/users", json={"email": email, "name": name}, timeout=30)


def read(url: str, user_id: str) -> tuple[int, object, str | None]:
    """Status, body and ETag of GET /users/{id}."""
    response = requests.get(f"{url}/users/{user_id}", timeout=5)
    return response.status_code, response.json(), response.headers.get("ETag")


def at_once(actions: list) -> list:
    """Run the callables in threads released together; their results in order."""
    barrier = threading.Barrier(len(actions))

    def run(action):
        barrier.wait(timeout=30)
        return action()

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        return list(pool.map(run, actions))


def all_users(url: str) -> list[dict]:
    users, cursor = [], None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = requests.get(url + "/users", params=params, timeout=10).json()
        users, cursor = users + page["users"], page["next_cursor"]
        if cursor is None:
            return users


PAIRS = [("python", "node"), ("node", "go"), ("go", "python")]


@pytest.mark.parametrize("first, second", PAIRS, ids=[f"{a}+{b}" for a, b in PAIRS])
def test_two_languages_on_one_directory_answer_as_one_api(tmp_path, first, second):
    with ExitStack() as stack:
        a, b = start(stack, first, tmp_path), start(stack, second, tmp_path)
        user = create(a, "ada@example.com", "Ada Lovelace").json()
        assert read(b, user["id"]) == (200, user, '"v1"')
        renamed = requests.patch(
            f"{b}/users/{user['id']}", json={"name": "Ada King"}, headers=MERGE, timeout=5
        )
        assert (
            read(a, user["id"])
            == (200, renamed.json(), '"v2"')
            == (200, {**user, "name": "Ada King"}, '"v2"')
        )
        assert create(b, "ada@example.com").status_code == 409
        assert all_users(a) == all_users(b)
        assert requests.delete(f"{a}/users/{user['id']}", timeout=5).status_code == 204
        assert read(b, user["id"])[0] == 404
        again = create(b, "ada@example.com")  # the deleted user's email is free again
        assert again.status_code == 201 and int(again.json()["id"]) > int(user["id"])


def test_a_restart_keeps_the_users_and_never_reuses_an_id(tmp_path, language):
    with ExitStack() as stack:
        url = start(stack, language, tmp_path)
        kept = create(url, "kept@example.com", "Zoë 李").json()
        gone = create(url, "gone@example.com").json()
        requests.patch(f"{url}/users/{kept['id']}", json={"name": "Zoë Li"}, headers=MERGE, timeout=5)
        requests.delete(f"{url}/users/{gone['id']}", timeout=5)
    with ExitStack() as stack:
        url = start(stack, language, tmp_path)
        assert read(url, kept["id"]) == (200, {**kept, "name": "Zoë Li"}, '"v2"')
        assert read(url, gone["id"])[0] == 404
        assert create(url, "kept@example.com").status_code == 409
        assert create(url, "new@example.com").json()["id"] not in (kept["id"], gone["id"])


def test_concurrent_creates_in_three_processes_get_distinct_ids(tmp_path):
    with ExitStack() as stack:
        urls = [start(stack, language, tmp_path) for language in LANGUAGES]
        actions = [lambda i=i: create(urls[i % 3], f"p{i}@example.com", f"P {i}") for i in range(90)]
        responses = at_once(actions)
        assert [response.status_code for response in responses] == [201] * 90
        created = [response.json() for response in responses]
        assert len({user["id"] for user in created}) == 90
        listings = [all_users(url) for url in urls]
        assert listings[0] == listings[1] == listings[2]
        assert sorted(map(json.dumps, listings[0])) == sorted(map(json.dumps, created))


def test_the_same_email_created_at_once_in_three_processes_is_stored_once(tmp_path):
    with ExitStack() as stack:
        urls = [start(stack, language, tmp_path) for language in LANGUAGES]
        responses = at_once(
            [lambda i=i: create(urls[i % 3], "same@example.com", f"N {i}") for i in range(30)]
        )
        assert sorted(response.status_code for response in responses) == [201] + [409] * 29
        assert [user["email"] for user in all_users(urls[0])] == ["same@example.com"]


def test_an_if_match_race_across_processes_has_exactly_one_winner(tmp_path):
    with ExitStack() as stack:
        urls = [start(stack, language, tmp_path) for language in LANGUAGES]
        user = create(urls[0], "race@example.com", "Start").json()

        def rename(index: int) -> requests.Response:
            return requests.patch(
                f"{urls[index % 3]}/users/{user['id']}",
                json={"name": f"Writer {index}"},
                headers={**MERGE, "If-Match": '"v1"'},
                timeout=30,
            )

        responses = at_once([lambda i=i: rename(i) for i in range(30)])
        assert sorted(response.status_code for response in responses) == [200] + [412] * 29
        winner = next(response for response in responses if response.status_code == 200)
        for url in urls:
            assert read(url, user["id"]) == (200, winner.json(), '"v2"')


def test_the_directory_holds_the_layout_of_the_readme(tmp_path, language):
    with ExitStack() as stack:
        url = start(stack, language, tmp_path)
        user = create(url, "ada@example.com").json()
        requests.patch(f"{url}/users/{user['id']}", json={"name": "B"}, headers=MERGE, timeout=5)
    versions = sorted(path.name for path in (tmp_path / "users" / user["id"]).iterdir())
    assert versions == ["1.json", "2.json"]
    claim = tmp_path / "emails" / hashlib.sha256(b"ada@example.com").hexdigest()
    assert claim.read_text().strip() == user["id"]
    assert list((tmp_path / "tmp").iterdir()) == []  # every temporary file was linked and removed
