"""What lessons 05 and 06 show, checked here too, so a stored notebook output is never the only proof."""

import pytest
import requests

from workbook import LANGUAGES, serve
from workbook.lessons.crosscheck import CREATE_REQUESTS, crosscheck
from workbook.lessons.intermediary import cache_may_store, client_retries, knowledge, read_or_write
from workbook.lessons.method_matrix import actions_api, status_matrix, users_api

# Lesson 05's matrix, row by row: the four action paths, then the two users paths.
MATRIX = {
    "GET": [405, 405, 405, 405, 200, 200],
    "HEAD": [405, 405, 405, 405, 200, 200],
    "POST": [200, 200, 200, 200, 201, 405],
    "PUT": [405, 405, 405, 405, 405, 405],
    "PATCH": [405, 405, 405, 405, 405, 200],
    "DELETE": [405, 405, 405, 405, 405, 204],
    "OPTIONS": [405, 405, 405, 405, 405, 405],
}

# Lesson 06's table: what every users server answers to each request, in this order.
CREATE_ANSWERS = [
    "201 Location: /users/1",
    "400 email is required",
    "400 name is required",
    "400 unknown field: nmae",
    "400 id is assigned by the server",
    "400 email must be a string",
    "400 email must look like name@example.com",
    "400 name must be 1 to 100 characters",
    "400 body is not valid JSON",
    "400 body must be a JSON object",
    "400 body must be nested at most 20 levels deep",
    "415 Content-Type must be application/json",
    "409 email is already in use",
    "404 user not found",
]


# ---- Lesson 05


def by_method(matrix) -> dict[str, list[int]]:
    """The matrix read column by column: each method, and its status on each path in order."""
    return {method: [int(row[i]) for row in matrix.rows] for i, method in enumerate(matrix.columns) if i}


def test_the_matrix_of_actions_and_users_has_one_post_column_against_a_full_grid():
    with serve("python", "actions") as actions, serve("python", "users") as users:
        matrix = status_matrix([actions_api(actions.url), users_api(users.url)])
    assert [row[0] for row in matrix.rows] == [
        "/createUser",
        "/getUserDetails",
        "/updateUser",
        "/deleteUser",
        "/users",
        "/users/{id}",
    ]
    assert matrix.columns == ["path", *MATRIX]
    assert by_method(matrix) == MATRIX


def test_the_users_matrix_is_the_same_in_every_language(language):
    with serve(language, "users") as users:
        matrix = status_matrix([users_api(users.url)])
    assert by_method(matrix) == {method: statuses[4:] for method, statuses in MATRIX.items()}


@pytest.mark.parametrize(
    "method, status, cache_control, stored, retried, kind",
    [
        ("GET", 200, "", True, True, "read"),
        ("GET", 200, "no-cache", True, True, "read"),
        ("GET", 404, "", True, True, "read"),
        ("GET", 404, "no-store", False, True, "read"),
        ("GET", 200, "private, max-age=60", False, True, "read"),
        ("POST", 200, "", False, False, "write"),
        ("POST", 201, "no-store", False, False, "write"),
        ("PATCH", 200, "no-store", False, False, "write"),
        ("DELETE", 204, "no-store", False, True, "write"),
    ],
)
def test_what_a_cache_a_retrying_client_and_a_proxy_conclude(
    method, status, cache_control, stored, retried, kind
):
    assert (
        cache_may_store(method, status, cache_control),
        client_retries(method),
        read_or_write(method),
    ) == (
        stored,
        retried,
        kind,
    )


def test_the_knowledge_table_reads_the_request_line_the_status_and_cache_control_never_the_body():
    with serve("python", "actions") as actions, serve("python", "users") as users:
        answers = [
            requests.post(actions.url + "/getUserDetails", json={"id": "1"}, timeout=5),
            requests.get(users.url + "/users/1", timeout=5),
        ]
    assert knowledge(answers, user_id="1").rows == [
        ["POST /getUserDetails", "200", "no", "no", "write", "no"],
        ["GET /users/1", "404", "no", "yes", "read", "yes"],  # the 404 says no-store
    ]


# ---- Lesson 06


def test_the_three_users_servers_answer_every_create_request_alike():
    servers = {language: serve(language, "users") for language in LANGUAGES}
    try:
        result = crosscheck({language: srv.url for language, srv in servers.items()}, CREATE_REQUESTS)
    finally:
        for srv in servers.values():
            srv.stop()
    assert [row[1:] for row in result.rows[:-1]] == [[answer] * 3 for answer in CREATE_ANSWERS]
    assert result.rows[-1] == ["same as python"] + [f"{len(CREATE_ANSWERS)} of {len(CREATE_ANSWERS)}"] * 3
