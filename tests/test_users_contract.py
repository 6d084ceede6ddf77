"""The `users` contract (servers/README.md, servers/users.openapi.yaml), route by route, outcome by
outcome, for each of the three servers: the status, the headers that matter and the exact body."""

import http.client
import json
import re

import pytest
import requests
import yaml
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from workbook import raw_request, serve
from workbook.paths import ROOT
from workbook.unique import unique_email

OPENAPI = ROOT / "servers" / "users.openapi.yaml"
# What servers/README.md says an email may not hold, as the OpenAPI document spells it (ECMA-262).
NOT_IN_EMAIL = (
    r"@\x00-\x20\x7f-\xa0\xad\u0600-\u0605\u061c\u06dd\u070f\u08e2\u1680\u180e"
    r"\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\ufff9-\ufffb"
)


# ---- helpers ----


def wire(body) -> bytes:
    """The exact bytes every server sends for a JSON body: compact, UTF-8, unescaped, newline."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def assert_json(response: requests.Response, status: int, body) -> None:
    """Status, Content-Type, a Content-Length that matches, and the body to the byte."""
    assert (response.status_code, response.content) == (status, wire(body))
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Content-Length"] == str(len(response.content))


def assert_error(response: requests.Response, status: int, message: str) -> None:
    assert_json(response, status, {"error": message})


def assert_no_body(response: requests.Response, status: int) -> None:
    """204 and 304: no body and no Content-Length."""
    assert response.status_code == status
    assert response.content == b""
    assert "Content-Length" not in response.headers


def post(srv, body, content_type: str = "application/json", **kwargs) -> requests.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(
        srv.url + "/users", data=data, headers={"Content-Type": content_type}, timeout=5, **kwargs
    )


def patch(
    srv, user_id: str, body, content_type: str = "application/merge-patch+json", headers: dict | None = None
) -> requests.Response:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.patch(
        f"{srv.url}/users/{user_id}",
        data=data,
        headers={"Content-Type": content_type, **(headers or {})},
        timeout=5,
    )


def get(srv, path: str, **kwargs) -> requests.Response:
    return requests.get(srv.url + path, timeout=5, **kwargs)


def create(srv, name: str = "Ada Lovelace", email: str | None = None) -> dict:
    """A new user, as the server answered it."""
    response = post(srv, {"email": email or unique_email(), "name": name})
    assert response.status_code == 201, response.text
    return response.json()


def raw(srv, data: bytes):
    """Exact bytes in, exact bytes out (workbook.raw_request), for what `requests` cannot send."""
    return raw_request(srv.url, data)


def raw_json(exchange) -> tuple[int | None, dict, bytes]:
    """The status, headers (lower-case names) and body of a raw response."""
    return exchange.status, exchange.headers, exchange.body


def assert_raw_error(exchange, status: int, message: str) -> None:
    got_status, headers, body = raw_json(exchange)
    assert (got_status, body) == (status, wire({"error": message})), str(exchange)
    assert headers.get("content-type") == "application/json"
    assert headers.get("content-length") == str(len(body))


@pytest.fixture
def srv(users_server):
    """The module's server of this language (see users_server in conftest.py)."""
    return users_server


# ---- the OpenAPI document ----


def test_the_openapi_document_is_valid_openapi_3_1():
    document = yaml.safe_load(OPENAPI.read_text())
    assert document["openapi"].startswith("3.1.")
    validate(document, cls=OpenAPIV31SpecValidator)  # raises, naming the first problem


def test_the_openapi_document_describes_email_with_pattern_and_max_length_not_format():
    email = yaml.safe_load(OPENAPI.read_text())["components"]["schemas"]["Email"]
    assert email == {
        **email,
        "type": "string",
        "maxLength": 254,
        "pattern": f"^[^{NOT_IN_EMAIL}]+@[^{NOT_IN_EMAIL}]+$",
    }
    assert "format" not in email


def test_the_openapi_email_pattern_is_the_pattern_of_the_servers():
    """The same characters refused on either side of the @, spelled in each language's regex."""
    sources = {
        "python/users.py": r'NOT_IN_EMAIL = \(r"(.*?)"\s+r"(.*?)"\)',
        "node/users.js": r'NOT_IN_EMAIL =\s+"(.*?)" \+\s+"(.*?)";',
        "go/users/main.go": r"NOT_IN_EMAIL = `(.*?)` \+\s+`(.*?)`",
    }
    for path, spelled in sources.items():
        found = re.search(spelled, (ROOT / "servers" / path).read_text())
        chars = "".join(found.groups()).replace("\\\\", "\\")
        if path.endswith(".go"):  # RE2 spells \u2000 as \x{2000}
            chars = re.sub(r"\\x\{([0-9a-f]+)\}", lambda m: f"\\u{int(m[1], 16):04x}", chars)
            chars = chars.replace("\\u00a0", "\\xa0").replace("\\u00ad", "\\xad")
        assert chars == NOT_IN_EMAIL, path


def test_the_openapi_request_bodies_forbid_additional_properties():
    schemas = yaml.safe_load(OPENAPI.read_text())["components"]["schemas"]
    assert schemas["NewUser"]["additionalProperties"] is False
    assert schemas["UserPatch"]["additionalProperties"] is False
    assert schemas["Name"] == {**schemas["Name"], "minLength": 1, "maxLength": 100}


# ---- POST /users ----


