"""Start any workbook server, in any of the three languages, and always stop it again.

    with serve("go", "hello") as srv:
        requests.get(srv.url)

    srv = serve("python", "users")   # the notebook form
    srv.stop()

A server is ready when it prints its readiness line, `listening on http://127.0.0.1:PORT`. It runs
in a process group of its own and is stopped, group and all, when the `with` block ends, when
`stop()` is called, when the Server object is garbage-collected, when Python exits, and, through
a guardian process, when this process dies without a chance to clean up (a kernel restart).
"""

from __future__ import annotations

import fcntl
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import termios
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

from . import cells
from .build import build_go
from .guardian import start_time
from .paths import ROOT, SERVERS
from .toolchain import require

LANGUAGES = ("python", "node", "go")
READY = re.compile(r"listening on (http://127\.0\.0\.1:(\d+))")
# The file a directory must hold to be a server, per language (a Go server is its package).
ENTRY_FILE = {"python": "server.py", "node": "server.js", "go": "main.go"}


def free_port() -> int:
    """A port no one listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerError(RuntimeError):
    """A server did not start; the message shows the command and what the server printed."""

    def __init__(self, message: str, output: str = "", status: int | None = None):
        super().__init__(message)
        self.output = output  # what it printed, stdout and stderr
        self.status = status  # its exit status, None if it was still running


def source_of(language: str, program: str | Path) -> Path:
    """The source of a server: a name under servers/, or a path to a file or directory."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    if isinstance(program, str) and re.fullmatch(r"[\w-]+", program):
        source = {
            "python": SERVERS / "python" / f"{program}.py",
            "node": SERVERS / "node" / f"{program}.js",
            "go": SERVERS / "go" / program,
        }[language]
    else:
        source = Path(program) if Path(program).is_absolute() else ROOT / program
        if source.is_dir() and language != "go":
            source = source / ENTRY_FILE[language]
        elif source.is_file() and language == "go":
            source = source.parent
    if not source.exists():
        raise FileNotFoundError(f"no {language} server at {source}")
    return source


def command_for(language: str, source: Path, port: int | None, args: tuple[str, ...]) -> list[str]:
    """The command line that starts a server on `port` (0: any free port; None: no port argument)."""
    if language == "python":
        # No -u: a server is started as a learner starts it, so one that forgets to flush its
        # readiness line fails here as it would for them (stderr is line-buffered anyway).
        program = [sys.executable, str(source)]
    elif language == "node":
        require("node")
        program = ["node", str(source)]
    else:
        program = [str(build_go(source))]
    return program + ([] if port is None else [str(port)]) + list(args)


# Every server started by this process and not yet collected, and the URLs of those stopped, so that
# a request to a stopped server can say which one it was (workbook.cells).
_servers: weakref.WeakSet[Server] = weakref.WeakSet()


@dataclass(frozen=True)
class Stopped:
    """What is remembered of a stopped server: enough to say which one it was and who started it."""

    language: str
    program: str
    started_by: str


_stopped: dict[str, Stopped] = {}


def stopped_server(url: str) -> Stopped | None:
    """The stopped server that last listened at `url` (scheme://host:port), unless one runs there now."""
    if any(srv.running() and srv.url == url for srv in list(_servers)):
        return None
    return _stopped.get(url)


def stop_servers_using(path: str | Path) -> None:
    """Stop every running server whose environment names `path` (a store it must not outlive)."""
    for srv in list(_servers):
        if srv.running() and any(str(path) in value for value in srv.env.values()):
            srv.stop()


def tell_guardian(line: str) -> None:
    """Tell this process's guardian to watch (`+...`) or forget (`-...`) a process group or folder."""
    _Guardian.tell(line)


class _Guardian:
    """The one guardian process of this Python process (see guardian.py), started on first use."""

    _lock = threading.Lock()
    _process: subprocess.Popen | None = None
    _owner = 0

    @classmethod
    def tell(cls, line: str) -> None:
        with cls._lock:
            if cls._process is None or cls._owner != os.getpid() or cls._process.poll() is not None:
                cls._process = subprocess.Popen(
                    [sys.executable, "-I", str(Path(__file__).with_name("guardian.py"))],
                    stdin=subprocess.PIPE,
                    text=True,
                    start_new_session=True,
                )
                cls._owner = os.getpid()
            try:
                cls._process.stdin.write(line + "\n")
                cls._process.stdin.flush()
            except (BrokenPipeError, ValueError):
                pass


def _stop_process(process: subprocess.Popen, grace: float = 3.0) -> int | None:
    """SIGTERM the server's process group, SIGKILL it after `grace` seconds; return its status."""
    if process.poll() is None:
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue
    _Guardian.tell(f"-{process.pid}")
    return process.poll()


