"""make lab opens the learner's own copy of the lessons (my-lessons/), never the tracked notebooks."""

import importlib.util
import subprocess

import pytest

from workbook.paths import ROOT

spec = importlib.util.spec_from_file_location("my_lessons", ROOT / "tools" / "my_lessons.py")
my_lessons = importlib.util.module_from_spec(spec)
spec.loader.exec_module(my_lessons)


@pytest.fixture
def folders(tmp_path):
    shipped, mine = tmp_path / "notebooks", tmp_path / "my-lessons"
    shipped.mkdir()
    for name in ("01_first.ipynb", "02_second.ipynb"):
        (shipped / name).write_text(f"shipped {name}")
    return shipped, mine


def test_prepare_copies_each_lesson_once_and_keeps_the_learners_edits(folders):
    shipped, mine = folders
    assert my_lessons.prepare(shipped, mine) == ["01_first.ipynb", "02_second.ipynb"]
    (mine / "01_first.ipynb").write_text("my notes")
    assert my_lessons.prepare(shipped, mine) == []
    assert (mine / "01_first.ipynb").read_text() == "my notes"


def test_reset_puts_one_lesson_back_and_keeps_the_old_copy_beside_it(folders):
    shipped, mine = folders
    my_lessons.prepare(shipped, mine)
    (mine / "02_second.ipynb").write_text("my notes")
    assert my_lessons.reset("2", shipped, mine) == "02_second.ipynb"
    assert (mine / "02_second.ipynb").read_text() == "shipped 02_second.ipynb"
    assert [p.read_text() for p in mine.glob("02_second.*.bak.ipynb")] == ["my notes"]


def test_reset_of_a_lesson_that_does_not_exist_names_the_lessons(folders):
    shipped, mine = folders
    with pytest.raises(SystemExit, match="no lesson 7: the lessons are 01, 02"):
        my_lessons.reset("7", shipped, mine)


def test_git_ignores_the_learners_copy():
    result = subprocess.run(["git", "check-ignore", "-q", "my-lessons/01_x.ipynb"], cwd=ROOT)
    assert result.returncode == 0


def test_make_lab_opens_the_checkout_on_the_learners_copy():
    dry = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "tools/my_lessons.py prepare" in dry.stdout
    assert f"--ServerApp.root_dir={ROOT}" in dry.stdout
    assert "/lab/tree/my-lessons/01_what_a_server_does.ipynb" in dry.stdout
