"""Checks of exercise 06: POST /users with explicit outputs, 201 or one error per reason."""

import json

from workbook.grading import Context, check_that, expect, expect_error, json_body
from workbook.wire import Exchange

JSON = {"Content-Type": "application/json"}

def post(ctx: Context, body: object, headers: dict = JSON) -> Exchange:
    data = body if isinstance(body, (str, bytes)) else json.dumps(body, ensure_ascii=False).encode()
    return ctx.request("POST", "/users", data=data, headers=headers)


def expect_refused(ctx: Context, cases: list[tuple[object, str]], status: int = 400) -> None:
    for body, message in cases:
        expect_error(post(ctx, body), status, message)


def mixed_case(email: str) -> str:
    """The email with some ASCII letters upper-cased (Ada7.123@Example.COM): still unique in the run."""
    local, _, domain = email.partition("@")
    return f"{local.capitalize()}@{domain.capitalize().replace('.com', '.COM')}"


@check_that("a valid POST /users answers 201 Created", hint=1)
def created(ctx: Context) -> None:
    ex = post(ctx, {"email": ctx.email(), "name": ctx.name()})
    expect(ex.response.status_code == 201, "status 201 Created: a new resource exists", ex)


@check_that("201 carries Location: /users/{id}, and GET there answers the new user", hint=1)
def location(ctx: Context) -> None:
    email = ctx.email()
    ex = post(ctx, {"email": email, "name": ctx.name()})
    location = ex.response.headers.get("Location", "")
    expect(location.startswith("/users/") and len(location) > len("/users/"),
           "a header Location: /users/{id}, where the new user now lives: the path, as the contract "
           "writes it, not an absolute URL", ex)
    get = ctx.request("GET", location)
    body = json_body(get, f"GET {location} answers the user as JSON")
    expect(get.response.status_code == 200 and isinstance(body, dict) and body.get("email") == email,
           f"GET {location} answers 200 and the user just created", ex, get)


@check_that("the body of the 201 is the created user: its id, email and name", hint=2)
def body_is_user(ctx: Context) -> None:
    email, name = mixed_case(ctx.email()), ctx.name()  # stored and answered as it was sent
    ex = post(ctx, {"email": email, "name": name})
    body = json_body(ex, "the created user as JSON")
    wanted = f'{{"id": "<its id>", "email": "{email}", "name": "{name}"}}'
    expect(isinstance(body, dict) and set(body) == {"id", "email", "name"}, f"the body {wanted}", ex)
    expect(isinstance(body["id"], str) and body["id"] != "", "the id as a non-empty string", ex)
    expect((body["email"], body["name"]) == (email, name), f"the body {wanted}", ex)
    location = ex.response.headers.get("Location")
    if location is not None:  # a missing Location is the location check's business, not this one's
        expect(location == f"/users/{body['id']}", f"Location: /users/{body['id']}, the id in the body", ex)


@check_that("a body that is not application/json answers 415", hint=3)
def content_type(ctx: Context) -> None:
    body = json.dumps({"email": ctx.email(), "name": ctx.name()})
    wrong = ({"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"}, {})
    for headers in wrong:
        ex = post(ctx, body, headers)
        expect_error(ex, 415, "Content-Type must be application/json")
    # The media type is checked before the body is read as JSON: a form is not "invalid JSON",
    # it is not JSON at all.
    ex = post(ctx, "email=ada%40example.com&name=Ada", {"Content-Type": "application/x-www-form-urlencoded"})
    expect(ex.response.status_code == 415, "a form post: status 415, the Content-Type is checked before "
           "the body is parsed (a form is not invalid JSON, it is another format)", ex)
    expect_error(ex, 415, "Content-Type must be application/json")
    # Another media type that merely starts like application/json (JSON Patch, RFC 6902).
    ex = post(ctx, body, {"Content-Type": "application/json-patch+json"})
    expect(ex.response.status_code == 415, "Content-Type: application/json-patch+json -> status 415: "
           "the media type (before any ;) is compared whole, not by its first letters", ex)
    # RFC 9110 §8.3.1: spaces may stand around the `;` before a parameter.
    for value in ("application/json; charset=utf-8", "Application/JSON", "application/json ; charset=utf-8"):
        ex = post(ctx, {"email": ctx.email(), "name": ctx.name()}, {"Content-Type": value})
        expect(ex.response.status_code == 201,
               f"Content-Type: {value} -> status 201: parameters (and spaces around their ;) and case "
               "do not change the media type", ex)


