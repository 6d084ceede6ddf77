"""What the learner reads after a run: the checks with ✓/✗, the first failure in full, a curl
command that reproduces it, and where the hint is; and the same run as results.json for machines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ..paths import ROOT
from ..wire import Exchange, RawExchange
from .api import Check, Failed
from .diagnosis import curl_for, curl_for_raw
from .exercises import Exercise, hints

REPRODUCE_PORT = 8080  # the port the curl line assumes the learner's server runs on
# Lines of a shown exchange that say nothing about the exercise: requests' defaults, the
# standard libraries' Server and Date. Left out, so that what matters fits on a screen.
NOISE = re.compile(
    r"^> (User-Agent|Accept-Encoding|Accept: \*/\*|Connection: keep-alive)|^< (Server|Date|Keep-Alive):",
    re.I,
)


@dataclass
class Outcome:
    """What one check did: passed, failed (the failure to show), or did not run (why)."""

    check: Check
    failure: Failed | None = None
    skipped: str | None = None

    @property
    def passed(self) -> bool:
        return self.failure is None and self.skipped is None

    @property
    def status(self) -> str:
        return "pass" if self.passed else "error" if self.skipped else "fail"


@dataclass
class Report:
    """The result of grading one exercise in one language; its text is what the learner reads."""

    exercise: Exercise | None
    language: str
    source: Path | None
    outcomes: list[Outcome] = field(default_factory=list)
    problem: str | None = None  # why no check could run (the server did not start, ...)
    problem_hint: int | None = None  # the hint that fits that problem, if one does
    solution: bool = False
    seed: int = 0
    started: bool = False  # the server started and listens where it says

    @property
    def passed(self) -> bool:
        return self.problem is None and bool(self.outcomes) and all(o.passed for o in self.outcomes)

    @property
    def first_failure(self) -> Outcome | None:
        return next((o for o in self.outcomes if o.failure), None)

    def hint_wanted(self) -> int | None:
        """The hint section that fits the first thing to fix."""
        if self.problem:
            return self.problem_hint
        first = self.first_failure
        if first is None:
            return None
        return first.check.hint if first.failure.hint is None else first.failure.hint or None

    def __str__(self) -> str:
        return render(self)

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def render(report: Report) -> str:
    """The report a learner reads: one line per check, then the first failure in full."""
    exercise = report.exercise
    if exercise is None:
        return f"✗ {report.problem}"
    where = report.source
    if report.source and report.source.is_relative_to(ROOT):
        where = report.source.relative_to(ROOT)
    lines = [f"{exercise.title} · {report.language} · {where}", ""]
    if report.problem:
        lines += ["✗ the checks could not run:", indent(report.problem)]
        return "\n".join(lines + hint_pointer(report) + seed_line(report))
    lines.append("  ✓ starts, and listens on 127.0.0.1 at the port its readiness line names")
    first = report.first_failure
    for outcome in report.outcomes:
        mark = "✓" if outcome.passed else "·" if outcome.skipped else "✗"
        why = f"  ({outcome.skipped})" if outcome.skipped else ""
        if outcome.failure and outcome is not first:
            why = f": {came_back(outcome.failure)}"  # the first failure is shown in full below
        lines.append(f"  {mark} {outcome.check.title}{why}")
    total = len(report.outcomes)
    passed = sum(o.passed for o in report.outcomes)
    if report.passed:
        return "\n".join(lines + ["", f"All {total} checks pass.", *done_lines(report)])
    lines += ["", f"{passed} of {total} checks pass. The first to fix:", ""]
    if first:
        lines += failure_lines(first)
    return "\n".join(lines + hint_pointer(report) + seed_line(report))


REASON_WIDTH = 72  # a later failure's reason, cut so that its check stays on one line


def came_back(failure: Failed) -> str:
    """One line on a later failure: what came back (its status line, or the checker's own words
    about it), then what the check wanted."""
    got = (failure.got or "").strip().splitlines()
    if got:
        reason = f"got {got[0]}"
    else:
        last = failure.exchanges[-1] if failure.exchanges else None
        if isinstance(last, Exchange):
            status = f"{last.response.status_code} {last.response.reason or ''}".strip()
        elif isinstance(last, RawExchange):
            status = "no status line" if last.status is None else str(last.status)
        else:
            status = None
        reason = (f"got {status}; " if status else "") + f"wanted {failure.expected}"
    return reason if len(reason) <= REASON_WIDTH else reason[: REASON_WIDTH - 1] + "…"


def failure_lines(outcome: Outcome) -> list[str]:
    failure = outcome.failure
    lines = [f"✗ {outcome.check.title}", f"  expected: {failure.expected}"]
    if failure.got:
        first, *rest = failure.got.splitlines() or [""]
        lines += [f"  got: {first}", *(indent(line) for line in rest)]
    for shown in failure.exchanges:
        kept = "\n".join(line for line in str(shown).splitlines() if not NOISE.match(line))
        lines += ["  sent and received:", indent(kept), ""]
    here = f"http://127.0.0.1:{REPRODUCE_PORT}"
    command = None
    if failure.exchanges and isinstance(failure.exchanges[-1], Exchange):
        last = failure.exchanges[-1]
        command = curl_for(last).replace(urlsplit(last.request.url).netloc, f"127.0.0.1:{REPRODUCE_PORT}")
    elif failure.exchanges and isinstance(failure.exchanges[-1], RawExchange):
        command = curl_for_raw(failure.exchanges[-1].sent, here)
    if command:
        lines += [
            f"  to try it yourself, start your server on port {REPRODUCE_PORT}, then:",
            "    " + command,
        ]
    return lines


def hint_pointer(report: Report) -> list[str]:
    number = report.hint_wanted()
    if not number or number not in hints(report.exercise):
        return []
    title = hints(report.exercise)[number][0]
    command = f"make hint EX={report.exercise.number} IN={report.language}"
    return ["", f"Stuck? A hint exists (hint {number}: {title}): {command}"]


def seed_line(report: Report) -> list[str]:
    command = f"make check EX={report.exercise.number} IN={report.language}"
    return [f"This run's data came from SEED={report.seed}: `SEED={report.seed} {command}` replays it."]


def done_lines(report: Report) -> list[str]:
    if report.solution:
        return []
    exercise = report.exercise
    lines = [f"Done! Compare with solutions/{exercise.name}/{report.language}/ when you like."]
    lesson = next_lesson(exercise)
    if lesson:
        lines.append(f"Next: the lesson {lesson.relative_to(ROOT)} (`make lab`).")
    return lines


def next_lesson(exercise: Exercise) -> Path | None:
    """The lesson after those the exercise follows (the 'after lesson' column of exercises/README.md)."""
    table = (exercise.path.parent / "README.md").read_text(encoding="utf-8")
    row = next((line for line in table.splitlines() if f"({exercise.name}/)" in line), "")
    cells = row.split("|")
    after = [int(n) for n in re.findall(r"\d+", cells[2])] if len(cells) > 3 else []
    if not after:
        return None
    found = sorted((ROOT / "notebooks").glob(f"{max(after) + 1:02d}_*.ipynb"))
    return found[0] if found else None


def results(report: Report) -> dict:
    """The run in the shape of Exercism's results.json (version 3): one entry per check."""
    status = "error" if report.problem else "pass" if report.passed else "fail"
    tests = []
    for outcome in report.outcomes:
        entry = {"name": outcome.check.title, "test_code": outcome.check.name, "status": outcome.status}
        if outcome.failure:
            message = f"expected: {outcome.failure.expected}"
            if outcome.failure.got:
                message += f"\ngot: {outcome.failure.got}"
            entry["message"] = message
            entry["output"] = "\n\n".join(str(e) for e in outcome.failure.exchanges) or None
        elif outcome.skipped:
            entry["message"] = outcome.skipped
        entry["task_id"] = outcome.check.hint
        tests.append(entry)
    result = {"version": 3, "status": status, "seed": report.seed, "tests": tests}
    if report.problem:
        result["message"] = report.problem
    return result