def test_post_answers_201_with_the_user(srv):
    email = unique_email()
    response = post(srv, {"email": email, "name": "Ada Lovelace"})
    user = response.json()
    assert_json(response, 201, {"id": user["id"], "email": email, "name": "Ada Lovelace"})
    assert isinstance(user["id"], str) and user["id"]


def test_post_sets_location_to_the_path_of_the_new_user(srv):
    response = post(srv, {"email": unique_email(), "name": "Ada"})
    assert response.headers["Location"] == f"/users/{response.json()['id']}"


def test_post_sets_etag_v1(srv):
    response = post(srv, {"email": unique_email(), "name": "Ada"})
    assert response.headers["ETag"] == '"v1"'


def test_ids_are_1_2_3_in_order_of_creation_on_a_fresh_server(fresh_users_server):
    ids = [create(fresh_users_server)["id"] for _ in range(3)]
    assert ids == ["1", "2", "3"]


def test_an_id_is_never_reused_after_a_delete(fresh_users_server):
    srv = fresh_users_server
    create(srv), create(srv)
    assert requests.delete(srv.url + "/users/2", timeout=5).status_code == 204
    assert create(srv)["id"] == "3"


def test_a_post_refused_for_a_duplicate_email_still_uses_up_an_id(fresh_users_server):
    srv = fresh_users_server
    first = create(srv)
    assert post(srv, {"email": first["email"], "name": "Twin"}).status_code == 409
    assert create(srv)["id"] == "3"  # README, shared store: "the id stays used"; memory does the same


def test_post_sends_non_ascii_as_utf8_unescaped(srv):
    email = unique_email("zoë")
    response = post(srv, {"email": email, "name": "Zoë 李 😀"})
    assert_json(response, 201, {"id": response.json()["id"], "email": email, "name": "Zoë 李 😀"})
    assert "Zoë 李 😀".encode() in response.content


def test_post_accepts_the_media_type_in_any_case_with_a_charset(srv):
    response = post(srv, {"email": unique_email(), "name": "Ada"}, "Application/JSON; charset=utf-8")
    assert response.status_code == 201


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/merge-patch+json", "application/jsonx", "application/x-www-form-urlencoded"],
)
def test_post_with_another_content_type_is_415(srv, content_type):
    response = post(srv, {"email": unique_email(), "name": "Ada"}, content_type)
    assert_error(response, 415, "Content-Type must be application/json")


def test_post_without_content_type_is_415(srv):
    response = requests.post(srv.url + "/users", data=b'{"email":"a@b","name":"n"}', timeout=5)
    assert_error(response, 415, "Content-Type must be application/json")


def test_post_without_content_length_is_411(srv):
    exchange = raw(srv, b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\r\n")
    assert_raw_error(exchange, 411, "Content-Length is required")


def test_post_with_a_chunked_body_is_411(srv):
    body = b'{"email":"chunked@example.com","name":"n"}'
    exchange = raw(
        srv,
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n",
    )
    assert_raw_error(exchange, 411, "Content-Length is required")


def assert_content_length_refused(exchange) -> None:
    """400 "Content-Length is not valid" in JSON, then a close; from Go too, whose framing check
    (servers/go/users/framing.go) refuses the length before net/http reads it."""
    assert_raw_error(exchange, 400, "Content-Length is not valid")
    assert exchange.closed, str(exchange)


def test_post_with_two_content_lengths_is_400(srv):
    exchange = raw(
        srv,
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    )
    assert_content_length_refused(exchange)


def test_post_with_a_content_length_that_is_not_digits_is_400(srv):
    exchange = raw(
        srv,
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2x\r\n\r\n{}",
    )
    assert_content_length_refused(exchange)


@pytest.mark.parametrize(
    "body",
    [b"2\r\n{}\r\n0\r\n\r\n", b'{"email":"a@example.com","name":"A"}'],
    ids=["chunk-framed", "not-chunk-framed"],
)
def test_post_with_content_length_and_transfer_encoding_is_411_and_closes(srv, body):
    """RFC 9112 6.1 and 6.3: Transfer-Encoding overrides Content-Length, and the server MUST close
    the connection after answering. All three then see a chunked body, which the contract refuses
    (411), and close at once, never reading what follows (Go's net/http drops the Content-Length
    itself, so this is the one answer all three can give)."""
    exchange = raw(
        srv,
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\n".encode()
        + b"Transfer-Encoding: chunked\r\n\r\n"
        + body,
    )
    assert_raw_error(exchange, 411, "Content-Length is required")
    assert exchange.closed, str(exchange)


def test_post_with_a_body_over_16384_bytes_is_413(srv):
    body = json.dumps({"email": unique_email(), "name": "Ada"}).encode()
    response = post(srv, body + b" " * (16385 - len(body)))
    assert_error(response, 413, "body must be at most 16384 bytes")


def test_post_with_a_body_of_exactly_16384_bytes_is_accepted(srv):
    body = json.dumps({"email": unique_email(), "name": "Ada"}).encode()
    response = post(srv, body + b" " * (16384 - len(body)))
    assert response.status_code == 201


def test_post_checks_the_size_before_the_content_type(srv):
    assert_error(post(srv, b"x" * 16385, "text/plain"), 413, "body must be at most 16384 bytes")


def test_post_checks_the_content_type_before_the_body(srv):
    assert_error(post(srv, b"not json", "text/plain"), 415, "Content-Type must be application/json")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"not json",
        b'{"email": "a@b", "name": "n",}',
        b"{'a': 1}",
        b'{"email":"a@b","name":"n"} {}',
    ],
)
def test_post_with_a_body_that_is_not_json_is_400(srv, body):
    assert_error(post(srv, body), 400, "body is not valid JSON")


