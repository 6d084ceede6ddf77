"""The programs `make setup` builds from tools/programs: a Caddy with the modules the lessons use and
no others, oasdiff and hey. A smaller Caddy is what makes the first setup fast; these tests make sure
it still does everything a lesson asks of it."""

import os
import re
import socket
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import pytest
import requests
import urllib3

from workbook.launcher import free_port
from workbook.paths import BUILD, ROOT
from workbook.programs import program
from workbook.toolchain import MINIMUM

BIN = BUILD / "bin"
CADDY = BIN / "caddy"


@pytest.fixture(scope="module", autouse=True)
def programs_built() -> None:
    """Built on first use, as a lesson would."""
    program("caddy")


# What the lessons need: a load-balancing reverse proxy with retries and health checks (03, 09),
# Caddyfiles, and HTTPS with a certificate from Caddy's own local CA, `tls internal` (the auth lesson).
NEEDED = [
    "http",
    "http.handlers.reverse_proxy",
    "http.reverse_proxy.selection_policies.round_robin",
    "http.reverse_proxy.selection_policies.least_conn",
    "http.handlers.headers",
    "caddy.adapters.caddyfile",
    "tls",
    "tls.issuance.internal",
    "pki",
    "tls.stek.standard",
    "caddy.storage.file_system",
]
# Standard modules no lesson uses, left out so that a first setup compiles fewer packages.
LEFT_OUT = [
    "http.handlers.templates",
    "http.handlers.tracing",
    "http.handlers.acme_server",
    "http.handlers.encode",
]


def caddy_modules() -> set[str]:
    listed = subprocess.run([CADDY, "list-modules"], capture_output=True, text=True, timeout=30, check=True)
    return {line.strip() for line in listed.stdout.splitlines() if line.strip()}


def test_caddy_has_every_module_the_lessons_use():
    assert [name for name in NEEDED if name not in caddy_modules()] == []


def test_caddy_leaves_out_the_standard_modules_no_lesson_uses():
    assert [name for name in LEFT_OUT if name in caddy_modules()] == []


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"caddy did not listen on {port} within {seconds:g} s")


def first_answer(url: str, process: subprocess.Popen, seconds: float = 30.0) -> requests.Response:
    """Caddy listens before its local CA has issued the certificate: retry the handshake till then."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with warnings.catch_warnings():  # verify=False is the point here: not trusted yet
                warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
                return requests.get(url, verify=False, timeout=10)
        except requests.exceptions.SSLError:
            assert process.poll() is None, process.communicate()[1]
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_caddy_serves_https_on_loopback_with_tls_internal():
    """A Caddyfile with `tls internal`: Caddy's local CA issues a certificate for 127.0.0.1."""
    http_port, https_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="caddy-test-") as home:
        caddyfile = Path(home) / "Caddyfile"
        caddyfile.write_text(
            "{\n\tadmin off\n\tskip_install_trust\n"  # never touch the machine's trust store
            f"\tstorage file_system {home}\n\thttp_port {http_port}\n\thttps_port {https_port}\n}}\n"
            f"https://127.0.0.1:{https_port} {{\n\tbind 127.0.0.1\n\ttls internal\n"
            '\trespond "hello over TLS"\n}\n'
        )
        env = {"HOME": home, "XDG_DATA_HOME": home, "XDG_CONFIG_HOME": home, "PATH": "/usr/bin:/bin"}
        caddy = subprocess.Popen(
            [CADDY, "run", "--config", caddyfile, "--adapter", "caddyfile"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            wait_for_port(https_port, caddy)
            answer = first_answer(f"https://127.0.0.1:{https_port}/", caddy)
            root = next(Path(home).glob("pki/authorities/local/root.crt"))
            trusted = requests.get(f"https://127.0.0.1:{https_port}/", verify=root, timeout=10)
        finally:
            caddy.kill()
            caddy.communicate(timeout=10)
    assert (answer.status_code, answer.text) == (200, "hello over TLS")
    assert trusted.text == "hello over TLS"  # the certificate chains to Caddy's local root


@pytest.mark.parametrize(
    "command, prints", [(["oasdiff", "--version"], "oasdiff version"), (["hey", "-h"], "Usage: hey")]
)
def test_the_other_programs_run(command, prints):
    result = subprocess.run([BIN / command[0], *command[1:]], capture_output=True, timeout=30)
    assert prints in (result.stdout + result.stderr).decode()


def test_the_go_minimum_make_checks_is_the_one_the_servers_need():
    """`make` asks for the Go of go.mod (the servers'); the programs' newer Go is fetched by go itself."""
    wanted = re.search(r"^go (\d+)\.(\d+)", (ROOT / "go.mod").read_text(), re.M)
    assert MINIMUM["go"][0] == (int(wanted.group(1)), int(wanted.group(2)))


@pytest.mark.slow  # downloads two Go toolchains from the Go module proxy
def test_the_oldest_go_make_accepts_switches_to_the_go_the_programs_need():
    """With GOTOOLCHAIN=auto (as the Makefile builds them), Go 1.22 runs tools/programs with the Go its
    go.mod names, downloaded from the Go module proxy: a learner's Go 1.22 is enough."""
    needed = re.search(r"^go (\S+)", (ROOT / "tools" / "programs" / "go.mod").read_text(), re.M).group(1)
    env = {**os.environ, "GOTOOLCHAIN": "go1.22.12+auto"}  # go 1.22.12, allowed to switch up
    result = subprocess.run(
        ["go", "version"],
        cwd=ROOT / "tools" / "programs",
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert f"go version go{needed} " in result.stdout, result.stdout + result.stderr
    assert "GOTOOLCHAIN=auto go build" in (ROOT / "Makefile").read_text()


@pytest.fixture
def fake_checkout(tmp_path, monkeypatch):
    """workbook.programs pointed at a checkout in tmp_path, with make replaced by a recorder."""
    import workbook.programs as programs

    sources, bin_dir = tmp_path / "tools" / "programs", tmp_path / ".build" / "bin"
    (sources / "caddy").mkdir(parents=True)
    for name in ("go.mod", "go.sum", "caddy/main.go"):
        (sources / name).write_text("")
    monkeypatch.setattr(programs, "ROOT", tmp_path)
    monkeypatch.setattr(programs, "BIN", bin_dir)
    monkeypatch.setattr(programs, "STAMP", bin_dir / ".programs")
    monkeypatch.setattr(programs, "SOURCES", sources)
    calls = []

    def make(command, **options):
        calls.append(command)
        for name in programs.NAMES:
            (bin_dir / name).write_text("")
        (bin_dir / ".programs").write_text("")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(programs.subprocess, "run", make)
    return programs, calls


def test_a_missing_program_is_built_once_on_first_use_with_one_line(fake_checkout, capsys):
    programs, calls = fake_checkout
    assert programs.program("caddy") == programs.BIN / "caddy"
    assert programs.program("hey") == programs.BIN / "hey"
    assert calls == [["make", "--no-print-directory", ".build/bin/.programs"]]
    assert capsys.readouterr().err == "building Caddy, oasdiff and hey (once; a minute or two) ...\n"


def test_a_changed_source_builds_them_again(fake_checkout):
    programs, calls = fake_checkout
    programs.program("caddy")
    later = time.time() + 5
    os.utime(programs.SOURCES / "go.mod", (later, later))
    programs.program("caddy")
    assert len(calls) == 2


def test_an_unknown_program_is_named(fake_checkout):
    programs, _ = fake_checkout
    with pytest.raises(ValueError, match="no program 'nginx': choose from caddy, oasdiff, hey"):
        programs.program("nginx")
