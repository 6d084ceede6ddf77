"""The lessons keep the shape HOUSE_STYLE.md describes, and stay runnable and reviewable.

nbval (pytest --nbval) runs each lesson and compares its outputs; these tests check what nbval
does not: that the stored outputs exist at all, that nothing is skipped, and that a lesson says
what the learner will be able to do, recaps, and points onwards.
"""

import json
import re
from pathlib import Path

import pytest

from workbook.paths import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def load(path: Path) -> dict:
    return json.loads(path.read_text())


def markdown(notebook: dict) -> str:
    return "\n".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown")


@pytest.fixture(params=NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def lesson(request) -> tuple[Path, dict]:
    return request.param, load(request.param)


def test_there_are_ten_lessons_numbered_in_reading_order():
    assert [path.name[:2] for path in NOTEBOOKS] == [f"{n:02}" for n in range(1, 11)]


def test_every_code_cell_was_run_and_its_outputs_stored(lesson):
    path, notebook = lesson
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert all(cell["execution_count"] is not None for cell in code), f"{path.name}: run it, then commit"
    assert [cell["execution_count"] for cell in code] == list(range(1, len(code) + 1)), "run top to bottom"
    assert sum(bool(cell["outputs"]) for cell in code) >= len(code) // 2


def test_no_cell_is_skipped_or_has_its_output_ignored(lesson):
    path, notebook = lesson
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        assert "NBVAL_SKIP" not in source and "NBVAL_IGNORE_OUTPUT" not in source, path.name
        assert not {"nbval-skip", "nbval-ignore-output"} & set(cell["metadata"].get("tags", []))


def test_no_execution_timestamps_are_stored(lesson):
    """Timestamps change on every run and would make every re-run a diff of its own."""
    path, notebook = lesson
    assert not [cell for cell in notebook["cells"] if "execution" in cell["metadata"]], path.name


def test_a_lesson_opens_with_its_title_and_recaps_at_the_end(lesson):
    path, notebook = lesson
    first = "".join(notebook["cells"][0]["source"])
    assert first.startswith("# "), f"{path.name} opens with a title"
    assert re.search(r"recap", markdown(notebook), re.I), f"{path.name} has a recap"
    assert re.search(r"predict", markdown(notebook), re.I), f"{path.name} asks the learner to predict"


def test_a_lesson_points_to_the_next_one(lesson):
    path, notebook = lesson
    following = [other for other in NOTEBOOKS if other.name[:2] == f"{int(path.name[:2]) + 1:02}"]
    if following:
        assert f"({following[0].name})" in markdown(notebook), f"{path.name} links to {following[0].name}"


def test_the_readme_lesson_map_links_every_lesson():
    readme = (ROOT / "README.md").read_text()
    assert re.findall(r"\(notebooks/(\d\d_\w+\.ipynb)\)", readme) == [path.name for path in NOTEBOOKS]
