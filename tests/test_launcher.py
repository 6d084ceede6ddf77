"""The launcher: servers start, say what went wrong when they don't, and never outlive their owner."""

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest
import requests
from conftest import alive

from workbook import LANGUAGES, BuildError, ServerError, serve
from workbook.build import binary_for, build_go
from workbook.paths import ROOT

FIXTURES = Path(__file__).parent / "fixtures"


def wait_until_gone(pids, seconds=8.0) -> list[int]:
    """Wait for processes to end; return the ones still alive after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in pids):
        time.sleep(0.05)
    return [pid for pid in pids if alive(pid)]


def test_serve_gives_a_url_that_answers(language):
    with serve(language, "hello") as srv:
        assert srv.url == f"http://127.0.0.1:{srv.port}"
        assert requests.get(srv.url, timeout=5).status_code == 200


def test_server_listens_on_loopback_only(language):
    with serve(language, "hello") as srv:
        listening = [
            c.laddr for c in psutil.Process(srv.pid).net_connections("tcp") if c.status == psutil.CONN_LISTEN
        ]
        assert listening == [("127.0.0.1", srv.port)]  # not 0.0.0.0, not also ::


def test_stop_ends_the_server_cleanly_with_status_0(language):
    srv = serve(language, "hello")
    assert srv.stop() == 0
    assert not alive(srv.pid)


def test_leaving_the_with_block_by_an_exception_stops_the_server(language):
    with pytest.raises(ZeroDivisionError):
        with serve(language, "hello") as srv:
            1 / 0  # noqa: B018
    assert wait_until_gone([srv.pid]) == []


def test_a_silent_server_times_out_and_is_stopped():
    started = time.monotonic()
    with pytest.raises(ServerError, match="printed no readiness line") as error:
        serve("python", FIXTURES / "silent.py", timeout=1)
    assert time.monotonic() - started < 5
    assert "silent.py" in str(error.value)


def test_a_crashing_server_shows_its_command_status_and_output():
    with pytest.raises(ServerError) as error:
        serve("python", FIXTURES / "crash.py")
    message = str(error.value)
    assert "exited with status 3" in message
    assert "crash.py" in message  # the command
    assert "PermissionError: /nowhere is not writable" in message  # its stderr
    assert "opening the store at /nowhere" in message  # its stdout


def test_an_interrupted_launch_leaves_no_process(monkeypatch):
    def interrupt(signum, frame):
        raise KeyboardInterrupt  # what Jupyter's "interrupt kernel" raises in the cell

    children_before = set(_children())
    monkeypatch.setattr(signal, "SIGALRM", signal.SIGALRM)
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(KeyboardInterrupt):
            serve("python", FIXTURES / "slow_start.py", timeout=20)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    started = [pid for pid in _children() if pid not in children_before]
    assert wait_until_gone(started) == []


def _children() -> list[int]:
    """Our own child processes that are servers (not the guardian)."""
    found = []
    for child in psutil.Process().children():
        try:
            if not any("guardian.py" in part for part in child.cmdline()):
                found.append(child.pid)
        except psutil.Error:
            continue
    return found


@pytest.mark.parametrize("how", ["exit", "raise", "wait"])
def test_servers_never_outlive_their_owner(how):
    """Normal exit (atexit), an uncaught exception, and SIGKILL (a kernel restart) all stop them,
    and remove the temporary folders too."""
    owner = subprocess.Popen(
        [sys.executable, str(FIXTURES / "owner.py"), how],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        text=True,
    )
    pids = [int(pid) for pid in owner.stdout.readline().split()]
    assert len(pids) == len(LANGUAGES), owner.stderr.read()
    folder = Path(owner.stdout.readline().strip())
    assert folder.name.startswith(f"workbook-{owner.pid}-owner-")  # (with `exit`, it may be gone already)
    if how == "wait":
        owner.kill()  # SIGKILL: no atexit, no finally; only the guardian can clean up
    owner.wait(10)
    assert wait_until_gone(pids) == []
    deadline = time.monotonic() + 8
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()


def test_a_kernel_restart_stops_the_servers_it_started():
    jupyter_client = pytest.importorskip("jupyter_client")
    manager = jupyter_client.KernelManager(kernel_name="python3")
    manager.start_kernel(env={**os.environ, "PYTHONPATH": str(ROOT)})
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        code = "from workbook import serve\nsrv = serve('python', 'hello')\nprint(srv.pid)"
        printed = []
        client.execute_interactive(
            code, timeout=30, output_hook=lambda msg: printed.append(msg["content"].get("text", ""))
        )
        pid = int("".join(printed).strip())
        assert alive(pid)
        manager.restart_kernel(now=True)
        assert wait_until_gone([pid]) == []
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_twenty_parallel_launches_get_twenty_ports():
    languages = [LANGUAGES[i % len(LANGUAGES)] for i in range(20)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        servers = list(pool.map(lambda language: serve(language, "hello", timeout=30), languages))
    try:
        assert len({srv.port for srv in servers}) == 20
        assert all(requests.get(srv.url, timeout=5).ok for srv in servers)
    finally:
        for srv in servers:
            srv.stop()
    assert wait_until_gone([srv.pid for srv in servers]) == []


def test_a_go_binary_is_rebuilt_only_when_its_source_changes(scratch):
    source = (ROOT / "servers" / "go" / "hello" / "main.go").read_text()
    (scratch / "main.go").write_text(source)
    binary = build_go(scratch)
    built_at = binary.stat().st_mtime_ns
    assert build_go(scratch).stat().st_mtime_ns == built_at  # unchanged source: no rebuild
    (scratch / "main.go").write_text(source.replace("Hello, World!", "Hello again!"))
    build_go(scratch)
    assert binary.stat().st_mtime_ns != built_at
    with serve("go", scratch) as srv:
        assert requests.get(srv.url, timeout=5).text == "Hello again!\n"
    binary.unlink()


def test_a_go_build_error_is_shown_in_full(scratch):
    (scratch / "main.go").write_text("package main\n\nfunc main() {\n\tundefinedThing()\n}\n")
    with pytest.raises(BuildError) as error:
        serve("go", scratch)
    assert "main.go:4:2: undefined: undefinedThing" in str(error.value)
    assert not binary_for(scratch).exists()


def test_the_guardian_spares_a_process_that_reused_a_server_pid():
    """Process ids are reused: a registered server that ended on its own may have left its number to
    another program by the time the guardian acts. The guardian checks the start time first."""
    bystander = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(30)"], start_new_session=True
    )
    guardian = subprocess.Popen(
        [sys.executable, str(ROOT / "workbook" / "guardian.py")],
        stdin=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        guardian.communicate(f"+{bystander.pid} 12345\n", timeout=10)  # registered with another start time
        assert bystander.poll() is None
    finally:
        bystander.kill()
        bystander.wait()
