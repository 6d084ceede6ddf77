"""Checks of exercise 04: one note, /note, with an ETag, If-None-Match (304) and If-Match (412)."""

from workbook.grading import Context, check_that, expect
from workbook.wire import Exchange

NOTE = "Water the plants.\n"
TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def current(ctx: Context) -> tuple[str, Exchange]:
    """The note's ETag as GET /note answers it now, and the exchange that shows it."""
    ex = ctx.request("GET", "/note")
    etag = ex.response.headers.get("ETag", "")
    strong = etag.startswith('"') and etag.endswith('"') and len(etag) >= 2
    status = ex.response.status_code
    came = f"status {status}" if status != 200 else f"ETag: {etag}" if etag else "no ETag"
    # Said in the got, so that the one line of each later check names what is wrong.
    expect(status == 200 and strong,
           'first of all (the first check): GET /note answers 200 and a strong ETag such as "v1"', ex,
           got=f"{came} on GET /note: the first check fails")
    return etag, ex


@check_that("GET /note answers 200, the note, and a strong ETag", hint=1)
def get_has_etag(ctx: Context) -> None:
    ex = ctx.request("GET", "/note")
    expect(ex.response.status_code == 200, "status 200", ex)
    expect(ex.response.text == NOTE, f"the body {NOTE!r}", ex)
    etag = ex.response.headers.get("ETag")
    expect(etag is not None, "an ETag header naming this version of the note", ex)
    expect(etag.startswith('"') and etag.endswith('"') and len(etag) >= 2,
           'a strong ETag: a quoted string such as "v1" (no W/ in front)', ex, got=f"ETag: {etag}")
    again = ctx.request("GET", "/note")
    expect(again.response.headers.get("ETag") == etag,
           "the same ETag for the same, unchanged note", ex, again)


@check_that("If-None-Match with the current ETag answers 304, the ETag, and no body", hint=2)
def not_modified(ctx: Context) -> None:
    etag, full = current(ctx)
    # Raw bytes and Connection: close, so any body sent after the headers is seen here.
    ex = ctx.raw(b"GET /note HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: " + etag.encode()
                 + b"\r\nConnection: close\r\n\r\n")
    headers, body = ex.headers, ex.body
    expect(ex.status == 304, f"status 304 Not Modified: the client's copy ({etag}) is current", ex)
    expect(headers.get("etag") == etag, f"the header ETag: {etag} (it tells a cache which copy is good)", ex)
    expect(body == b"", "nothing after the headers: a 304 has no body", ex, got=f"{len(body)} bytes of body")
    # A cache keeps its stored headers and updates them from a 304: a Content-Length there
    # describes the body it already has, never the empty one of the 304 (RFC 9110 §8.6).
    length = str(len(full.response.content))
    expect(headers.get("content-length") in (None, length),
           f"no Content-Length, or the note's own ({length}): a 304's is the length a 200 would have "
           "(RFC 9110 §8.6)", ex, got=f"Content-Length: {headers.get('content-length')}")


@check_that("If-None-Match compares weakly and takes a list or *; another ETag gets the note", hint=3)
def if_none_match_forms(ctx: Context) -> None:
    etag, _ = current(ctx)
    for value in (f"W/{etag}", f'"not-this-one", {etag}', "*"):
        ex = ctx.request("GET", "/note", headers={"If-None-Match": value})
        expect(ex.response.status_code == 304, f"If-None-Match: {value} -> status 304", ex)
    ex = ctx.request("GET", "/note", headers={"If-None-Match": '"not-this-one"'})
    expect(ex.response.status_code == 200 and ex.response.text == NOTE,
           'If-None-Match: "not-this-one" -> status 200 and the note: the client has another version', ex)


@check_that("PUT with If-Match: the current ETag replaces the note: 204 and the new ETag", hint=4)
def put_if_match(ctx: Context) -> None:
    etag, _ = current(ctx)
    text = ctx.text()
    put = ctx.request("PUT", "/note", data=text.encode(), headers={**TEXT, "If-Match": etag})
    expect(put.response.status_code == 204, f"If-Match: {etag} is current -> status 204 No Content", put)
    new = put.response.headers.get("ETag")
    expect(new is not None and new != etag,
           f"the header ETag with the new version's ETag (not {etag}: the note changed)", put)
    get = ctx.request("GET", "/note")
    expect(get.response.text == text, f"GET /note now answers {text!r}", put, get)
    expect(get.response.headers.get("ETag") == new, f"GET answers the ETag the PUT gave, {new}", put, get)
    star = ctx.request("PUT", "/note", data=text.encode(), headers={**TEXT, "If-Match": "*"})
    expect(star.response.status_code == 204, "If-Match: * (any version at all) -> status 204", star)


@check_that("PUT with a stale If-Match answers 412 and changes nothing", hint=5)
def put_stale(ctx: Context) -> None:
    old, _ = current(ctx)
    mine, theirs = ctx.text(), ctx.text()
    first = ctx.request("PUT", "/note", data=mine.encode(), headers={**TEXT, "If-Match": old})
    expect(first.response.status_code == 204, f"If-Match: {old} is current -> status 204", first)
    lost = ctx.request("PUT", "/note", data=theirs.encode(), headers={**TEXT, "If-Match": old})
    expect(lost.response.status_code == 412,
           f"status 412 Precondition Failed: {old} is no longer the current version", first, lost)
    get = ctx.request("GET", "/note")
    expect(get.response.text == mine, f"the note is still {mine!r}: a refused PUT changes nothing",
           first, lost, get)
    now = get.response.headers.get("ETag", "")
    weak = ctx.request("PUT", "/note", data=theirs.encode(), headers={**TEXT, "If-Match": f"W/{now}"})
    expect(weak.response.status_code == 412,
           f"If-Match: W/{now} -> status 412: If-Match compares strongly, a weak ETag never matches", weak)


@check_that("PUT without If-Match: 204 and the new ETag; the old ETag then gets the note, not 304", hint=1)
def old_etag_is_stale(ctx: Context) -> None:
    old, _ = current(ctx)
    text = ctx.text()
    put = ctx.request("PUT", "/note", data=text.encode(), headers=TEXT)
    expect(put.response.status_code == 204, "PUT without If-Match -> status 204 (unconditional)", put)
    get = ctx.request("GET", "/note", headers={"If-None-Match": old})
    expect(get.response.status_code == 200 and get.response.text == text,
           f"If-None-Match: {old} (the version before the PUT) -> status 200 and {text!r}", put, get)
    new = get.response.headers.get("ETag")
    expect(put.response.headers.get("ETag") == new,
           f"the header ETag: {new} on the PUT's 204 too: a PUT without If-Match tells the new ETag as well",
           put, get, hint=4)