class Server:
    """A running server: `.url`, `.port`, `.stop()`; a context manager that stops it on exit."""

    def __init__(
        self,
        language: str,
        program: str | Path,
        *args: str,
        port: int | None = 0,
        env: dict[str, str] | None = None,
        timeout: float = 10.0,
    ):
        self.language = language
        self.program = program
        self.source = source_of(language, program)
        self.url, self.port = "", 0  # known once the readiness line is read
        self._start(command_for(language, self.source, port, tuple(str(a) for a in args)), env, timeout)

    def _start(self, command: list[str], env: dict[str, str] | None, timeout: float) -> None:
        """Start `command` in its own process group and return once it is ready."""
        self.command = command
        self.env = dict(env or {})
        self.started_by = cells.running_cell()  # the first line of the cell that started it, if any
        self._lines: list[str] = []
        self._ready = threading.Event()
        self._process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            # Without PYTHONUNBUFFERED too (see command_for): a Python server must flush by itself.
            env={**{k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: stop() reaches any children too
        )
        _Guardian.tell(f"+{self._process.pid} {start_time(self._process.pid)}")
        self._finalizer = weakref.finalize(self, _stop_process, self._process)
        _servers.add(self)
        cells.adopt(self, self.stop)  # in a notebook: running the same cell again stops it first
        self._readers = [
            threading.Thread(target=self._read, args=(stream,), daemon=True)
            for stream in (self._process.stdout, self._process.stderr)
        ]
        for reader in self._readers:
            reader.start()
        try:
            self._wait_until_ready(timeout)
        except BaseException:  # also KeyboardInterrupt: an interrupted cell leaves nothing behind
            self.stop()
            raise

    def _read(self, stream) -> None:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self._lines.append(line)
            found = READY.search(line)
            if found and not self._ready.is_set():
                self.url, self.port = found.group(1), int(found.group(2))
                self._ready.set()
        stream.close()

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not self._ready.wait(0.02) and not self._accepts_connections():
            if self._process.poll() is not None:
                for reader in self._readers:
                    reader.join(1)
                status = self._process.returncode
                raise ServerError(self._explain(f"exited with status {status}"), self.output(), status)
            if time.monotonic() > deadline:
                raise ServerError(
                    self._explain(
                        f"printed no readiness line 'listening on http://127.0.0.1:PORT' within {timeout:g} s"
                    ),
                    self.output(),
                )

    def _accepts_connections(self) -> bool:
        """Another way to tell readiness, for programs that print no readiness line."""
        return False

    def _explain(self, what: str) -> str:
        printed = "\n".join(f"    {line}" for line in self._lines) or "    (nothing)"
        return (
            f"the {self.language} server {self.program!s} {what}.\n"
            f"  command: {' '.join(self.command)}\n  it printed:\n{printed}"
        )

    def output(self) -> str:
        """Everything the server printed so far, stdout and stderr interleaved by arrival."""
        self._catch_up()
        return "\n".join(self._lines)

    def _catch_up(self, within: float = 0.1) -> None:
        """Wait, briefly, until the readers have taken what is in the pipes: a line the server wrote
        an instant ago may not have reached `_lines` yet (a readiness line printed twice was seen
        once, in a CI run)."""
        deadline = time.monotonic() + within
        for stream in (self._process.stdout, self._process.stderr):
            while time.monotonic() < deadline:
                try:
                    waiting = struct.unpack("i", fcntl.ioctl(stream.fileno(), termios.FIONREAD, b"\0" * 4))[0]
                except (OSError, ValueError):  # closed: the reader has taken everything
                    break
                if not waiting:
                    break
                time.sleep(0.001)
        time.sleep(0.002)  # a line just read is appended by its reader thread now

    @property
    def pid(self) -> int:
        return self._process.pid

    def running(self) -> bool:
        return self._process.poll() is None

    def exits_within(self, seconds: float) -> bool:
        """True if the server has exited, or exits by itself within `seconds`."""
        deadline = time.monotonic() + seconds
        while self.running():
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def stop(self, grace: float = 3.0) -> int | None:
        """Stop the server (and anything it started): SIGTERM, then SIGKILL if it is still running
        `grace` seconds later; return its exit status."""
        if self._finalizer.alive:
            self._finalizer.detach()
            status = _stop_process(self._process, grace)
        else:
            status = self._process.poll()
        for reader in self._readers:
            reader.join(1)
        if self.url:
            _stopped[self.url] = Stopped(self.language, str(self.program), self.started_by)
        return status

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.url if self.running() else "stopped"
        return f"<{self.language} server {self.program!s}: {state}>"


def serve(
    language: str,
    program: str | Path = "hello",
    *args: str,
    port: int | None = 0,
    env: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Server:
    """Start a server and return once it is ready; see Server.

    `port=0` passes 0 as the port argument (any free port); `port=None` passes none at all.
    """
    return Server(language, program, *args, port=port, env=env, timeout=timeout)
