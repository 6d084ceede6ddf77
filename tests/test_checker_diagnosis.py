"""The checker names the cause: bad bytes, a server that exits, hangs or does not start, a
readiness line that lies; its output is short, its hints come on request, its results are JSON.

Each test grades a small broken server written into a scratch directory, the way a learner's
mistake would look, and asserts what the learner reads.
"""

import json
import shutil
import threading
import time

import pytest

from workbook.grading import cli
from workbook.grading.exercises import find_exercise
from workbook.grading.report import results
from workbook.grading.runner import run
from workbook.grading.starters import solution_code
from workbook.paths import SOLUTIONS

GREETING = find_exercise("03")
HELLO = find_exercise("01")

# A server that answers every request with the same bytes, then closes the connection.
RAW_SERVER = """
import socket
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
print(f"listening on http://127.0.0.1:{server.getsockname()[1]}", flush=True)
while True:
    connection, _ = server.accept()
    connection.recv(65536)
    connection.sendall(RESPONSE)
    connection.close()
"""


def raw_server(scratch, response: bytes):
    (scratch / "server.py").write_text(f"RESPONSE = {response!r}\n" + RAW_SERVER)
    return scratch


FIRST_CHECK_ONLY = {"until": {"get_greeting"}}


def solution_with(scratch, exercise, old: str, new: str, file: str = "server.py"):
    """The Python solution of an exercise with one mistake written in (in `file`)."""
    for path in (SOLUTIONS / exercise.name / "python").glob("*.py"):
        (scratch / path.name).write_text(solution_code(path.read_text(), "python"))
    source = (scratch / file).read_text()
    assert source.count(old) == 1
    (scratch / file).write_text(source.replace(old, new))
    return scratch


def grade(exercise, scratch, **kwargs) -> str:
    return str(run(exercise, "python", source=scratch, seed=1, start_timeout=3, **kwargs))


def test_a_status_line_without_the_version_is_named_with_the_bytes(scratch):
    report = grade(
        GREETING,
        raw_server(scratch, b"200 OK\r\nContent-Length: 14\r\n\r\nHello, World!\n"),
        **FIRST_CHECK_ONLY,
    )
    assert "no status line: the first line is `200 OK`" in report
    assert "< 200 OK\\r\\n" in report
    assert "Connection" not in report.split("got:")[1].split("\n")[0]  # no library's exception text


def test_a_content_length_that_does_not_match_the_body_is_named(scratch):
    response = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nHello, World!\n"
    report = grade(GREETING, raw_server(scratch, response), **FIRST_CHECK_ONLY)
    assert "`Content-Length` says 100, the body had 14 bytes" in report
    assert "IncompleteRead" not in report and "ChunkedEncodingError" not in report


def test_two_content_length_fields_are_named(scratch):
    response = b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\nContent-Length: 15\r\n\r\nHello, World!\n"
    report = grade(GREETING, raw_server(scratch, response), **FIRST_CHECK_ONLY)
    assert "2 Content-Length fields (14, 15): there must be one" in report
    assert "InvalidHeader" not in report


def test_a_server_that_exits_mid_run_is_reported_once_and_the_rest_is_not_run(scratch):
    solution_with(
        scratch,
        GREETING,
        "        body = self.rfile.read(int(length))\n",
        "        body = self.rfile.read(int(length))\n        import os\n        os._exit(3)\n",
    )
    report = grade(GREETING, scratch)
    assert "the server exited (status 3) while answering PUT /greeting" in report
    assert report.count("(not run: the server exited)") == 2
    assert report.count("✗") == 2  # the check in the list, and its failure in full


def test_a_server_that_exits_shows_the_request_that_killed_it_and_a_curl_line(scratch):
    solution_with(
        scratch,
        GREETING,
        "            with greeting_lock:\n                body = greeting\n",
        "            import os\n            os._exit(3)\n",
    )
    report = grade(GREETING, scratch)
    assert "the server exited (status 3) while answering GET /greeting" in report
    assert "> GET /greeting HTTP/1.1" in report and "curl -i http://127.0.0.1:8080/greeting" in report


def test_a_python_crash_shows_the_last_frame_and_the_error(scratch):
    solution_with(
        scratch,
        GREETING,
        "        body = self.rfile.read(int(length))\n",
        "        body = self.rfile.read(int(length))\n        1 / 0\n",
    )
    report = grade(GREETING, scratch)
    assert "ZeroDivisionError: division by zero" in report and "1 / 0" in report


def test_a_hang_names_the_request_and_later_checks_do_not_wait(scratch):
    solution_with(
        scratch,
        GREETING,
        "        body = self.rfile.read(int(length))\n",
        "        body = self.rfile.read(int(length))\n        threading.Event().wait()\n",
    )
    started = time.monotonic()
    report = grade(GREETING, scratch)
    assert "an answer to PUT /greeting HTTP/1.1 within 5 s" in report and "deadlock" in report
    assert report.count("(not run: the server hangs on PUT /greeting HTTP/1.1)") == 2
    assert time.monotonic() - started < 15


def test_a_hang_on_a_request_with_a_body_names_reading_it_to_the_end(scratch):
    solution_with(
        scratch,
        GREETING,
        "        body = self.rfile.read(int(length))\n",
        "        body = self.rfile.read()\n",
    )
    report = grade(GREETING, scratch)
    assert "reads the body until the connection ends, not Content-Length bytes" in report


