"""The checker's command line (`make check`, `make progress`) and its notebook entry, `check`."""

from __future__ import annotations

import sys

from ..launcher import LANGUAGES
from ..paths import ROOT
from .exercises import exercises, find_exercise
from .report import Report
from .runner import run
from .starters import STARTERS_RECORD, record_starters, untouched

USAGE = f"""usage: make check EX=NN IN=LANGUAGE      e.g. make check EX=03 IN=go
       python -m workbook.grading NN LANGUAGE [--solution]
       python -m workbook.grading --progress
languages: {", ".join(LANGUAGES)}"""


def check(exercise: str, language: str, *, solution: bool = False) -> Report:
    """Grade one exercise in one language; the returned report shows itself in a notebook cell."""
    try:
        return run(find_exercise(str(exercise)), resolve_language(language), solution=solution)
    except ValueError as error:
        return Report(None, str(language), None, problem=str(error))


def resolve_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"there is no language {language!r}; choose one of {', '.join(LANGUAGES)}")
    return language


def progress() -> str:
    """The table exercises x languages: passed / failed / not started."""
    width = max([len(e.title) for e in exercises()] + [8])
    rows = [(f"{'exercise':<{width}}  " + "".join(f"{lang:<15}" for lang in LANGUAGES)).rstrip()]
    for exercise in exercises():
        cells = []
        for language in LANGUAGES:
            if untouched(exercise, language):
                cells.append("· not started")
            else:
                cells.append("✓ passed" if run(exercise, language).passed else "✗ failed")
        rows.append((f"{exercise.title:<{width}}  " + "".join(f"{cell:<15}" for cell in cells)).rstrip())
    return "\n".join(rows + ["", "make check EX=NN IN=LANGUAGE shows what a failed one needs."])


def main(argv: list[str]) -> int:
    """The command line; exit status 0 only when every check passes."""
    try:
        if argv == ["--progress"]:
            print(progress())
            return 0
        if argv == ["--record-starters"]:
            record_starters()
            print(f"wrote {STARTERS_RECORD.relative_to(ROOT)}")
            return 0
        solution = "--solution" in argv
        positional = [a for a in argv if a != "--solution"]
        if len(positional) != 2 or any(a.startswith("-") for a in positional):
            print(USAGE, file=sys.stderr)
            return 2
        try:
            exercise, language = find_exercise(positional[0]), resolve_language(positional[1])
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        report = run(exercise, language, solution=solution)
        print(report)
        return 0 if report.passed else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as error:
        print(
            f"internal error in the checker: {type(error).__name__}: {error} (please report it)",
            file=sys.stderr,
        )
        return 3
