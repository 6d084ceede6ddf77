"""Every solution that reads a request body drains on SIGTERM, as the launch contract of exercise 01
asks and as servers/README.md describes for the users servers: a request in flight is answered,
then the process exits 0. A PUT whose body is still arriving when SIGTERM comes is in flight in
every language (the handler waits for the body), so it tells draining from dying."""

from __future__ import annotations

import os
import signal
import socket
import time

import pytest
from test_users_draining import wait_for_exit

from workbook import LANGUAGES
from workbook.launcher import serve
from workbook.paths import SOLUTIONS

# (exercise, the first part of a PUT whose body has 4 more bytes to come)
IN_FLIGHT = [
    ("03_respect_methods", b"PUT /greeting HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"),
    ("04_conditional_requests", b"PUT /note HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "head"), IN_FLIGHT, ids=[name for name, _ in IN_FLIGHT])
def test_a_put_in_flight_at_sigterm_is_answered_and_the_server_exits_0(exercise, head, language):
    server = serve(language, SOLUTIONS / exercise / language)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(head + b"Content-Length: 8\r\n\r\nnew ")
            time.sleep(0.2)  # the handler is waiting for the rest of the body
            os.kill(server.pid, signal.SIGTERM)
            time.sleep(0.2)
            sock.sendall(b"note")
            answer = b""
            while b"\r\n\r\n" not in answer and (chunk := sock.recv(4096)):
                answer += chunk
        status = wait_for_exit(server, seconds=5)  # it exits by itself, once the answer is out
    finally:
        server.stop()
    assert answer.split(b" ", 2)[1:2] == [b"204"], answer
    assert status == 0