@pytest.mark.parametrize(
    "escaped",
    [b"\\ud800", b"\\udc00", b"x\\udbffx", b"\\ude00\\ud83d", b"\\ud800\\u0041", b"\\ud800\\ud800"],
    ids=["high", "low", "high-alone", "reversed", "high-then-a", "high-twice"],
)
def test_post_with_a_lone_surrogate_escape_is_400(srv, escaped):
    """\\ud800 is half of a UTF-16 pair, no character: it has no UTF-8 form to store or send back.
    Go's encoding/json would silently put U+FFFD in its place; the server must refuse it first."""
    body = b'{"email": "' + unique_email("lone").encode() + b'", "name": "' + escaped + b'"}'
    assert_error(post(srv, body), 400, "body is not valid JSON")


def test_post_with_a_lone_surrogate_escape_in_a_field_name_is_400(srv):
    body = b'{"email": "' + unique_email("lone").encode() + b'", "name": "n", "\\udfff": 1}'
    assert_error(post(srv, body), 400, "body is not valid JSON")


@pytest.mark.parametrize(
    "escaped, name",
    [
        (b"\\ud83d\\ude00", "😀"),
        (b"\\uD83D\\uDE00", "😀"),
        (b"\\\\ud800", "\\ud800"),
        (b"\\u00e9\\\\\\ud83d\\ude00", "é\\😀"),
    ],
    ids=["pair", "pair-upper-case", "escaped-backslash", "mixed"],
)
def test_post_with_surrogate_pairs_or_an_escaped_backslash_is_201(srv, escaped, name):
    body = b'{"email": "' + unique_email("pair").encode() + b'", "name": "' + escaped + b'"}'
    response = post(srv, body)
    assert response.status_code == 201, response.text
    assert response.json()["name"] == name


def test_post_with_a_body_that_is_not_utf8_is_400(srv):
    body = b'{"email": "\xff\xfe@example.com", "name": "n"}'
    assert_error(post(srv, body), 400, "body is not valid JSON")


@pytest.mark.parametrize("body", [b"[]", b'"text"', b"42", b"null", b"true", b'[{"email":"a@b"}]'])
def test_post_with_json_that_is_not_an_object_is_400(srv, body):
    assert_error(post(srv, body), 400, "body must be a JSON object")


def test_post_with_an_id_is_400(srv):
    response = post(srv, {"id": "7", "email": unique_email(), "name": "Ada"})
    assert_error(response, 400, "id is assigned by the server")


def test_post_reports_id_before_an_unknown_field(srv):
    response = post(srv, {"zzz": 1, "id": "7", "email": unique_email(), "name": "Ada"})
    assert_error(response, 400, "id is assigned by the server")


def test_post_with_an_unknown_field_names_the_first_in_sorted_order(srv):
    response = post(srv, {"zeta": 1, "email": unique_email(), "alpha": 2, "name": "Ada"})
    assert_error(response, 400, "unknown field: alpha")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"email": "ada@example.com", "nmae": "Ada", "name": ""}, "unknown field: nmae"),
        ({"email": 42}, "email must be a string"),  # email entirely, before name is missed
        ({"name": 5}, "email is required"),
        ({"email": "a" * 300, "name": ""}, "email must be at most 254 characters"),  # length first
        ({"email": " " * 300, "name": "Ada"}, "email must be at most 254 characters"),
        ({"email": "x", "name": 3}, "email must look like name@example.com"),
    ],
)
def test_post_with_several_problems_gets_the_first_in_the_documented_order(srv, body, message):
    """servers/README.md, "Order of checks": id, unknown fields, then email entirely (present, a
    string, its length, its pattern), then name."""
    assert_error(post(srv, body), 400, message)


def test_post_field_names_are_case_sensitive(srv):
    response = post(srv, {"EMAIL": unique_email(), "name": "Ada"})
    assert_error(response, 400, "unknown field: EMAIL")


def test_post_without_email_is_400(srv):
    assert_error(post(srv, {"name": "Ada"}), 400, "email is required")


def test_post_without_name_is_400(srv):
    assert_error(post(srv, {"email": unique_email()}), 400, "name is required")


def test_post_with_an_empty_object_reports_email_first(srv):
    assert_error(post(srv, {}), 400, "email is required")


@pytest.mark.parametrize("email", [42, ["a@b"], {"a": "b"}, True])
def test_post_with_an_email_that_is_not_a_string_is_400(srv, email):
    assert_error(post(srv, {"email": email, "name": "Ada"}), 400, "email must be a string")


@pytest.mark.parametrize("name", [42, ["Ada"], False])
def test_post_with_a_name_that_is_not_a_string_is_400(srv, name):
    assert_error(post(srv, {"email": unique_email(), "name": name}), 400, "name must be a string")


def test_post_checks_email_before_name(srv):
    assert_error(post(srv, {"email": 1, "name": 2}), 400, "email must be a string")


def test_post_with_an_email_of_255_characters_is_400(srv):
    email = "a" * 243 + "@example.com"
    assert len(email) == 255
    assert_error(post(srv, {"email": email, "name": "Ada"}), 400, "email must be at most 254 characters")


def test_post_counts_email_length_in_code_points(srv):
    email = unique_email("😀" * 200)  # 4 bytes and 2 UTF-16 units each
    assert len(email) <= 254
    assert post(srv, {"email": email, "name": "Ada"}).status_code == 201


