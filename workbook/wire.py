"""Show HTTP the way it travels: the request and response bytes around a library call.

    exchange("GET", srv.url + "/users/1")        # requests does the work; you see the wire
    raw_request(srv.url, b"GET / HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")   # you write the bytes yourself

Both return an object whose text is the transcript, so a notebook cell that ends with the call shows
it; `print(...)` does the same anywhere else.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

MAX_BODY_SHOWN = 1500  # characters of a body shown before the rest is summarised


def _body_text(body: bytes) -> str:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        # Text with a few bytes that are not UTF-8 shows them as \xNN, where they are: often they
        # are the point (a check that sends 0xFF inside JSON); mostly such bytes: binary data.
        bad = len(body) - len(body.decode("utf-8", "ignore").encode())
        if bad > max(8, len(body) // 10):
            return f"({len(body)} bytes of binary data)"
        text = body.decode("utf-8", "backslashreplace")
    if len(text) > MAX_BODY_SHOWN:
        return text[:MAX_BODY_SHOWN] + f"… ({len(text) - MAX_BODY_SHOWN} more characters)"
    return text


def _quote(lines: list[str], mark: str) -> str:
    return "\n".join(f"{mark} {line}".rstrip() for line in lines)


@dataclass
class Exchange:
    """One request made with `requests`, shown as the lines that travelled."""

    request: requests.PreparedRequest
    response: requests.Response

    def request_lines(self) -> list[str]:
        parts = urlsplit(self.request.url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        # http.client sends Host first, then the headers requests prepared, in their order.
        lines = [f"{self.request.method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
        lines += [f"{name}: {value}" for name, value in self.request.headers.items()]
        body = self.request.body or b""
        body = body.encode() if isinstance(body, str) else body
        return lines + [""] + (_body_text(body).splitlines() if body else [])

    def response_lines(self) -> list[str]:
        raw = self.response.raw
        version = {10: "HTTP/1.0", 11: "HTTP/1.1"}.get(getattr(raw, "version", 11), "HTTP/1.1")
        lines = [f"{version} {self.response.status_code} {self.response.reason}"]
        lines += [f"{name}: {value}" for name, value in raw.headers.iteritems()]
        body = self.response.content
        return lines + [""] + (_body_text(body).splitlines() if body else [])

    def __str__(self) -> str:
        return _quote(self.request_lines(), ">") + "\n\n" + _quote(self.response_lines(), "<")

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def exchange(method: str, url: str, **kwargs) -> Exchange:
    """Send one request with `requests` (same keyword arguments) and keep what travelled.

    Redirects are not followed unless `allow_redirects=True`; then the exchange shows the last
    request and its response (the earlier ones are in `.response.history`)."""
    kwargs.setdefault("timeout", 10)
    follow = kwargs.pop("allow_redirects", False)
    timeout = kwargs.pop("timeout")
    with requests.Session() as session:
        prepared = session.prepare_request(requests.Request(method, url, **kwargs))
        response = session.send(prepared, allow_redirects=follow, timeout=timeout)
    return Exchange(response.request, response)


def show_bytes(data: bytes) -> str:
    """Bytes as readable lines: CR and LF are written out, anything unprintable is escaped."""
    text = data.decode("latin-1")
    escaped = "".join(
        {"\r": "\\r", "\n": "\\n\n", "\t": "\\t"}.get(ch, ch)
        if ch in "\r\n\t" or ch.isprintable() and ord(ch) < 0x7F
        else f"\\x{ord(ch):02x}"
        for ch in text
    )
    return escaped.rstrip("\n")


def _complete(data: bytes, head_only: bool) -> bool:
    """True once `data` holds one whole HTTP response (by Content-Length or chunked framing)."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False
    head = data[:end].decode("latin-1").lower()
    status = head[9:12]
    if head_only or status in ("204", "304") or status.startswith("1"):
        return True
    body = data[end + 4 :]
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip() == "content-length" and value.strip().isdigit():
            return len(body) >= int(value)
        if name.strip() == "transfer-encoding" and "chunked" in value:
            return body.endswith(b"0\r\n\r\n")
    return False  # no framing: the body ends when the server closes the connection


def _closing(data: bytes) -> bool:
    """True when the response says the server will close the connection after it."""
    head = data.split(b"\r\n\r\n", 1)[0].lower()
    if b"\r\nconnection: close" in head:
        return True
    return head.startswith(b"http/1.0") and b"\r\nconnection: keep-alive" not in head


@dataclass
class RawExchange:
    """Bytes written to a socket and the bytes that came back, exactly."""

    sent: bytes
    received: bytes
    closed: bool  # did the server close the connection?

    def __str__(self) -> str:
        sent = _quote(show_bytes(self.sent).splitlines(), ">")
        received = _quote(show_bytes(self.received).splitlines(), "<") if self.received else "< (no bytes)"
        end = "(the server closed the connection)" if self.closed else "(the connection is still open)"
        return f"{sent}\n\n{received}\n{end}"

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    @property
    def status(self) -> int | None:
        """The status code of the first response, or None if none came back."""
        parts = self.received.split(b" ", 2)
        return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None

    @property
    def headers(self) -> dict[str, str]:
        """The response's headers, names in lower case (a repeated header: its last value)."""
        head = self.received.partition(b"\r\n\r\n")[0].decode("latin-1")
        fields = (line.partition(":") for line in head.split("\r\n")[1:])
        return {name.strip().lower(): value.strip() for name, _, value in fields}

    @property
    def body(self) -> bytes:
        """Every byte after the blank line that ends the response head, as it came."""
        return self.received.partition(b"\r\n\r\n")[2]


def raw_request(url: str, data: bytes, *, timeout: float = 3.0) -> RawExchange:
    """Send exact bytes to the server at `url`; return when one response is in or it closes."""
    parts = urlsplit(url)
    head_only = data.startswith(b"HEAD ")
    received = b""
    closed = False
    deadline = time.monotonic() + timeout
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(data)
        while time.monotonic() < deadline:
            if _complete(received, head_only) and not _closing(received):
                break
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            received += chunk
    return RawExchange(data, received, closed)
