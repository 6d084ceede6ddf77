"""Lesson 06's pair of servers: hidden_behaviour.py does three things its documentation never says,
explicit_behaviour.py is the same API with each of them written into its contract."""

import pytest
import requests

from workbook import serve

MOBILE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0) Mobile/15E148"}


@pytest.fixture
def hidden():
    with serve("python", "hidden_behaviour") as srv:
        yield srv


@pytest.fixture
def explicit():
    with serve("python", "explicit_behaviour") as srv:
        yield srv


def post(srv, body) -> requests.Response:
    return requests.post(srv.url + "/users", json=body, timeout=5)


def create_users(srv, count: int) -> None:
    for number in range(1, count + 1):
        assert post(srv, {"email": f"user{number}@example.com", "name": f"User {number}"}).status_code == 201


# ---- what both do, as documented


@pytest.mark.parametrize("server", ["hidden_behaviour", "explicit_behaviour"])
def test_create_answers_201_with_a_location_that_serves_the_user(server):
    with serve("python", server) as srv:
        created = post(srv, {"email": "ada@example.com", "name": "Ada Lovelace"})
        fetched = requests.get(srv.url + created.headers["Location"], timeout=5)
    assert created.status_code == 201
    assert created.headers["Location"] == "/users/1"
    assert created.json() == fetched.json() == {"id": "1", "email": "ada@example.com", "name": "Ada Lovelace"}


@pytest.mark.parametrize("server", ["hidden_behaviour", "explicit_behaviour"])
def test_unknown_paths_are_404_and_other_methods_405_with_allow(server):
    with serve("python", server) as srv:
        assert requests.get(srv.url + "/nothing", timeout=5).status_code == 404
        assert requests.get(srv.url + "/users/7", timeout=5).json() == {"error": "user not found"}
        response = requests.delete(srv.url + "/users", timeout=5)
    assert (response.status_code, response.headers["Allow"]) == (405, "GET, POST")


# ---- hidden_behaviour: the three undocumented behaviours


def test_hidden_fills_in_a_missing_name_from_the_email(hidden):
    response = post(hidden, {"email": "grace@example.com"})
    assert (response.status_code, response.json()["name"]) == (201, "grace")


def test_hidden_drops_an_unknown_field_so_a_typo_becomes_a_guessed_name(hidden):
    response = post(hidden, {"email": "grace@example.com", "nmae": "Grace Hopper"})
    assert (response.status_code, response.json()) == (
        201,
        {"id": "1", "email": "grace@example.com", "name": "grace"},
    )


def test_hidden_lists_only_the_first_ten_users_and_says_nothing_of_the_rest(hidden):
    create_users(hidden, 12)
    response = requests.get(hidden.url + "/users", timeout=5)
    assert [user["id"] for user in response.json()["users"]] == [str(n) for n in range(1, 11)]
    assert list(response.json()) == ["users"]
    assert "Link" not in response.headers


def test_hidden_leaves_out_emails_for_a_mobile_user_agent_and_sends_no_vary(hidden):
    create_users(hidden, 1)
    desktop = requests.get(hidden.url + "/users", timeout=5)
    mobile = requests.get(hidden.url + "/users", headers=MOBILE, timeout=5)
    assert desktop.json() == {"users": [{"id": "1", "email": "user1@example.com", "name": "User 1"}]}
    assert mobile.json() == {"users": [{"id": "1", "name": "User 1"}]}
    assert "Vary" not in mobile.headers and "Vary" not in desktop.headers


# ---- explicit_behaviour: the same three, made explicit


@pytest.mark.parametrize(
    "body, error",
    [
        ({"email": "grace@example.com"}, "name is required"),
        ({"email": "grace@example.com", "nmae": "Grace Hopper"}, "unknown field: nmae"),
        ({"name": "Grace Hopper"}, "email is required"),
        ({"email": "grace.example.com", "name": "Grace Hopper"}, "email must look like name@example.com"),
    ],
)
def test_explicit_answers_400_with_what_to_fix_instead_of_guessing(explicit, body, error):
    response = post(explicit, body)
    assert (response.status_code, response.json()) == (400, {"error": error})


def test_explicit_refuses_a_body_that_is_not_json(explicit):
    response = requests.post(explicit.url + "/users", data={"email": "a@example.com"}, timeout=5)
    assert (response.status_code, response.json()) == (
        415,
        {"error": "Content-Type must be application/json"},
    )


def test_explicit_says_when_a_page_is_not_the_last_and_where_the_next_starts(explicit):
    create_users(explicit, 12)
    first = requests.get(explicit.url + "/users", timeout=5)
    assert len(first.json()["users"]) == 10
    assert first.json()["next_cursor"] == "10"
    assert first.headers["Link"] == '</users?limit=10&cursor=10>; rel="next"'
    rest = requests.get(explicit.url + "/users?limit=10&cursor=10", timeout=5).json()
    assert ([user["id"] for user in rest["users"]], rest["next_cursor"]) == (["11", "12"], None)


@pytest.mark.parametrize(
    "query, error",
    [
        ("limit=0", "limit must be an integer from 1 to 100"),
        ("limit=ten", "limit must be an integer from 1 to 100"),
        ("cursor=x", "cursor is not valid"),
        ("fields=nmae", "fields must be a comma-separated list of id, email, name"),
    ],
)
def test_explicit_refuses_parameters_it_cannot_honour(explicit, query, error):
    response = requests.get(explicit.url + "/users?" + query, timeout=5)
    assert (response.status_code, response.json()) == (400, {"error": error})


def test_explicit_gives_the_short_form_for_a_fields_parameter_and_ignores_user_agent(explicit):
    create_users(explicit, 1)
    short = requests.get(explicit.url + "/users?fields=id,name", timeout=5).json()
    mobile = requests.get(explicit.url + "/users", headers=MOBILE, timeout=5).json()
    assert short == {"users": [{"id": "1", "name": "User 1"}], "next_cursor": None}
    assert mobile == {
        "users": [{"id": "1", "email": "user1@example.com", "name": "User 1"}],
        "next_cursor": None,
    }
