"""Checks of exercise 05: /users/{id} read (GET), updated (PATCH, JSON Merge Patch) and deleted."""

import json

from workbook.grading import Context, check_that, expect, expect_error, json_body
from workbook.wire import Exchange

JSON = {"Content-Type": "application/json"}
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}
ALLOW = ("GET", "HEAD", "PATCH", "DELETE")


def create(ctx: Context) -> tuple[dict, Exchange]:
    """A new user made with POST /users (which the starter already answers)."""
    body = {"email": ctx.email(), "name": ctx.name()}
    ex = ctx.request("POST", "/users", data=json.dumps(body), headers=JSON)
    expect(ex.response.status_code == 201, "POST /users answers 201, as in the starter", ex)
    return json_body(ex, "POST /users answers the user, as in the starter"), ex


def patch(ctx: Context, user_id: str, body: object, headers: dict = MERGE_PATCH) -> Exchange:
    data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    return ctx.request("PATCH", f"/users/{user_id}", data=data.encode(), headers=headers)


def another_name(ctx: Context, user: dict) -> str:
    """A name the user does not have yet."""
    while (name := ctx.name()) == user["name"]:
        pass
    return name


def expect_user(ex: Exchange, user: dict, why: str, *shown: Exchange) -> None:
    """Status 200 and exactly this user as the body."""
    wanted = json.dumps(user, ensure_ascii=False)
    expect(ex.response.status_code == 200, f"status 200 and the user {wanted}{why}", *shown, ex)
    expect(json_body(ex, f"the user as JSON: {wanted}") == user, f"the body {wanted}{why}", *shown, ex)


@check_that("GET /users/{id} answers 200 and the user that POST created", hint=1)
def get_user(ctx: Context) -> None:
    user, post = create(ctx)
    ex = ctx.request("GET", f"/users/{user['id']}")
    expect_user(ex, user, "", post)
    expect(ex.response.headers.get("Content-Type", "").startswith("application/json"),
           "Content-Type: application/json", ex)
    # HEAD is GET without the body: the same status and headers, Content-Length included.
    head = ctx.raw(f"HEAD /users/{user['id']} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Connection: close\r\n\r\n".encode())
    expect(head.status == 200, "HEAD /users/{id}: status 200, as for GET", head)
    length = ex.response.headers.get("Content-Length")
    expect(head.headers.get("content-length") == length, f"HEAD: Content-Length: {length}, as for GET",
           ex, head)
    expect(head.body == b"", "HEAD: nothing after the headers", head, got=f"{len(head.body)} bytes of body")


@check_that('GET /users/{id} of no user answers 404 {"error": "user not found"}', hint=2)
def get_missing(ctx: Context) -> None:
    for path in ("/users/999999", "/users/nobody"):
        expect_error(ctx.request("GET", path), 404, "user not found")
    user, _ = create(ctx)
    # The id is opaque, a string: 0{id} names no user, even where it reads as the same number.
    path = f"/users/0{user['id']}"
    ex = ctx.request("GET", path)
    expect(ex.response.status_code == 404, f"GET {path}: 404, no user has the id 0{user['id']} (ids are "
           f"opaque strings: 0{user['id']} is not {user['id']}, pass the id to the store as it is)", ex)
    expect_error(ex, 404, "user not found")
    for path in (f"/users/{user['id']}/x", f"/users/{user['id']}/"):
        ex = ctx.request("GET", path)
        expect(ex.response.status_code == 404,
               f"GET {path}: 404, the path of no resource (only /users/{{id}} is)", ex)


