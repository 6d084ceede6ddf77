"""Send the same request to several servers and summarise what each answered (lesson 02).

table([[name] + [summarize(raw_request(srv.url, data)) for srv in servers.values()]
       for name, data in PROBES.items()], ["probe", *servers])
"""

from __future__ import annotations

from http import HTTPStatus

import requests

from ..show import Table, table
from ..wire import RawExchange

# One request per row of lesson 02's probe table, byte for byte. None asks for `Connection: close`:
# each shows what a server does with an ordinary HTTP/1.1 request, keep-alive included.
PROBES: dict[str, bytes] = {
    "GET /": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "HEAD /": b"HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "POST / with a body": b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nhi",
    "DELETE /": b"DELETE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "BREW / (no such method)": b"BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "GET / without Host": b"GET / HTTP/1.1\r\n\r\n",
    "GET /no/such/page": b"GET /no/such/page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
}

HELLO = b"Hello, World!\n"


def status_line(raw: RawExchange) -> str:
    """The first line of the response, e.g. 'HTTP/1.0 501 Unsupported method ('BREW')'."""
    return raw.received.split(b"\r\n", 1)[0].decode("latin-1")


def body_of(raw: RawExchange) -> bytes:
    """The bytes after the blank line that ends the response head (de-chunked if need be)."""
    body = raw.body
    if raw.headers.get("transfer-encoding", "").lower() == "chunked":
        unchunked = b""
        while body:
            size_line, _, rest = body.partition(b"\r\n")
            size = int(size_line.split(b";")[0] or b"0", 16)
            if size == 0:
                break
            unchunked, body = unchunked + rest[:size], rest[size + 2 :]
        body = unchunked
    return body


def summarize(raw: RawExchange) -> str:
    """One table cell: the status code, then the server's own reason phrase if it chose one,
    else what the body was ('Hello, World!', 'no body', or its first line)."""
    if raw.status is None:
        return "no response" + (", connection closed" if raw.closed else "")
    reason = status_line(raw).split(" ", 2)[2] if status_line(raw).count(" ") >= 2 else ""
    try:
        standard = HTTPStatus(raw.status).phrase
    except ValueError:  # a status code Python does not know has no standard phrase
        standard = ""
    if reason and reason != standard:
        return f"{raw.status} {reason}"
    body = body_of(raw)
    if body == HELLO:
        return f"{raw.status} Hello, World!"
    if not body:
        return f"{raw.status} no body"
    first = body.decode("utf-8", "replace").splitlines()[0]
    return f"{raw.status} {first[:40]}{'…' if len(first) > 40 else ''}"


def http_version(response: requests.Response) -> str:
    """The HTTP version the server answered with, as in its status line."""
    return {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(response.raw.version, f"HTTP/{response.raw.version}")


def side_by_side(responses: dict[str, requests.Response]) -> Table:
    """One column per server: the status line, every header any of them sent, the body."""
    # Header names are case-insensitive: one row per name, spelled as the first server spelled it.
    names: dict[str, str] = {}
    for response in responses.values():
        for name in response.headers:
            names.setdefault(name.lower(), name)
    rows = [["status line"] + [f"{http_version(r)} {r.status_code} {r.reason}" for r in responses.values()]]
    rows += [[name] + [r.headers.get(name, "—") for r in responses.values()] for name in names.values()]
    rows += [["body"] + [repr(r.text) for r in responses.values()]]
    return table(rows, ["", *responses])
