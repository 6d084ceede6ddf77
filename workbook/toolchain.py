"""Which toolchains the workbook needs, and one clear line when one is missing.

Run as a script before anything is installed (`python3 workbook/toolchain.py python node go`),
so this file uses only the standard library and syntax old Pythons can still parse.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

# tool: (minimum version, the command that prints its version, where to get it)
MINIMUM = {
    "python": ((3, 11), None, "https://www.python.org/downloads/"),
    "node": ((20,), ["node", "--version"], "https://nodejs.org/"),
    # The servers need Go 1.22 (go.mod). Caddy and oasdiff need 1.26 (tools/programs/go.mod): the
    # Makefile builds them with GOTOOLCHAIN=auto, so an older go fetches that toolchain itself.
    "go": ((1, 22), ["go", "version"], "https://go.dev/dl/"),
}


class ToolchainError(RuntimeError):
    """A tool the workbook needs is missing or too old."""


def version_of(tool: str) -> tuple[int, ...] | None:
    """The installed version of a tool, or None when it is not on PATH."""
    if tool == "python":
        return tuple(sys.version_info[:2])
    command = MINIMUM[tool][1]
    if shutil.which(command[0]) is None:
        return None
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)\.(\d+)", out)
    return (int(found.group(1)), int(found.group(2))) if found else None


_found_enough: set = set()  # tools already checked in this process: one check, not one per launch


def require(tool: str) -> None:
    """Raise ToolchainError naming the tool and its minimum version unless it is installed."""
    if tool in _found_enough:
        return
    minimum, _, url = MINIMUM[tool]
    wanted = ".".join(map(str, minimum))
    found = version_of(tool)
    if found is None:
        raise ToolchainError(f"{tool} {wanted}+ is needed but was not found on PATH: install it from {url}")
    if found < minimum:
        have = ".".join(map(str, found))
        raise ToolchainError(f"{tool} {wanted}+ is needed but {have} is installed: upgrade it from {url}")
    _found_enough.add(tool)


def main(tools: list[str]) -> int:
    """Check each tool; print one line per problem; exit status 1 if any."""
    problems = []
    for tool in tools or list(MINIMUM):
        try:
            require(tool)
        except ToolchainError as error:
            problems.append(str(error))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
