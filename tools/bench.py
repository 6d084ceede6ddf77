"""Figures, not tests: how fast the servers start, build and answer. `make bench` runs this.

    python tools/bench.py                   # startup, build, load, paging, checks
    python tools/bench.py load checks     # only these parts
    python tools/bench.py workflow        # fresh clone: `make setup` and `make test` wall time
    python tools/bench.py setup           # fresh clone, empty caches: cold and warm `make setup`

Each part prints one table. Numbers depend on the machine and on what else it is doing, which is
why they are measured here, on demand, and never asserted by a test.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

from workbook import LANGUAGES, serve, table
from workbook.build import binary_for, build_go, go_build
from workbook.lessons.load import run_hey
from workbook.paths import ROOT, SERVERS, SOLUTIONS
from workbook.programs import program as built_program
from workbook.unique import unique_email


def _peak_memory_mib(pid: int) -> float:
    """The peak resident memory of a process, in MiB: VmHWM on Linux (no portable API has a peak),
    elsewhere the resident memory now, from psutil."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return psutil.Process(pid).memory_info().rss / 2**20


def startup(runs: int = 10) -> None:
    """Time from serve(...) to ready, per language and server (Go binaries already built)."""
    rows = []
    for program in ("hello", "users"):
        for language in LANGUAGES:
            serve(language, program).stop()  # builds the Go binary if needed, warms file caches
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                server = serve(language, program)
                times.append(time.perf_counter() - started)
                server.stop()
            rows.append(
                [
                    program,
                    language,
                    f"{statistics.median(times) * 1000:.0f} ms",
                    f"{max(times) * 1000:.0f} ms",
                ]
            )
    print(f"serve(...) until ready, {runs} runs each")
    print(table(rows, ["server", "language", "median", "slowest"]))


def build() -> None:
    """Go build time: cold (empty build cache, like a fresh machine) and warm (cache kept)."""
    rows = []
    package = SERVERS / "go" / "users"
    with tempfile.TemporaryDirectory() as cache:
        for label, env in (("cold: empty GOCACHE", {"GOCACHE": cache}), ("warm: GOCACHE kept", {})):
            output = Path(cache) / "users-binary"
            started = time.perf_counter()
            go_build(package, output, env)
            rows.append([label, f"{time.perf_counter() - started:.1f} s"])
    binary_for(package).unlink(missing_ok=True)
    started = time.perf_counter()
    build_go(package)
    rows.append(["serve() after a source change (warm cache)", f"{time.perf_counter() - started:.1f} s"])
    print("building servers/go/users")
    print(table(rows, ["build", "wall time"]))


def load(seconds: int = 5, connections: int = 32) -> None:
    """GET /users/{id} under load with hey, one language after the other, in one table."""
    built_program("hey")  # built on first use
    rows = []
    for language in LANGUAGES:
        with serve(language, "users") as server:
            for i in range(100):
                requests.post(
                    server.url + "/users", json={"email": unique_email(), "name": f"User {i}"}, timeout=5
                )
            result = run_hey(server.url + "/users/42", seconds, connections)
            rows.append(
                [
                    language,
                    f"{result.requests_per_second:,.0f}",
                    f"{result.p50 * 1000:.2f} ms",
                    f"{result.p99 * 1000:.2f} ms",
                    result.outcome(),
                    f"{_peak_memory_mib(server.pid):.1f} MiB",
                ]
            )
    print(f"hey -z {seconds}s -c {connections} GET /users/42 (100 users stored), on {os.cpu_count()} cores")
    print(table(rows, ["language", "requests/s", "p50", "p99", "outcome", "peak memory"]))


def _fill_directory_store(directory: Path, count: int) -> None:
    """Write count users straight into a USERS_STORE directory, in the layout of servers/README.md
    ("Sharing state between processes"): much faster than count POSTs, and read alike by all three."""
    for folder in ("tmp", "users", "emails"):
        (directory / folder).mkdir(parents=True, exist_ok=True)
    for number in range(1, count + 1):
        email = f"user{number}@example.com"
        (directory / "users" / str(number)).mkdir()
        record = {"id": str(number), "email": email, "name": f"User {number}"}
        (directory / "users" / str(number) / "1.json").write_text(json.dumps(record) + "\n")
        (directory / "emails" / hashlib.sha256(email.encode()).hexdigest()).write_text(str(number))