@check_that("PUT and POST /users/{id} answer 405 with Allow: GET, HEAD, PATCH, DELETE", hint=1)
def other_methods(ctx: Context) -> None:
    user, _ = create(ctx)
    body = json.dumps({"email": ctx.email(), "name": ctx.name()})
    for method in ("PUT", "POST"):
        ex = ctx.request(method, f"/users/{user['id']}", data=body, headers=JSON)
        expect(ex.response.status_code == 405, f"{method} /users/{{id}}: status 405 Method Not Allowed: "
               "the user exists, but this API does not take that method on it", ex)
        allow = [m.strip() for m in ex.response.headers.get("Allow", "").split(",") if m.strip()]
        expect(sorted(allow) == sorted(ALLOW),
               f"{method}: the header Allow: {', '.join(ALLOW)} (in any order)", ex)
    expect_user(ctx.request("GET", f"/users/{user['id']}"), user, ": a refused method changes nothing")


@check_that("PATCH with one field replaces that field and keeps the others", hint=3)
def patch_one_field(ctx: Context) -> None:
    user, _ = create(ctx)
    name = another_name(ctx, user)
    ex = patch(ctx, user["id"], {"name": name})
    renamed = {**user, "name": name}
    expect_user(ex, renamed, ": the name replaced, the email left as it was")
    get = ctx.request("GET", f"/users/{user['id']}")
    expect_user(get, renamed, " (GET after the PATCH)", ex)
    email = ctx.email()
    ex = patch(ctx, user["id"], {"email": email})
    expect_user(ex, {**renamed, "email": email}, ": the email replaced, the name left as it was")
    get = ctx.request("GET", f"/users/{user['id']}")
    expect_user(get, {**renamed, "email": email}, " (GET after the PATCH of the email)", ex)


@check_that("PATCH {} changes nothing and answers 200 with the user", hint=3)
def patch_nothing(ctx: Context) -> None:
    user, _ = create(ctx)
    expect_user(patch(ctx, user["id"], {}), user, ": an empty merge patch changes nothing")


@check_that("PATCH checks each field it is given: 400 with the message of servers/README.md", hint=4)
def patch_invalid(ctx: Context) -> None:
    user, _ = create(ctx)
    for body, message in (({"name": None}, "name is required"),
                          ({"email": None}, "email is required"),
                          ({"name": ""}, "name must be 1 to 100 characters"),
                          ({"name": 42}, "name must be a string"),
                          ({"email": "nope"}, "email must look like name@example.com"),
                          ({"id": "7"}, "id is assigned by the server"),
                          ({"nickname": "Ada"}, "unknown field: nickname"),
                          ({"email": ctx.email(), "name": ""}, "name must be 1 to 100 characters")):
        expect_error(patch(ctx, user["id"], body), 400, message)
    ex = ctx.request("GET", f"/users/{user['id']}")
    expect_user(ex, user, ": a refused PATCH changes nothing, not even its valid fields (the last PATCH "
                "had a valid email and an empty name)")
    name = "🙂" * 100  # 100 characters; 200 UTF-16 units, 400 bytes: the limit counts characters
    expect_user(patch(ctx, user["id"], {"name": name}), {**user, "name": name},
                ": a name of 100 characters (🙂, 4 bytes each) is allowed: lengths count characters")


@check_that("PATCH takes application/merge-patch+json or application/json, else 415", hint=5)
def patch_content_type(ctx: Context) -> None:
    user, _ = create(ctx)
    name = another_name(ctx, user)
    expect_user(patch(ctx, user["id"], {"name": name}, JSON), {**user, "name": name},
                " (Content-Type: application/json is accepted too)")
    message = "Content-Type must be application/json or application/merge-patch+json"
    ex = patch(ctx, user["id"], {"name": "Ada"}, {"Content-Type": "text/plain"})
    expect_error(ex, 415, message)
    # The media type is checked before the body is read as JSON: a body in another format is not
    # "invalid JSON", it is not JSON at all.
    ex = patch(ctx, user["id"], "name=Ada", {"Content-Type": "application/x-www-form-urlencoded"})
    expect_error(ex, 415, message)
    expect_error(patch(ctx, user["id"], {"name": "Ada"}, {}), 415, message)  # no Content-Type at all
    name = another_name(ctx, user)
    value = "Application/Merge-Patch+JSON; charset=utf-8"
    expect_user(patch(ctx, user["id"], {"name": name}, {"Content-Type": value}), {**user, "name": name},
                f" (Content-Type: {value}: parameters and case do not change the media type)")
    # servers/README.md's order: the media type (415) before the user is looked up (404).
    ex = patch(ctx, "999999", "name=Ada", {"Content-Type": "text/plain"})
    expect(ex.response.status_code == 415,
           "PATCH text/plain of no user: status 415, the Content-Type is checked before the user "
           "is looked up (the order of servers/README.md)", ex)