@pytest.mark.parametrize(
    "port, wanted",
    [("0", "names port 0, which no server can listen on"), ("99999", "names port 99999")],
)
def test_a_readiness_line_with_an_impossible_port_is_refused_before_any_check(scratch, port, wanted):
    solution_with(scratch, HELLO, "{server.server_port}", port)
    report = grade(HELLO, scratch)
    assert wanted in report and "✓" not in report and "OverflowError" not in report
    assert "hint 1: Say you are ready, on one line" in report


def test_a_server_bound_to_every_address_is_refused_on_the_socket(scratch):
    solution_with(scratch, HELLO, "HTTPServer((HOST,", 'HTTPServer(("0.0.0.0",')
    report = grade(HELLO, scratch)
    assert "the server listens on 0.0.0.0, not only 127.0.0.1" in report
    assert "hint 3: Listen on 127.0.0.1 only" in report


def test_a_syntax_error_says_the_server_did_not_start_and_shows_no_unrelated_hint(scratch):
    (scratch / "server.py").write_text("def main(:\n    pass\n")
    report = grade(HELLO, scratch)
    assert "your server did not start: it exited with status 1" in report
    assert "SyntaxError" in report and "Stuck?" not in report


def test_a_failure_shows_a_curl_line_and_points_to_the_hint_without_printing_it(scratch):
    solution_with(scratch, GREETING, '"Allow": ALLOW', '"Allow": "GET"')
    report = grade(GREETING, scratch)
    assert "curl -i -X POST http://127.0.0.1:8080/greeting" in report
    assert "Stuck? A hint exists (hint 5: 405 names what is allowed): make hint EX=03 IN=python" in report
    assert "RFC 9110 requires" not in report  # the hint's text itself waits for `make hint`


def test_results_follow_exercism_version_3(scratch):
    solution_with(scratch, GREETING, '"Allow": ALLOW', '"Allow": "GET"')
    found = results(run(GREETING, "python", source=scratch, seed=1))
    statuses = {t["test_code"]: t["status"] for t in found["tests"]}
    assert found["version"] == 3 and found["status"] == "fail" and found["seed"] == 1
    assert statuses["method_not_allowed"] == "fail" and statuses["get_greeting"] == "pass"
    failed = next(t for t in found["tests"] if t["status"] == "fail")
    assert failed["task_id"] == 5 and failed["message"].startswith("expected: ")


def test_hints_come_one_level_deeper_each_time(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "RESULTS", tmp_path / "results")
    monkeypatch.setattr(cli, "HINT_LEVELS", tmp_path / "hints")
    assert "Run `make check EX=03 IN=go` first" in cli.next_hint(GREETING, "go")
    path = cli.results_path(GREETING, "go")
    path.parent.mkdir()
    failed = {"test_code": "head_greeting", "status": "fail", "task_id": 3}
    path.write_text(json.dumps({"status": "fail", "tests": [failed]}))
    levels = [cli.next_hint(GREETING, "go") for _ in range(3)]
    assert levels[0].startswith("Hint 3: HEAD is GET without the body.") and "\n" in levels[0]
    assert "Python's `http.server` needs a `do_HEAD`" in levels[1]
    assert "solutions/03_respect_methods/go/" in levels[2]


def test_language_names_are_case_insensitive():
    assert cli.resolve_language("Python") == "python" and cli.resolve_language("GO") == "go"


def test_a_same_seed_gives_the_same_data():
    from workbook.grading.api import Context

    first, second = (Context("python", None, None, {}, 1, seed=7) for _ in range(2))
    assert [first.name(), first.email(), first.text()] == [second.name(), second.email(), second.text()]


def test_watch_checks_again_after_a_save(scratch):
    for path in (SOLUTIONS / GREETING.name / "python").glob("*.py"):  # server.py and launch.py
        shutil.copy(path, scratch / path.name)
    printed, stop = [], threading.Event()
    watcher = threading.Thread(
        target=cli.watch,
        args=(GREETING, "python"),
        kwargs={"source": scratch, "stop": stop, "out": printed.append},
    )
    watcher.start()
    try:
        deadline = time.monotonic() + 20
        while not any("watching" in str(p) for p in printed) and time.monotonic() < deadline:
            time.sleep(0.05)
        (scratch / "server.py").write_text((scratch / "server.py").read_text() + "\n# saved\n")
        while sum("All 6 checks pass" in str(p) for p in printed) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        watcher.join(10)
    assert sum("All 6 checks pass" in str(p) for p in printed) == 2
    assert not watcher.is_alive()


def test_a_failure_of_raw_bytes_gets_a_curl_line_too(scratch):
    solution_with(
        scratch,
        GREETING,
        '        if self.command != "HEAD":\n            self.wfile.write(body)',
        "        self.wfile.write(body)",
    )
    assert "curl -i --head http://127.0.0.1:8080/greeting" in grade(GREETING, scratch)


def test_a_response_without_content_type_shows_no_hint_about_the_request_content_type(scratch):
    solution_with(
        scratch,
        find_exercise("06"),
        '            self.send_header("Content-Type", "application/json")\n',
        "",
        file="plumbing.py",
    )
    report = grade(find_exercise("06"), scratch)
    assert "expected: Content-Type: application/json on the response" in report
    assert "Stuck?" not in report


def test_a_body_that_is_not_utf8_is_shown_and_replayed_byte_for_byte(scratch):
    solution_with(
        scratch,
        find_exercise("06"),
        "value = load_json(body)",
        'value = load_json(body.decode("utf-8", "replace").encode())',
    )
    report = grade(find_exercise("06"), scratch, until={"not_an_object"})
    assert "expected: a body with the byte 0xFF, which is not UTF-8" in report
    assert '> {"email": "' in report and '\\xff@example.com", "name": "Ada"}' in report
    assert '--data-binary $\'{"email": "' in report and "\\xff@example.com" in report
