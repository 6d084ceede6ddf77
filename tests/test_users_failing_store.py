"""A store that fails is the server's fault, not the client's: each `users` server answers the
documented 500 JSON (servers/README.md, the name table) and goes on serving, in all three
languages, whichever way the shared directory (USERS_STORE) breaks."""

from __future__ import annotations

import shutil

import pytest
import requests

from workbook import serve

INTERNAL_ERROR = b'{"error":"internal server error"}\n'


@pytest.fixture
def stored(language, scratch):
    """A server on a directory store, with one user in it: (server, user, store directory)."""
    with serve(language, "users", env={"USERS_STORE": str(scratch)}) as srv:
        user = requests.post(
            srv.url + "/users", json={"email": "kept@example.com", "name": "Kept"}, timeout=5
        )
        assert user.status_code == 201, user.text
        yield srv, user.json(), scratch


def assert_internal_error(response: requests.Response) -> None:
    assert (response.status_code, response.content) == (500, INTERNAL_ERROR)
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Connection"] == "close"


def assert_still_serving(srv) -> None:
    """The process is alive and answers what does not need the store."""
    assert srv.running()
    response = requests.get(srv.url + "/nope", timeout=5)
    assert (response.status_code, response.json()) == (404, {"error": "not found"})


def test_a_store_whose_directory_is_removed_answers_500_and_serves_again_once_it_is_back(stored):
    srv, user, store = stored
    shutil.rmtree(store)
    assert_internal_error(requests.get(f"{srv.url}/users/{user['id']}", timeout=5))
    assert_internal_error(requests.get(srv.url + "/users", timeout=5))
    assert_internal_error(
        requests.post(srv.url + "/users", json={"email": "new@example.com", "name": "New"}, timeout=5)
    )
    assert_still_serving(srv)
    for folder in ("tmp", "users", "emails"):
        (store / folder).mkdir(parents=True)
    created = requests.post(srv.url + "/users", json={"email": "back@example.com", "name": "Back"}, timeout=5)
    assert created.status_code == 201, created.text


def test_a_version_file_that_cannot_be_read_answers_500(stored):
    srv, user, store = stored
    version = store / "users" / user["id"] / "1.json"
    version.unlink()
    version.mkdir()  # reading it fails: it is a directory (root may read any file, so no chmod)
    assert_internal_error(requests.get(f"{srv.url}/users/{user['id']}", timeout=5))
    assert_internal_error(requests.get(srv.url + "/users", timeout=5))
    assert_still_serving(srv)


def test_a_version_file_that_is_not_json_answers_500(stored):
    srv, user, store = stored
    (store / "users" / user["id"] / "2.json").write_bytes(b"not json")
    assert_internal_error(requests.get(f"{srv.url}/users/{user['id']}", timeout=5))
    assert_internal_error(
        requests.patch(
            f"{srv.url}/users/{user['id']}",
            json={"name": "Changed"},
            headers={"Content-Type": "application/merge-patch+json"},
            timeout=5,
        )
    )
    assert_still_serving(srv)


def test_a_write_that_fails_answers_500_and_the_next_one_succeeds(stored):
    srv, user, store = stored
    shutil.rmtree(store / "tmp")
    (store / "tmp").write_bytes(b"")  # every write starts in tmp/: now it cannot
    new = {"email": "blocked@example.com", "name": "Blocked"}
    assert_internal_error(requests.post(srv.url + "/users", json=new, timeout=5))
    assert_internal_error(
        requests.patch(
            f"{srv.url}/users/{user['id']}",
            json={"name": "Changed"},
            headers={"Content-Type": "application/merge-patch+json"},
            timeout=5,
        )
    )
    assert_still_serving(srv)
    (store / "tmp").unlink()
    (store / "tmp").mkdir()
    response = requests.get(f"{srv.url}/users/{user['id']}", timeout=5)
    assert (response.status_code, response.json()) == (200, user)
    created = requests.post(
        srv.url + "/users", json={"email": "after@example.com", "name": "After"}, timeout=5
    )
    assert created.status_code == 201, created.text
