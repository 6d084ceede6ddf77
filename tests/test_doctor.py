"""`make doctor`: one line per item with what to do, and a failing exit status only when something
blocks the lessons."""

import os
import shutil
import subprocess
import sys
import time

import psutil
import pytest
import requests
from conftest import alive

from workbook.paths import ROOT

DOCTOR = ROOT / "workbook" / "doctor.py"
ITEMS = ["python", "node", "go", "setup", "programs", "kernel", "servers", "folders", "chromium", "disk"]


def doctor(env: dict[str, str] | None = None, python: str = sys.executable) -> subprocess.CompletedProcess:
    return subprocess.run(
        [python, str(DOCTOR)], cwd=ROOT, env=env or os.environ, capture_output=True, text=True, timeout=120
    )


def items(output: str) -> list[tuple[str, str]]:
    """(status, item) for each line."""
    return [tuple(text.split()[:2]) for text in output.splitlines()]


def test_make_doctor_on_this_set_up_checkout_reports_every_item_and_passes():
    result = subprocess.run(
        [shutil.which("make"), "--no-print-directory", "doctor"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found = items(result.stdout)
    assert [item for _, item in found if item in ITEMS][: len(ITEMS)] == ITEMS
    assert {status for status, _ in found} <= {"ok", "warn", "todo"}
    assert ("ok", "setup") in found and ("ok", "kernel") in found


def test_a_missing_toolchain_fails_with_what_to_install(tmp_path):
    (tmp_path / "python3").symlink_to(sys.executable)
    (tmp_path / "make").symlink_to(shutil.which("make"))
    result = doctor({**os.environ, "PATH": str(tmp_path)})  # no node, no go
    assert result.returncode == 1
    assert (
        "FAIL  node      node 20+ is needed but was not found on PATH: install it from https://nodejs.org/"
        in (result.stdout.splitlines())
    )
    assert any(line.startswith("FAIL  go        go 1.22+ is needed") for line in result.stdout.splitlines())


def test_a_server_whose_owner_has_gone_is_named_with_its_port_and_how_to_stop_it():
    # A shell starts the server in the background and exits: the server is orphaned, as when a
    # program that started it was killed and its guardian could not act.
    server = ROOT / "servers" / "python" / "hello.py"
    shell = subprocess.run(
        ["sh", "-c", f'"{sys.executable}" "{server}" 0 >/dev/null 2>&1 & echo $!'],
        capture_output=True,
        text=True,
        start_new_session=True,
    )
    pid = int(shell.stdout)
    try:
        port = _listening_port(pid)
        requests.get(f"http://127.0.0.1:{port}/", timeout=5)  # it is a real server
        lines = [text for text in doctor().stdout.splitlines() if text.startswith("warn  servers")]
        assert lines == [
            f"warn  servers   port {port}: a leftover workbook server (servers/python/hello.py, pid {pid}) "
            f"whose owner has gone: kill {pid}"
        ]
    finally:
        psutil.Process(pid).kill()
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def _listening_port(pid: int, seconds: float = 10.0) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ports = [
            c.laddr.port for c in psutil.Process(pid).net_connections("tcp") if c.status == psutil.CONN_LISTEN
        ]
        if ports:
            return ports[0]
        time.sleep(0.05)
    raise AssertionError(f"process {pid} never listened")


def test_a_server_with_a_living_owner_is_not_a_leftover():
    from workbook import serve

    with serve("python", "hello") as srv:
        output = doctor().stdout
    assert f"pid {srv.pid}" not in output


def test_temporary_folders_of_ended_processes_are_listed_with_the_command_that_removes_them(tmp_path):
    sys.path.insert(0, str(ROOT / "workbook"))
    try:
        import doctor as module
    finally:
        sys.path.remove(str(ROOT / "workbook"))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True)
    gone = tmp_path / f"workbook-{int(ended.stdout)}-caddy-ab12cd34"
    for folder in (gone, tmp_path / f"workbook-{os.getpid()}-caddy-in-use", tmp_path / "caddy-not-ours"):
        folder.mkdir()
    assert module.leftover_folders(tmp_path) == [
        f"warn  folders   1 leftover temporary folder(s) of ended workbook processes: rm -rf {gone}"
    ]


@pytest.mark.parametrize(
    "free, status", [(1 * 2**30, "FAIL"), (3 * 2**30, "warn"), (50 * 2**30, "ok")], ids=["1G", "3G", "50G"]
)
def test_free_disk_below_what_a_first_setup_needs_blocks(free, status):
    sys.path.insert(0, str(ROOT / "workbook"))
    try:
        import doctor as module
    finally:
        sys.path.remove(str(ROOT / "workbook"))
    assert module.disk(free)[0].split()[:2] == [status, "disk"]