@pytest.mark.parametrize(
    "email",
    [
        "no-at-sign.example.com",
        "two@at@example.com",
        "a b@example.com",
        "@example.com",
        "ada@",
        "ada@exa\tmple.com",
        "ada@example.com\n",
        "\nada@example.com",
        "",
    ],
)
def test_post_with_an_email_that_does_not_match_the_pattern_is_400(srv, email):
    assert_error(post(srv, {"email": email, "name": "Ada"}), 400, "email must look like name@example.com")


def test_post_with_an_empty_name_is_400(srv):
    assert_error(post(srv, {"email": unique_email(), "name": ""}), 400, "name must be 1 to 100 characters")


def test_post_with_a_name_of_101_characters_is_400(srv):
    response = post(srv, {"email": unique_email(), "name": "a" * 101})
    assert_error(response, 400, "name must be 1 to 100 characters")


def test_post_counts_name_length_in_code_points_not_bytes_or_utf16_units(srv):
    assert post(srv, {"email": unique_email(), "name": "😀" * 100}).status_code == 201
    response = post(srv, {"email": unique_email(), "name": "😀" * 101})
    assert_error(response, 400, "name must be 1 to 100 characters")


def test_post_with_an_email_already_in_use_is_409(srv):
    user = create(srv)
    response = post(srv, {"email": user["email"], "name": "Someone Else"})
    assert_error(response, 409, "email is already in use")


def test_an_email_that_differs_only_in_ascii_case_is_already_in_use(srv):
    """servers/README.md: two emails are the same once ASCII A-Z are lower-cased."""
    user = create(srv, email=unique_email("ada"))
    response = post(srv, {"email": user["email"].upper(), "name": "Shouting Ada"})
    assert_error(response, 409, "email is already in use")


def test_a_user_may_change_the_case_of_their_own_email(srv):
    user = create(srv, email=unique_email("grace"))
    response = patch(srv, user["id"], {"email": user["email"].capitalize()})
    assert_json(response, 200, {**user, "email": user["email"].capitalize()})
    assert post(srv, {"email": user["email"], "name": "Other"}).status_code == 409


def test_emails_that_differ_in_non_ascii_case_are_different_emails(srv):
    """Unicode case folding is not part of the rule (servers/README.md says why)."""
    tag = unique_email("e").split("@")[0]
    assert post(srv, {"email": f"{tag}é@example.com", "name": "Lower"}).status_code == 201
    assert post(srv, {"email": f"{tag}É@example.com", "name": "Upper"}).status_code == 201


@pytest.mark.parametrize(
    "character",
    ["\x00", "\x1b", "\x85", "\u00a0", "\u200b", "\u2028", "\u2029", "\ufeff", "\u3000"],
    ids=[
        "nul",
        "escape",
        "next-line",
        "no-break-space",
        "zero-width-space",
        "line-separator",
        "paragraph-separator",
        "byte-order-mark",
        "ideographic-space",
    ],
)
def test_an_email_with_a_control_or_invisible_character_is_400(srv, character):
    response = post(srv, {"email": f"ada{character}lovelace@example.com", "name": "Ada"})
    assert_error(response, 400, "email must look like name@example.com")


def test_brackets_inside_strings_do_not_count_as_nesting(srv):
    response = post(srv, {"email": unique_email(), "name": "[" * 30 + "{" * 30})
    assert response.status_code == 201


def test_post_validates_the_body_before_checking_uniqueness(srv):
    user = create(srv)
    response = post(srv, {"email": user["email"], "name": ""})
    assert_error(response, 400, "name must be 1 to 100 characters")


# ---- GET /users ----


def test_list_on_a_fresh_server_is_empty_with_no_next_cursor(fresh_users_server):
    response = get(fresh_users_server, "/users")
    assert_json(response, 200, {"users": [], "next_cursor": None})
    assert "Link" not in response.headers


def test_list_gives_users_oldest_first(fresh_users_server):
    users = [create(fresh_users_server, name=f"User {i}") for i in range(3)]
    assert_json(get(fresh_users_server, "/users"), 200, {"users": users, "next_cursor": None})


def test_list_gives_20_users_by_default_and_links_the_next_page(fresh_users_server):
    users = [create(fresh_users_server) for _ in range(21)]
    response = get(fresh_users_server, "/users")
    assert_json(response, 200, {"users": users[:20], "next_cursor": "20"})
    assert response.headers["Link"] == '</users?limit=20&cursor=20>; rel="next"'


def test_list_follows_limit_and_cursor_to_the_last_page(fresh_users_server):
    users = [create(fresh_users_server) for _ in range(5)]
    first = get(fresh_users_server, "/users?limit=2")
    assert_json(first, 200, {"users": users[:2], "next_cursor": "2"})
    assert first.headers["Link"] == '</users?limit=2&cursor=2>; rel="next"'
    second = get(fresh_users_server, "/users?limit=2&cursor=2")
    assert_json(second, 200, {"users": users[2:4], "next_cursor": "4"})
    last = get(fresh_users_server, "/users?limit=2&cursor=4")
    assert_json(last, 200, {"users": users[4:], "next_cursor": None})
    assert "Link" not in last.headers


def test_a_full_last_page_has_no_next_cursor(fresh_users_server):
    users = [create(fresh_users_server) for _ in range(4)]
    response = get(fresh_users_server, "/users?limit=2&cursor=2")
    assert_json(response, 200, {"users": users[2:], "next_cursor": None})
    assert "Link" not in response.headers


