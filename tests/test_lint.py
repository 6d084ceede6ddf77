"""Every program in the workbook is clean under its language's own linters: ruff for Python,
gofmt and go vet for Go, `node --check` for JavaScript.

A starter the learner has changed is left out: `make test` is about the workbook, not their work
in progress (tests/test_exercises.py skips it for the same reason).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbook import LANGUAGES
from workbook.grading.exercises import exercises
from workbook.grading.starters import untouched
from workbook.paths import ROOT

PROGRAM_ROOTS = ("servers", "exercises", "solutions")
FORMATTED = ("workbook", "tests", "tools")  # ruff format's remit; see pyproject.toml


def changed_starters() -> list[Path]:
    """The starter directories that differ from the ones the workbook ships."""
    return [e.source(lang) for e in exercises() for lang in LANGUAGES if not untouched(e, lang)]


def files(pattern: str) -> list[Path]:
    """Files under the program roots matching `pattern`, without the changed starters."""
    skipped = changed_starters()
    found = [path for root in PROGRAM_ROOTS for path in sorted((ROOT / root).rglob(pattern))]
    return [path for path in found if not any(path.is_relative_to(s) for s in skipped)]


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_python_passes_ruff_check():
    excluded = [arg for path in changed_starters() for arg in ("--exclude", str(path))]
    result = run(sys.executable, "-m", "ruff", "check", "--no-cache", *excluded, ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_helper_package_tests_and_tools_are_ruff_formatted():
    result = run(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", *FORMATTED)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
def test_go_is_gofmt_formatted():
    result = run("gofmt", "-l", *map(str, files("*.go")))
    assert result.stdout == "", f"run gofmt -w on:\n{result.stdout}{result.stderr}"


@pytest.mark.skipif(shutil.which("go") is None, reason="go is not installed")
def test_go_passes_go_vet():
    packages = sorted({"./" + str(path.parent.relative_to(ROOT)) for path in files("*.go")})
    result = run("go", "vet", *packages)
    assert result.returncode == 0, result.stdout + result.stderr


def test_javascript_parses_with_node_check():
    broken = {}
    for path in files("*.js"):
        result = run("node", "--check", str(path))
        if result.returncode != 0:
            broken[str(path.relative_to(ROOT))] = result.stderr
    assert broken == {}