@check_that("a body that is not a JSON object answers 400, saying which", hint=4)
def not_an_object(ctx: Context) -> None:
    expect_refused(ctx, [("{not json", "body is not valid JSON"),
                         (b"", "body is not valid JSON"),
                         ('["ada@example.com", "Ada"]', "body must be a JSON object"),
                         ("null", "body must be a JSON object")])
    # JSON is UTF-8 text (RFC 8259 §8.1): a byte that is no UTF-8 is no JSON, and nor is a \ud800
    # escape with no other half: neither is a character, so neither can be stored or sent back.
    local, _, domain = ctx.email().partition("@")
    for data, what in ((f'{{"email": "{local}\xff@{domain}", "name": "Ada"}}'.encode("latin-1"),
                        "the byte 0xFF, which is not UTF-8"),
                       (f'{{"email": "{local}@{domain}", "name": "Ada \\ud800"}}'.encode(),
                        "\\ud800, half of a UTF-16 pair without its other half")):
        ex = post(ctx, data)
        expect(ex.response.status_code == 400, f"a body with {what}: status 400 body is not valid JSON "
               "(decode strictly: a replacement character would store what the client never sent)", ex)
        expect_error(ex, 400, "body is not valid JSON")


@check_that("a missing field, or one that is not a string, answers 400 with its own message", hint=5)
def missing_or_mistyped(ctx: Context) -> None:
    expect_refused(ctx, [({}, "email is required"),
                         ({"name": "Ada Lovelace"}, "email is required"),
                         ({"email": ctx.email()}, "name is required"),
                         ({"email": None, "name": "Ada"}, "email is required"),
                         ({"email": 42, "name": "Ada"}, "email must be a string"),
                         ({"email": ctx.email(), "name": ["Ada"]}, "name must be a string")])


@check_that("an email or a name out of bounds answers 400 with its own message", hint=6)
def out_of_bounds(ctx: Context) -> None:
    shape, email_length, name_length = (
        "email must look like name@example.com",
        "email must be at most 254 characters",
        "name must be 1 to 100 characters",
    )
    expect_refused(ctx, [({"email": "ada.example.com", "name": "Ada"}, shape),
                         ({"email": "ada@exa mple.com", "name": "Ada"}, shape),
                         ({"email": "ada@example.com\n", "name": "Ada"}, shape),
                         # A zero-width and a no-break space, escaped so that the report shows
                         # them: invisible, they would make two emails that look the same.
                         ('{"email": "ada\\u200b@example.com", "name": "Ada"}', shape),
                         ('{"email": "ada\\u00a0@example.com", "name": "Ada"}', shape),
                         ({"email": "a" * 243 + "@example.com", "name": "Ada"}, email_length),
                         ({"email": ctx.email(), "name": ""}, name_length),
                         ({"email": ctx.email(), "name": "A" * 101}, name_length)])
    local, _, domain = ctx.email().partition("@")
    email = local.ljust(254 - len(domain) - 1, "🙂") + "@" + domain  # 🙂: 4 bytes, 2 UTF-16 units
    ex = post(ctx, {"email": email, "name": ctx.name()})
    expect(ex.response.status_code == 201, "an email of 254 characters (🙂 is one) -> status 201: at most "
           "254 characters are allowed, not bytes nor UTF-16 units", ex)
    name = "é" * 100  # 100 characters, 200 bytes in UTF-8: the limit counts characters
    ex = post(ctx, {"email": ctx.email(), "name": name})
    wanted = "a name of 100 characters (é, 2 bytes each) -> status 201: lengths count characters, not bytes"
    expect(ex.response.status_code == 201, wanted, ex)
    name = "🙂" * 100  # 100 characters, 200 UTF-16 units: JavaScript's .length counts the units
    ex = post(ctx, {"email": ctx.email(), "name": name})
    wanted = "a name of 100 characters (🙂, 2 UTF-16 units each) -> status 201: lengths count characters"
    expect(ex.response.status_code == 201, wanted, ex)


