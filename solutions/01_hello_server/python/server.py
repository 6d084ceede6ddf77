# BEGIN SOLUTION
"""Exercise 01, solved: a hello server that follows the launch contract.

    python3 solutions/01_hello_server/python/server.py [PORT]

Each numbered comment is the TODO of the starter it answers, and why the contract asks for it.
"""
# STARTER
# | """Exercise 01: a hello server that a launcher can start, reach and stop.
# |
# |     python3 exercises/01_hello_server/python/server.py
# |
# | It runs as it is (it listens on port 8000: try it), but it breaks every rule of the launch
# | contract in servers/README.md. Do the TODOs in order, then `make check EX=01 IN=python`.
# | """
# END SOLUTION

import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

# BEGIN SOLUTION
# 3. 127.0.0.1 is the loopback address: only programs on this machine can connect. "0.0.0.0"
# would accept connections on every network interface, from anyone who can reach the machine.
HOST = "127.0.0.1"
# STARTER
# | # TODO 3: listen on 127.0.0.1 only. "0.0.0.0" means every address of this machine.
# | HOST = "0.0.0.0"
# END SOLUTION


class Hello(BaseHTTPRequestHandler):
    # A silent connection is closed after 10 s, as Go and Node do: a slow client cannot hold a thread.
    timeout = 10

    # BEGIN SOLUTION
    # 2. http.server calls do_<METHOD>; a GET for "/" lands here.
    def do_GET(self) -> None:
        body = b"Hello, World!\n"
        self.send_response(200)
        # Say what the bytes are: text, in UTF-8. A client should never have to guess.
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        # Say where the body ends, so the client need not wait for the connection to close.
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def port_from(argv: list[str], environ: dict[str, str]) -> int:
    """4. The first argument, else $PORT, else 0: whoever starts the server chooses the port."""
    return int(argv[1] if len(argv) > 1 else environ.get("PORT", "0"))
    # STARTER
    # |     # TODO 2: answer GET / with 200 and a short text/plain body, e.g. "Hello, World!\n".
    # |     # (With no do_GET method, http.server answers every GET with 501 Not Implemented.)
    # |     pass
    # END SOLUTION


def main() -> None:
    # BEGIN SOLUTION
    server = HTTPServer((HOST, port_from(sys.argv, os.environ)), Hello)
    # 5. Process managers stop a server with SIGTERM. By default it kills Python on the spot
    # (exit status -15); raising KeyboardInterrupt instead lets the code below run and exit 0.
    # Set up before the readiness line: a launcher may send SIGTERM the moment it reads it.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    # SIGINT (Ctrl-C) raises it by default, unless the parent ignored SIGINT (a shell's `cmd &`
    # does): then Python ignores it too. Said here, it holds wherever the server is started.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        # 1. Port 0 asks the OS for any free port, so only the server knows the real one: it says
        # so in one line, once it accepts connections. flush=True: a pipe would otherwise hold the
        # line in a buffer, and the launcher would wait for it in vain.
        print(f"listening on http://{HOST}:{server.server_port}", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    # STARTER
    # |     # TODO 4: the port is the first command-line argument, else $PORT, else 0 (any free port).
    # |     port = 8000
    # |     server = HTTPServer((HOST, port), Hello)
    # |     # TODO 1: print exactly one readiness line, `listening on http://127.0.0.1:PORT`, with the
    # |     # port the server really got, and flush it so that a launcher sees it at once.
    # |     # TODO 5: exit with status 0 on SIGTERM (and on Ctrl-C, SIGINT).
    # |     server.serve_forever()
    # END SOLUTION


if __name__ == "__main__":
    main()
