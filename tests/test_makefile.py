"""The two commands' promises: `make` lists the targets; a missing toolchain is one clear line."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbook.paths import ROOT

TARGETS = [
    *("help", "setup", "lab", "reset-lesson", "test", "test-slow"),
    *("check", "hint", "watch", "progress", "starters", "bench", "book", "doctor", "clean"),
]


def make(*args: str, path: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": path} if path is not None else os.environ
    return subprocess.run(
        [shutil.which("make"), "-n", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def bin_dir(tmp_path) -> Path:
    """A PATH holding only Python (the prerequisite make's own checks run on), as symlinks."""
    directory = tmp_path / "bin"
    directory.mkdir()
    (directory / "python3").symlink_to(sys.executable)
    return directory


def fake_tool(directory: Path, name: str, prints: str) -> None:
    """A new script (never written through a link to a real tool) that prints a version."""
    script = directory / name
    assert not script.exists()
    script.write_text(f"#!/bin/sh\necho '{prints}'\n")
    script.chmod(0o755)


def test_make_alone_lists_every_target_with_one_line():
    result = subprocess.run([shutil.which("make")], cwd=ROOT, capture_output=True, text=True)
    listed = [line.split()[1] for line in result.stdout.splitlines() if line.startswith("  make ")]
    assert listed == TARGETS


def test_missing_node_is_one_line_naming_node_and_its_minimum_version(bin_dir):
    fake_tool(bin_dir, "go", "go version go1.22.0 linux/amd64")
    result = make("lab", path=str(bin_dir))
    assert result.returncode != 0
    assert "node 20+ is needed but was not found on PATH" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_too_old_go_is_one_line_naming_the_installed_and_minimum_version(bin_dir):
    fake_tool(bin_dir, "go", "go version go1.19.1 linux/amd64")
    (bin_dir / "node").symlink_to(shutil.which("node"))
    result = make("test", path=str(bin_dir))
    assert result.returncode != 0
    assert "go 1.22+ is needed but 1.19 is installed" in result.stderr
    assert "Traceback" not in result.stderr


def test_too_old_python_is_named_before_anything_runs(bin_dir):
    fake_tool(bin_dir, "python2", "never run")
    result = make("test", "PYTHON=python-that-does-not-exist", path=str(bin_dir))
    assert result.returncode != 0
    assert "Python 3.11+ is needed" in result.stderr


def test_help_needs_no_toolchain():
    result = subprocess.run(
        [shutil.which("make"), "help", "PYTHON=python-that-does-not-exist"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0
    assert "make lab" in result.stdout


@pytest.mark.parametrize(
    "solution, flag", [("0", False), ("no", False), ("", False), ("1", True), ("yes", True)]
)
def test_check_grades_the_solution_only_when_solution_says_so(solution, flag):
    result = make("-n", "check", "EX=03", "IN=Go", f"SOLUTION={solution}")
    command = next(line for line in result.stdout.splitlines() if "workbook.grading" in line)
    assert command.rstrip().endswith("03 Go --solution" if flag else "03 Go")
