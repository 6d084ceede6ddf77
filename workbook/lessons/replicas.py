"""Replicas of the `users` server on one shared store, replaced one at a time (lesson 09).

    replicas = Replicas()                    # one users server per language, on one USERS_STORE
    lb = balance(replicas, show_upstream=True)
    replicas.replace("python")               # out of rotation, SIGTERM (it drains), a new one, back in
    replicas.replace("node", language="go")  # the same slot, another language: the client can't tell
    Replicas({"A": "go", "B": "go"})         # names of your own

    write = WriteInFlight(replicas["go"].url + "/users", {"email": ..., "name": ...})
    replicas.replace("go")                   # SIGTERM while the POST's body is still arriving
    write.exchange()                         # what was sent, and the answer: 201, Connection: close

A process manager (systemd, Kubernetes, a deploy script) replaces a replica in the same order:
it takes the replica out of the balancer's rotation and waits until the balancer sends it nothing
new; sends SIGTERM, and waits for the process to finish what it is doing and exit (SIGKILL only
after a grace period); starts the new one and waits until it is ready; puts it back in rotation.
The store is a temporary folder: in a notebook it goes when the cell that made it runs again (after
its servers stop) or when the kernel ends.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import weakref
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from .. import cells
from ..launcher import LANGUAGES, Server, serve
from ..scratch import temporary_folder
from ..wire import RawExchange

# How long a `users` server may take to drain after SIGTERM (servers/README.md, "Robustness").
DRAIN_TIMEOUT = 10.0
# What a process manager waits after SIGTERM before it sends SIGKILL: longer than the server's own
# deadline, so that SIGKILL is only for a server that does not keep it.
GRACE = DRAIN_TIMEOUT + 2


class Replicas(dict[str, Server]):
    """Replicas by name (their language, unless named): a dict of running servers on one store."""

    def __init__(self, languages: tuple[str, ...] | Mapping[str, str] = LANGUAGES, program: str = "users"):
        super().__init__()
        named = dict(languages) if isinstance(languages, Mapping) else {name: name for name in languages}
        self.store = temporary_folder("users-store")
        self.env = {"USERS_STORE": str(self.store)}
        self._balancers: weakref.WeakSet = weakref.WeakSet()
        self._cell = cells.current_cell()  # in a notebook, replacements belong to this cell too
        # All at once: each start mostly waits for its process to be ready.
        with ThreadPoolExecutor(len(named) or 1) as pool:
            started = {name: pool.submit(serve, lang, program, env=self.env) for name, lang in named.items()}
        failed = [future.exception() for future in started.values() if future.exception()]
        for name, future in started.items():
            if not future.exception():
                self[name] = future.result()
        if failed:
            self.stop()
            self.store.remove()
            raise failed[0]
        # In a notebook: when the cell that made these runs again, balancers in front of them stop
        # too (they would answer 502 for replicas that are gone), so that a cell still using one
        # says, in one line, to run the balancer's cell again.
        cells.adopt(self, self._retire)

    def balanced_by(self, balancer: Server) -> None:
        """Called by a balancer started in front of these: replace() takes replicas out of its rotation."""
        self._balancers.add(balancer)

    def replace(self, name: str, language: str | None = None) -> int | None:
        """Replace replica `name` with a new one in `language` (the same by default), on the same
        port and store, as a process manager does; return the old one's exit status."""
        old = self[name]
        balancers = [b for b in list(self._balancers) if b.running() and b.rotation is not None]
        for balancer in balancers:
            balancer.take_out(old)  # 1. no new requests; returns once the balancer knows
        status = old.stop(grace=GRACE)  # 2. SIGTERM: it finishes what is in flight, then exits
        with cells.owned_by(self._cell):  # 3. a new one, ready
            new = serve(language or old.language, old.program, port=old.port, env=self.env)
        self[name] = new
        for balancer in balancers:
            balancer.put_back(new)  # 4. in rotation again
        return status

    def languages(self) -> dict[str, str]:
        """Which language runs in each slot now."""
        return {name: server.language for name, server in self.items()}

    def stop(self) -> dict[str, int | None]:
        """Stop every replica at once, without taking it out of rotation first (each drains, as in
        replace); their exit statuses."""
        # The same grace as replace: a request in flight may take up to DRAIN_TIMEOUT, longer than
        # the launcher's default 3 s before SIGKILL.
        return {name: server.stop(grace=GRACE) for name, server in self.items()}

    def _retire(self) -> None:
        """Stop the balancers in front of these replicas, then the replicas."""
        for balancer in list(self._balancers):
            balancer.stop()
        self.stop()


class WriteInFlight:
    """A POST whose body is still arriving when its server is told to stop: the head and half the
    body are sent at once, the rest only once the server refuses new connections (it got SIGTERM
    and is draining). `exchange()` waits for the answer, and the server's closing of the connection."""

    def __init__(self, url: str, body: dict, timeout: float = 15.0):
        parts = urlsplit(url)
        payload = json.dumps(body).encode()
        head = (
            f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        ).encode()
        self._address = (parts.hostname, parts.port)
        self._first, self._rest = head + payload[: len(payload) // 2], payload[len(payload) // 2 :]
        self._received = b""
        self._closed = False
        self._sock = socket.create_connection(self._address, timeout=timeout)
        self._sock.sendall(self._first)
        self._finish = threading.Thread(target=self._send_rest_when_draining, args=(timeout,), daemon=True)
        self._finish.start()

    def _refuses_connections(self) -> bool:
        try:
            socket.create_connection(self._address, timeout=0.5).close()
        except ConnectionRefusedError:
            return True
        except OSError:
            return False
        return False

    def _send_rest_when_draining(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        try:
            while not self._refuses_connections() and time.monotonic() < deadline:
                time.sleep(0.02)
            self._sock.sendall(self._rest)
            while chunk := self._sock.recv(65536):
                self._received += chunk
            self._closed = True
        except OSError:
            self._closed = True
        finally:
            self._sock.close()

    def exchange(self) -> RawExchange:
        """Wait for the answer; the bytes sent (both parts) and received, and whether it closed."""
        self._finish.join()
        return RawExchange(self._first + self._rest, self._received, self._closed)
