"""servers/python/users_evolving.py: each CHANGE does what lessons 07 and 08 say it does, and
everything it does not change answers exactly as v1 (servers/python/users.py)."""

import json
import subprocess
import sys

import pytest
import requests

from workbook import serve
from workbook.paths import SERVERS


def post(url: str, body: dict, query: str = "") -> requests.Response:
    return requests.post(f"{url}/users{query}", json=body, timeout=5)


def patch(url: str, user_id: str, body: dict, **headers: str) -> requests.Response:
    return requests.patch(
        f"{url}/users/{user_id}",
        data=json.dumps(body),
        timeout=5,
        headers={"Content-Type": "application/merge-patch+json", **headers},
    )


@pytest.fixture
def evolving(request):
    """A fresh users_evolving server with the change named by the test's `change` mark."""
    with serve("python", "users_evolving", request.param) as srv:
        yield srv


def with_change(change: str):
    return pytest.mark.parametrize("evolving", [change], indirect=True)


# ---- none: v1 itself ----


@with_change("none")
def test_no_change_answers_byte_for_byte_like_v1(evolving):
    with serve("python", "users") as v1:
        for url in (v1.url, evolving.url):
            post(url, {"email": "ada@example.com", "name": "Ada"})
        steps = [
            lambda u: post(u, {"email": "ada@example.com", "name": "Ada"}),
            lambda u: post(u, {"email": "bob@example.com", "name": "x" * 101}),
            lambda u: patch(u, "1", {"name": "Ada King"}, **{"If-Match": '"v1"'}),
            lambda u: requests.get(u + "/users?limit=1", timeout=5),
            lambda u: requests.delete(u + "/users/1", timeout=5),
            lambda u: requests.get(u + "/users/1", timeout=5),
        ]
        for step in steps:
            a, b = step(v1.url), step(evolving.url)
            assert (b.status_code, b.content) == (a.status_code, a.content)
            assert {k: v for k, v in b.headers.items() if k != "Date"} == {
                k: v for k, v in a.headers.items() if k != "Date"
            }


# ---- add_field ----


@with_change("add_field")
def test_add_field_gives_every_user_a_nickname_that_defaults_to_null(evolving):
    created = post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    assert created.content == b'{"id":"1","email":"ada@example.com","name":"Ada","nickname":null}\n'


@with_change("add_field")
def test_add_field_stores_a_nickname_and_a_patch_without_it_keeps_it(evolving):
    post(evolving.url, {"email": "ada@example.com", "name": "Ada", "nickname": "Countess"})
    renamed = patch(evolving.url, "1", {"name": "Ada King"})
    assert renamed.json() == {
        "id": "1",
        "email": "ada@example.com",
        "name": "Ada King",
        "nickname": "Countess",
    }


@with_change("add_field")
def test_add_field_removes_the_nickname_with_a_null_merge_patch(evolving):
    post(evolving.url, {"email": "ada@example.com", "name": "Ada", "nickname": "Countess"})
    assert patch(evolving.url, "1", {"nickname": None}).json()["nickname"] is None


@with_change("add_field")
def test_add_field_refuses_a_nickname_that_is_not_a_short_string(evolving):
    refused = post(evolving.url, {"email": "ada@example.com", "name": "Ada", "nickname": 7})
    assert (refused.status_code, refused.json()) == (
        400,
        {"error": "nickname must be null or 1 to 50 characters"},
    )


# ---- rename_field ----


@with_change("rename_field")
def test_rename_field_refuses_name(evolving):
    refused = post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    assert (refused.status_code, refused.json()) == (400, {"error": "unknown field: name"})


@with_change("rename_field")
def test_rename_field_takes_and_gives_full_name(evolving):
    created = post(evolving.url, {"email": "ada@example.com", "full_name": "Ada"})
    assert (created.status_code, created.json()) == (
        201,
        {"id": "1", "email": "ada@example.com", "full_name": "Ada"},
    )
    assert requests.get(evolving.url + "/users/1", timeout=5).json()["full_name"] == "Ada"


@with_change("rename_field")
def test_rename_field_names_full_name_in_its_errors(evolving):
    refused = post(evolving.url, {"email": "ada@example.com"})
    assert refused.json() == {"error": "full_name is required"}


# ---- change_type ----


@with_change("change_type")
def test_change_type_sends_ids_and_cursors_as_numbers(evolving):
    for email in ("ada@example.com", "bob@example.com"):
        post(evolving.url, {"email": email, "name": "Ada"})
    assert post(evolving.url, {"email": "cy@example.com", "name": "Cy"}).json()["id"] == 3
    page = requests.get(evolving.url + "/users?limit=1", timeout=5)
    assert page.content == b'{"users":[{"id":1,"email":"ada@example.com","name":"Ada"}],"next_cursor":1}\n'
    assert page.headers["Link"] == '</users?limit=1&cursor=1>; rel="next"'


# ---- tighten_validation ----


@with_change("tighten_validation")
def test_tighten_validation_refuses_names_over_50_characters(evolving):
    refused = post(evolving.url, {"email": "ada@example.com", "name": "x" * 51})
    assert (refused.status_code, refused.json()) == (400, {"error": "name must be 1 to 50 characters"})
    assert post(evolving.url, {"email": "ada@example.com", "name": "x" * 50}).status_code == 201