def test_a_delete_between_two_pages_skips_and_repeats_no_user(fresh_users_server):
    srv = fresh_users_server
    users = [create(srv) for _ in range(6)]
    first = get(srv, "/users?limit=3").json()
    assert requests.delete(srv.url + "/users/3", timeout=5).status_code == 204  # the cursor itself
    second = get(srv, f"/users?limit=3&cursor={first['next_cursor']}").json()
    assert first["users"] + second["users"] == users
    assert second["next_cursor"] is None


def test_list_accepts_limit_1_and_100(srv):
    assert len(get(srv, "/users?limit=1").json()["users"]) == 1
    assert get(srv, "/users?limit=100").status_code == 200


@pytest.mark.parametrize("limit", ["0", "101", "-1", "abc", "1.5", "+5", "1e2", "%205", "5%20", "0x10", ""])
def test_list_with_a_bad_limit_is_400(srv, limit):
    assert_error(get(srv, f"/users?limit={limit}"), 400, "limit must be an integer from 1 to 100")


@pytest.mark.parametrize("cursor", ["abc", "-1", "1a", "%201", "1.0", ""])
def test_list_with_a_bad_cursor_is_400(srv, cursor):
    assert_error(get(srv, f"/users?cursor={cursor}"), 400, "cursor is not valid")


@pytest.mark.parametrize("cursor", ["99999999999999999999", "9" * 5000], ids=["20-digits", "5000-digits"])
def test_a_cursor_past_every_id_gives_an_empty_last_page(srv, cursor):
    """A cursor is any string of ASCII digits, however long (Python's int() refuses over 4300)."""
    response = get(srv, f"/users?cursor={cursor}")
    assert_json(response, 200, {"users": [], "next_cursor": None})


def test_a_cursor_with_leading_zeros_names_the_same_id(fresh_users_server):
    users = [create(fresh_users_server) for _ in range(3)]
    response = get(fresh_users_server, "/users?cursor=" + "0" * 30 + "2")
    assert_json(response, 200, {"users": users[2:], "next_cursor": None})


@pytest.mark.parametrize("query", ["limit=5;x=1", "limit=%zz", "cursor=1;x=1", "limit"])
def test_list_refuses_a_parameter_that_a_strict_query_parser_would_drop(srv, query):
    """Go's url.ParseQuery drops a pair with a ";" or a bad %-escape: it must not pass for absent."""
    exchange = raw(srv, f"GET /users?{query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    message = (
        "cursor is not valid" if query.startswith("cursor") else "limit must be an integer from 1 to 100"
    )
    assert_raw_error(exchange, 400, message)


def test_list_ignores_other_query_parameters(srv):
    assert get(srv, "/users?limit=1&sort=name&x=y").json() == get(srv, "/users?limit=1").json()


def test_head_of_the_list_has_the_headers_of_get_and_no_body(srv):
    got = get(srv, "/users?limit=2")
    head = requests.head(srv.url + "/users?limit=2", timeout=5)
    assert head.status_code == 200 and head.content == b""
    for name in ("Content-Type", "Content-Length", "Link"):
        assert head.headers.get(name) == got.headers.get(name)


# ---- GET /users/{id} ----


def test_get_answers_200_with_the_user_and_its_etag(srv):
    user = create(srv)
    response = get(srv, f"/users/{user['id']}")
    assert_json(response, 200, user)
    assert response.headers["ETag"] == '"v1"'


def test_get_of_an_unknown_id_is_404(srv):
    assert_error(get(srv, "/users/999999"), 404, "user not found")


def test_get_of_an_id_that_is_not_a_number_is_404(srv):
    assert_error(get(srv, "/users/abc"), 404, "user not found")


def test_get_ignores_the_query_string(srv):
    user = create(srv)
    assert_json(get(srv, f"/users/{user['id']}?x=1"), 200, user)


@pytest.mark.parametrize("if_none_match", ['"v1"', 'W/"v1"', '"v7", "v1"', '"v7","v1"', "*"])
def test_get_with_a_matching_if_none_match_is_304_with_the_etag_and_no_body(srv, if_none_match):
    user = create(srv)
    response = get(srv, f"/users/{user['id']}", headers={"If-None-Match": if_none_match})
    assert_no_body(response, 304)
    assert response.headers["ETag"] == '"v1"'


@pytest.mark.parametrize("if_none_match", ['"v2"', "v1", '"V1"', '"v1'])
def test_get_with_an_if_none_match_that_does_not_match_is_200(srv, if_none_match):
    user = create(srv)
    response = get(srv, f"/users/{user['id']}", headers={"If-None-Match": if_none_match})
    assert_json(response, 200, user)


def test_get_with_an_empty_if_none_match_is_200(srv):
    user = create(srv)
    response = get(srv, f"/users/{user['id']}", headers={"If-None-Match": ""})
    assert_json(response, 200, user)


def test_get_of_an_unknown_id_with_if_none_match_star_is_404(srv):
    response = get(srv, "/users/999999", headers={"If-None-Match": "*"})
    assert_error(response, 404, "user not found")


def test_head_of_a_user_has_the_headers_of_get_and_no_body(srv):
    user = create(srv, name="Zoë")
    got = get(srv, f"/users/{user['id']}")
    head = requests.head(f"{srv.url}/users/{user['id']}", timeout=5)
    assert head.status_code == 200 and head.content == b""
    for name in ("Content-Type", "Content-Length", "ETag"):
        assert head.headers[name] == got.headers[name]


