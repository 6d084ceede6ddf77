"""A learner pokes: every lesson, run top to bottom in a fresh kernel with each code cell executed
twice in a row, shows no error, and once the kernel ends leaves no process and no temporary folder
behind (slow tier: `make test-slow`, and always in CI).

The kernel gets a temporary directory of its own (TMPDIR) and a tag in its environment, which every
process it starts inherits: what is left of either after the kernel ends was left by the lesson.
"""

import time
import uuid

import nbformat
import psutil
import pytest
from kernel import Kernel, errors, text

from workbook.paths import ROOT

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def tagged_processes(name: str, value: str) -> list[str]:
    """The command lines of the running processes whose environment has `name`=`value` (psutil:
    the same on Linux and macOS; another user's process, which it may not read, is not ours)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(name) == value:
                found.append(" ".join(process.cmdline()))
        except psutil.Error:
            continue
    return found


def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_every_cell_runs_twice_and_nothing_is_left_behind(path, tmp_path):
    tag = f"WORKBOOK_RUN_TAG={uuid.uuid4().hex}"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    name, value = tag.split("=")
    cells = [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]
    failures = []
    with Kernel(env={"TMPDIR": str(scratch), name: value}) as kernel:
        for number, cell in enumerate(cells, 1):
            for run in ("first", "second"):
                shown = kernel.run(cell)
                if errors(shown) or "Traceback" in text(shown):
                    shown_text = text(shown)[-1500:]
                    failures.append(f"code cell {number}, {run} run:\n{cell.source}\n--> {shown_text}")
    assert failures == [], "\n\n".join(failures)
    wait_for(lambda: not tagged_processes(name, value))
    assert tagged_processes(name, value) == [], "left running after the kernel ended"
    wait_for(lambda: not any(scratch.iterdir()))
    assert sorted(p.name for p in scratch.iterdir()) == [], "temporary folders left after the kernel ended"
