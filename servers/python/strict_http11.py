"""strict_http11: HTTP/1.1 for http.server as strict as Go's net/http, with deadlines and draining.

http.server reads requests leniently: no Host needed, any field name, control characters in values,
no limits a slow client must meet, and a SIGTERM that drops the requests in flight. Go's net/http
and Node's http do this part for the users servers in Go and Node; this module does it for
users.py, which inherits from StrictRequestHandler and runs a DrainingServer, so that users.py
keeps the same sections as its twins. Each rule names its section of RFC 9112 (HTTP/1.1) or
RFC 9110 (HTTP semantics); servers/README.md lists them as rows of the contract.
"""

from __future__ import annotations

import email.parser
import io
import re
import socket
import struct
import threading
import time
from http.client import HTTPMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 §5.6.2: methods and field names
# RFC 9112 §3: method SP request-target SP HTTP-version, one space each, nothing else.
REQUEST_LINE = re.compile(rb"([^ ]+) ([^ ]+) ([^ ]+)")
VERSION = re.compile(rb"HTTP/([0-9])\.([0-9])")  # RFC 9112 §2.3: one digit each side
TARGET = re.compile(rb"[\x21-\x7e]+")  # RFC 9112 §3.2: visible ASCII, no spaces
# RFC 9112 §3.2: origin-form (/...), asterisk-form (*), absolute-form (scheme:...); authority-form
# (host:port) is CONNECT's. RFC 3986 §2.1: a % starts two hex digits (in the path: a bad escape in
# the query is the parameter's own 400, as in Go, whose url.ParseQuery would drop it).
TARGET_FORM = re.compile(rb"/.*|\*|[A-Za-z][A-Za-z0-9+.\-]*:.*")
BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
FIELD_VALUE_FORBIDDEN = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")  # RFC 9110 §5.5: CTLs but HTAB
DIGITS = re.compile(r"[0-9]+")  # RFC 9112 §6.3: Content-Length is 1*DIGIT, ASCII digits only
HOST_VALUE = re.compile(rb"[0-9A-Za-z!$%&'()*+,\-.:;=\[\]_~]*")  # the bytes Go accepts in a Host


