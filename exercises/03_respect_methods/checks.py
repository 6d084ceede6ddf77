"""Checks of exercise 03: one resource, /greeting, that answers each method the way HTTP says."""

from workbook.grading import Context, check_that, expect

GREETING = "Hello, World!\n"
ALLOW = ["GET", "HEAD", "PUT"]


@check_that("GET /greeting answers 200 with the greeting as text/plain", hint=1)
def get_greeting(ctx: Context) -> None:
    ex = ctx.request("GET", "/greeting")
    expect(ex.response.status_code == 200, "status 200", ex)
    expect(ex.response.headers.get("Content-Type", "").startswith("text/plain"),
           "a Content-Type header starting with text/plain", ex)
    expect(ex.response.text == GREETING, f"the body {GREETING!r}", ex)


@check_that("GET /greeting?lang=en answers 200 too: the query is not part of the path", hint=2)
def query_is_not_path(ctx: Context) -> None:
    ex = ctx.request("GET", "/greeting?lang=en")
    expect(ex.response.status_code == 200, "status 200, as for GET /greeting", ex)


def expect_head_like_get(ctx: Context, why: str = "") -> None:
    """HEAD /greeting answers what GET does, without the body."""
    get = ctx.request("GET", "/greeting")
    # Raw bytes, and the server closes the connection after its answer, so any body it sends
    # after the headers is seen here (a client library would hide it).
    head = ctx.raw(b"HEAD /greeting HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    headers, body = head.headers, head.body
    expect(head.status == get.response.status_code == 200, f"status 200, as for GET{why}", head)
    for name in ("Content-Type", "Content-Length"):
        wanted = get.response.headers.get(name)
        expect(headers.get(name.lower()) == wanted,
               f"{name}: {wanted}, as for GET{why}" if wanted else f"no {name}, as for GET", get, head)
    expect(body == b"", "nothing after the headers: a response to HEAD has no body", head,
           got=f"{len(body)} bytes of body")


@check_that("HEAD /greeting answers GET's status and headers, and no body", hint=3)
def head_greeting(ctx: Context) -> None:
    expect_head_like_get(ctx)


@check_that("PUT /greeting replaces the greeting: 204, then GET and HEAD show the new text", hint=4)
def put_greeting(ctx: Context) -> None:
    # Of another length than the greeting before, so a length written down once shows.
    before = ctx.request("GET", "/greeting").response.content
    while len((text := ctx.text()).encode()) == len(before):
        pass
    data = "PUT /greeting HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain; charset=utf-8\r\n"
    data += f"Content-Length: {len(text.encode())}\r\nConnection: close\r\n\r\n{text}"
    # Raw bytes: a 204 has no body and so no Content-Length (RFC 9110 §8.6), which a client hides.
    put = ctx.raw(data.encode())
    expect(put.status == 204, "status 204 No Content", put)
    expect(put.body == b"", "no body: 204 means there is none", put, got=f"{len(put.body)} bytes of body")
    expect("content-length" not in put.headers,
           "no Content-Length: a 204 has no body to measure (RFC 9110 §8.6)", put)
    get = ctx.request("GET", "/greeting")
    expect(get.response.text == text, f"GET /greeting now answers {text!r}", put, get)
    expect_head_like_get(ctx, ", after the PUT")


@check_that("POST, DELETE and PATCH /greeting answer 405 with Allow: GET, HEAD, PUT", hint=5)
def method_not_allowed(ctx: Context) -> None:
    for method in ("POST", "DELETE", "PATCH"):
        ex = ctx.request(method, "/greeting")
        expect(ex.response.status_code == 405, f"{method}: status 405 Method Not Allowed", ex)
        allow = [m.strip() for m in ex.response.headers.get("Allow", "").split(",") if m.strip()]
        expect(sorted(allow) == ALLOW, f"{method}: the header Allow: {', '.join(ALLOW)} (in any order)", ex)


@check_that("other paths answer 404, whatever the method", hint=1)
def unknown_paths(ctx: Context) -> None:
    before = ctx.request("GET", "/greeting").response.text
    for method, path in (("GET", "/"), ("GET", "/nope"), ("GET", "/greeting/extra"),
                         ("GET", "/greetings"), ("DELETE", "/nope"), ("PUT", "/greetings")):
        ex = ctx.request(method, path, data=ctx.text().encode() if method == "PUT" else None)
        expect(ex.response.status_code == 404, f"{method} {path}: status 404 Not Found", ex)
    after = ctx.request("GET", "/greeting")
    expect(after.response.text == before, f"GET /greeting still answers {before!r}: a PUT to another "
           "path changes nothing", after)
