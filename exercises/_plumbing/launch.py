"""The launch contract, shared by the Python servers of exercises 02 to 08: exercise 01's solution
in a function.

Each exercise's server.py calls serve(its handler class), through the link launch.py beside it
(plumbing.py, for 05 to 07, does too). You need not open this file. serve() listens on 127.0.0.1
only, on the port of the first argument, else $PORT, else 0 (any free port); prints one readiness
line, `listening on http://127.0.0.1:PORT`; runs each connection in a thread of its own, closing it
after 10 silent seconds; and on SIGTERM or Ctrl-C stops accepting, lets the requests in flight
finish and exits 0.
"""

import os
import signal
import socket
import sys
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

HOST = "127.0.0.1"  # only programs on this machine can reach the server
# Seconds one read may wait: a client silent that long, in its headers, its body or between two
# requests, is hung up on, so a slow client holds no thread. (Go and Node count differently:
# 5 s for the headers, 10 s for a whole request, 30 s between two requests.)
IDLE_TIMEOUT = 10


class Server(ThreadingHTTPServer):
    """A thread per connection; server_close() waits for the requests in flight."""

    daemon_threads = False  # a daemon thread would die with the process, its request unanswered

    def process_request(self, request: socket.socket, client_address: Any) -> None:
        # A SIGTERM that landed while the thread starts would leave it half started, and
        # server_close() would fail to join it: hold the signal until the thread runs.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        try:
            super().process_request(request, client_address)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def finish_request(self, request: socket.socket, client_address: Any) -> None:
        request.settimeout(IDLE_TIMEOUT)
        super().finish_request(request, client_address)


def port_from(argv: list[str], environ: dict[str, str]) -> int:
    """The first argument, else $PORT, else 0: whoever starts the server chooses the port."""
    return int(argv[1] if len(argv) > 1 else environ.get("PORT", "0"))


def stop(signum: int, frame: Any) -> None:
    raise SystemExit(0)  # leaves serve_forever(); serve() closes the server, then the process exits 0


def serve(handler_class: type[BaseHTTPRequestHandler],
          server_class: Callable[..., ThreadingHTTPServer] = Server) -> None:
    """Serve with `handler_class` by the launch contract, until SIGTERM or Ctrl-C."""
    # Installed before listening: a launcher may send SIGTERM the moment it reads the readiness line.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server = server_class((HOST, port_from(sys.argv, os.environ)), handler_class)
    # flush=True: a pipe would otherwise hold the line in a buffer, and the launcher wait in vain.
    print(f"listening on http://{HOST}:{server.server_port}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
