"""Grade an exercise over HTTP, the same way in every language.

    python -m workbook.checker 03 go          # what `make check EX=03 IN=go` runs
    python -m workbook.checker 03 go --solution
    python -m workbook.checker --progress     # exercises x languages: passed / failed / not started

    from workbook.checker import check
    check("03", "go")                         # the same report, in a notebook cell

An exercise is a directory `exercises/NN_slug/` (the directories are the list; NN is the order).
Its `checks.py` holds checks: functions decorated with `@check_that(title, hint=N)`, run in the order
they are written, each given a `Context` that talks HTTP to the learner's running server. A check
passes by returning; it fails by calling `expect(...)`, which carries what was expected, the
exchanges that show what was sent and what came back, and the check's hint (section N of the
exercise's HINTS.md). The checker never reads the learner's source, only its answers.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterator

import requests

from .build import BuildError
from .launcher import LANGUAGES, Server, ServerError, serve
from .paths import EXERCISES, ROOT, SOLUTIONS
from .toolchain import ToolchainError
from .wire import Exchange, RawExchange, exchange, raw_request

START_TIMEOUT = 5.0      # seconds a server gets to print its readiness line
REQUEST_TIMEOUT = 5.0    # seconds a server gets to answer one request
STARTERS_RECORD = EXERCISES / "starters.sha256"  # fingerprints of the untouched starters
USAGE = """usage: make check EX=NN IN=LANGUAGE      e.g. make check EX=03 IN=go
       python -m workbook.checker NN LANGUAGE [--solution]
       python -m workbook.checker --progress
languages: python, node, go"""


# --- Exercises ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exercise:
    """One exercise directory, exercises/NN_slug/."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name  # "03_respect_methods"

    @property
    def number(self) -> str:
        return self.name[:2]

    @property
    def title(self) -> str:
        """The first heading of its README.md."""
        readme = self.path / "README.md"
        for line in readme.read_text(encoding="utf-8").splitlines() if readme.exists() else []:
            if line.startswith("# "):
                return line[2:].strip()
        return self.name

    def source(self, language: str, solution: bool = False) -> Path:
        """The learner's server (or the solution) in one language: a directory the launcher runs."""
        return (SOLUTIONS / self.name if solution else self.path) / language


def exercises() -> list[Exercise]:
    """Every exercise, in order: the directories exercises/NN_slug/."""
    return [Exercise(p) for p in sorted(EXERCISES.glob("[0-9][0-9]_*")) if p.is_dir()]


def find_exercise(wanted: str) -> Exercise:
    """An exercise by number ("3", "03"), full name or slug; ValueError naming the choices."""
    for exercise in exercises():
        if wanted.isdigit() and int(wanted) == int(exercise.number) or \
                wanted in (exercise.name, exercise.name[3:]):
            return exercise
    known = ", ".join(e.number for e in exercises())
    raise ValueError(f"there is no exercise {wanted!r}; the exercises are {known} (see exercises/README.md)")


# --- Writing checks -------------------------------------------------------------------------------

Shown = Exchange | RawExchange


class Failed(Exception):
    """A check's expectation was not met: what was expected, what travelled, what came back."""

    def __init__(self, expected: str, exchanges: tuple[Shown, ...] = (), got: str | None = None):
        super().__init__(expected)
        self.expected = expected
        self.exchanges = exchanges
        self.got = got


def expect(ok: bool, expected: str, *exchanges: Shown, got: str | None = None) -> None:
    """Fail the running check unless `ok`; `expected` is one line, the exchanges show the wire."""
    if not ok:
        raise Failed(expected, exchanges, got)


def json_body(ex: Exchange, expected: str) -> object:
    """The response body as JSON, or a failure saying a JSON body was expected."""
    try:
        return ex.response.json()
    except ValueError:
        raise Failed(expected, (ex,), got="a body that is not JSON") from None


