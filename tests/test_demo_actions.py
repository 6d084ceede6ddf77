"""The action-based API of lesson 05 (servers/python/actions.py): every operation a POST to a verb,
every outcome of an operation a 200 whose body says whether it worked."""

import pytest
import requests

from workbook import serve


@pytest.fixture
def actions():
    with serve("python", "actions") as srv:
        yield srv


def call(srv, action: str, body) -> requests.Response:
    return requests.post(srv.url + "/" + action, json=body, timeout=5)


def create_ada(srv) -> dict:
    return call(srv, "createUser", {"email": "ada@example.com", "name": "Ada Lovelace"}).json()["user"]


def test_create_user_answers_200_with_the_new_user():
    with serve("python", "actions") as srv:
        response = call(srv, "createUser", {"email": "ada@example.com", "name": "Ada Lovelace"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "ok": True,
        "user": {"id": "1", "email": "ada@example.com", "name": "Ada Lovelace"},
    }


def test_get_user_details_names_the_user_in_the_body_not_the_url(actions):
    ada = create_ada(actions)
    response = call(actions, "getUserDetails", {"id": ada["id"]})
    assert (response.status_code, response.json()) == (200, {"ok": True, "user": ada})


def test_update_user_changes_only_the_fields_given(actions):
    ada = create_ada(actions)
    response = call(actions, "updateUser", {"id": ada["id"], "name": "Ada King"})
    assert response.json() == {"ok": True, "user": {**ada, "name": "Ada King"}}
    assert call(actions, "getUserDetails", {"id": ada["id"]}).json()["user"]["name"] == "Ada King"


def test_delete_user_removes_the_user(actions):
    ada = create_ada(actions)
    assert call(actions, "deleteUser", {"id": ada["id"]}).json() == {"ok": True}
    assert call(actions, "getUserDetails", {"id": ada["id"]}).json() == {
        "ok": False,
        "error": "user not found",
    }


@pytest.mark.parametrize(
    "action, body, error",
    [
        ("getUserDetails", {"id": "99"}, "user not found"),
        ("updateUser", {"id": "99", "name": "Nobody"}, "user not found"),
        ("deleteUser", {"id": "99"}, "user not found"),
        ("getUserDetails", {}, "id is required"),
        ("createUser", {"email": "grace@example.com"}, "name is required"),
        ("createUser", {"name": "Grace Hopper"}, "email is required"),
        ("createUser", {"email": "grace@example.com", "nmae": "Grace"}, "unknown field: nmae"),
        ("createUser", {"email": 42, "name": "Grace"}, "email must be a string"),
        (
            "createUser",
            {"email": "grace.example.com", "name": "Grace"},
            "email must look like name@example.com",
        ),
        ("createUser", {"email": "grace@example.com", "name": ""}, "name must be 1 to 100 characters"),
    ],
)
def test_a_failed_operation_is_still_200_and_only_the_body_says_so(actions, action, body, error):
    response = call(actions, action, body)
    assert (response.status_code, response.json()) == (200, {"ok": False, "error": error})


def test_a_taken_email_is_200_with_ok_false(actions):
    create_ada(actions)
    response = call(actions, "createUser", {"email": "ada@example.com", "name": "Ada King"})
    assert (response.status_code, response.json()) == (200, {"ok": False, "error": "email is already in use"})


@pytest.mark.parametrize("method", ["GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"])
def test_every_method_but_post_is_405_with_allow_post(actions, method):
    response = requests.request(method, actions.url + "/getUserDetails", timeout=5)
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_a_path_that_names_no_action_is_404(actions):
    response = requests.post(actions.url + "/users/1", json={}, timeout=5)
    assert (response.status_code, response.json()) == (404, {"ok": False, "error": "not found"})


@pytest.mark.parametrize(
    "data, error", [(b"{id: 1}", "body is not valid JSON"), (b'["1"]', "body must be a JSON object")]
)
def test_a_body_that_is_not_a_json_object_is_400(actions, data, error):
    response = requests.post(actions.url + "/getUserDetails", data=data, timeout=5)
    assert (response.status_code, response.json()) == (400, {"ok": False, "error": error})


def test_a_body_over_16384_bytes_is_413_and_the_connection_closes(actions):
    response = requests.post(actions.url + "/createUser", data=b"x" * 16385, timeout=5)
    assert response.status_code == 413
    assert response.headers["Connection"] == "close"
