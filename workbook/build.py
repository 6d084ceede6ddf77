"""Compile Go servers once, into .build/, and again only when their sources change."""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
from pathlib import Path

from .paths import BUILD, ROOT, SERVERS
from .toolchain import require


class BuildError(RuntimeError):
    """`go build` failed; the message carries the compiler's full output."""


def source_hash(package: Path) -> str:
    """A fingerprint of a Go package: its .go files and the module's go.mod."""
    digest = hashlib.sha256()
    for path in sorted(package.glob("*.go")) + [ROOT / "go.mod"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def binary_for(package: Path) -> Path:
    """Where the binary of a Go package lives: .build/go/<its path, slashes as dashes>."""
    relative = package.resolve().relative_to(ROOT)
    return BUILD / "go" / "-".join(relative.parts)


def build_go(package: Path) -> Path:
    """Return the binary for a Go package directory, building it first if its sources changed."""
    package = Path(package).resolve()
    binary = binary_for(package)
    stamp = binary.with_name(binary.name + ".sha256")
    wanted = source_hash(package)
    binary.parent.mkdir(parents=True, exist_ok=True)
    # A lock, so that twenty servers launched at once build the binary once.
    with open(binary.with_name(binary.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if binary.exists() and stamp.exists() and stamp.read_text() == wanted:
            return binary
        partial = binary.with_name(binary.name + ".partial")
        go_build(package, partial)
        os.replace(partial, binary)
        stamp.write_text(wanted)
    return binary


def go_build(package: Path, output: Path, env: dict[str, str] | None = None) -> None:
    """Run `go build -o output ./package` in the module root; BuildError with the compiler's output."""
    require("go")
    command = ["go", "build", "-o", str(output), "./" + str(Path(package).resolve().relative_to(ROOT))]
    env = {**os.environ, "GOTOOLCHAIN": "local", **(env or {})}
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        shown = " ".join(command)
        raise BuildError(f"`{shown}` failed (in {ROOT}):\n{result.stdout}{result.stderr}".rstrip())


def go_packages(under: Path) -> list[Path]:
    """Every directory below `under` that holds a Go main package."""
    return sorted({path.parent for path in under.rglob("main.go")})


def main(roots: list[str]) -> int:
    """Build every Go server below the given directories (default: servers/)."""
    for root in [Path(r) for r in roots] or [SERVERS]:
        for package in go_packages(root.resolve()):
            try:
                build_go(package)
            except BuildError as error:
                print(error, file=sys.stderr)
                return 1
            print(f"built {binary_for(package).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
