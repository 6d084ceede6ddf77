"""The three smallest servers give the same answer to the same request, and keep the launch
contract (servers/README.md)."""

import signal
import subprocess

import requests

from workbook import serve
from workbook.launcher import command_for, source_of


def test_hello_answers_get_with_the_same_text_in_every_language(language):
    with serve(language, "hello") as srv:
        response = requests.get(srv.url + "/", timeout=5)
    assert response.status_code == 200
    assert response.text == "Hello, World!\n"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Length"] == "14"


def test_hello_prints_exactly_one_readiness_line(language):
    with serve(language, "hello") as srv:
        requests.get(srv.url, timeout=5)
        printed = srv.output().splitlines()
    assert [line for line in printed if line.startswith("listening on")] == [f"listening on {srv.url}"]


def test_hello_exits_0_on_sigint_even_when_started_with_sigint_ignored(language):
    """servers/README.md: exits 0 on SIGTERM or SIGINT. A script's `server &` starts the process
    with SIGINT ignored, and a server that only relies on the default stays deaf to it."""
    command = command_for(language, source_of(language, "hello"), 0, ())
    ignore = lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)  # noqa: E731
    with subprocess.Popen(command, stdout=subprocess.PIPE, preexec_fn=ignore, text=True) as process:
        try:
            assert process.stdout.readline().startswith("listening on http://127.0.0.1:")
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=5) == 0
        finally:
            process.kill()
