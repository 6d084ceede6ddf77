"""The checker cannot be fooled: every learner mistake in tests/mutants/ is caught, by the check named.

Each tests/mutants/NN_slug.toml lists mutants: a solution in one language with one known mistake
(a few text replacements), and the checks that must fail because of it (`startup`: the checker's
own start-up checks). The mutants run in threads, all at once, on the first test that needs them;
each test then reads its own result. And every check of every exercise is named by a mutant, so
no check passes everything.
"""

from __future__ import annotations

import shutil
import tomllib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

from workbook.grading.exercises import Exercise, exercises, load_checks
from workbook.grading.report import Report
from workbook.grading.runner import run
from workbook.grading.starters import solution_code
from workbook.launcher import ENTRY_FILE
from workbook.paths import ROOT, SOLUTIONS

CATALOGUE = Path(__file__).with_name("mutants")
WORKDIR = ROOT / "_scratch" / "mutants"  # inside the Go module, so Go builds there; a fixed name
# per mutant, so an unchanged Go mutant is not compiled again
START_TIMEOUT = 3.0
SEED = 20261127  # fixed, so a failure here replays exactly (the data is random all the same)
THREADS = 4  # the checks mostly wait on servers: four at a time keep two cores busy


@dataclass
class Mutant:
    exercise: Exercise
    name: str
    language: str
    mistake: str
    catches: list[str]
    edits: list[dict] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.exercise.number}-{self.language}-{self.name}"


def catalogue() -> list[Mutant]:
    found = []
    for exercise in exercises():
        path = CATALOGUE / f"{exercise.name}.toml"
        if path.exists():
            for entry in tomllib.loads(path.read_text(encoding="utf-8"))["mutant"]:
                found.append(Mutant(exercise, **entry))
    return found


MUTANTS = catalogue()


def build(mutant: Mutant) -> Path:
    """The mutant's source: the solution copied, with each edit applied exactly once."""
    solution = SOLUTIONS / mutant.exercise.name / mutant.language
    directory = WORKDIR / mutant.id
    shutil.rmtree(directory, ignore_errors=True)
    # Not __pycache__: running a solution's server.py by hand leaves one beside it.
    shutil.copytree(solution, directory, ignore=shutil.ignore_patterns("__pycache__", ".*"))
    for path in directory.iterdir():
        path.write_text(solution_code(path.read_text(encoding="utf-8"), mutant.language))
    for edit in mutant.edits:
        path = directory / edit.get("file", ENTRY_FILE[mutant.language])
        text = path.read_text(encoding="utf-8")
        count = text.count(edit["replace"])
        if count != 1:
            raise AssertionError(
                f"mutant {mutant.id}: the text to replace occurs {count} times in "
                f"{path.relative_to(directory)} of solutions/{mutant.exercise.name}/{mutant.language}, "
                f"not once: update tests/mutants/{mutant.exercise.name}.toml\n{edit['replace']}"
            )
        path.write_text(text.replace(edit["replace"], edit["with"]), encoding="utf-8")
    return directory


def grade(mutant: Mutant) -> Report | str:
    """The checker's report on the mutant (checks after the last one named are not run)."""
    try:
        directory = build(mutant)
    except AssertionError as error:
        return str(error)
    try:
        until = set(mutant.catches) - {"startup"}
        return run(
            mutant.exercise,
            mutant.language,
            source=directory,
            seed=SEED,
            start_timeout=START_TIMEOUT,
            until=until,
        )
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@cache
def all_reports() -> dict[str, Report | str]:
    with ThreadPoolExecutor(THREADS) as pool:
        return dict(zip([m.id for m in MUTANTS], pool.map(grade, MUTANTS)))


@pytest.mark.parametrize("mutant", [pytest.param(m, id=m.id) for m in MUTANTS])
def test_mutant_is_caught_by_the_checks_it_names(mutant):
    report = all_reports()[mutant.id]
    assert not isinstance(report, str), report
    assert "internal error" not in str(report), str(report)
    failed = {o.check.name for o in report.outcomes if o.failure}
    if not report.started:
        failed.add("startup")
    missed = [name for name in mutant.catches if name not in failed]
    assert missed == [], f"{mutant.id} ({mutant.mistake}) is not caught by {missed}:\n{report}"


@pytest.mark.parametrize("exercise", [pytest.param(e, id=e.name) for e in exercises()])
def test_every_check_catches_at_least_one_mutant(exercise):
    _, checks = load_checks(exercise)
    named = {name for m in MUTANTS if m.exercise == exercise for name in m.catches}
    assert [c.name for c in checks if c.name not in named] == []


@pytest.mark.parametrize("exercise", [pytest.param(e, id=e.name) for e in exercises()])
def test_every_exercise_has_three_mutants_or_more_in_two_languages_or_more(exercise):
    mine = [m for m in MUTANTS if m.exercise == exercise]
    assert len(mine) >= 3 and len({m.language for m in mine}) >= 2


def test_every_mutant_names_checks_that_exist():
    unknown = []
    for mutant in MUTANTS:
        _, checks = load_checks(mutant.exercise)
        names = {c.name for c in checks} | {"startup"}
        unknown += [f"{mutant.id}: {name}" for name in mutant.catches if name not in names]
    assert unknown == []
