"""Exercise 01: a hello server that a launcher can start, reach and stop.

    python3 exercises/01_hello_server/python/server.py

It runs as it is (it listens on port 8000: try it), but it breaks every rule of the launch
contract in servers/README.md. Do the TODOs in order, then `make check EX=01 IN=python`.
"""

import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

# TODO 3: listen on 127.0.0.1 only. "0.0.0.0" means every address of this machine.
HOST = "0.0.0.0"


class Hello(BaseHTTPRequestHandler):
    # A silent connection is closed after 10 s, as Go and Node do: a slow client cannot hold a thread.
    timeout = 10

    # TODO 2: answer GET / with 200 and a short text/plain body, e.g. "Hello, World!\n".
    # (With no do_GET method, http.server answers every GET with 501 Not Implemented.)
    pass


def main() -> None:
    # TODO 4: the port is the first command-line argument, else $PORT, else 0 (any free port).
    port = 8000
    server = HTTPServer((HOST, port), Hello)
    # TODO 1: print exactly one readiness line, `listening on http://127.0.0.1:PORT`, with the
    # port the server really got, and flush it so that a launcher sees it at once.
    # TODO 5: exit with status 0 on SIGTERM (and on Ctrl-C, SIGINT).
    server.serve_forever()


if __name__ == "__main__":
    main()