def test_head_of_an_unknown_id_is_404_with_the_length_of_the_error_body(srv):
    head = requests.head(srv.url + "/users/999999", timeout=5)
    assert head.status_code == 404 and head.content == b""
    assert head.headers["Content-Type"] == "application/json"
    assert head.headers["Content-Length"] == str(len(wire({"error": "user not found"})))


def test_head_with_a_matching_if_none_match_is_304(srv):
    user = create(srv)
    head = requests.head(f"{srv.url}/users/{user['id']}", headers={"If-None-Match": '"v1"'}, timeout=5)
    assert_no_body(head, 304)
    assert head.headers["ETag"] == '"v1"'


# ---- PATCH /users/{id} ----


def test_patch_with_merge_patch_changes_the_name_and_keeps_the_email(srv):
    user = create(srv)
    response = patch(srv, user["id"], {"name": "Ada King"})
    assert_json(response, 200, {**user, "name": "Ada King"})
    assert response.headers["ETag"] == '"v2"'
    assert_json(get(srv, f"/users/{user['id']}"), 200, {**user, "name": "Ada King"})


def test_patch_accepts_application_json(srv):
    user = create(srv)
    email = unique_email()
    response = patch(srv, user["id"], {"email": email}, "application/json")
    assert_json(response, 200, {**user, "email": email})


def test_patch_accepts_the_media_type_in_any_case_with_a_charset(srv):
    user = create(srv)
    response = patch(srv, user["id"], {"name": "B"}, "Application/Merge-Patch+JSON; charset=UTF-8")
    assert_json(response, 200, {**user, "name": "B"})


def test_patch_with_an_empty_object_changes_nothing_but_makes_a_new_version(srv):
    user = create(srv)
    response = patch(srv, user["id"], {})
    assert_json(response, 200, user)
    assert response.headers["ETag"] == '"v2"'


def test_every_patch_makes_the_next_version(srv):
    user = create(srv)
    patch(srv, user["id"], {"name": "B"}), patch(srv, user["id"], {"name": "C"})
    assert get(srv, f"/users/{user['id']}").headers["ETag"] == '"v3"'


@pytest.mark.parametrize("if_match", ['"v1"', "*", '"v9", "v1"'])
def test_patch_with_a_matching_if_match_is_200(srv, if_match):
    user = create(srv)
    response = patch(srv, user["id"], {"name": "B"}, headers={"If-Match": if_match})
    assert_json(response, 200, {**user, "name": "B"})


@pytest.mark.parametrize("if_match", ['"v2"', 'W/"v1"', "v1"])
def test_patch_with_an_if_match_that_does_not_match_is_412_and_changes_nothing(srv, if_match):
    user = create(srv)
    response = patch(srv, user["id"], {"name": "B"}, headers={"If-Match": if_match})
    assert_error(response, 412, "If-Match does not match the current ETag")
    after = get(srv, f"/users/{user['id']}")
    assert_json(after, 200, user)
    assert after.headers["ETag"] == '"v1"'


def test_patch_with_an_empty_if_match_is_unconditional(srv):
    """README: an empty If-Match is the same as none."""
    user = create(srv)
    patch(srv, user["id"], {"name": "B"})
    response = patch(srv, user["id"], {"name": "C"}, headers={"If-Match": ""})
    assert_json(response, 200, {**user, "name": "C"})
    assert response.headers["ETag"] == '"v3"'


def test_patch_with_a_stale_if_match_is_412(srv):
    user = create(srv)
    patch(srv, user["id"], {"name": "B"})
    response = patch(srv, user["id"], {"name": "C"}, headers={"If-Match": '"v1"'})
    assert_error(response, 412, "If-Match does not match the current ETag")


def test_patch_of_an_unknown_id_is_404(srv):
    assert_error(patch(srv, "999999", {"name": "B"}), 404, "user not found")


def test_patch_checks_the_user_exists_before_if_match(srv):
    response = patch(srv, "999999", {"name": "B"}, headers={"If-Match": '"v1"'})
    assert_error(response, 404, "user not found")


def test_patch_checks_the_user_exists_before_the_body(srv):
    assert_error(patch(srv, "999999", b"not json"), 404, "user not found")


def test_patch_checks_if_match_before_the_body(srv):
    user = create(srv)
    response = patch(srv, user["id"], b"not json", headers={"If-Match": '"v9"'})
    assert_error(response, 412, "If-Match does not match the current ETag")


def test_patch_checks_the_content_type_before_the_user_exists(srv):
    response = patch(srv, "999999", {"name": "B"}, "text/plain")
    assert_error(response, 415, "Content-Type must be application/json or application/merge-patch+json")


def test_patch_with_another_content_type_is_415(srv):
    user = create(srv)
    response = patch(srv, user["id"], {"name": "B"}, "application/json-patch+json")
    assert_error(response, 415, "Content-Type must be application/json or application/merge-patch+json")


def test_patch_without_content_length_is_411(srv):
    user = create(srv)
    exchange = raw(
        srv,
        f"PATCH /users/{user['id']} HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/merge-patch+json\r\n\r\n".encode(),
    )
    assert_raw_error(exchange, 411, "Content-Length is required")


def test_patch_with_a_body_over_16384_bytes_is_413(srv):
    user = create(srv)
    response = patch(srv, user["id"], b"{" + b" " * 16383 + b"}")
    assert_error(response, 413, "body must be at most 16384 bytes")


def test_patch_with_a_body_that_is_not_json_is_400(srv):
    user = create(srv)
    assert_error(patch(srv, user["id"], b"{"), 400, "body is not valid JSON")