def _page_time(session: requests.Session, url: str, runs: int) -> float:
    """The median time of GET url, in milliseconds, on a kept-alive connection."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = session.get(url, timeout=30)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.text
    return statistics.median(times) * 1000


def paging(count: int = 10_000, limit: int = 20, runs: int = 20) -> None:
    """Time per page at the first and the last cursor of `count` users, per language and store: a
    store that reads every user up to the cursor makes the last page cost more than the first."""
    rows = []
    last_cursor = count - limit
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "store"
        _fill_directory_store(directory, count)
        for store in ("memory", "directory"):
            for language in LANGUAGES:
                env = {"USERS_STORE": str(directory)} if store == "directory" else None
                with serve(language, "users", env=env) as server, requests.Session() as session:
                    if store == "memory":
                        for number in range(1, count + 1):
                            body = {"email": f"user{number}@example.com", "name": f"User {number}"}
                            session.post(server.url + "/users", json=body, timeout=5)
                    first = _page_time(session, f"{server.url}/users?limit={limit}", runs)
                    last = _page_time(session, f"{server.url}/users?limit={limit}&cursor={last_cursor}", runs)
                    rows.append(
                        [store, language, f"{first:.2f} ms", f"{last:.2f} ms", f"{last / first:.1f}x"]
                    )
    print(f"GET /users?limit={limit}, median of {runs}, with {count:,} users stored")
    print(
        table(rows, ["store", "language", "first page", f"last page (cursor={last_cursor})", "last / first"])
    )


def checks() -> None:
    """Wall time of one `make check` per language (the solution of each exercise, Go already built)."""
    exercises = sorted(path.name for path in SOLUTIONS.glob("[0-9][0-9]_*"))
    rows = []
    for exercise in exercises:
        row = [exercise]
        for language in LANGUAGES:
            command = [sys.executable, "-m", "workbook.grading", exercise[:2], language, "--solution"]
            subprocess.run(command, cwd=ROOT, capture_output=True)  # build once
            started = time.perf_counter()
            done = subprocess.run(command, cwd=ROOT, capture_output=True)
            row.append(
                f"{time.perf_counter() - started:.2f} s" + ("" if done.returncode == 0 else " (failed)")
            )
        rows.append(row)
    print("python -m workbook.grading NN LANGUAGE --solution (what `make check` runs)")
    print(table(rows, ["exercise", *LANGUAGES]))


def lessons() -> None:
    """Wall time of each lesson run top to bottom in a fresh kernel."""
    import nbformat
    from nbclient import NotebookClient

    rows = []
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        document = nbformat.read(notebook, as_version=4)
        started = time.perf_counter()
        NotebookClient(
            document, timeout=120, resources={"metadata": {"path": str(notebook.parent)}}
        ).execute()
        rows.append([notebook.name, f"{time.perf_counter() - started:.1f} s"])
    print("each lesson, fresh kernel, top to bottom")
    print(table(rows, ["lesson", "wall time"]))


def workflow() -> None:
    """A fresh clone of this checkout: wall time of `make setup` (what `make lab` does before
    opening JupyterLab) and then of `make test`. Uses the machine's pip and Go caches, as a
    learner's second project would."""
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        clone = Path(scratch) / "workbook"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        for target in ("setup", "test"):
            rows.append(_timed_make(target, clone, os.environ))
    print("a fresh clone of the committed workbook")
    print(table(rows, ["command", "wall time (CPU time)", "result"]))


def _timed_make(target: str, clone: Path, env: dict[str, str]) -> list[str]:
    """Run `make target` in `clone`; a table row: the command, its wall time, the CPU time of all it
    ran (on a busy machine, CPU time / cores is what an idle one would take at least), and ok or
    the tail of its output."""
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run(["make", target], cwd=clone, env=env, capture_output=True, text=True)
    outcome = "ok" if done.returncode == 0 else f"failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    took = f"{time.perf_counter() - started:.1f} s ({_children_cpu() - cpu:.0f} s CPU)"
    return [f"make {target}", took, outcome]


def _children_cpu() -> float:
    """User and system time of every finished child process so far (and of theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _lab_start(clone: Path, env: dict[str, str], timeout: float = 60.0) -> str:
    """Seconds from `make lab` until JupyterLab prints its URL; JupyterLab is stopped again."""
    started = time.perf_counter()
    lab = subprocess.Popen(
        ["make", "lab"],
        cwd=clone,
        env={**env, "BROWSER": "true"},  # no browser window: `true` is the browser
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = started + timeout
        for line in lab.stdout:
            if "http://127.0.0.1:" in line or "http://localhost:" in line:
                return f"{time.perf_counter() - started:.1f} s"
            if time.perf_counter() > deadline:
                break
        return "no URL printed"
    finally:
        os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait()


def setup() -> None:
    """A learner's first `make setup` on a machine that never built anything (empty pip, Go build
    and Go module caches, in a temporary folder: the machine's own caches are left alone), then a
    second fresh clone with those caches full, then a second `make lab` until JupyterLab is up."""
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        caches = Path(scratch) / "caches"
        env = {
            **os.environ,
            "GOCACHE": str(caches / "go-build"),
            "GOMODCACHE": str(caches / "go-mod"),
            "PIP_CACHE_DIR": str(caches / "pip"),
        }
        try:
            for label in ("cold: empty caches", "warm: caches full"):
                clone = Path(scratch) / label.split(":")[0]
                subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
                rows.append([label, *_timed_make("setup", clone, env)])
                if label.startswith("cold"):  # what the first lesson that needs Caddy & co. waits for
                    rows.append([label, *_timed_make(".build/bin/.programs", clone, env)])
            rows.append(["second start", "make lab (until JupyterLab's URL)", _lab_start(clone, env), ""])
        finally:  # Go makes its module cache read-only; only `go clean` removes it
            subprocess.run(["go", "clean", "-modcache"], env=env, capture_output=True)
    print(f"a fresh clone of the committed workbook, on {os.cpu_count()} cores")
    print(table(rows, ["caches", "command", "wall time (CPU time)", "result"]))


PARTS = {
    "startup": startup,
    "build": build,
    "load": load,
    "checks": checks,
    "paging": paging,
    "lessons": lessons,
    "workflow": workflow,
    "setup": setup,
}
DEFAULT = ["startup", "build", "load", "paging", "checks"]


def main(names: list[str]) -> int:
    unknown = [name for name in names if name not in PARTS]
    if unknown:
        print(f"unknown part {unknown[0]!r}; choose from: {', '.join(PARTS)}", file=sys.stderr)
        return 2
    for name in names or DEFAULT:
        PARTS[name]()
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
