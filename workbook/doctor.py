"""`make doctor`: is this machine ready for the lessons? One line per item, and what to do about it.

    ok    node      20.20 (20+ needed)
    warn  servers   port 41234: a leftover workbook server (servers/go/users, pid 123) ...: kill 123
    FAIL  go        go 1.22+ is needed but 1.19 is installed: upgrade it from https://go.dev/dl/

FAIL blocks the lessons (the exit status is then 1); warn and todo do not. Runs as a script
(`python3 workbook/doctor.py`) before anything is installed, so it needs only the standard library
and the toolchain check beside it; with psutil (which `make setup` installs) it also finds leftover
servers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import toolchain  # beside this file: run as a script, workbook/ is on sys.path

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
GIB = 2**30
# What `make setup` needs on a machine that never built anything: .venv (~0.5 GiB), the Go module and
# build caches (~1.5 GiB), the binaries.
DISK_NEEDED, DISK_COMFORTABLE = 2 * GIB, 4 * GIB
# Temporary folders made by workbook.scratch: workbook-PID-KIND-XXXXXXXX.
FOLDER = re.compile(r"workbook-(\d+)-")
# A process whose command line names a file under these folders is a workbook server.
SERVER_ROOTS = tuple(str(ROOT / part) for part in ("servers", "exercises", "solutions", ".build", "_scratch"))
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def line(status: str, item: str, text: str) -> str:
    return f"{status:<5} {item:<9} {text}"


def toolchains() -> list[str]:
    """Python, Node and Go: found, and recent enough."""
    lines = []
    in_venv = Path(sys.prefix).resolve() == (ROOT / ".venv").resolve()
    python = ".venv/bin/python" if in_venv else sys.executable
    for tool in ("python", "node", "go"):
        minimum = ".".join(map(str, toolchain.MINIMUM[tool][0]))
        try:
            toolchain.require(tool)
        except toolchain.ToolchainError as error:
            lines.append(line("FAIL", tool, str(error)))
            continue
        found = ".".join(map(str, toolchain.version_of(tool)))
        where = f" ({python})" if tool == "python" else ""
        lines.append(line("ok", tool, f"{found}{where}, {minimum}+ needed"))
    return lines


def setup() -> list[str]:
    """Has `make setup` run, and is what it made up to date? (make itself answers, with -q.)"""
    parts = {".venv": ".venv/.installed", "the Go servers": ".build/go.stamp"}
    if shutil.which("make") is None:
        return [line("FAIL", "setup", "no make: xcode-select --install (macOS), apt-get install make")]
    stale = [
        name
        for name, target in parts.items()
        if subprocess.run(["make", "-q", target], cwd=ROOT, capture_output=True, timeout=60).returncode != 0
    ]
    if stale:
        return [line("todo", "setup", f"{', '.join(stale)}: not built or out of date; `make lab` builds it")]
    return [line("ok", "setup", ".venv and the Go servers are built and up to date")]


def programs() -> list[str]:
    """Caddy, oasdiff and hey: built on first use, or by make test."""
    stamp = ROOT / ".build" / "bin" / ".programs"
    if subprocess.run(["make", "-q", str(stamp.relative_to(ROOT))], cwd=ROOT, capture_output=True).returncode:
        return [line("todo", "programs", "Caddy, oasdiff and hey: built by the first lesson that needs one")]
    return [line("ok", "programs", "Caddy, oasdiff and hey are built and up to date")]


def kernel() -> list[str]:
    """The Jupyter kernel the lessons run in: .venv's Python with ipykernel."""
    spec = ROOT / ".venv" / "share" / "jupyter" / "kernels" / "python3" / "kernel.json"
    if not VENV_PYTHON.exists():
        return [line("todo", "kernel", "no .venv yet: `make lab` installs the kernel (ipykernel)")]
    found = subprocess.run(
        [str(VENV_PYTHON), "-c", "import ipykernel; print(ipykernel.__version__)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if found.returncode != 0 or not spec.exists():
        return [line("FAIL", "kernel", "ipykernel is missing from .venv: `make clean && make setup`")]
    return [line("ok", "kernel", f"python3 (ipykernel {found.stdout.strip()}) in .venv")]


def leftover_servers() -> list[str]:
    """Workbook servers still running after the program that started them has gone."""
    try:
        import psutil
    except ImportError:
        return [line("todo", "servers", "leftover servers are looked for once `make setup` installs psutil")]
    lines = []
    for process in psutil.process_iter(["pid", "ppid", "cmdline"]):
        try:
            command = process.info["cmdline"] or []
            program = next((part for part in command if part.startswith(SERVER_ROOTS)), None)
            if program is None or _has_owner(psutil, process.info["ppid"]):
                continue
            ports = sorted(
                c.laddr.port for c in process.net_connections("tcp") if c.status == psutil.CONN_LISTEN
            )
        except psutil.Error:
            continue
        name = os.path.relpath(program, ROOT)
        held = f"port {', '.join(map(str, ports))}" if ports else "no port"
        lines.append(
            line(
                "warn",
                "servers",
                f"{held}: a leftover workbook server ({name}, pid {process.pid}) whose owner has gone: "
                f"kill {process.pid}",
            )
        )
    return lines or [line("ok", "servers", "no leftover workbook servers")]


def _has_owner(psutil, ppid: int) -> bool:
    """A launcher's server is the child of the Python process that started it; an orphan is not."""
    if ppid in (0, 1):
        return False
    try:
        return "python" in psutil.Process(ppid).name().lower()
    except psutil.Error:
        return False


def leftover_folders(directory: Path | None = None) -> list[str]:
    """Temporary folders of workbook processes that have ended (workbook.scratch's names)."""
    directory = Path(directory or tempfile.gettempdir())
    found = []
    for path in sorted(directory.glob("workbook-*-*")):
        owner = FOLDER.match(path.name)
        if owner and path.is_dir() and not _running(int(owner.group(1))):
            found.append(path)
    if not found:
        return [line("ok", "folders", f"no leftover temporary folders in {directory}")]
    shown = " ".join(str(path) for path in found[:3]) + (" ..." if len(found) > 3 else "")
    return [
        line(
            "warn",
            "folders",
            f"{len(found)} leftover temporary folder(s) of ended workbook processes: rm -rf {shown}",
        )
    ]


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def chromium() -> list[str]:
    """The browser the browser tests drive (not needed for the lessons themselves)."""
    configured = os.environ.get("WORKBOOK_CHROMIUM")
    found = configured if configured and Path(configured).exists() else None
    found = found or next((shutil.which(name) for name in CHROMIUM_NAMES if shutil.which(name)), None)
    if found:
        return [line("ok", "chromium", f"{found} (for the browser tests)")]
    return [
        line(
            "warn",
            "chromium",
            "not found; only the browser tests need it (make test-slow, CI): "
            "apt-get install -y chromium (Debian, Ubuntu), or set WORKBOOK_CHROMIUM to its path",
        )
    ]


def disk(free: int | None = None) -> list[str]:
    """Free space where the checkout lives."""
    free = shutil.disk_usage(ROOT).free if free is None else free
    shown = f"{free / GIB:.1f} GiB free in {ROOT}"
    if free < DISK_NEEDED:
        return [line("FAIL", "disk", f"{shown}; a first `make setup` needs about 2 GiB: free some space")]
    if free < DISK_COMFORTABLE:
        return [line("warn", "disk", f"{shown}; enough for the setup, little to spare")]
    return [line("ok", "disk", shown)]


CHECKS = (toolchains, setup, programs, kernel, leftover_servers, leftover_folders, chromium, disk)


def main() -> int:
    """Print every check's lines; exit status 1 if any line is a FAIL."""
    lines = [text for check in CHECKS for text in check()]
    print("\n".join(lines))
    return 1 if any(text.startswith("FAIL") for text in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