@check_that("PATCH of no user answers 404, whatever its body", hint=2)
def patch_missing(ctx: Context) -> None:
    expect_error(patch(ctx, "999999", {"name": "Nobody"}), 404, "user not found")
    # servers/README.md's order: the user is looked up (404) before the body is read (400): a
    # client that sent a bad patch to no user must learn first that there is no user.
    for body in ({"name": ""}, "{not json"):
        ex = patch(ctx, "999999", body)
        expect(ex.response.status_code == 404,
               f"PATCH {body if isinstance(body, str) else json.dumps(body)} of no user: status 404, the "
               "user is looked up before the body is checked (the order of servers/README.md)", ex)


@check_that("PATCH to an email another user has answers 409; a user's own email is not a conflict",
            hint=7)
def patch_email_conflict(ctx: Context) -> None:
    user, _ = create(ctx)
    other, _ = create(ctx)
    ex = patch(ctx, user["id"], {"email": other["email"]})
    expect(ex.response.status_code == 409,
           f"status 409: {other['email']} is the email of user {other['id']}, and two users never "
           "share one", ex)
    expect_error(ex, 409, "email is already in use")
    expect_user(ctx.request("GET", f"/users/{user['id']}"), user, ": a refused PATCH changes nothing", ex)
    # A client may send the whole user back: its own email is no conflict, in any case of A-Z.
    for email in (user["email"], user["email"].upper()):
        ex = patch(ctx, user["id"], {"email": email})
        expect_user(ex, {**user, "email": email}, f": {email} is this user's own email (two emails "
                    "are the same once A-Z are lower-cased), no conflict")
    # After a change of email, the old one is free and the new one taken, as the store sees it.
    new = ctx.email()
    patched = patch(ctx, user["id"], {"email": new})
    expect_user(patched, {**user, "email": new}, ": the email replaced")
    body = json.dumps({"email": user["email"], "name": user["name"]})
    ex = ctx.request("POST", "/users", data=body, headers=JSON)
    expect(ex.response.status_code == 201, f"POST /users with {user['email']}, the email user "
           f"{user['id']} gave up: status 201, the old email is free again (PATCH it through "
           "store.update, which keeps the store's email index)", patched, ex)
    body = json.dumps({"email": new, "name": user["name"]})
    expect_error(ctx.request("POST", "/users", data=body, headers=JSON), 409, "email is already in use",
                 patched)


@check_that("DELETE answers 204 and no body; then GET, PATCH and DELETE answer 404", hint=6)
def delete_user(ctx: Context) -> None:
    user, _ = create(ctx)
    other, _ = create(ctx)
    path = f"/users/{user['id']}"
    # Raw bytes and Connection: close, so any body sent after the headers is seen here.
    ex = ctx.raw(f"DELETE {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    body = ex.body
    expect(ex.status == 204, "status 204 No Content", ex)
    expect(body == b"", "nothing after the headers: a 204 has no body", ex, got=f"{len(body)} bytes of body")
    expect("content-length" not in ex.headers,
           "no Content-Length: a 204 has no body to measure (RFC 9110 §8.6)", ex)
    expect_error(ctx.request("GET", path), 404, "user not found", ex)
    expect_error(ctx.request("DELETE", path), 404, "user not found", ex)
    expect_error(patch(ctx, user["id"], {"name": "Nobody"}), 404, "user not found", ex)
    expect_user(ctx.request("GET", f"/users/{other['id']}"), other, ": the other users are still there", ex)
