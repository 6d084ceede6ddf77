"""Checks of exercise 07: `nickname` and `full_name` added to the users API, v1 clients unbroken.

The last check is the v1 client's own contract tests (workbook/lessons/client_contract.py, lesson 07), run
unchanged against the learner's server: the client is reused, never copied, so the exercise grades
exactly the promises lesson 07 shows.
"""

import json
import re

import requests

from workbook.grading import Context, check_that, expect, expect_error, json_body
from workbook.lessons.client_contract import TESTS, run_contract
from workbook.lessons.users_client import UsersClient
from workbook.wire import Exchange

JSON = {"Content-Type": "application/json"}
MERGE_PATCH = {"Content-Type": "application/merge-patch+json"}
NICKNAME_ERROR = "nickname must be null or 1 to 50 characters"
DEPRECATION = re.compile(r"^@-?[0-9]+$")  # RFC 9745: a Structured Field Date, @ and seconds

def post(ctx: Context, body: dict) -> Exchange:
    return ctx.request("POST", "/users", data=json.dumps(body, ensure_ascii=False).encode(), headers=JSON)


def patch(ctx: Context, user_id: str, body: dict) -> Exchange:
    data = json.dumps(body, ensure_ascii=False).encode()
    return ctx.request("PATCH", f"/users/{user_id}", data=data, headers=MERGE_PATCH)


def user_of(ex: Exchange, status: int, why: str, *shown: Exchange) -> dict:
    """The user a response carries, after checking its status."""
    expect(ex.response.status_code == status, f"status {status}{why}", *shown, ex)
    body = json_body(ex, f"a user as JSON{why}")
    expect(isinstance(body, dict) and isinstance(body.get("id"), str), f"a user as JSON{why}", *shown, ex)
    return body


def created(ctx: Context, body: dict) -> tuple[dict, Exchange]:
    ex = post(ctx, body)
    return user_of(ex, 201, f" for POST /users {json.dumps(body, ensure_ascii=False)}"), ex


def expect_fields(user: dict, wanted: dict, why: str, *shown: Exchange) -> None:
    """The user has these fields with these values (and may have others)."""
    differ = {key: user.get(key, "(absent)") for key, value in wanted.items() if user.get(key, ...) != value}
    expect(not differ, f"{json.dumps(wanted, ensure_ascii=False)} in the user{why}", *shown,
           got=", ".join(f'"{key}": {json.dumps(value, ensure_ascii=False) if value != "(absent)" else value}'
                         for key, value in differ.items()))


@check_that('POST without a nickname, or with "nickname": null, answers 201 and "nickname": null', hint=2)
def nickname_defaults_to_null(ctx: Context) -> None:
    user, ex = created(ctx, {"email": ctx.email(), "name": ctx.name()})
    expect_fields(user, {"nickname": None}, ": a v1 request creates a user without a nickname", ex)
    user, ex = created(ctx, {"email": ctx.email(), "name": ctx.name(), "nickname": None})
    expect_fields(user, {"nickname": None}, ': "nickname": null on POST is no nickname, as if left out', ex)


@check_that("a nickname sent with POST is kept: the 201 and GET answer it", hint=2)
def nickname_is_stored(ctx: Context) -> None:
    name = ctx.name()
    nickname = name.split()[0]
    user, ex = created(ctx, {"email": ctx.email(), "name": name, "nickname": nickname})
    expect_fields(user, {"nickname": nickname, "name": name}, " (the 201)", ex)
    get = ctx.request("GET", f"/users/{user['id']}")
    expect_fields(user_of(get, 200, " for GET /users/{id}", ex), {"nickname": nickname}, " (GET)", ex, get)


@check_that("a nickname that is not null or 1 to 50 characters answers 400", hint=3)
def nickname_is_validated(ctx: Context) -> None:
    for nickname in ("", "N" * 51, 42, ["Ada"]):
        ex = post(ctx, {"email": ctx.email(), "name": ctx.name(), "nickname": nickname})
        expect_error(ex, 400, NICKNAME_ERROR)
    for nickname in ("é" * 50, "🙂" * 50):  # characters, not bytes nor UTF-16 units
        user, ex = created(ctx, {"email": ctx.email(), "name": ctx.name(), "nickname": nickname})
        expect_fields(user, {"nickname": nickname}, ": 50 characters is allowed (characters, not bytes)", ex)