def test_patch_with_json_that_is_not_an_object_is_400(srv):
    user = create(srv)
    assert_error(patch(srv, user["id"], b"[]"), 400, "body must be a JSON object")


def test_patch_with_an_id_is_400(srv):
    user = create(srv)
    assert_error(patch(srv, user["id"], {"id": "9"}), 400, "id is assigned by the server")


def test_patch_with_an_unknown_field_is_400(srv):
    user = create(srv)
    assert_error(patch(srv, user["id"], {"nick": "x", "age": 3}), 400, "unknown field: age")


def test_patch_with_email_null_is_400(srv):
    user = create(srv)
    assert_error(patch(srv, user["id"], {"email": None}), 400, "email is required")


def test_patch_with_name_null_is_400(srv):
    user = create(srv)
    assert_error(patch(srv, user["id"], {"name": None}), 400, "name is required")


def test_patch_validates_a_field_like_post(srv):
    user = create(srv)
    assert_error(patch(srv, user["id"], {"email": "nope"}), 400, "email must look like name@example.com")
    assert_error(patch(srv, user["id"], {"name": "x" * 101}), 400, "name must be 1 to 100 characters")
    assert_error(patch(srv, user["id"], {"name": 5}), 400, "name must be a string")


def test_a_rejected_patch_does_not_make_a_new_version(srv):
    user = create(srv)
    patch(srv, user["id"], {"name": ""})
    assert get(srv, f"/users/{user['id']}").headers["ETag"] == '"v1"'


def test_patch_to_the_email_of_another_user_is_409(srv):
    first, second = create(srv), create(srv)
    response = patch(srv, second["id"], {"email": first["email"]})
    assert_error(response, 409, "email is already in use")
    assert_json(get(srv, f"/users/{second['id']}"), 200, second)


def test_patch_to_the_users_own_email_is_200(srv):
    user = create(srv)
    assert_json(patch(srv, user["id"], {"email": user["email"]}), 200, user)


def test_patch_frees_the_old_email_for_another_user(srv):
    user = create(srv)
    patch(srv, user["id"], {"email": unique_email()})
    assert post(srv, {"email": user["email"], "name": "New Owner"}).status_code == 201


# ---- DELETE /users/{id} ----


def test_delete_answers_204_with_no_body(srv):
    user = create(srv)
    assert_no_body(requests.delete(f"{srv.url}/users/{user['id']}", timeout=5), 204)


def test_a_deleted_user_is_404(srv):
    user = create(srv)
    requests.delete(f"{srv.url}/users/{user['id']}", timeout=5)
    assert_error(get(srv, f"/users/{user['id']}"), 404, "user not found")


def test_delete_again_is_404(srv):
    user = create(srv)
    requests.delete(f"{srv.url}/users/{user['id']}", timeout=5)
    response = requests.delete(f"{srv.url}/users/{user['id']}", timeout=5)
    assert_error(response, 404, "user not found")


def test_patch_of_a_deleted_user_is_404(srv):
    user = create(srv)
    requests.delete(f"{srv.url}/users/{user['id']}", timeout=5)
    assert_error(patch(srv, user["id"], {"name": "B"}), 404, "user not found")


def test_delete_with_a_matching_if_match_is_204(srv):
    user = create(srv)
    response = requests.delete(f"{srv.url}/users/{user['id']}", headers={"If-Match": '"v1"'}, timeout=5)
    assert_no_body(response, 204)


def test_delete_with_an_if_match_that_does_not_match_is_412_and_keeps_the_user(srv):
    user = create(srv)
    response = requests.delete(f"{srv.url}/users/{user['id']}", headers={"If-Match": '"v2"'}, timeout=5)
    assert_error(response, 412, "If-Match does not match the current ETag")
    assert_json(get(srv, f"/users/{user['id']}"), 200, user)


def test_delete_with_an_empty_if_match_is_unconditional(srv):
    user = create(srv)
    patch(srv, user["id"], {"name": "B"})
    response = requests.delete(f"{srv.url}/users/{user['id']}", headers={"If-Match": ""}, timeout=5)
    assert_no_body(response, 204)


def test_delete_of_an_unknown_id_with_if_match_is_404(srv):
    response = requests.delete(srv.url + "/users/999999", headers={"If-Match": '"v1"'}, timeout=5)
    assert_error(response, 404, "user not found")


def test_delete_frees_the_email(srv):
    user = create(srv)
    requests.delete(f"{srv.url}/users/{user['id']}", timeout=5)
    response = post(srv, {"email": user["email"], "name": "Again"})
    assert response.status_code == 201
    assert response.json()["id"] != user["id"]


def test_a_deleted_user_is_not_listed(fresh_users_server):
    srv = fresh_users_server
    first, second = create(srv), create(srv)
    requests.delete(f"{srv.url}/users/{first['id']}", timeout=5)
    assert_json(get(srv, "/users"), 200, {"users": [second], "next_cursor": None})


# ---- caching (RFC 9111) ----


def test_a_user_may_be_stored_and_reused_only_after_revalidation(srv):
    user = create(srv)
    response = get(srv, f"/users/{user['id']}")
    assert (response.headers["Cache-Control"], response.headers["ETag"]) == ("no-cache", '"v1"')
    head = requests.head(f"{srv.url}/users/{user['id']}", timeout=5)
    assert head.headers["Cache-Control"] == "no-cache"


def test_a_304_carries_the_cache_control_and_etag_of_its_200(srv):
    """RFC 9110 §15.4.5: what a cache needs to update the stored response."""
    user = create(srv)
    response = get(srv, f"/users/{user['id']}", headers={"If-None-Match": '"v1"'})
    assert_no_body(response, 304)
    assert (response.headers["Cache-Control"], response.headers["ETag"]) == ("no-cache", '"v1"')


