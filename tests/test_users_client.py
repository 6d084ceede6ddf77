"""workbook.lessons.users_client (the v1 client) and workbook.lessons.client_contract (its contract
tests): they pass on every v1 server, and on each changed server they fail exactly where lesson 07 says."""

import pytest

from workbook import serve
from workbook.lessons.client_contract import TESTS, contract_table, run_contract, verdict
from workbook.lessons.users_client import (
    AmbiguousEmail,
    EmailInUse,
    InvalidUser,
    StrictUsersClient,
    UnexpectedResponse,
    User,
    UserNotFound,
    UsersClient,
)

# The contract tests each change of servers/python/users_evolving.py fails (lessons 07 and 08).
FAILING = {
    "none": set(),
    "add_field": set(),
    "rename_field": set(TESTS),
    "change_type": set(TESTS) - {"bad email"},
    "tighten_validation": set(),
    "require_field": {"rename", "delete"},
    "change_status": {"taken email"},
    "evolved": set(),
    "shared_emails": set(),
}


def failed(results) -> set[str]:
    return {result.test for result in results if not result.passed}


def test_the_contract_passes_on_every_v1_server(users_server):
    assert failed(run_contract(users_server.url)) == set()


def test_the_strict_client_passes_on_v1_too(users_server):
    assert failed(run_contract(users_server.url, StrictUsersClient)) == set()


@pytest.mark.parametrize("change", FAILING)
def test_each_change_fails_exactly_the_expected_tests(change):
    with serve("python", "users_evolving", change) as srv:
        assert failed(run_contract(srv.url)) == FAILING[change]


def test_the_strict_client_breaks_on_an_added_field():
    with serve("python", "users_evolving", "add_field") as srv:
        results = run_contract(srv.url, StrictUsersClient)
    assert failed(results) == set(TESTS) - {"bad email"}
    assert results[0].detail == "UnexpectedResponse: a user has a field v1 does not define: `nickname`"


def test_a_failure_says_why_without_ids_or_emails():
    with serve("python", "users_evolving", "require_field") as srv:
        results = {r.test: r.detail for r in run_contract(srv.url)}
    assert results["rename"] == "UnexpectedResponse: PATCH /users/{id} answered 428: 'If-Match is required'"


def test_the_tolerant_reader_ignores_unknown_fields_and_keeps_the_three_it_knows():
    body = {"id": "1", "email": "ada@example.com", "name": "Ada", "nickname": None, "x": [1]}
    assert UsersClient("http://127.0.0.1:1").user(body) == User("1", "ada@example.com", "Ada")


def test_the_tolerant_reader_still_refuses_a_known_field_of_another_type():
    with pytest.raises(UnexpectedResponse, match="`id` should be a string, got a number"):
        UsersClient("http://127.0.0.1:1").user({"id": 1, "email": "a@example.com", "name": "A"})


def test_errors_map_to_what_they_mean_to_the_client(fresh_users_server):
    client = UsersClient(fresh_users_server.url)
    ada = client.create("ada@example.com", "Ada")
    with pytest.raises(EmailInUse):
        client.create("ada@example.com", "Ada")
    with pytest.raises(InvalidUser, match="email must look like name@example.com"):
        client.create("nope", "Ada")
    client.delete(ada.id)
    with pytest.raises(UserNotFound):
        client.get(ada.id)


def test_pages_follow_the_cursor_to_the_end(fresh_users_server):
    client = UsersClient(fresh_users_server.url)
    made = [client.create(f"u{n}@example.com", f"U {n}") for n in range(5)]
    assert [len(page) for page in client.pages(limit=2)] == [2, 2, 1]
    assert client.all(limit=2) == made


def test_find_by_email_refuses_two_users_with_one_email():
    with serve("python", "users_evolving", "shared_emails") as srv:
        client = UsersClient(srv.url)
        client.create("ada@example.com", "Ada")
        client.call("POST", "/users?shared_email=true", json={"email": "ada@example.com", "name": "Ada 2"})
        with pytest.raises(AmbiguousEmail, match="2 users have this email"):
            client.find_by_email("ada@example.com")


def test_the_table_names_the_failing_tests_and_gives_a_verdict():
    with serve("python", "users_evolving", "change_status") as srv:
        results = run_contract(srv.url)
    table = contract_table({"change status": results})
    assert table.columns == ["change", "tests that fail (of 8)", "breaking?"]
    assert table.rows == [["change status", "taken email", "yes, 1 of 8 fail"]]
    assert verdict(results) == "yes, 1 of 8 fail"