@check_that('PATCH {"nickname": "…"} sets it, {"nickname": null} removes it, the rest stays', hint=4)
def nickname_patch(ctx: Context) -> None:
    name, nickname, new_name = ctx.name(), ctx.name(), ctx.name() + " Jr"
    user, _ = created(ctx, {"email": ctx.email(), "name": name})
    ex = patch(ctx, user["id"], {"nickname": nickname})
    expect_fields(user_of(ex, 200, " for the PATCH"),
                  {"nickname": nickname, "name": name, "email": user["email"]},
                  ": the nickname set, the other fields as they were", ex)
    renamed = patch(ctx, user["id"], {"name": new_name})
    expect_fields(user_of(renamed, 200, " for the PATCH"), {"nickname": nickname},
                  ": a PATCH without nickname leaves it as it is", ex, renamed)
    removed = patch(ctx, user["id"], {"nickname": None})
    expect_fields(user_of(removed, 200, " for the PATCH"), {"nickname": None, "name": new_name},
                  ": in a merge patch, null removes the nickname", removed)
    expect_error(patch(ctx, user["id"], {"nickname": ""}), 400, NICKNAME_ERROR)


@check_that("every user carries full_name, the same as name, in every response", hint=5)
def full_name_out(ctx: Context) -> None:
    name = ctx.name()
    user, ex = created(ctx, {"email": ctx.email(), "name": name})
    expect_fields(user, {"name": name, "full_name": name}, " (the 201)", ex)
    get = ctx.request("GET", f"/users/{user['id']}")
    expect_fields(user_of(get, 200, " for GET /users/{id}"), {"name": name, "full_name": name}, " (GET)", get)
    listed = ctx.request("GET", "/users?limit=100")
    page = json_body(listed, '{"users": [...], "next_cursor": ...}')
    users = page.get("users") if isinstance(page, dict) else None
    expect(isinstance(users, list) and users and all(isinstance(u, dict) for u in users),
           '{"users": [...], "next_cursor": ...}', listed)
    lacking = [u.get("id") for u in users if u.get("full_name") != u.get("name")]
    expect(not lacking, "full_name beside name in every user of GET /users", listed,
           got=f"users without the same full_name and name: ids {', '.join(map(str, lacking[:5]))}")


@check_that("full_name is accepted in place of name, on POST and PATCH; with both, they must agree",
            hint=6)
def full_name_in(ctx: Context) -> None:
    name, new_name, other = ctx.name(), ctx.name() + " Jr", ctx.name() + " Sr"
    user, ex = created(ctx, {"email": ctx.email(), "full_name": name})
    expect_fields(user, {"name": name, "full_name": name}, ": full_name sent, both answered", ex)
    ex = patch(ctx, user["id"], {"full_name": new_name})
    expect_fields(user_of(ex, 200, " for the PATCH"), {"name": new_name, "full_name": new_name},
                  ": a PATCH of full_name changes name too: they are one field", ex)
    ex = patch(ctx, user["id"], {"name": name})
    expect_fields(user_of(ex, 200, " for the PATCH"), {"name": name, "full_name": name},
                  ": a PATCH of name changes full_name too: they are one field", ex)
    # full_name is name under its new name: null cannot remove it either.
    ex = patch(ctx, user["id"], {"full_name": None})
    expect(ex.response.status_code == 400, 'PATCH {"full_name": null}: status 400 name is required, as for '
           '{"name": null}: full_name is name under its new name, and null cannot remove it', ex)
    expect_error(ex, 400, "name is required")
    ex = patch(ctx, user["id"], {"name": new_name, "full_name": other})
    expect_error(ex, 400, "name and full_name must be the same")
    both, ex = created(ctx, {"email": ctx.email(), "name": other, "full_name": other})
    expect_fields(both, {"name": other, "full_name": other}, ": both sent, and the same", ex)
    for name_sent in (name, [name], {"first": name}):  # not a string: still not the same
        ex = post(ctx, {"email": ctx.email(), "name": name_sent, "full_name": other})
        expect_error(ex, 400, "name and full_name must be the same")
    # Both the same, but not strings: an object compared with an object (Go's != panics on two maps).
    ex = post(ctx, {"email": ctx.email(), "name": {"first": other}, "full_name": {"first": other}})
    body = json_body(ex, 'a JSON error: {"error": "name must be a string"}')
    expect(ex.response.status_code == 400 and body in ({"error": "name must be a string"},
                                                       {"error": "name and full_name must be the same"}),
           'status 400 and {"error": "name must be a string"} (or "name and full_name must be the same")', ex)
    ex = post(ctx, {"email": ctx.email()})
    expect_error(ex, 400, "name is required")
    # Equal as JSON strings, however each is written: "\u00eb" is ë.
    data = f'{{"email": "{ctx.email()}", "name": "Zo\\u00eb {other}", "full_name": "Zoë {other}"}}'
    ex = ctx.request("POST", "/users", data=data.encode(), headers=JSON)
    user_of(ex, 201, ': "Zo\\u00eb" and "Zoë" are the same string, written two ways')


