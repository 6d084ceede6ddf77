"""The checker's command line (`make check`, `make hint`, `make watch`, `make progress`) and its
notebook entry, `check`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from ..launcher import LANGUAGES
from ..paths import BUILD, ROOT, SOLUTIONS
from .exercises import Exercise, exercises, find_exercise, hints
from .report import Report, results
from .runner import run
from .starters import STARTERS_RECORD, record_starters, untouched, write_starters

USAGE = f"""usage: make check EX=NN IN=LANGUAGE      e.g. make check EX=03 IN=go
       python -m workbook.grading NN LANGUAGE [--solution]
       python -m workbook.grading --hint NN LANGUAGE
       python -m workbook.grading --watch NN LANGUAGE
       python -m workbook.grading --progress
languages: {", ".join(LANGUAGES)}"""
RESULTS = BUILD / "results"  # one results.json per exercise and language, for instructors and CI
HINT_LEVELS = BUILD / "hints"  # how deep `make hint` went, per exercise and language


def check(exercise: str, language: str, *, solution: bool = False) -> Report:
    """Grade one exercise in one language; the returned report shows itself in a notebook cell."""
    try:
        report = run(find_exercise(str(exercise)), resolve_language(language), solution=solution)
    except ValueError as error:
        return Report(None, str(language), None, problem=str(error))
    write_results(report)
    return report


def resolve_language(language: str) -> str:
    """A language by its name in any case: `python`, `Python`, `GO`."""
    if language.lower() not in LANGUAGES:
        raise ValueError(f"there is no language {language!r}; choose one of {', '.join(LANGUAGES)}")
    return language.lower()


def results_path(exercise: Exercise, language: str, solution: bool = False) -> Path:
    return RESULTS / f"{exercise.name}-{language}{'-solution' if solution else ''}.json"


def write_results(report: Report) -> Path:
    """Write the run as results.json (Exercism's version 3 shape) under .build/results/."""
    path = results_path(report.exercise, report.language, report.solution)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results(report), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


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


def next_hint(exercise: Exercise, language: str) -> str:
    """The hint for the first thing the last `make check` found, one level deeper on each call:
    its title, then the whole section, then where the solution does it."""
    last = results_path(exercise, language)
    if not last.exists():
        return f"Run `make check EX={exercise.number} IN={language}` first: the hint follows what it finds."
    found = json.loads(last.read_text(encoding="utf-8"))
    failed = [t for t in found["tests"] if t["status"] == "fail"]
    if found["status"] == "pass":
        return "Every check passed: no hint needed."
    number = failed[0]["task_id"] if failed else None
    sections = hints(exercise)
    if number not in sections:
        return "No hint fits this: the message of `make check` is the whole story (read its first lines)."
    state_file = HINT_LEVELS / f"{exercise.name}-{language}.json"
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    level = state.get("level", 0) + 1 if state.get("hint") == number else 1
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps({"hint": number, "level": level}))
    title, text = sections[number]
    where = f"exercises/{exercise.name}/HINTS.md, section {number}"
    if level == 1:
        return f"Hint {number}: {title}.\n(`make hint` again for the whole hint: {where})"
    if level == 2:
        return f"Hint {number} · {title}\n\n{text}\n\n(`make hint` again shows where the solution does it)"
    solution = (SOLUTIONS / exercise.name / language).relative_to(ROOT)
    return f"Hint {number} · {title}: the solution shows it, in {solution}/ (read it, then write yours)."


def watch(exercise: Exercise, language: str, *, source: Path | None = None, stop=None, out=print) -> int:
    """Check now, and again after every save of a file of the exercise in this language (a
    maintained watcher, watchfiles, tells when). `stop`: a threading.Event that ends the watch."""
    from watchfiles import watch as changes

    folder = source or exercise.source(language)
    shown = folder.relative_to(ROOT) if folder.is_relative_to(ROOT) else folder
    out(run(exercise, language, source=source))
    out(f"\nwatching {shown}/ (Ctrl-C to stop)")
    for _ in changes(folder, debounce=200, stop_event=stop, rust_timeout=500):
        started = time.monotonic()
        out("\n" + "═" * 72)
        report = run(exercise, language, source=source)
        if source is None:
            write_results(report)
        out(report)
        out(f"\n(checked in {time.monotonic() - started:.1f} s; watching {shown}/)")
    return 0


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
        if argv == ["--write-starters"]:
            for path in write_starters():
                print(f"wrote {path.relative_to(ROOT)}")
            record_starters()
            print(f"wrote {STARTERS_RECORD.relative_to(ROOT)}")
            return 0
        flags = {a for a in argv if a.startswith("--")}
        positional = [a for a in argv if not a.startswith("-")]
        if len(positional) != 2 or not flags <= {"--solution", "--hint", "--watch"} or len(flags) > 1:
            print(USAGE, file=sys.stderr)
            return 2
        try:
            exercise, language = find_exercise(positional[0]), resolve_language(positional[1])
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        if "--hint" in flags:
            print(next_hint(exercise, language))
            return 0
        if "--watch" in flags:
            return watch(exercise, language)
        solution = "--solution" in flags
        report = run(exercise, language, solution=solution)
        write_results(report)
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