def expect_error(ex: Exchange, status: int, message: str, *shown: Shown) -> None:
    """A JSON error: the status, Content-Type: application/json, and the body {"error": message}."""
    wanted = json.dumps({"error": message})
    expect(ex.response.status_code == status, f"status {status} with the body {wanted}", *shown, ex)
    expect(ex.response.headers.get("Content-Type", "").startswith("application/json"),
           "Content-Type: application/json: every error body is JSON", *shown, ex)
    expect(json_body(ex, f"the JSON body {wanted}") == {"error": message}, f"the body {wanted}", *shown, ex)


@dataclass
class Check:
    """One check: a title (what passing means), the hint to show when it fails, the function."""

    title: str
    hint: int
    run: Callable[[Context], None]


def check_that(title: str, *, hint: int) -> Callable[[Callable[[Context], None]], Check]:
    """Decorator: make a function of a checks.py a check, shown as `title`, with hint section `hint`."""
    def wrap(function: Callable[[Context], None]) -> Check:
        return Check(title, hint, function)
    return wrap


class Context:
    """What a check gets: the learner's running server and ways to talk to it or start more of it."""

    def __init__(self, language: str, source: Path, server: Server, env: dict[str, str],
                 start_timeout: float):
        self.language = language
        self.source = source
        self.server = server
        self.env = env
        self.start_timeout = start_timeout
        self._started: list[Server] = []

    @property
    def url(self) -> str:
        return self.server.url

    def request(self, method: str, path: str, *, server: Server | None = None, **kwargs) -> Exchange:
        """Send one request with `requests` (same keyword arguments); keep what travelled."""
        kwargs.setdefault("timeout", REQUEST_TIMEOUT)
        return exchange(method, (server or self.server).url + path, **kwargs)

    def raw(self, data: bytes, *, server: Server | None = None) -> RawExchange:
        """Send exact bytes; keep exactly what came back."""
        return raw_request((server or self.server).url, data, timeout=REQUEST_TIMEOUT)

    def start(self, env: dict[str, str] | None = None) -> Server:
        """Another process of the learner's server (a replica, a restart); stopped after the run."""
        server = serve(self.language, self.source, env={**self.env, **(env or {})},
                       timeout=self.start_timeout)
        self._started.append(server)
        return server

    @contextmanager
    def launch(self, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
        """The learner's server started with exactly these arguments: no port argument unless given."""
        try:
            server = serve(self.language, self.source, *args, port=None, env={**self.env, **(env or {})},
                           timeout=self.start_timeout)
        except ServerError as error:
            shown = " ".join(args) or "no arguments"
            raise Failed(f"started with {shown}, the server prints its readiness line",
                         got=str(error)) from None
        with server:
            yield server

    def stop_started(self) -> None:
        for server in self._started:
            server.stop()


def load_checks(exercise: Exercise) -> tuple[ModuleType, list[Check]]:
    """The exercise's checks.py as a module, and its checks in the order they are written."""
    spec = importlib.util.spec_from_file_location(f"checks_{exercise.name}", exercise.path / "checks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module, [value for value in vars(module).values() if isinstance(value, Check)]


def hints(exercise: Exercise) -> dict[int, tuple[str, str]]:
    """The numbered sections of HINTS.md: number -> (title, text). Headings: `## 2. Title`."""
    path = exercise.path / "HINTS.md"
    found: dict[int, tuple[str, str]] = {}
    if not path.exists():
        return found
    parts = re.split(r"^## (\d+)\.\s*(.*)$", path.read_text(encoding="utf-8"), flags=re.M)
    for number, title, text in zip(parts[1::3], parts[2::3], parts[3::3]):
        found[int(number)] = (title.strip(), text.strip())
    return found


# --- Running the checks ---------------------------------------------------------------------------

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
    problem: str | None = None       # why no check could run (the server did not start, ...)
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


def run(exercise: Exercise, language: str, *, solution: bool = False, source: Path | None = None,
        start_timeout: float = START_TIMEOUT) -> Report:
    """Start the server, run every check of the exercise against it, stop everything; never raises."""
    source = source or exercise.source(language, solution)
    report = Report(exercise, language, source, solution=solution)
    try:
        module, checks = load_checks(exercise)
    except Exception as error:  # a broken checks.py is the workbook's bug, not the learner's
        report.problem = f"internal error: {exercise.name}/checks.py cannot be loaded: {error!r}"
        return report
    scratch = Path(tempfile.mkdtemp(prefix=f"check-{exercise.number}-"))
    try:
        env = module.environment(scratch) if hasattr(module, "environment") else {}
        try:
            server = serve(language, source, env=env, timeout=start_timeout)
        except (ServerError, BuildError) as error:
            report.problem, report.problem_hint = str(error), getattr(module, "START_HINT", None)
            return report
        except (ToolchainError, FileNotFoundError, ValueError) as error:
            report.problem = str(error)
            return report
        context = Context(language, source, server, env, start_timeout)
        try:
            for item in checks:
                report.outcomes.append(Outcome(item, run_one(item, context)))
        finally:
            context.stop_started()
            server.stop()
    except Exception as error:
        report.problem = f"internal error in the checker: {type(error).__name__}: {error} (please report it)"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return report


def run_one(item: Check, context: Context) -> Failed | None:
    """Run one check; None if it passes. A server that stops answering is the check's failure."""
    try:
        item.run(context)
    except Failed as failure:
        return failure
    except (ServerError, BuildError) as error:
        return Failed("another copy of the server starts", got=str(error))
    except (requests.RequestException, OSError) as error:
        return Failed(item.title, got=f"no answer ({describe(error)}); the server printed:\n"
                      + tail(context.server.output()))
    except Exception as error:
        return Failed(item.title, got=f"internal error in this check: {type(error).__name__}: {error}")
    return None


def describe(error: Exception) -> str:
    """A short name for a network error, without the nested reprs `requests` builds."""
    if isinstance(error, requests.Timeout):
        return f"no response within {REQUEST_TIMEOUT:g} s"
    if isinstance(error, requests.ConnectionError):
        return "the connection was refused or closed before a response"
    return f"{type(error).__name__}: {error}"


def tail(text: str, lines: int = 15) -> str:
    kept = text.splitlines()[-lines:] or ["(nothing)"]
    return "\n".join(kept)


# --- Reporting ------------------------------------------------------------------------------------

def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def render(report: Report) -> str:
    """The report a learner reads: one line per check, then what went wrong and the hint."""
    exercise = report.exercise
    if exercise is None:
        return f"✗ {report.problem}"
    where = report.source.relative_to(ROOT) if report.source and report.source.is_relative_to(ROOT) \
        else report.source
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
        done = "" if report.solution else \
            f" Done! Compare with solutions/{exercise.name}/{report.language}/ when you like."
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


# --- Progress -------------------------------------------------------------------------------------

def fingerprint(directory: Path) -> str:
    """sha256 over a directory's files (names and bytes), ignoring caches and hidden files."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if path.is_file() and not any(p.startswith((".", "__pycache__")) for p in relative.parts):
            digest.update(str(relative).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def recorded_starters() -> dict[str, str]:
    """The committed fingerprints of the untouched starters: "NN_slug/language" -> sha256."""
    if not STARTERS_RECORD.exists():
        return {}
    pairs = (line.split() for line in STARTERS_RECORD.read_text().splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def record_starters() -> None:
    """Write exercises/starters.sha256 from the starters as they are now (after changing a starter)."""
    lines = [f"{fingerprint(e.source(lang))}  {e.name}/{lang}"
             for e in exercises() for lang in LANGUAGES if e.source(lang).is_dir()]
    STARTERS_RECORD.write_text("\n".join(lines) + "\n")


def untouched(exercise: Exercise, language: str) -> bool:
    """True while the learner's copy is byte for byte the starter the workbook ships."""
    recorded = recorded_starters().get(f"{exercise.name}/{language}")
    return recorded == fingerprint(exercise.source(language))


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


# --- Entry points ---------------------------------------------------------------------------------

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
        print(f"internal error in the checker: {type(error).__name__}: {error} (please report it)",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    # Run the imported module, not this __main__ copy of it, so that the runner and the checks.py
    # files (which import workbook.checker) share one Check class.
    from workbook import checker
    sys.exit(checker.main(sys.argv[1:]))
