"""The programs the lessons run beside the servers: Caddy (lessons 03, 09, 10), oasdiff (lesson 07)
and hey (lesson 09, make bench), built from source (tools/programs) on first use.

    caddy = program("caddy")     # .build/bin/caddy, built first if missing or out of date

Compiling them takes a minute or two on a first setup, so `make setup` (and with it `make lab`)
leaves them out; `make test` and `make bench` build them before they start, and a lesson that needs
one first builds all three, once, under a lock, saying so in one line.
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

from .paths import BUILD, ROOT

BIN = BUILD / "bin"
STAMP = BIN / ".programs"  # the Makefile's target: make decides what is out of date
SOURCES = ROOT / "tools" / "programs"
NAMES = ("caddy", "oasdiff", "hey")


class ProgramError(RuntimeError):
    """A program could not be built; the message carries make's and the compiler's output."""


def built() -> bool:
    """True when the three programs exist and are newer than their sources."""
    sources = [SOURCES / "go.mod", SOURCES / "go.sum", *SOURCES.glob("caddy/*.go")]
    return (
        STAMP.exists()
        and all((BIN / name).exists() for name in NAMES)
        and all(STAMP.stat().st_mtime >= source.stat().st_mtime for source in sources)
    )


def program(name: str) -> Path:
    """The path of `name` (caddy, oasdiff or hey), built first if it is missing or out of date."""
    if name not in NAMES:
        raise ValueError(f"no program {name!r}: choose from {', '.join(NAMES)}")
    if not built():
        BIN.mkdir(parents=True, exist_ok=True)
        with open(BIN / ".programs.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # two kernels at once: one builds, the other waits
            if not built():
                print("building Caddy, oasdiff and hey (once; a minute or two) ...", file=sys.stderr)
                sys.stderr.flush()
                done = subprocess.run(
                    ["make", "--no-print-directory", str(STAMP.relative_to(ROOT))],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    raise ProgramError(f"building {name} failed:\n{done.stdout}{done.stderr}".rstrip())
    return BIN / name