@check_that("a field the API does not define answers 400: id, or an unknown one", hint=7)
def unknown_fields(ctx: Context) -> None:
    expect_refused(ctx, [({"id": "7", "email": ctx.email(), "name": "Ada"}, "id is assigned by the server"),
                         ({"id": None, "email": ctx.email(), "name": "Ada"}, "id is assigned by the server"),
                         ({"email": ctx.email(), "nmae": "Ada"}, "unknown field: nmae"),
                         ({"email": ctx.email(), "name": "Ada", "role": "admin", "age": 36},
                          "unknown field: age")])
    # Four unknown fields, the first in sorted order neither first nor last as sent, eight times:
    # the first one a Go map happens to give (its order changes from run to run) is not enough.
    body = {"email": ctx.email(), "name": "Ada", "role": "admin", "age": 36, "zone": "eu", "team": "x"}
    wanted = {"error": "unknown field: age"}
    for _ in range(8):
        ex = post(ctx, body)
        body_seen = json_body(ex, f"the JSON body {json.dumps(wanted)}")
        expect(ex.response.status_code == 400 and body_seen == wanted,
               f"status 400 and {json.dumps(wanted)}, every time: age is the first of role, age, zone, team "
               "in sorted order (a Go map's order changes from one loop to the next: sort the keys)", ex)


@check_that("a second user with the same email answers 409, and the first is unchanged", hint=8)
def duplicate_email(ctx: Context) -> None:
    email, name = ctx.email(), ctx.name()
    first = post(ctx, {"email": email, "name": name})
    expect(first.response.status_code == 201, "the first POST: status 201", first)
    second = post(ctx, {"email": email, "name": "Another Ada"})
    expect_error(second, 409, "email is already in use", first)
    user = json_body(first, "the first POST answers the user as JSON")
    path = f"/users/{user.get('id') if isinstance(user, dict) else ''}"  # Location has a check of its own
    get = ctx.request("GET", path)
    body = json_body(get, f"GET {path} answers the first user")
    expect(isinstance(body, dict) and body.get("name") == name,
           "the first user keeps its name: a refused POST changes nothing", first, second, get)


@check_that("emails that differ only in the case of A-Z are one email (409); other letters are not",
            hint=8)
def same_email(ctx: Context) -> None:
    email = ctx.email()
    first = post(ctx, {"email": email, "name": ctx.name()})
    expect(first.response.status_code == 201, "the first POST: status 201", first)
    second = post(ctx, {"email": email.upper(), "name": ctx.name()})
    expect(second.response.status_code == 409, f"status 409: {email.upper()} is {email} (servers/README.md: "
           "two emails are the same once ASCII A-Z are lower-cased)", first, second)
    # Only A-Z: lower() / toLowerCase() would also take É for é, which the contract keeps apart.
    local = email.partition("@")[0]
    accented = post(ctx, {"email": f"É{local}@example.com", "name": ctx.name()})
    expect(accented.response.status_code == 201, f"POST É{local}@example.com: status 201", accented)
    other = post(ctx, {"email": f"é{local}@example.com", "name": ctx.name()})
    expect(other.response.status_code == 201, f"é{local}@example.com after É{local}@example.com: status 201, "
           "another email (only ASCII A-Z are compared without case: É is not é)", accented, other)


@check_that("uniqueness is checked last: a body with a bad field is 400 even if its email is taken, "
            "and takes no email", hint=8)
def conflict_last(ctx: Context) -> None:
    email = ctx.email()
    first = post(ctx, {"email": email, "name": ctx.name()})
    expect(first.response.status_code == 201, "the first POST: status 201", first)
    ex = post(ctx, {"email": email, "name": ""})
    expect(ex.response.status_code == 400, "status 400 name must be 1 to 100 characters: the body is "
           "checked before the other users (409), the order of servers/README.md", first, ex)
    fresh = ctx.email()
    refused = post(ctx, {"email": fresh, "name": ""})
    expect_error(refused, 400, "name must be 1 to 100 characters")
    ex = post(ctx, {"email": fresh, "name": ctx.name()})
    expect(ex.response.status_code == 201, f"status 201: the refused POST before created no user, so "
           f"{fresh} is still free", refused, ex)

