"""The exercises are honest: every solution passes every check, every untouched starter fails one.

Exercises are found by their directories (exercises/NN_slug/), so a new one is covered as soon as
it exists. Test ids name the exercise and the language: test_solution_passes[03_respect_methods-go].
"""

import os
import re
import subprocess
import sys

import pytest

from workbook import LANGUAGES
from workbook.grading.exercises import exercises, hints, load_checks
from workbook.grading.runner import run
from workbook.grading.starters import (
    SHARED,
    generated_links,
    generated_starters,
    recorded_starters,
    untouched,
)
from workbook.launcher import ENTRY_FILE
from workbook.paths import EXERCISES, ROOT, SOLUTIONS

CASES = [
    pytest.param(exercise, language, id=f"{exercise.name}-{language}")
    for exercise in exercises()
    for language in LANGUAGES
]
EXERCISE_IDS = [pytest.param(exercise, id=exercise.name) for exercise in exercises()]
STARTER_TIMEOUT = 2.0  # a starter that prints no readiness line fails; no need to wait 5 s for it


@pytest.mark.parametrize("exercise, language", CASES)
def test_solution_passes_every_check(exercise, language):
    report = run(exercise, language, solution=True)
    assert report.passed, f"solutions/{exercise.name}/{language} does not pass:\n{report}"


@pytest.mark.parametrize("exercise, language", CASES)
def test_untouched_starter_fails_at_least_one_check(exercise, language):
    if not untouched(exercise, language):
        message = (
            f"exercises/{exercise.name}/{language} differs from exercises/starters.sha256: "
            "after changing a solution, run `make starters` (it writes the starters and their fingerprints)"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message + " (or it holds your own work: this test needs the untouched starter)")
    report = run(exercise, language, start_timeout=STARTER_TIMEOUT)
    assert not report.passed, f"exercises/{exercise.name}/{language} passes every check untouched:\n{report}"
    assert "internal error" not in str(report), str(report)


@pytest.mark.parametrize("exercise", EXERCISE_IDS)
def test_exercise_has_readme_hints_checks_starters_and_solutions(exercise):
    expected = [exercise.path / "README.md", exercise.path / "HINTS.md", exercise.path / "checks.py"]
    for language, entry in ENTRY_FILE.items():
        expected += [exercise.path / language / entry, SOLUTIONS / exercise.name / language / entry]
    assert [str(p.relative_to(ROOT)) for p in expected if not p.exists()] == []


@pytest.mark.parametrize("exercise", EXERCISE_IDS)
def test_every_check_names_a_hint_that_exists(exercise):
    module, checks = load_checks(exercise)
    numbers = hints(exercise)
    assert checks, f"{exercise.name}/checks.py defines no @check_that function"
    missing = {c.title: c.hint for c in checks if c.hint not in numbers}
    start_hints = [getattr(module, name, None) for name in ("START_HINT", "LOOPBACK_HINT")]
    assert missing == {} and all(hint is None or hint in numbers for hint in start_hints)


def test_readme_lists_every_exercise():
    table = (EXERCISES / "README.md").read_text(encoding="utf-8")
    assert [e.name for e in exercises() if f"({e.name}/)" not in table] == []


def test_every_starter_has_a_recorded_fingerprint():
    recorded = recorded_starters()
    assert [
        f"{e.name}/{lang}" for e in exercises() for lang in LANGUAGES if f"{e.name}/{lang}" not in recorded
    ] == []


def test_every_committed_starter_is_made_from_its_solution():
    differ = [
        str(path.relative_to(ROOT))
        for path, text in generated_starters().items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    assert differ == [], "run `make starters` (the solutions are the source of the starters)"


def test_every_starter_links_to_the_plumbing_its_solution_links_to():
    made = generated_links()
    differ = [
        str(p.relative_to(ROOT))
        for p, target in made.items()
        if not p.is_symlink() or os.readlink(p) != target
    ]
    assert differ == [], "run `make starters` (the solutions are the source of the starters)"
    links = {p for p in EXERCISES.glob("[0-9][0-9]_*/*/*") if p.is_symlink()}
    assert sorted(str(p.relative_to(ROOT)) for p in links - set(made)) == []
    assert all(p.resolve().is_relative_to(SHARED) for p in links), (
        "a starter links only into exercises/_plumbing"
    )


def test_every_starter_file_has_its_solution():
    made = set(generated_starters())
    starters = {
        p
        for p in EXERCISES.glob("[0-9][0-9]_*/*/*")
        if p.parent.name in LANGUAGES and p.is_file() and not p.is_symlink()
    }
    assert sorted(str(p.relative_to(ROOT)) for p in starters - made) == []


def test_solutions_mirror_exercises():
    def names(root):
        return sorted(p.name for p in root.glob("[0-9][0-9]_*") if p.is_dir())

    assert names(SOLUTIONS) == names(EXERCISES)


def checker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbook.grading", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_checker_without_arguments_prints_usage():
    result = checker()
    assert result.returncode == 2 and result.stderr.startswith("usage: make check EX=NN IN=LANGUAGE")


def test_checker_names_an_unknown_exercise_in_one_line():
    result = checker("99", "go")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "there is no exercise '99'" in result.stderr


def test_checker_names_an_unknown_language_in_one_line():
    result = checker("01", "ruby")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "there is no language 'ruby'" in result.stderr


def test_a_failed_check_shows_expected_sent_received_and_the_hint():
    result = checker("03", "python", "--solution")
    assert result.returncode == 0, result.stdout
    exercise = next(e for e in exercises() if e.name == "03_respect_methods")
    if not untouched(exercise, "python"):
        pytest.skip("exercises/03_respect_methods/python is not the untouched starter")
    report = str(run(exercise, "python", start_timeout=STARTER_TIMEOUT))
    assert "✗ HEAD /greeting answers GET's status and headers, and no body" in report
    assert "expected: status 200, as for GET" in report
    assert "> HEAD /greeting HTTP/1.1" in report and "< HTTP/1.0 501" in report
    assert "Stuck? A hint exists (hint 3: HEAD is GET without the body): make hint EX=03 IN=python" in report
    assert "Traceback" not in report


def test_every_later_failure_says_in_one_line_what_came_back():
    exercise = next(e for e in exercises() if e.name == "05_users_resource")
    if not untouched(exercise, "python"):
        pytest.skip("exercises/05_users_resource/python is not the untouched starter")
    report = str(run(exercise, "python", start_timeout=STARTER_TIMEOUT))
    listed = [line for line in report.splitlines() if line.startswith("  ✗ ")]
    first, *later = listed
    assert ": got" not in first  # the first failure is shown in full below the list
    assert later and all(re.search(r": got .+", line) for line in later), "\n".join(later)
    assert all(len(line) < 200 for line in later)


def test_a_server_that_does_not_start_shows_its_own_output(scratch):
    (scratch / "server.py").write_text("import sys\nsys.exit('error: cannot open the store at /nowhere')\n")
    exercise = next(e for e in exercises() if e.name == "03_respect_methods")
    report = str(run(exercise, "python", source=scratch))
    assert "✗ the checks could not run" in report
    assert "error: cannot open the store at /nowhere" in report
    assert not re.search(r'File ".*workbook', report)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_learners_file_of_05_to_07_holds_at_most_150_lines(language):
    """The issue's bound: what the learner opens holds the exercise, the rest is in _plumbing/."""
    for exercise in exercises():
        if exercise.name[:2] in ("05", "06", "07") and untouched(exercise, language):  # not your work
            path = exercise.source(language) / ENTRY_FILE[language]
            assert len(path.read_text(encoding="utf-8").splitlines()) <= 150, path
