"""Starters: made from the solutions (one source), and recognised when untouched.

A solution is the source of its starter. In the solution, a region the learner writes is marked
(the comment sign of the language, here `#`):

    # BEGIN SOLUTION
    ...the solution's lines: left out of the starter...
    # STARTER
    # | ...a line of the starter only (a TODO, a stub), as it is, indentation and all...
    # END SOLUTION

`make starters` writes every exercises/NN_slug/LANGUAGE/ from solutions/NN_slug/LANGUAGE/: each
file with its marked regions replaced by their starter lines, `solutions/NN_slug` read as
`exercises/NN_slug`, and files without markers copied as they are. A symbolic link (the plumbing
that exercises share, one file per language in exercises/_plumbing/) becomes a link in the starter
to the same file, so scaffolding exists once however many exercises use it. A test fails
when a committed starter differs from what this produces. Then `starters.sha256` records a
fingerprint of each untouched starter, so `make progress` can tell "not started".
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from ..launcher import LANGUAGES
from ..paths import EXERCISES, SOLUTIONS
from ..toolchain import require
from .exercises import Exercise, exercises

COMMENT = {"python": "#", "node": "//", "go": "//"}


class MarkerError(ValueError):
    """A solution's markers do not nest or do not close."""


def starter_from(solution: str, language: str, name: str) -> str:
    """The starter's text of one solution file (see the module's docstring for the markers)."""
    sign = COMMENT[language]
    begin, middle, end = f"{sign} BEGIN SOLUTION", f"{sign} STARTER", f"{sign} END SOLUTION"
    out: list[str] = []
    state = "outside"  # outside -> solution -> starter -> outside
    for number, line in enumerate(solution.splitlines(keepends=True), 1):
        marker = line.strip()
        if marker == begin and state == "outside":
            state = "solution"
        elif marker == middle and state == "solution":
            state = "starter"
        elif marker == end and state in ("solution", "starter"):
            state = "outside"
        elif marker in (begin, middle, end):
            raise MarkerError(f"{name}:{number}: `{marker}` where it cannot be")
        elif state == "outside":
            out.append(line)
        elif state == "starter":
            if not re.match(re.escape(sign) + r" \|( |$)", marker):
                raise MarkerError(f"{name}:{number}: a starter line must start with `{sign} | `")
            out.append(line.lstrip()[len(sign) + 3 :].rstrip("\n") + "\n")
    if state != "outside":
        raise MarkerError(f"{name}: a `{begin}` without its `{end}`")
    text = "".join(out).replace(f"solutions/{name}", f"exercises/{name}")
    # Removing lines can leave a layout the linters would change (gofmt aligns a block, ruff
    # sorts and spaces imports): the starter is written as they want it.
    return {"go": gofmt, "python": sort_imports}.get(language, str)(text)


def sort_imports(text: str) -> str:
    """Python source with its imports as ruff sorts them (the linter `make test` runs)."""
    command = [sys.executable, "-m", "ruff", "check", "--select", "I", "--fix", "--quiet"]
    result = subprocess.run(
        [*command, "--stdin-filename", "server.py", "-"], input=text, capture_output=True, text=True
    )
    return result.stdout if result.returncode == 0 and result.stdout else text


def gofmt(text: str) -> str:
    """Go source as gofmt writes it."""
    require("go")
    result = subprocess.run(["gofmt"], input=text, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise MarkerError(f"the generated Go starter does not parse:\n{result.stderr}")
    return result.stdout


def solution_code(text: str, language: str) -> str:
    """A solution's code without the lines that only make its starter (markers and `| ` lines)."""
    sign = COMMENT[language]
    markers = {f"{sign} BEGIN SOLUTION", f"{sign} STARTER", f"{sign} END SOLUTION"}
    starter_line = re.compile(re.escape(sign) + r" \|( |$)")
    kept = [
        line
        for line in text.splitlines(keepends=True)
        if line.strip() not in markers and not starter_line.match(line.strip())
    ]
    return "".join(kept)


SHARED = EXERCISES / "_plumbing"  # scaffolding several exercises share, linked from each of them


def generated_links() -> dict[Path, str]:
    """Every link of the starters as the solutions' links produce it: path under exercises/ -> the
    target it must point to (relative, so the copy works wherever the workbook is)."""
    found = {}
    for link in sorted(SOLUTIONS.glob("[0-9][0-9]_*/*/*")):
        if link.is_symlink():
            starter = EXERCISES / link.relative_to(SOLUTIONS)
            found[starter] = os.path.relpath(link.resolve(), starter.parent)
    return found


def generated_starters() -> dict[Path, str]:
    """Every starter file as the solutions produce it: path under exercises/ -> its text."""
    found = {}
    for solution_dir in sorted(SOLUTIONS.glob("[0-9][0-9]_*")):
        for language in LANGUAGES:
            for path in sorted((solution_dir / language).glob("*")):
                if path.is_file() and not path.is_symlink():
                    text = starter_from(path.read_text(encoding="utf-8"), language, solution_dir.name)
                    found[EXERCISES / solution_dir.name / language / path.name] = text
    return found


def write_starters() -> list[Path]:
    """Write every starter from its solution; return the files that changed."""
    changed = []
    for path, text in generated_starters().items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            shutil.copymode(SOLUTIONS / path.relative_to(EXERCISES), path)
            changed.append(path)
    for path, target in generated_links().items():
        if not path.is_symlink() or os.readlink(path) != target:
            path.unlink(missing_ok=True)
            path.symlink_to(target)
            changed.append(path)
    return changed


STARTERS_RECORD = EXERCISES / "starters.sha256"  # fingerprints of the untouched starters


def fingerprint(directory: Path) -> str:
    """sha256 over a directory's files (names and bytes), ignoring caches and hidden files."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if path.is_file() and not any(p.startswith((".", "__pycache__")) for p in relative.parts):
            digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def recorded_starters() -> dict[str, str]:
    """The committed fingerprints of the untouched starters: "NN_slug/language" -> sha256."""
    if not STARTERS_RECORD.exists():
        return {}
    pairs = (line.split() for line in STARTERS_RECORD.read_text().splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def record_starters() -> None:
    """Write exercises/starters.sha256 from the starters as they are now (after changing a starter)."""
    lines = [
        f"{fingerprint(e.source(lang))}  {e.name}/{lang}"
        for e in exercises()
        for lang in LANGUAGES
        if e.source(lang).is_dir()
    ]
    STARTERS_RECORD.write_text("\n".join(lines) + "\n")


def untouched(exercise: Exercise, language: str) -> bool:
    """True while the learner's copy is byte for byte the starter the workbook ships."""
    recorded = recorded_starters().get(f"{exercise.name}/{language}")
    return recorded == fingerprint(exercise.source(language))
