"""HTTP/1.1 conformance of the three `users` servers: raw requests, most of them hostile, each sent to
each server, each with the outcome servers/README.md ("HTTP/1.1 framing") documents, and after each
one the proof that the server still serves a stored user.

The cases come from public corpora, credited one by one in a comment:
- RFC 9112 (HTTP/1.1) and RFC 9110 (HTTP semantics): the section whose MUST the case tests.
- HTTP Garden (github.com/narfindustries/http-garden), TROPHIES.md, "Server Bugs" N: the payload of
  that report (several are against CPython's http.server, llhttp or Go's net/http).
- h11 (github.com/python-hyper/h11), h11/tests/test_io.py and test_headers.py: its rejection tests.
- Request smuggling write-ups: James Kettle, "HTTP Desync Attacks" (PortSwigger Research, 2019) and
  the PortSwigger Web Security Academy's request smuggling labs (CL.TE, TE.CL, TE.TE obfuscation).
- The bugs listed in the issue "The reference servers keep every HTTP promise the workbook teaches".
"""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest
import requests

from workbook import raw_request
from workbook.unique import unique_email

OK = 200
# An outcome is a status for all three servers, or a dict with a status per language where a
# standard library's parser decides otherwise (each such row is in servers/README.md).
Outcome = int | dict[str, int]
# The message of servers/README.md's error table for each refusing status of these cases; a case
# whose status has another message names it (a 400 "Content-Length is not valid", ...).
MESSAGES = {
    400: "request is not valid HTTP",
    404: "not found",
    405: "method not allowed",
    411: "Content-Length is required",
    413: "body must be at most 16384 bytes",
    414: "request target is too long",
    417: "Expect must be 100-continue",
    431: "request headers are too large",
    501: "Transfer-Encoding must be chunked",
    505: "HTTP version is not supported",
}
LENGTH_NOT_VALID = "Content-Length is not valid"


def case(name: str, data: bytes, outcome: Outcome, message: str | None = None) -> pytest.param:
    return pytest.param(data, outcome, message, id=name)


def get(target: bytes = b"/users?limit=1", *lines: bytes, version: bytes = b"HTTP/1.1") -> bytes:
    """A GET with Host and the given header lines."""
    return (
        b"GET "
        + target
        + b" "
        + version
        + b"\r\nHost: x\r\n"
        + b"".join(line + b"\r\n" for line in lines)
        + b"\r\n"
    )


def post(*lines: bytes, body: bytes = b"") -> bytes:
    """A POST /users with Host, Content-Type and the given header lines, then body."""
    return (
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + b"".join(line + b"\r\n" for line in lines)
        + b"\r\n"
        + body
    )


BODY = b'{"email":"smuggled@example.com","name":"Smuggled"}'
BODY2 = b'{"email":"repeated@example.com","name":"Repeated"}'
SMUGGLED = b"GET /users/1 HTTP/1.1\r\nHost: x\r\n\r\n"