@with_change("tighten_validation")
def test_tighten_validation_applies_to_patch_too(evolving):
    post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    assert patch(evolving.url, "1", {"name": "x" * 51}).status_code == 400


# ---- require_field ----


@with_change("require_field")
def test_require_field_answers_428_without_if_match(evolving):
    post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    for response in (
        patch(evolving.url, "1", {"name": "Ada King"}),
        requests.delete(evolving.url + "/users/1", timeout=5),
    ):
        assert (response.status_code, response.json()) == (428, {"error": "If-Match is required"})


@with_change("require_field")
def test_require_field_serves_requests_with_if_match(evolving):
    post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    assert patch(evolving.url, "1", {"name": "Ada King"}, **{"If-Match": '"v1"'}).status_code == 200
    deleted = requests.delete(evolving.url + "/users/1", headers={"If-Match": '"v2"'}, timeout=5)
    assert deleted.status_code == 204


# ---- change_status ----


@with_change("change_status")
def test_change_status_answers_422_for_a_taken_email(evolving):
    post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    taken = post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    assert (taken.status_code, taken.json()) == (422, {"error": "email is already in use"})


# ---- evolved (lesson 08) ----


@with_change("evolved")
def test_evolved_keeps_name_and_adds_full_name_and_nickname(evolving):
    created = post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    assert created.content == (
        b'{"id":"1","email":"ada@example.com","name":"Ada","full_name":"Ada","nickname":null}\n'
    )


@with_change("evolved")
def test_evolved_accepts_full_name_instead_of_name(evolving):
    created = post(evolving.url, {"email": "ada@example.com", "full_name": "Ada", "nickname": "A"})
    assert created.json() == {
        "id": "1",
        "email": "ada@example.com",
        "name": "Ada",
        "full_name": "Ada",
        "nickname": "A",
    }
    assert patch(evolving.url, "1", {"full_name": "Ada King"}).json()["name"] == "Ada King"


@with_change("evolved")
def test_evolved_refuses_two_different_names(evolving):
    refused = post(evolving.url, {"email": "ada@example.com", "name": "Ada", "full_name": "Bob"})
    assert refused.json() == {"error": "name and full_name must be the same"}


@with_change("evolved")
def test_evolved_announces_the_deprecation_and_the_sunset(evolving):
    created = post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    assert created.headers["Deprecation"] == "@1767225600"
    assert created.headers["Sunset"] == "Wed, 30 Jun 2027 23:59:59 GMT"
    assert (
        created.headers["Link"]
        == '<https://example.com/docs/users-api/deprecations>; rel="deprecation"; type="text/html"'
    )


@with_change("evolved")
def test_evolved_keeps_the_next_link_beside_the_deprecation_link(evolving):
    for email in ("ada@example.com", "bob@example.com"):
        post(evolving.url, {"email": email, "name": "Ada"})
    page = requests.get(evolving.url + "/users?limit=1", timeout=5)
    assert page.headers["Link"].startswith('</users?limit=1&cursor=1>; rel="next", <https://')


@with_change("evolved")
def test_evolved_sends_no_deprecation_with_an_error(evolving):
    missing = requests.get(evolving.url + "/users/9", timeout=5)
    assert missing.status_code == 404 and "Deprecation" not in missing.headers


# ---- shared_emails (lesson 08) ----


@with_change("shared_emails")
def test_shared_emails_still_refuses_a_taken_email_by_default(evolving):
    post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    assert post(evolving.url, {"email": "ada@example.com", "name": "Ada 2"}).status_code == 409


@with_change("shared_emails")
def test_shared_emails_lets_a_client_that_asks_reuse_an_email(evolving):
    post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    shared = post(evolving.url, {"email": "ada@example.com", "name": "Ada 2"}, "?shared_email=true")
    assert (shared.status_code, shared.json()["id"]) == (201, "2")
    emails = [user["email"] for user in requests.get(evolving.url + "/users", timeout=5).json()["users"]]
    assert emails == ["ada@example.com", "ada@example.com"]


@with_change("shared_emails")
def test_shared_emails_keeps_the_email_taken_while_one_holder_is_left(evolving):
    post(evolving.url, {"email": "ada@example.com", "name": "Ada"})
    post(evolving.url, {"email": "ada@example.com", "name": "Ada 2"}, "?shared_email=true")
    requests.delete(evolving.url + "/users/1", timeout=5)
    assert post(evolving.url, {"email": "ada@example.com", "name": "Ada 3"}).status_code == 409


# ---- start-up ----


def test_an_unknown_change_stops_with_the_list_of_changes():
    done = subprocess.run(
        [sys.executable, str(SERVERS / "python" / "users_evolving.py"), "0", "nope"],
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert done.returncode == 1
    assert "unknown change 'nope'; choose one of: none, add_field," in done.stderr


def test_the_change_can_come_from_the_environment():
    with serve("python", "users_evolving", env={"CHANGE": "change_type"}) as srv:
        assert post(srv.url, {"email": "ada@example.com", "name": "Ada"}).json()["id"] == 1


def test_it_exits_0_on_sigterm():
    assert serve("python", "users_evolving", "evolved").stop() == 0