class Refusal(Exception):
    """A request that breaks HTTP/1.1 itself: answered with status and message, then closed."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class DeadlineReader(io.RawIOBase):
    """The socket as a raw stream whose every read must finish before the handler's deadline.

    A socket timeout alone bounds each read, so a client dripping one byte a second would never
    trip it; a deadline bounds the whole request, as Go's ReadHeaderTimeout and Node's
    headersTimeout do."""

    def __init__(self, sock: socket.socket, handler: StrictRequestHandler) -> None:
        self.sock, self.handler = sock, handler

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self.handler.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the client missed its deadline")
        self.sock.settimeout(left)
        return self.sock.recv_into(buffer)


class DeadlineWriter(io.RawIOBase):
    """The socket as a raw stream whose every write must finish before the answer's deadline.

    A client that sends requests and never reads the answers fills the kernel's buffers, and then
    sendall waits for it: without a deadline, forever, holding a thread. Go and Node have no such
    deadline by default either; servers/README.md ("Robustness") gives all three WRITE_TIMEOUT."""

    def __init__(self, sock: socket.socket, handler: StrictRequestHandler) -> None:
        self.sock, self.handler = sock, handler

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        left = self.handler.write_deadline - time.monotonic()
        try:
            if left <= 0:
                raise TimeoutError("the client did not take the answer in time")
            self.sock.settimeout(left)
            self.sock.sendall(data)
        except TimeoutError:
            # Hang up with a reset (SO_LINGER 0): closed gently, the socket would go on holding
            # what the kernel has buffered for the client (megabytes) until the client takes it.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.handler.write_failed = True  # nothing left to deliver (no linger)
            raise
        except OSError:
            self.handler.write_failed = True
            raise
        return len(data)


class StrictRequestHandler(BaseHTTPRequestHandler):
    """Reads one request per RFC 9112, within deadlines; subclasses answer it in do_<METHOD>.

    A request that breaks the rules never reaches the subclass: it is answered through
    send_error(status, message) and the connection is closed."""

    protocol_version = "HTTP/1.1"  # keep-alive; http.server's default, HTTP/1.0, closes each time
    max_header_bytes = 16384  # request line and header fields together (431)
    max_headers = 100  # header field lines (431)
    max_target_bytes = 8192  # request-target (414)
    header_timeout = 5.0  # seconds from a request's first byte to the end of its header section
    request_timeout = 10.0  # seconds from a request's first byte to the end of its body
    idle_timeout = 30.0  # seconds a keep-alive connection may wait for its next request
    write_timeout = 10.0  # seconds the client may take to take one answer, from its first byte
    deadline = 0.0
    write_deadline = 0.0
    write_failed = False
    server: DrainingServer

    def setup(self) -> None:
        super().setup()
        self.rfile = io.BufferedReader(DeadlineReader(self.connection, self))
        self.wfile = DeadlineWriter(self.connection, self)
        self.server.track(self, idle=True)

    def finish(self) -> None:
        self.server.untrack(self)
        super().finish()

    def handle(self) -> None:
        self.close_connection = False
        first = True
        # Draining or not, a connection whose last answer did not say "close" waits for its next
        # request: the client may send one. drain() ends the wait, once the server is quiet.
        while not self.close_connection:
            # The first request of a connection gets the header deadline from the start, as in Go.
            self.deadline = time.monotonic() + (self.header_timeout if first else self.idle_timeout)
            first = False
            try:
                if not self.rfile.peek(1):  # wait, idle, for the first byte of the next request
                    return
            except (TimeoutError, OSError):
                return
            if not self.server.track(self, idle=False):  # draining began while we waited
                self.close_connection = True
            self.handle_one_request()
            if self.close_connection and self.server.draining and not self.write_failed:
                self.linger()  # still busy for drain(), which cuts it at its deadline
            self.server.track(self, idle=True)

    def handle_one_request(self) -> None:
        started = time.monotonic()  # the first byte of the request is in
        self.deadline = started + self.header_timeout
        try:
            self.read_request()
        except Refusal as refusal:
            self.close_connection = True
            self.send_error(refusal.status, refusal.message)
            return
        except (TimeoutError, OSError, ValueError):  # too slow, gone, or cut off mid-line
            self.close_connection = True
            return
        self.deadline = started + self.request_timeout  # the body must arrive by then
        try:
            getattr(self, "do_" + self.command)()
            self.wfile.flush()
        except (TimeoutError, ConnectionError):
            self.close_connection = True

    def send_response_only(self, code: int, message: str | None = None) -> None:
        """Start an answer (a 100 Continue too): the client must take all of it within
        write_timeout, or the connection is cut (DeadlineWriter)."""
        self.write_deadline = time.monotonic() + self.write_timeout
        super().send_response_only(code, message)

    def linger(self) -> None:
        """Close in stages (RFC 9112 §9.6): half-close, so the client reads the last answer to its
        end, then read and drop what it still sends until it closes. Closed at once with requests of
        the client's still unread, the connection would be reset by the kernel, and the end of the
        answer, still in the kernel's send buffer, lost."""
        shut(self.connection, socket.SHUT_WR)
        try:
            while (left := self.server.drain_deadline - time.monotonic()) > 0:
                self.connection.settimeout(left)
                if not self.connection.recv(65536):
                    return  # the client closed: it has read everything
        except OSError:
            pass  # drain() cut it at its deadline, or the client reset it

    def read_request(self) -> None:
        """Read and check the request line and header section; set command, path, headers."""
        self.command, self.request_version, self.requestline = "", "HTTP/1.1", ""
        line = self.read_line()
        while line == b"":  # RFC 9112 §2.2: a server SHOULD ignore empty lines before a request
            line = self.read_line()
        self.raw_requestline = line
        self.requestline = line.decode("latin-1")
        parts = REQUEST_LINE.fullmatch(line)
        if not parts or not TOKEN.fullmatch(parts[1]) or not TARGET.fullmatch(parts[2]):
            raise Refusal(400, "request is not valid HTTP")
        form = parts[1] == b"CONNECT" or TARGET_FORM.fullmatch(parts[2])
        if not form or BAD_PERCENT.search(parts[2].split(b"?")[0]):
            raise Refusal(400, "request is not valid HTTP")  # RFC 9112 §3: an invalid request line
        version = VERSION.fullmatch(parts[3])
        if not version:
            raise Refusal(400, "request is not valid HTTP")  # RFC 9112 §2.3: malformed
        if (version[1], version[2]) not in ((b"1", b"0"), (b"1", b"1")):
            raise Refusal(505, "HTTP version is not supported")  # RFC 9110 §15.6.6
        self.command, self.path = parts[1].decode(), parts[2].decode("latin-1")
        self.request_version = parts[3].decode()
        self.headers = self.read_headers(len(line) + 2)
        if len(parts[2]) > self.max_target_bytes:
            raise Refusal(414, "request target is too long")  # RFC 9110 §15.5.15
        self.check_framing()
        # RFC 9110 §7.6.1: Connection is a list of options, so "closed" or "x-close" is no close.
        options = {option.strip(" \t").lower()
                   for value in self.headers.get_all("Connection", []) for option in value.split(",")}
        self.close_connection = "close" in options or (
            self.request_version == "HTTP/1.0" and "keep-alive" not in options)
        expect = self.headers.get_all("Expect", [])
        # Values are already trimmed of spaces and tabs (RFC 9110 §5.5); str.strip() would also
        # take a \xa0 (obs-text) for whitespace, as it would around a Content-Length.
        if expect and [value.lower() for value in expect] != ["100-continue"]:
            raise Refusal(417, "Expect must be 100-continue")  # RFC 9110 §10.1.1
        if expect and self.request_version == "HTTP/1.1":
            self.send_response_only(100)  # RFC 9110 §10.1.1: go on, send the body
            self.end_headers()

    def read_line(self) -> bytes:
        """One line without its CRLF."""
        line = self.rfile.readline(self.max_header_bytes + 1)
        if len(line) > self.max_header_bytes:
            raise Refusal(431, "request headers are too large")  # RFC 6585 §5
        if not line.endswith(b"\n"):
            raise ValueError("the connection ended in the middle of a line")
        # RFC 9112 §2.2: a bare LF MAY be taken as a line end; refused, as in Go and Node, since
        # two programs that disagree on where a line ends disagree on where a request ends.
        if not line.endswith(b"\r\n"):
            raise Refusal(400, "request is not valid HTTP")
        line = line[:-2]
        if b"\r" in line:  # RFC 9112 §2.2: a bare CR MUST be rejected or replaced; rejected
            raise Refusal(400, "request is not valid HTTP")
        return line

    def read_headers(self, size: int) -> HTTPMessage:
        """The header section (RFC 9112 §5), within the limits, each line checked; size: the bytes
        of the head so far, every CRLF counted, as Go's framing.go and Node's FramingConn count."""
        fields: list[bytes] = []
        while (line := self.read_line()) != b"":
            size += len(line) + 2
            if size > self.max_header_bytes or len(fields) >= self.max_headers:
                raise Refusal(431, "request headers are too large")
            if line[:1] in (b" ", b"\t"):
                # RFC 9112 §5.2: obs-fold (a line continuing the one before) is refused or replaced
                # by a space; refused, as in Go and Node: a program that does not unfold it reads
                # another field there.
                raise Refusal(400, "request is not valid HTTP")
            name, colon, value = line.partition(b":")
            # RFC 9112 §5.1: no whitespace between name and colon (the name must be a token).
            if not colon or not TOKEN.fullmatch(name):
                raise Refusal(400, "request is not valid HTTP")
            if FIELD_VALUE_FORBIDDEN.search(value):  # NUL, ESC, DEL and other controls
                raise Refusal(400, "request is not valid HTTP")
            fields.append(name + b": " + value.strip(b" \t"))
        if size + 2 > self.max_header_bytes:  # the empty line that ends the head counts too
            raise Refusal(431, "request headers are too large")
        # Not http.client.parse_headers, which counts the empty line as a field line and raises
        # (an exception no handler catches: no answer) on a head of exactly max_headers fields.
        text = b"\r\n".join([*fields, b"", b""]).decode("latin-1")
        return email.parser.Parser(_class=HTTPMessage).parsestr(text)

    def check_framing(self) -> None:
        """Host and the body's framing (RFC 9112 §3.2, §6): what Go's net/http checks."""
        hosts = self.headers.get_all("Host", [])
        if (self.request_version == "HTTP/1.1" and len(hosts) != 1) or len(hosts) > 1:
            raise Refusal(400, "request is not valid HTTP")  # RFC 9112 §3.2: exactly one Host
        if hosts and not HOST_VALUE.fullmatch(hosts[0].encode("latin-1")):
            raise Refusal(400, "request is not valid HTTP")
        codings = self.headers.get_all("Transfer-Encoding", [])
        # strip(" \t"), not strip(): "\xa0chunked" is not chunked (HTTP Garden, server bug 12).
        if codings and ", ".join(codings).strip(" \t").lower() != "chunked":
            raise Refusal(501, "Transfer-Encoding must be chunked")  # RFC 9112 §6.1
        if codings and self.request_version == "HTTP/1.0":
            # RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing (a
            # program on the way may not know the coding); §6.3: 400, and close.
            raise Refusal(400, "request is not valid HTTP")
        lengths = self.headers.get_all("Content-Length", [])
        if not codings and (len(lengths) > 1 or (lengths and not DIGITS.fullmatch(lengths[0]))):
            # RFC 9112 §6.3: two lengths, or one that is not digits, let two programs on the way
            # disagree on where the body ends (request smuggling): refuse instead of picking one.
            raise Refusal(400, "Content-Length is not valid")
        if not codings and lengths and len(lengths[0]) > 18:
            # RFC 9110 §8.6: a length too long for a 64-bit integer is refused (Go and Node
            # cannot hold it), not read as a body no client sends.
            raise Refusal(400, "Content-Length is not valid")

    def skip_body(self, limit: int) -> bool:
        """Read and drop a body nobody wanted, so the next request on the connection starts where
        it should; False (close the connection instead) for a chunked body or one over limit."""
        if "Transfer-Encoding" in self.headers:
            return False
        length = int(self.headers.get("Content-Length", "0"))
        if length > limit:
            return False
        return len(self.rfile.read(length)) == length