@check_that("responses that carry users say name is deprecated: Deprecation: @<seconds>", hint=7)
def deprecation(ctx: Context) -> None:
    user, ex = created(ctx, {"email": ctx.email(), "name": ctx.name()})
    page = ctx.request("GET", "/users?limit=1")  # a page with a next one: it has a Link of its own
    for shown in (ex, ctx.request("GET", f"/users/{user['id']}"),
                  patch(ctx, user["id"], {"nickname": ctx.name()}), page):
        value = shown.response.headers.get("Deprecation", "")
        method = shown.request.method
        expect(DEPRECATION.fullmatch(value) is not None,
               f"{method}: a header such as Deprecation: @1767225600 (RFC 9745: @ and the seconds "
               "since 1970 at which name became deprecated)", shown)
    # v1's Link to the next page stays: a Link of rel="deprecation" goes beside it, in one list.
    expect('rel="next"' in page.response.headers.get("Link", ""),
           'GET /users?limit=1: the page\'s Link: </users?limit=1&cursor=...>; rel="next" is still '
           "there beside any Link you add (RFC 9110 §5.3: one comma-separated list)", page)


@check_that("v1's refusals still hold: ?limit= and ?limit=5;x=1 are 400, not the default page", hint=1)
def limit_refusals(ctx: Context) -> None:
    # servers/README.md: a parameter present with an empty value is a bad value, not an absent one.
    limit = "limit must be an integer from 1 to 100"
    for query, message in (("limit=", limit), ("limit=5;x=1", limit), ("limit=0", limit),
                           ("limit=101", limit), ("cursor=", "cursor is not valid")):
        expect_error(ctx.request("GET", f"/users?{query}"), 400, message)


@check_that("v1's last page still says it is the last: next_cursor null and no Link rel=\"next\"", hint=1)
def last_page(ctx: Context) -> None:
    newest, post_ex = created(ctx, {"email": ctx.email(), "name": ctx.name()})
    listed = ctx.request("GET", "/users?limit=100")
    page = json_body(listed, '{"users": [...], "next_cursor": ...}')
    users = page.get("users") if isinstance(page, dict) else None
    ids = [u.get("id") for u in users if isinstance(u, dict)] if isinstance(users, list) else []
    expect(newest["id"] in ids, f"user {newest['id']}, just created, in GET /users?limit=100",
           post_ex, listed)
    before = ids[ids.index(newest["id"]) - 1] if ids.index(newest["id"]) > 0 else None
    path = "/users?limit=1" + (f"&cursor={before}" if before else "")  # the page of the newest user
    ex = ctx.request("GET", path)
    body = json_body(ex, '{"users": [...], "next_cursor": null}')
    expect(isinstance(body, dict) and body.get("next_cursor", ...) is None, f"GET {path}: the page of user "
           f"{newest['id']}, the newest, so the last: \"next_cursor\": null", post_ex, ex)
    expect('rel="next"' not in ex.response.headers.get("Link", ""),
           f'GET {path}: the last page, so no Link rel="next"', ex)


@check_that("v1 still works: every contract test of the v1 client passes, unchanged", hint=1)
def v1_contract(ctx: Context) -> None:
    results = run_contract(ctx.url)
    failed = [result for result in results if not result.passed]
    if not failed:
        return
    # Run the first failed test again with a client that keeps what travelled, to show the wire.
    seen: list[requests.Response] = []
    client = UsersClient(ctx.url)
    client.session.hooks["response"].append(lambda response, *args, **kwargs: seen.append(response))
    try:
        TESTS[failed[0].test](client)
    except Exception:
        pass
    shown = [Exchange(response.request, response) for response in seen[-2:]]
    expect(False, f"all {len(results)} contract tests of workbook/lessons/client_contract.py pass", *shown,
           got=f"{len(failed)} fail:\n" + "\n".join(f"{r.test}: {r.detail}" for r in failed)
               + (f"\nthe last requests of `{failed[0].test}`:" if shown else ""))
