"""hello: the smallest HTTP server Python's standard library can run.

    python3 servers/python/hello.py [PORT]

The library's usual first example, changed in four ways a launcher needs (each marked below):
127.0.0.1, the port from the command line, one readiness line, a clean exit on SIGTERM.
"""

import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

# 127.0.0.1, not 0.0.0.0: only programs on this machine can reach a lesson's server.
HOST = "127.0.0.1"


class Hello(BaseHTTPRequestHandler):
    # http.server calls do_<METHOD>, a method named after the request's method.
    def do_GET(self):
        body = b"Hello, World!\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    # The port: first argument, else $PORT, else 0 (the OS picks any free port).
    port = int(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PORT", "0"))
    # SIGTERM (what process managers send) stops the loop the way Ctrl-C's SIGINT does, both
    # caught from here on, before anyone is told the server is ready. SIGINT is named too: started
    # in the background of a script, a process begins with it ignored, and Python leaves it so.
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, signal.default_int_handler)
    server = HTTPServer((HOST, port), Hello)
    try:
        # Exactly one readiness line: a launcher waits for it and reads the real port from it.
        # Inside the try: a SIGTERM sent the moment the line is read still ends the server cleanly.
        print(f"listening on http://{HOST}:{server.server_port}", flush=True)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