CASES = [
    # ---- the request line (RFC 9112 §3) ----
    # RFC 9112 §3: the request line is method SP request-target SP HTTP-version.
    case("well-formed-get", get(), OK),
    # RFC 9112 §2.3, HTTP Garden server bug 5 ("HTTP/1.32" read as its prefix 1.3); from the issue.
    case("version-two-minor-digits", get(version=b"HTTP/1.32"), 400),
    # RFC 9112 §2.3: one DIGIT each side of the dot; from the issue ("HTTP/01.1").
    case("version-leading-zero", get(version=b"HTTP/01.1"), 400),
    # RFC 9112 §2.3: HTTP-name is case-sensitive "HTTP".
    case("version-lower-case", get(version=b"http/1.1"), 400),
    # HTTP Garden server bug 15: a version that is not validated.
    case("version-with-cr", b"GET /users HTTP/\r\r1.1\r\nHost: x\r\n\r\n", 400),
    # RFC 9110 §15.6.6: a major version the server does not support; from the issue (Node gave 200).
    case("version-2.0", get(version=b"HTTP/2.0"), 505),
    case("version-3.0", get(version=b"HTTP/3.0"), 505),
    # RFC 9110 §6.2 lets a server take 1.2 as 1.1; Node's parser cannot, so all three refuse it.
    case("version-1.2", get(version=b"HTTP/1.2"), 505),
    # RFC 9110 §15.6.6 again (Node's parser reads it, as it reads "GET /users" with no version).
    case("version-0.9", get(version=b"HTTP/0.9"), 505),
    # RFC 9113 §3.4: the HTTP/2 connection preface, sent to a server that speaks HTTP/1.1 only.
    case("http-2-preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
    # RFC 9112 §3 and Appendix C.1 (HTTP/0.9 is gone); from the issue (Python and Node gave 200).
    case("no-version", b"GET /users\r\nHost: x\r\n\r\n", 400),
    # h11 test_io.py test_reject_garbage_after_response_line: a fourth word on the request line.
    case("four-words", b"GET /users HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400),
    # RFC 9112 §3: exactly one SP (the MAY of lenient whitespace is not taken); Node's parser
    # takes two, the server's framing check refuses them.
    case("two-spaces", b"GET  /users HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    case(
        "two-spaces-before-version",
        b"GET /users  HTTP/1.1\r\nHost: x\r\n\r\n",
        400,
    ),
    # RFC 9112 §3: SP, not HTAB, separates the parts.
    case("tab-separator", b"GET\t/users HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    # RFC 9112 §3.2: no whitespace inside a request-target.
    case("space-in-target", b"GET /us ers HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    # HTTP Garden server bug 9: a bare LF inside the request line.
    case("lf-in-request-line", b"GET /\nHTTP/1.1\r\nHost: x\r\n\r\n", 400),
    # HTTP Garden server bug 6: a method that is not a token.
    case("method-not-token", b'G=":<>(e),[T];?" /users HTTP/1.1\r\nHost: x\r\n\r\n', 400),
    # RFC 9110 §9.1: methods are case-sensitive; from the issue (Node gave 400, the others 405).
    case("lower-case-get", b"get /users HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    # RFC 9110 §9.1 and §15.5.6: a token method the resource does not support.
    case("unknown-method", b"BREW /users HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    case("propfind", b"PROPFIND /users HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    case("trace", b"TRACE /users HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    case("unknown-method-unknown-path", b"FOO /nope HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    # RFC 9112 §3.2.3: authority-form is for CONNECT to a proxy; this server is none.
    case("connect", b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", 404),
    # ... and bytes after a CONNECT are no request to answer: Node's FramingConn refused them after
    # the CONNECT's answer had ended the socket, and the write after end killed the process.
    case("connect-then-bytes", b"CONNECT /users HTTP/1.1\r\nHost: x\r\n\r\n0\r\n\r\n", 405),
    # RFC 9112 §3.2.4: asterisk-form; from the issue (Go answered its own empty 200).
    case("options-asterisk", b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    # RFC 9112 §3.2.2: absolute-form is accepted; it names no path of this server.
    case("absolute-form", b"GET http://x/users HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    # RFC 9112 §2.2: a server SHOULD ignore an empty line before the request line (Go's net/http
    # answers 400; the server's framing check drops it first), and any number of them.
    case("leading-empty-line", b"\r\n" + get(), OK),
    case("leading-empty-lines", b"\r\n\r\n\r\n" + get(), OK),
    # ... but a bare LF is no empty line (RFC 9112 §2.2, refused like any bare LF below).
    case("leading-bare-lf", b"\n" + get(), 400),
    # RFC 9110 §15.5.15: 414 over MAX_TARGET_BYTES (8192), within the header limit.
    case("target-over-8192-bytes", get(b"/users?x=" + b"a" * 9000), 414),
    case("target-of-8000-bytes", get(b"/users?limit=1&x=" + b"a" * 7900), OK),
    # RFC 9112 §3.2: a request-target is visible ASCII (RFC 3986), no other byte.
    case("target-non-ascii", b"GET /users\xff HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    case("target-control", b"GET /us\x01ers HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    # RFC 9112 §3.2: none of the four forms (origin /..., absolute scheme:..., authority for
    # CONNECT, asterisk *), and RFC 3986 §2.1: a % not followed by two hex digits (Go's net/http
    # refused these in plain text, Python answered 404).
    case("target-without-slash", b"GET users HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    case("target-star-and-more", b"OPTIONS *x HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    case("target-bad-percent", b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    case("target-percent-at-end", b"GET /users% HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    case("target-percent-encoded", b"GET /%75sers?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n", 404),
    # An absolute-form whose authority is malformed: Go's url.ParseRequestURI refuses it, the other
    # two take it and find no such path; "http:x" (no //) llhttp refuses (servers/README.md).
    case(
        "absolute-form-bad-port",
        b"GET http://x:port/users HTTP/1.1\r\nHost: x\r\n\r\n",
        {"python": 404, "node": 404, "go": 400},
    ),
    case(
        "absolute-form-no-slashes",
        b"GET http:x HTTP/1.1\r\nHost: x\r\n\r\n",
        {"python": 404, "node": 400, "go": 404},
    ),
    # RFC 6585 §5: a request line alone past MAX_HEADER_BYTES is 431, not 414.
    case("request-line-of-20-kb", get(b"/" + b"a" * 20000), 431),
    # ---- Host (RFC 9112 §3.2) ----
    # RFC 9112 §3.2: a server MUST answer 400 to HTTP/1.1 without Host; from the issue.
    case("no-host", b"GET /users HTTP/1.1\r\n\r\n", 400),
    # RFC 9112 §3.2: ... or with more than one Host; from the issue.
    case("two-hosts", b"GET /users HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
    # RFC 9112 §3.2: ... or with an invalid Host value; from the issue.
    case("host-with-space", b"GET /users HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
    case("host-with-slash", b"GET /users HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
    case("host-with-userinfo", b"GET /users HTTP/1.1\r\nHost: user@a\r\n\r\n", 400),
    case("host-with-port", b"GET /users?limit=1 HTTP/1.1\r\nHost: a:8080\r\n\r\n", OK),
    case("host-ipv6", b"GET /users?limit=1 HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", OK),
    # RFC 9112 §3.2: HTTP/1.0 may leave Host out.
    case("http-1.0-without-host", b"GET /users?limit=1 HTTP/1.0\r\n\r\n", OK),
    # ... but not send two (RFC 9112 §3.2: "more than one Host header line").
    case("http-1.0-two-hosts", b"GET /users HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400),
    # RFC 9112 §3.2: an empty Host is valid (a URI with no authority).
    case("empty-host", b"GET /users?limit=1 HTTP/1.1\r\nHost:\r\n\r\n", OK),
    # RFC 9112 §3.2 holds for CONNECT too (Go's net/http and Node's parser let it omit Host).
    case("connect-without-host", b"CONNECT example.com:443 HTTP/1.1\r\n\r\n", 400),
    # The limits come first: a bad Host before 150 header lines is 431.
    case(
        "bad-host-then-150-headers",
        b"GET /users HTTP/1.1\r\nHost: a b\r\n" + b"".join(b"X-H%d: v\r\n" % n for n in range(150)) + b"\r\n",
        431,
    ),
    # ---- field syntax (RFC 9112 §5, RFC 9110 §5) ----
    # RFC 9112 §6.3: the answer to a HEAD ends with its head, refusals included (Go and Node sent the
    # JSON after it, which a client reads as the start of the next answer).
    case("head-name-not-token", b"HEAD /users HTTP/1.1\r\nHost: x\r\nX(Foo): bar\r\n\r\n", 400),
    case("head-expect-bogus", b"HEAD /users HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\n\r\n", 417),
    case("head-150-headers", b"HEAD /users HTTP/1.1\r\nHost: x\r\n" + b"X-H: v\r\n" * 150 + b"\r\n", 431),
    # RFC 9110 §5.1, HTTP Garden server bug 14; from the issue ("X(Foo): bar" got 200 from Python).
    case("name-not-token", get(b"/users", b"X(Foo): bar"), 400),
    case("name-with-at", get(b"/users", b"X@Foo: bar"), 400),
    # HTTP Garden server bug 8: a non-ASCII byte in a field name.
    case("name-non-ascii", get(b"/users", b"\xefoo: bar"), 400),
    # RFC 9112 §5.1: no whitespace between field name and colon (MUST 400); h11 test_readers_unusual
    # ("foo  : line"); HTTP Garden server bug 3 ("Content-Length : 34").
    case("space-before-colon", get(b"/users", b"X-Foo : bar"), 400),
    case("tab-before-colon", get(b"/users", b"foo\t: line"), 400),
    case("content-length-space-colon", post(b"Content-Length : 2", body=b"{}"), 400),
    # HTTP Garden server bug 18, h11 test_readers_unusual (": line"): an empty field name.
    case("empty-name", get(b"/users", b": ignored"), 400),
    # A field line without a colon.
    case("no-colon", get(b"/users", b"NoColonHere"), 400),
    # RFC 9112 §2.2 (a bare CR MUST be refused or replaced), HTTP Garden server bug 13 (CPython took
    # \r as a line end: "Visible: :/\rSmuggled: :)").
    case("bare-cr-in-value", get(b"/users", b"Visible: :/\rSmuggled: :)"), 400),
    # RFC 9110 §5.5, HTTP Garden server bug 2: NUL and CR in a value; from the issue.
    case("nul-in-value", get(b"/users", b"X-Foo: b\x00ar"), 400),
    case("control-in-value", get(b"/users", b"X-Foo: b\x01ar"), 400),
    case("del-in-value", get(b"/users", b"X-Foo: b\x7far"), 400),
    case("escape-in-value", get(b"/users", b"X-Foo: \x1b[31m"), 400),
    # ... refused as soon as its line ends, so 150 header lines after it do not make it a 431.
    case(
        "control-then-150-headers",
        get(b"/users", b"X-Foo: b\x01ar", *(b"X-H%d: v" % n for n in range(150))),
        400,
    ),
    # RFC 9110 §5.5: a field value may be empty, and may be padded with spaces and tabs.
    case("empty-value", get(b"/users?limit=1", b"X-Empty:"), OK),
    case("padded-value", get(b"/users?limit=1", b"X-Pad: \t value \t"), OK),
    # RFC 9110 §5.5: HTAB and obs-text are allowed in a value.
    case("tab-in-value", get(b"/users?limit=1", b"X-Foo: a\tb"), OK),
    case("obs-text-in-value", get(b"/users?limit=1", b"X-Foo: caf\xe9"), OK),
    # RFC 9112 §5.2 (obs-fold: reject or replace by SP), h11 test_readers_unusual: refused, as
    # Node's parser does (Go's net/http would replace it by SP; the framing check refuses it first).
    case("obs-fold", get(b"/users?limit=1", b"X-Foo: bar", b" baz"), 400),
    case(
        "obs-fold-with-tab",
        get(b"/users?limit=1", b"X-Foo: bar", b"\tbaz"),
        400,
    ),
    # HTTP Garden server bug 4, h11 test_readers_unusual ("  folded: line"): a fold before any field.
    case("fold-before-first-field", b"GET /users HTTP/1.1\r\n\tHost: x\r\nHost: x\r\n\r\n", 400),
    # RFC 9112 §2.2: a recipient MAY take a bare LF as a line end; refused, as Node's parser does
    # (Python's and Go's parsers would take it).
    case(
        "bare-lf-line-ends",
        b"GET /users?limit=1 HTTP/1.1\nHost: x\n\n",
        400,
    ),
    case(
        "bare-lf-in-one-field-line",
        b"GET /users?limit=1 HTTP/1.1\r\nHost: x\r\nX-Foo: bar\n\r\n",
        400,
    ),
    case(
        "bare-lf-after-request-line",
        b"GET /users?limit=1 HTTP/1.1\nHost: x\r\n\r\n",
        400,
    ),
    # RFC 6585 §5, from the issue: 431 past MAX_HEADER_BYTES (16384) or MAX_HEADERS (100).
    case("header-of-20-kb", get(b"/users", b"X-Big: " + b"a" * 20000), 431),
    case("header-line-of-70-kb", get(b"/users", b"X-Big: " + b"a" * 70000), 431),
    case("150-headers", get(b"/users", *(b"X-H%d: v" % n for n in range(150))), 431),
    # Every byte of the head counts, from the request line to the empty line's CRLF: 16384 pass,
    # 16385 do not, as in Go (Python left out two CRLFs and took up to 16388; Node's parser, which
    # counts by its own rule, took some over 16384 too).
    case("head-of-16384-bytes", get(b"/users?limit=1", b"X-Big: " + b"a" * (16384 - 49)), OK),
    case("head-of-16385-bytes", get(b"/users?limit=1", b"X-Big: " + b"a" * (16385 - 49)), 431),
    case("head-of-16386-bytes", get(b"/users?limit=1", b"X-Big: " + b"a" * (16386 - 49)), 431),
    case("99-headers", get(b"/users?limit=1", *(b"X-H%d: v" % n for n in range(98))), OK),
    # ... and exactly MAX_HEADERS is still within it (Python's http.client counted the empty line
    # as a 101st field and raised: no answer at all).
    case("100-headers", get(b"/users?limit=1", *(b"X-H%d: v" % n for n in range(99))), OK),
    # RFC 9110 §10.1.1: an expectation the server cannot meet is 417; from the issue.
    case("expect-bogus", post(b"Expect: bogus", b"Content-Length: 2", body=b"{}"), 417),
    case("expect-on-get", get(b"/users", b"Expect: bogus"), 417),
    # ... one expectation, 100-continue, is all a server meets: not a list, not two lines (Go's
    # net/http and Node's parser sent 100 Continue to both), and HTTP/1.0 is no exception (Node
    # ignored the field there).
    case(
        "expect-continue-and-more",
        post(b"Expect: 100-continue, bogus", b"Content-Length: 2", body=b"{}"),
        417,
    ),
    case("expect-twice", get(b"/users", b"Expect: 100-continue", b"Expect: 100-continue"), 417),
    case("expect-on-http-1.0", get(b"/users", b"Expect: bogus", version=b"HTTP/1.0"), 417),
    # ... and "100-continue\xa0" is not 100-continue (Python's strip() and Node's trim() took the
    # no-break space for whitespace and sent 100 Continue).
    case("expect-continue-nbsp", get(b"/users", b"Expect: 100-continue\xa0"), 417),
    # ---- the order of the checks (servers/README.md, "Order of checks") ----
    # A request that breaks two rules gets the answer to the first one read: each line as it ends,
    # then the head as a whole (414, Host, Transfer-Encoding, Content-Length, Expect). Node's parser
    # answered a Content-Length, a Transfer-Encoding or an Expect first, and routed a method it does
    # not know (404, 405) before looking at the target or the Host.
    case("bad-name-then-bad-length", get(b"/users", b"X@Y: v", b"Content-Length: "), 400),
    case("bad-host-then-bad-length", b"GET /users HTTP/1.1\r\nHost: a b\r\nContent-Length: x\r\n\r\n", 400),
    case("bad-version-then-te-gzip", get(b"/users", b"Transfer-Encoding: gzip", version=b"HTTP/10.0"), 400),
    case("nul-in-transfer-encoding", get(b"/users", b"Transfer-Encoding: chunked\x00"), 400),
    case("bad-name-then-expect-bogus", get(b"/users", b"X(Y): v", b"Expect: bogus"), 400),
    case(
        "expect-bogus-then-bad-length",
        get(b"/users", b"Expect: bogus", b"Content-Length: 1,1"),
        400,
        LENGTH_NOT_VALID,
    ),
    case("unknown-method-bad-host", b"BREW /users HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
    case("unknown-method-bad-target", b"BREW #x HTTP/1.1\r\nHost: x\r\n\r\n", 400),
    # RFC 9110 §9.1: PRI is a token like any other method outside HTTP/2's preface (llhttp refused
    # it as a broken preface: 400).
    case("pri-method", b"PRI /users HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    # ---- message body framing (RFC 9112 §6) ----
    # RFC 9112 §6.3 item 5, h11 test_headers.py: conflicting lengths.
    case(
        "two-content-lengths",
        post(b"Content-Length: 2", b"Content-Length: 3", body=b"{}"),
        400,
        LENGTH_NOT_VALID,
    ),
    # RFC 9112 §6.3: a list or repeated identical lines MAY be merged; refused (Go's net/http merges
    # identical repeated lines; the framing check refuses them first).
    case("content-length-list", post(b"Content-Length: 2, 2", body=b"{}"), 400, LENGTH_NOT_VALID),
    case(
        "content-length-repeated",
        post(b"Content-Length: %d" % len(BODY2), b"Content-Length: %d" % len(BODY2), body=BODY2),
        400,
        LENGTH_NOT_VALID,
    ),
    case(
        "content-length-repeated-on-get",
        get(b"/users", b"Content-Length: 0", b"Content-Length: 0"),
        400,
        LENGTH_NOT_VALID,
    ),
    # HTTP Garden server bug 10 (CPython and others read "+1_0" with int()).
    case(
        "content-length-plus-underscore", post(b"Content-Length: +1_0", body=b"{}" * 5), 400, LENGTH_NOT_VALID
    ),
    case("content-length-negative", post(b"Content-Length: -1", body=b"{}"), 400, LENGTH_NOT_VALID),
    case("content-length-hex", post(b"Content-Length: 0x2", body=b"{}"), 400, LENGTH_NOT_VALID),
    # HTTP Garden server bug 16 (Go read an empty length as 0).
    case("content-length-empty", post(b"Content-Length: ", body=b"{}"), 400, LENGTH_NOT_VALID),
    # RFC 9112 §6.3: 1*DIGIT after the spaces and tabs around a value are trimmed (RFC 9110 §5.5);
    # a no-break space or a NEL (obs-text) is no whitespace there: Python's str.strip() took "0\xa0"
    # for 0 and answered the GET.
    case("content-length-nbsp", get(b"/users?limit=1", b"Content-Length: 0\xa0"), 400, LENGTH_NOT_VALID),
    case("content-length-nel", post(b"Content-Length: 2\x85", body=b"{}"), 400, LENGTH_NOT_VALID),
    # llhttp test/request/invalid.md "Spaces in Content-Length".
    case("content-length-with-space", post(b"Content-Length: 1 2", body=b"{}"), 400, LENGTH_NOT_VALID),
    # RFC 9110 §8.6: a length past what a 64-bit integer holds must not overflow; refused (it was
    # net/http's plain-text 400 in Go, a 413 in Python).
    case(
        "content-length-19-digits",
        post(b"Content-Length: 9999999999999999999", body=b"{}"),
        400,
        LENGTH_NOT_VALID,
    ),
    # RFC 9110 §15.5.14: a body over the limit is not read, so the connection is closed after the
    # 413 and nothing in that body is taken for a request (Go and Node read and dropped it before).
    case("body-over-16384-bytes", post(b"Content-Length: 16450", body=b"x" * 16416 + SMUGGLED), 413),
    # Kettle, "HTTP Desync Attacks": CL.TE. RFC 9112 §6.1: Transfer-Encoding wins and the server MUST
    # close after answering; a chunked body is refused (411), never what follows served.
    case("cl-te", post(b"Content-Length: 6", b"Transfer-Encoding: chunked", body=b"0\r\n\r\nG"), 411),
    # PortSwigger Academy, TE.CL.
    case(
        "te-cl",
        post(b"Transfer-Encoding: chunked", b"Content-Length: 3", body=b"8\r\nSMUGGLED\r\n0\r\n\r\n"),
        411,
    ),
    # RFC 9112 §6.1: an unknown transfer coding is 501; from the issue (Python gave 411, Node 400).
    case("te-gzip", post(b"Transfer-Encoding: gzip", body=b""), 501),
    # PortSwigger Academy, TE.TE obfuscation: "xchunked", a second coding, a stray value.
    case("te-xchunked", post(b"Transfer-Encoding: xchunked", body=b"0\r\n\r\n"), 501),
    case("te-gzip-chunked", post(b"Transfer-Encoding: gzip, chunked", body=b"0\r\n\r\n"), 501),
    case(
        "te-chunked-then-x",
        post(b"Transfer-Encoding: chunked", b"Transfer-Encoding: x", body=b"0\r\n\r\n"),
        501,
    ),
    # HTTP Garden server bug 11: Transfer-Encoding: chunked twice.
    case(
        "te-chunked-twice",
        post(b"Transfer-Encoding: chunked", b"Transfer-Encoding: chunked", body=b"1\r\nZ\r\n0\r\n\r\n"),
        501,
    ),
    # HTTP Garden server bug 12: \xa0 around "chunked" must not be stripped.
    case("te-nbsp-chunked", post(b"Transfer-Encoding: \xa0chunked\xa0", body=b"0\r\n\r\n"), 501),
    # RFC 9112 §6.1: an empty coding is none that is implemented either; on any method, any version.
    case("te-empty", post(b"Transfer-Encoding: ", b"Content-Length: 2", body=b"{}"), 501),
    case("te-gzip-on-get", get(b"/users", b"Transfer-Encoding: gzip"), 501),
    case(
        "te-gzip-http-1.0",
        b"POST /users HTTP/1.0\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip\r\n\r\n",
        501,
    ),
    # PortSwigger Academy, TE.TE obfuscation: whitespace before the colon.
    case("te-space-colon", post(b"Transfer-Encoding : chunked", body=b"0\r\n\r\n"), 400),
    # A plain chunked body: the contract refuses it (411) and closes the connection.
    # RFC 9112 §7: coding names are case-insensitive (Node compared "chunked" exactly: 501).
    case("te-chunked-mixed-case", post(b"Content-Length: 2", b"Transfer-Encoding: cHuNkEd", body=b"{}"), 411),
    case("te-chunked", post(b"Transfer-Encoding: chunked", body=b"0\r\n\r\n"), 411),
    # RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing, and §6.3 answers
    # that with 400 and a closed connection (as nginx does). Go's net/http ignored the coding, so a
    # kept-alive connection served the body as the next request (request smuggling).
    case(
        "te-chunked-http-1.0",
        b"POST /users HTTP/1.0\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        400,
    ),
    case(
        "te-chunked-http-1.0-keep-alive",
        b"GET /users/nope HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
        + SMUGGLED,
        400,
    ),
    # RFC 9112 §6.3: no Content-Length and no Transfer-Encoding on POST is 411 (RFC 9110 §15.5.12).
    case("post-without-length", post(body=b""), 411),
    case("post-well-formed", post(b"Content-Length: %d" % len(BODY), body=BODY), 201),
    # RFC 9110 §8.3.1: only spaces and tabs surround a media type; "application/json\xa0" is another
    # (Python's strip() and Node's trim() took it for application/json and created the user).
    case(
        "content-type-nbsp",
        b"POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\xa0\r\n"
        b"Content-Length: 2\r\n\r\n{}",
        415,
        "Content-Type must be application/json",
    ),
    # RFC 9112 §9.3 and §6.3, from the issue: a GET with a body, then a pipelined GET: the body is
    # read (or the connection closed), never taken for the next request.
    case(
        "get-with-body-then-pipelined",
        b"GET /users/nope HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello" + SMUGGLED,
        404,
        "user not found",
    ),
]


@pytest.fixture(scope="module")
def stored(users_server) -> dict:
    """A user stored before any case runs, which every case must leave served as it was."""
    response = requests.post(
        users_server.url + "/users",
        timeout=5,
        json={"email": "conformance@example.com", "name": "Conformance"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def expected_status(outcome: Outcome, language: str) -> int:
    return outcome if isinstance(outcome, int) else outcome[language]


def assert_the_contracts_refusal(exchange, status: int, message: str, closes: bool) -> None:
    """servers/README.md, "Status codes and error bodies" and "Caching": a refusal is the JSON of
    the error table, says so, may not be stored, and says when it closes the connection. To a HEAD
    it has the JSON's length and no body (RFC 9112 §6.3: a client reads none after the head)."""
    headers = exchange.headers
    expected = json.dumps({"error": message}, separators=(",", ":")).encode() + b"\n"
    if exchange.sent.startswith(b"HEAD "):
        assert (headers.get("content-length"), exchange.body) == (str(len(expected)), b""), str(exchange)
    else:
        assert exchange.body[: int(headers.get("content-length", "-1"))] == expected, str(exchange)
    assert headers.get("content-type") == "application/json", str(exchange)
    assert headers.get("cache-control") == "no-store", str(exchange)
    if closes:
        assert headers.get("connection") == "close", str(exchange)


def closes(status: int, data: bytes) -> bool:
    """Every refusal of HTTP/1.1 itself ends the connection, so what follows is never served;
    so do the 411 of a chunked body and the 413 of a body over the limit, which are never read."""
    return status in (400, 413, 414, 417, 431, 501, 505) or (status == 411 and b"Transfer-Encoding" in data)


def exchange_all(url: str, data: bytes) -> bytes:
    """Send data on one connection and read until the server closes it."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(data)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received


def test_the_suite_has_at_least_60_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize(("data", "outcome", "message"), CASES)
def test_a_raw_request_gets_its_documented_answer_and_the_server_keeps_serving(
    users_server, stored, data, outcome, message
):
    status = expected_status(outcome, users_server.language)
    exchange = raw_request(users_server.url, data, timeout=5)
    assert exchange.status == status, str(exchange)
    if status >= 400:
        assert_the_contracts_refusal(exchange, status, message or MESSAGES[status], closes(status, data))
    if closes(status, data):
        assert exchange.closed, str(exchange)
    after = requests.get(f"{users_server.url}/users/{stored['id']}", timeout=5)
    assert (after.status_code, after.json()) == (200, stored)


def test_a_get_with_a_body_is_read_in_full_so_the_pipelined_request_is_answered(users_server, stored):
    """RFC 9112 §6.3, from the issue (Python answered once and dropped the second request): the
    first request's body is read, so the second request on the connection gets its own answer."""
    first = b"GET /users/nope HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
    second = f"GET /users/{stored['id']} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    received = exchange_all(users_server.url, first + second)
    assert received.count(b"HTTP/1.1 ") == 2, received
    assert received.startswith(b"HTTP/1.1 404 "), received
    assert received.endswith(json.dumps(stored, separators=(",", ":"), ensure_ascii=False).encode() + b"\n")


def test_an_empty_line_before_a_pipelined_request_is_ignored_too(users_server, stored):
    """RFC 9112 §2.2: a server SHOULD ignore an empty line before a request line, also between two
    requests on one connection (old clients sent a CRLF after a POST body), so both are answered."""
    first = b"GET /users/nope HTTP/1.1\r\nHost: x\r\n\r\n"
    second = f"\r\nGET /users/{stored['id']} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    received = exchange_all(users_server.url, first + second)
    assert received.count(b"HTTP/1.1 ") == 2, received
    assert received.startswith(b"HTTP/1.1 404 "), received
    assert received.endswith(json.dumps(stored, separators=(",", ":"), ensure_ascii=False).encode() + b"\n")


@pytest.mark.parametrize("tag", [b"*\xa0", b"\xa0*", b'"v1"\xa0'])
def test_an_if_match_padded_with_a_no_break_space_matches_nothing(users_server, stored, tag):
    """RFC 9110 §13.1.1 and §5.6.1: If-Match is * or a list of entity-tags with spaces and tabs
    around them; a \xa0 (obs-text) is no such space, so the tag matches nothing: 412 (Python's
    strip() and Node's trim() took "*\xa0" for * and let the write through)."""
    data = (
        (
            f"PATCH /users/{stored['id']} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            "Content-Length: 2\r\nIf-Match: "
        ).encode()
        + tag
        + b"\r\n\r\n{}"
    )
    assert raw_request(users_server.url, data, timeout=5).status == 412


@pytest.mark.parametrize("option", [b"closed", b"x-close", b"close;", b"keep-alive, closer"])
def test_a_connection_option_that_only_contains_close_keeps_the_connection(users_server, stored, option):
    """RFC 9110 §7.6.1: Connection is a comma-separated list of options, and only the option
    "close" closes (Python looked for the substring, and closed after "closed")."""
    first = b"GET /users/nope HTTP/1.1\r\nHost: x\r\nConnection: " + option + b"\r\n\r\n"
    second = f"GET /users/{stored['id']} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    received = exchange_all(users_server.url, first + second)
    assert received.count(b"HTTP/1.1 ") == 2, received
    assert received.startswith(b"HTTP/1.1 404 "), received


@pytest.mark.parametrize(
    ("bad", "status"),
    [
        (b"GET /users HTTP/1.1\r\nHost: x\r\nX-Foo: bar\r\n baz\r\n\r\n", 400),  # obs-fold
        (b"GET /users HTTP/1.1\r\n\r\n", 400),  # no Host
        (get(b"/users", b"Expect: bogus"), 417),
        (get(b"/users", b"Transfer-Encoding: gzip"), 501),
        (get(b"/users", *(b"X-H%d: v" % n for n in range(150))), 431),
        (get(b"/users?x=" + b"a" * 9000), 414),
        (get(version=b"HTTP/2.0"), 505),
    ],
    ids=["obs-fold", "no-host", "expect", "te-gzip", "150-headers", "long-target", "version-2.0"],
)
def test_a_refused_request_behind_a_good_one_is_answered_after_it(users_server, stored, bad, status):
    """Pipelining (RFC 9112 §9.3.2): answers come in the order of the requests, so the refusal of a
    request that breaks the framing comes after the answer to the good one before it, and nothing
    after it is served."""
    first = f"GET /users/{stored['id']} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
    received = exchange_all(users_server.url, first + bad + SMUGGLED)
    assert received.count(b"HTTP/1.1 ") == 2, received
    assert received.startswith(b"HTTP/1.1 200 "), received
    assert b"HTTP/1.1 %d " % status in received, received
    expected = json.dumps({"error": MESSAGES[status]}, separators=(",", ":")).encode() + b"\n"
    assert received.endswith(expected), received


def read_head(sock: socket.socket) -> bytes:
    """Read one response head (up to its blank line) from sock."""
    head = b""
    while b"\r\n\r\n" not in head and (chunk := sock.recv(1)):
        head += chunk
    return head


def test_an_http_1_0_request_is_answered_in_http_1_1_and_its_connection_kept_only_if_it_asks(
    users_server, stored
):
    """RFC 9110 §6.2: a server SHOULD answer in the highest version it conforms to whose major
    version is the request's: HTTP/1.1, Go's included (net/http would write HTTP/1.0). An HTTP/1.0
    connection stays open only if the client asks with Connection: keep-alive, and the answer says
    it does (RFC 9112 Appendix C.2.2); otherwise the answer says close, and closes."""
    path = f"/users/{stored['id']}".encode()
    kept = b"GET " + path + b" HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
    received = exchange_all(users_server.url, kept + b"GET " + path + b" HTTP/1.0\r\n\r\n")
    first, second = heads(received)
    for head in (first, second):
        assert head.startswith(b"HTTP/1.1 200 "), received
    assert b"\r\nconnection: keep-alive\r\n" in first.lower(), received
    assert b"\r\nconnection: close\r\n" in second.lower(), received


def heads(received: bytes) -> list[bytes]:
    """The heads of the answers one after the other in received, each ending in CRLF."""
    found, rest = [], received
    while rest:
        head, _, rest = rest.partition(b"\r\n\r\n")
        length = int(
            next(
                (
                    line.split(b":")[1]
                    for line in head.lower().split(b"\r\n")
                    if line.startswith(b"content-length:")
                ),
                b"0",
            )
        )
        found.append(head + b"\r\n")
        rest = rest[length:]
    return found


@pytest.mark.parametrize("version", ["HTTP/1.1", "HTTP/1.0"])
def test_expect_100_continue_gets_a_100_before_the_body_is_sent_but_never_to_http_1_0(users_server, version):
    """RFC 9110 §10.1.1: a client may wait for 100 (Continue) before it sends a body; the server
    sends it, then reads the body and answers 201. RFC 9110 §15.2: never a 1xx to an HTTP/1.0
    client, so an HTTP/1.0 client that asks gets only the final answer."""
    body = json.dumps({"email": unique_email("expect"), "name": "Ada"}).encode()
    head = (
        f"POST /users {version}\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n"
    ).encode()
    parts = urlsplit(users_server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as sock:
        sock.sendall(head)
        if version == "HTTP/1.1":
            assert read_head(sock) == b"HTTP/1.1 100 Continue\r\n\r\n"
        else:
            sock.settimeout(0.5)
            with pytest.raises(TimeoutError):
                sock.recv(1)  # nothing before the body: the server waits for it
            sock.settimeout(5)
        sock.sendall(body)
        final = read_head(sock)
    assert final.startswith(b"HTTP/1.1 201 "), final
