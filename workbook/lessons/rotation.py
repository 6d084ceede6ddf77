"""Which replicas a balancer may send new requests to: its rotation, changed without a reload.

    rotation = Rotation()                     # answers Caddy's active health checks
    caddy_config(..., rotation=rotation.address)
    rotation.take_out("127.0.0.1:8001")       # returns once Caddy has been told, twice
    rotation.put_back("127.0.0.1:8001")

Caddy asks every CHECK_INTERVAL, for each upstream, `GET /in-rotation` here, naming the upstream in
an `X-Target-Upstream` header: `200` keeps it in rotation, `503` takes it out (an *active health
check*, pointed at this endpoint instead of at the upstream itself). A process manager replacing a
replica does this first, as Kubernetes removes a terminating pod from its Service's endpoints (a
`preStop` pause makes that come before SIGTERM). A change of Caddy's configuration through its admin
API would do it too, but a reload closes the idle keep-alive connections of every client, and a
POST that meets one in that instant is lost (RFC 9112, section 9.5): measured with four clients
posting through Caddy, 40 reloads lost 14 POSTs. This changes nothing but the answer to a check.

The endpoint is a thread of this process; it stops with the balancer that uses it, or with this
process.
"""

from __future__ import annotations

import threading
import weakref
from http.server import BaseHTTPRequestHandler, HTTPServer

CHECK_INTERVAL = "50ms"  # how often Caddy asks (its default, 30 s, is for real health checks)
TARGET = "X-Target-Upstream"


class RotationTimeout(RuntimeError):
    """The balancer did not ask about an upstream in time (is it running?)."""


class Rotation:
    """The in-rotation endpoint: `.address` (host:port), `.take_out(address)`, `.put_back(address)`."""

    def __init__(self):
        self._out: set[str] = set()
        self._changes: dict[str, int] = {}  # address -> how often its state was set
        self._told: dict[str, int] = {}  # address -> answers given since its state was last set
        self._changed = threading.Condition()
        owner = weakref.ref(self)  # the thread must not keep this object alive: its finalizer stops it

        class Handler(BaseHTTPRequestHandler):
            timeout = 5  # a connection that sends nothing does not hold the one thread for long

            def do_GET(self) -> None:
                rotation = owner()
                address = self.headers.get(TARGET, "")
                in_rotation, change = rotation._verdict(address) if rotation else (False, 0)
                self.send_response(200 if in_rotation else 503)
                self.send_header("Content-Length", "0")
                self.end_headers()
                self.wfile.flush()
                if rotation:
                    rotation._count(address, change)

            def log_message(self, *args) -> None:  # 20 checks a second per upstream: no log
                pass

        self._server = HTTPServer(("127.0.0.1", 0), Handler)  # HTTP/1.0: one check per connection
        self.address = f"127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        self._finalizer = weakref.finalize(self, _close, self._server, self._thread)

    def _verdict(self, address: str) -> tuple[bool, int]:
        with self._changed:
            return address not in self._out, self._changes.get(address, 0)

    def _count(self, address: str, change: int) -> None:
        """Count an answer, unless the upstream's state was set again while it was being given."""
        with self._changed:
            if self._changes.get(address, 0) == change:
                self._told[address] = self._told.get(address, 0) + 1
                self._changed.notify_all()

    def _set(self, address: str, in_rotation: bool, timeout: float) -> None:
        with self._changed:
            (self._out.discard if in_rotation else self._out.add)(address)
            self._changes[address] = self._changes.get(address, 0) + 1
            self._told[address] = 0
            # Twice: Caddy acts on an answer as soon as it reads it, and asks again a full interval
            # later, so by the second answer it has acted on the first.
            if not self._changed.wait_for(lambda: self._told[address] >= 2, timeout):
                state = "back in" if in_rotation else "out of"
                raise RotationTimeout(
                    f"the balancer did not ask about {address} within {timeout:g} s "
                    f"(to put it {state} rotation): is it running?"
                )

    def take_out(self, address: str, timeout: float = 5.0) -> None:
        """Take `address` (host:port) out of rotation; return once the balancer knows."""
        self._set(address, False, timeout)

    def put_back(self, address: str, timeout: float = 5.0) -> None:
        """Put `address` back in rotation; return once the balancer knows."""
        self._set(address, True, timeout)

    def in_rotation(self, address: str) -> bool:
        with self._changed:
            return address not in self._out

    def close(self) -> None:
        """Stop answering (the balancer that asks should be stopped first)."""
        self._finalizer()


def _close(server: HTTPServer, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(1)