class DrainingServer(ThreadingHTTPServer):
    """A thread per connection; on drain(), stop accepting, close idle connections at once, let
    requests in flight finish (their answers say Connection: close), and wait up to a deadline."""

    daemon_threads = True  # a thread still stuck past the drain deadline does not hold the exit
    request_queue_size = 128  # connections waiting for accept(); socketserver's 5 drops bursts

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lock = threading.Lock()
        self.idle: dict[StrictRequestHandler, bool] = {}  # every open connection: is it idle?
        self.draining = False
        self.drain_deadline = 0.0  # set by drain(): the lingering connections' end
        self.requests = 0  # requests begun, for drain()

    def track(self, handler: StrictRequestHandler, idle: bool) -> bool:
        """Record whether a connection waits for a request; False once draining has begun."""
        with self.lock:
            self.idle[handler] = idle
            self.requests += not idle
            return not self.draining

    def untrack(self, handler: StrictRequestHandler) -> None:
        with self.lock:
            self.idle.pop(handler, None)

    def drain(self, timeout: float, quiet: float = 0.02) -> None:
        """Call from another thread than serve_forever's."""
        deadline = self.drain_deadline = time.monotonic() + timeout
        self.shutdown()  # serve_forever returns: no more accept()
        self.socket.close()  # new connections are refused, so a balancer tries another replica
        with self.lock:
            self.draining = True  # from now on every answer closes its connection
        # Close the idle connections once `quiet` seconds pass without a new request. A thread
        # waits for the GIL before it can see that a request arrived on its connection, so a
        # request a balancer has just sent may wait unread, and closing its connection would
        # reset it; with the listener closed, the balancer soon sends nothing more here.
        seen = -1
        while seen != self.requests and time.monotonic() < deadline:
            seen = self.requests
            time.sleep(quiet)
        with self.lock:
            for handler, idle in self.idle.items():
                if idle:  # no request under way: wake its read with end-of-file
                    shut(handler.connection, socket.SHUT_RD)
        while self.idle and time.monotonic() < deadline:
            time.sleep(0.02)
        with self.lock:
            for handler in self.idle:  # past the deadline: cut what is left
                shut(handler.connection, socket.SHUT_RDWR)


def shut(connection: socket.socket, how: int) -> None:
    try:
        connection.shutdown(how)
    except OSError:
        pass  # already closed by its thread
