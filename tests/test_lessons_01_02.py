"""What lessons 01 and 02 show, checked here too, so a stored notebook output is never the only proof."""

import socket
import threading

import nbformat
import pytest
import requests

from workbook import LANGUAGES, raw_request, serve
from workbook.lessons.defaults import PROBES, side_by_side, summarize
from workbook.paths import ROOT

# Lesson 02's probe table, cell for cell: how each standard library's defaults answer each probe.
PROBE_TABLE = {
    "GET /": ("200 Hello, World!", "200 Hello, World!", "200 Hello, World!"),
    "HEAD /": ("501 Unsupported method ('HEAD')", "200 no body", "200 no body"),
    "POST / with a body": ("501 Unsupported method ('POST')", "200 Hello, World!", "200 Hello, World!"),
    "DELETE /": ("501 Unsupported method ('DELETE')", "200 Hello, World!", "200 Hello, World!"),
    "BREW / (no such method)": ("501 Unsupported method ('BREW')", "400 no body", "200 Hello, World!"),
    "GET / without Host": (
        "200 Hello, World!",
        "400 no body",
        "400 Bad Request: missing required Host header",
    ),
    "GET /no/such/page": ("200 Hello, World!", "200 Hello, World!", "200 Hello, World!"),
}


@pytest.fixture(scope="module")
def hello_servers():
    """The three hello servers, started once for this module."""
    servers = {}
    try:
        for language in LANGUAGES:
            servers[language] = serve(language, "hello")
        yield servers
    finally:
        for srv in servers.values():
            srv.stop()


# Lesson 01


def test_requests_sends_host_and_four_headers_of_its_own_before_the_callers():
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(10)
        received = []

        def answer_once():
            conn, _ = listener.accept()
            with conn:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(1024)
                received.append(data)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

        thread = threading.Thread(target=answer_once, daemon=True)
        thread.start()
        requests.get(
            f"http://127.0.0.1:{listener.getsockname()[1]}/hello", headers={"X-Name": "Ada"}, timeout=5
        )
        thread.join(10)
    lines = received[0].decode("latin-1").split("\r\n")
    assert lines[0] == "GET /hello HTTP/1.1"
    names = [line.partition(":")[0].lower() for line in lines[1:] if line]
    assert names == ["host", "user-agent", "accept-encoding", "accept", "connection", "x-name"]


def test_a_closed_listening_socket_refuses_the_next_client():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()
    with pytest.raises(ConnectionRefusedError):
        raw_request(f"http://127.0.0.1:{port}", b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")


def lesson_01_loop() -> dict:
    """The names lesson 01's cells define (listen, parse, serve_forever, ...), run from the notebook
    itself, with the loop's ten-second client timeout cut to 0.3 s."""
    notebook = nbformat.read(ROOT / "notebooks" / "01_what_a_server_does.ipynb", as_version=4)
    names: dict = {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith(("import", "def ", "BAD_REQUEST", "seen")):
            if "conn.settimeout(10)" in cell.source:
                cell.source = cell.source.replace("conn.settimeout(10)", "conn.settimeout(0.3)")
                names["timeout cut"] = True
            exec(cell.source, names)
    assert names.get("timeout cut"), "lesson 01's loop no longer says conn.settimeout(10)"
    return names


def test_lesson_01s_loop_hangs_up_on_a_client_that_never_finishes_and_serves_the_next():
    from workbook.lessons.background import in_background

    lesson = lesson_01_loop()
    listener = lesson["listen"]()
    port = listener.getsockname()[1]
    server = in_background(lesson["serve_forever"], listener)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
            slow.sendall(b"GET /hello HTTP/1.1\r\n")  # and never the blank line
            assert slow.recv(1024) == b""  # hung up on, without an answer
        assert requests.get(f"http://127.0.0.1:{port}/hello", timeout=5).status_code == 200
    finally:
        assert server.stop()


# Lesson 02


@pytest.mark.parametrize("probe", PROBE_TABLE)
def test_each_probe_gets_the_answer_lesson_02_shows(hello_servers, language, probe):
    expected = PROBE_TABLE[probe][LANGUAGES.index(language)]
    assert summarize(raw_request(hello_servers[language].url, PROBES[probe])) == expected


def test_python_hello_answers_in_http_1_0_and_closes_the_connection(hello_servers):
    answer = raw_request(hello_servers["python"].url, PROBES["GET /"])
    assert answer.received.startswith(b"HTTP/1.0 200 OK\r\n")
    assert answer.closed


@pytest.mark.parametrize("language", ["node", "go"])
def test_node_and_go_hello_answer_in_http_1_1_and_keep_the_connection_open(hello_servers, language):
    answer = raw_request(hello_servers[language].url, PROBES["GET /"])
    assert answer.received.startswith(b"HTTP/1.1 200 OK\r\n")
    assert not answer.closed


def test_side_by_side_shows_the_version_and_every_header_any_server_sent(hello_servers):
    responses = {language: requests.get(srv.url, timeout=5) for language, srv in hello_servers.items()}
    shown = side_by_side(responses)
    assert shown.columns == ["", "python", "node", "go"]
    assert shown.rows[0] == ["status line", "HTTP/1.0 200 OK", "HTTP/1.1 200 OK", "HTTP/1.1 200 OK"]
    assert [row[0] for row in shown.rows] == [
        "status line",
        "Server",
        "Date",
        "Content-Type",
        "Content-Length",
        "Connection",
        "Keep-Alive",
        "body",
    ]
    assert shown.rows[-1] == ["body"] + [repr("Hello, World!\n")] * 3


def test_a_loop_in_the_background_stops_when_asked():
    from workbook.lessons.background import in_background

    rounds = []

    def loop(stopping):
        while not stopping.wait(0.01):
            rounds.append(1)

    running = in_background(loop)
    assert running.running()
    while not rounds:  # the loop has gone round at least once
        running.stopping.wait(0.01)
    assert running.stop() is True
    assert not running.running() and rounds
