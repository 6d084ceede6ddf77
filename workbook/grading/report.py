"""What the learner reads after a run: one line per check, then each failure with its hint."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..paths import ROOT
from .api import Check, Failed
from .exercises import Exercise, hints


@dataclass
class Outcome:
    """What one check did: passed, or the failure to show."""

    check: Check
    failure: Failed | None = None

    @property
    def passed(self) -> bool:
        return self.failure is None


@dataclass
class Report:
    """The result of grading one exercise in one language; its text is what the learner reads."""

    exercise: Exercise | None
    language: str
    source: Path | None
    outcomes: list[Outcome] = field(default_factory=list)
    problem: str | None = None  # why no check could run (the server did not start, ...)
    problem_hint: int | None = None  # the hint to show with it
    solution: bool = False

    @property
    def passed(self) -> bool:
        return self.problem is None and bool(self.outcomes) and all(o.passed for o in self.outcomes)

    def __str__(self) -> str:
        return render(self)

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def render(report: Report) -> str:
    """The report a learner reads: one line per check, then what went wrong and the hint."""
    exercise = report.exercise
    if exercise is None:
        return f"✗ {report.problem}"
    where = report.source
    if report.source and report.source.is_relative_to(ROOT):
        where = report.source.relative_to(ROOT)
    lines = [f"{exercise.title} · {report.language} · {where}", ""]
    if report.problem:
        lines += ["✗ the checks could not run:", indent(report.problem)]
        if report.problem_hint:
            lines += ["", *hint_lines(exercise, report.problem_hint)]
        return "\n".join(lines)
    for outcome in report.outcomes:
        lines.append(f"  {'✓' if outcome.passed else '✗'} {outcome.check.title}")
    failed = [o for o in report.outcomes if not o.passed]
    total = len(report.outcomes)
    if not failed:
        done = (
            ""
            if report.solution
            else (f" Done! Compare with solutions/{exercise.name}/{report.language}/ when you like.")
        )
        return "\n".join(lines + ["", f"All {total} checks pass.{done}"])
    lines += ["", f"{total - len(failed)} of {total} checks pass."]
    for outcome in failed:
        lines += ["", "─" * 72, *failure_lines(exercise, outcome)]
    return "\n".join(lines)


def failure_lines(exercise: Exercise, outcome: Outcome) -> list[str]:
    failure = outcome.failure
    lines = [f"✗ {outcome.check.title}", f"  expected: {failure.expected}"]
    if failure.got:
        first, *rest = failure.got.splitlines() or [""]
        lines += [f"  got: {first}", *(indent(line) for line in rest)]
    for shown in failure.exchanges:
        lines += ["  sent and received:", indent(str(shown)), ""]
    return lines + hint_lines(exercise, outcome.check.hint)


def hint_lines(exercise: Exercise, number: int) -> list[str]:
    title, text = hints(exercise).get(number, ("", ""))
    where = f"exercises/{exercise.name}/HINTS.md"
    if not text:
        return [f"  hint {number}: see {where}"]
    return [f"  hint {number} · {title} ({where}):", indent(text)]