def test_a_list_page_may_not_be_stored(srv):
    """It has no validator to revalidate with, and any write can change it."""
    create(srv)
    assert get(srv, "/users?limit=1").headers["Cache-Control"] == "no-store"
    assert requests.head(srv.url + "/users", timeout=5).headers["Cache-Control"] == "no-store"


def test_the_answers_to_writes_may_not_be_stored(srv):
    user = create(srv)
    created = post(srv, {"email": unique_email(), "name": "Grace Hopper"})
    changed = patch(srv, user["id"], {"name": "Ada King"})
    deleted = requests.delete(f"{srv.url}/users/{user['id']}", timeout=5)
    assert [r.status_code for r in (created, changed, deleted)] == [201, 200, 204]
    assert [r.headers["Cache-Control"] for r in (created, changed, deleted)] == ["no-store"] * 3


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/users/999999", 404),
        ("GET", "/nothing", 404),
        ("PUT", "/users", 405),
        ("GET", "/users?limit=0", 400),
        ("HEAD", "/users/999999", 404),
    ],
)
def test_errors_may_not_be_stored(srv, method, path, status):
    """404 and 405 are cacheable by default (RFC 9110 §15.1): a cache could keep answering 404
    after the user is created."""
    response = requests.request(method, srv.url + path, timeout=5)
    assert (response.status_code, response.headers["Cache-Control"]) == (status, "no-store")


def test_a_refusal_of_the_framing_may_not_be_stored_either(srv):
    """In all three, Go included: framing.go answers it before net/http would, in plain text."""
    exchange = raw(srv, b"GET /users HTTP/1.1\r\nHost: x\r\nExpect: something\r\n\r\n")
    assert_raw_error(exchange, 417, "Expect must be 100-continue")
    assert exchange.headers["cache-control"] == "no-store"


def test_no_answer_varies_on_a_request_header_and_none_carries_keep_alive(srv):
    """The answers depend on the method, the target and conditional headers only: no Vary. And no
    Keep-Alive, a header of RFC 2068 that HTTP/1.1 no longer defines (Node adds it unless asked not to)."""
    user = create(srv)
    for response in (get(srv, f"/users/{user['id']}"), get(srv, "/users"), get(srv, "/users/999999")):
        assert "Vary" not in response.headers
        assert "Keep-Alive" not in response.headers


# ---- routing ----


@pytest.mark.parametrize("path", ["/", "/user", "/users/", "/users/1/x", "/userss", "/USERS"])
def test_any_other_path_is_404_not_found(srv, path):
    assert_error(get(srv, path), 404, "not found")


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "PATCH", "DELETE", "TRACE"])
def test_an_unsupported_method_on_the_collection_is_405_with_allow(srv, method):
    response = requests.request(method, srv.url + "/users", timeout=5)
    assert_error(response, 405, "method not allowed")
    assert response.headers["Allow"] == "GET, HEAD, POST"


@pytest.mark.parametrize("method", ["OPTIONS", "PUT", "POST", "TRACE"])
def test_an_unsupported_method_on_a_user_is_405_with_allow(srv, method):
    user = create(srv)
    response = requests.request(method, f"{srv.url}/users/{user['id']}", timeout=5)
    assert_error(response, 405, "method not allowed")
    assert response.headers["Allow"] == "GET, HEAD, PATCH, DELETE"


def test_the_method_is_checked_before_the_user_exists(srv):
    response = requests.put(srv.url + "/users/999999", timeout=5)
    assert_error(response, 405, "method not allowed")
    assert response.headers["Allow"] == "GET, HEAD, PATCH, DELETE"


def test_the_path_is_checked_before_the_method(srv):
    assert_error(requests.put(srv.url + "/nothing", timeout=5), 404, "not found")


def test_the_method_is_checked_before_the_body(srv):
    response = requests.put(
        srv.url + "/users", data=b"not json", headers={"Content-Type": "text/plain"}, timeout=5
    )
    assert_error(response, 405, "method not allowed")


# ---- the connection ----


@pytest.mark.parametrize("line", [b"No colon in this line", b": no name"], ids=["no-colon", "no-name"])
def test_a_header_line_without_a_colon_or_a_name_is_400(srv, line):
    """Python's http.server would skip such a line (and every line after it) and serve the request;
    the server refuses it as Node's parser does, and so does Go's framing check, before net/http."""
    exchange = raw(srv, b"GET /users HTTP/1.1\r\nHost: x\r\n" + line + b"\r\n\r\n")
    assert_raw_error(exchange, 400, "request is not valid HTTP")
    assert exchange.closed, str(exchange)


def test_the_server_speaks_http_1_1_and_keeps_the_connection_open(srv):
    connection = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    try:
        for _ in range(3):
            connection.request("GET", "/users?limit=1")
            response = connection.getresponse()
            response.read()
            assert (response.status, response.version) == (200, 11)
            assert response.getheader("Transfer-Encoding") is None
        assert connection.sock is not None  # still the same, open socket
    finally:
        connection.close()


# ---- start-up ----


def test_the_server_exits_0_when_stopped_right_after_its_readiness_line(language):
    """The launch contract: exit status 0 on SIGTERM, even the instant after the readiness line
    (a server must install its signal handler before it prints that line)."""
    statuses = [serve(language, "users").stop() for _ in range(30)]
    assert statuses == [0] * 30
