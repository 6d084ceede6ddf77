"""Grade one exercise in one language: start the server, check that it is really ready, run each
check against it, stop it. A server that exits or hangs ends the run with one finding, not a cascade."""

from __future__ import annotations

import os
import random
from pathlib import Path

import requests

from ..build import BuildError
from ..launcher import ServerError, serve
from ..scratch import Folder
from ..toolchain import ToolchainError
from ..wire import RawExchange
from .api import START_TIMEOUT, Check, Context, Failed, Hung, NotHTTP
from .diagnosis import looks_like_a_crash, what_matters
from .exercises import Exercise, load_checks
from .readiness import readiness_problem
from .report import Outcome, Report


def new_seed() -> int:
    """The seed of a run: $SEED when set (to replay a run), else a fresh one."""
    return int(os.environ["SEED"]) if os.environ.get("SEED", "").isdigit() else random.randrange(10**6)


def run(
    exercise: Exercise,
    language: str,
    *,
    solution: bool = False,
    source: Path | None = None,
    start_timeout: float = START_TIMEOUT,
    seed: int | None = None,
    until: set[str] | None = None,
) -> Report:
    """Start the server, run every check of the exercise against it, stop everything; never raises.

    `until`: stop once every check named here has run (the mutants catalogue needs no more)."""
    source = source or exercise.source(language, solution)
    seed = new_seed() if seed is None else seed
    report = Report(exercise, language, source, solution=solution, seed=seed)
    try:
        module, checks = load_checks(exercise)
    except Exception as error:  # a broken checks.py is the workbook's bug, not the learner's
        report.problem = f"internal error: {exercise.name}/checks.py cannot be loaded: {error!r}"
        return report
    # Registered with the guardian: removed even if this process is killed in the middle of a run.
    folder = Folder(f"check-{exercise.number}")
    scratch = folder.path
    try:
        env = module.environment(scratch) if hasattr(module, "environment") else {}
        try:
            server = serve(language, source, env=env, timeout=start_timeout)
        except BuildError as error:
            report.problem = "your server did not start: it does not compile.\n" + compiler_message(
                str(error)
            )
            return report
        except ServerError as error:
            start_problem(report, error, getattr(module, "START_HINT", None))
            return report
        except (ToolchainError, FileNotFoundError, ValueError) as error:
            report.problem = str(error)
            return report
        try:
            found = readiness_problem(server)
            if found:
                report.problem, kind = found
                report.problem_hint = getattr(
                    module, "LOOPBACK_HINT" if kind == "loopback" else "START_HINT", None
                )
                return report
            report.started = True
            context = Context(language, source, server, env, start_timeout, seed)
            run_checks(checks, context, report, until)
        finally:
            if "context" in locals():
                context.stop_started()
            server.stop()
    except Exception as error:
        report.problem = f"internal error in the checker: {type(error).__name__}: {error} (please report it)"
    finally:
        folder.remove()
    return report


def run_checks(checks: list[Check], context: Context, report: Report, until: set[str] | None) -> None:
    """Each check in order; after an exit or a hang, the rest are listed as not run."""
    left = set(until or ())
    stopped = None  # why the remaining checks cannot run
    for item in checks:
        if stopped or (until is not None and not left):
            report.outcomes.append(Outcome(item, skipped=stopped or "not needed"))
            continue
        left.discard(item.name)
        printed_before = len(context.server.output())
        failure = run_one(item, context)
        server = context.server
        if server.exits_within(0.3 if connection_lost(failure) else 0.0):
            status = server.stop()
            said = what_matters(server.output()[printed_before:].strip() or server.output()).strip()
            failure = Failed(
                f"an answer to {context.last_sent}",
                failure.exchanges if failure else (),
                got=f"the server exited (status {status}) while answering {context.last_sent}; "
                f"what it printed last:\n{said or '(nothing)'}",
            )
            stopped = "not run: the server exited"
        elif isinstance(failure, Hung):
            stopped = f"not run: the server hangs on {context.last_sent}"
        elif failure:
            printed = server.output()[printed_before:]
            if looks_like_a_crash(printed):
                failure.got = (failure.got + "\n" if failure.got else "") + (
                    "meanwhile the server printed:\n" + what_matters(printed)
                )
        report.outcomes.append(Outcome(item, failure))


def connection_lost(failure: Failed | None) -> bool:
    """True when a check failed because the server closed a connection without a whole answer:
    then the server may be on its way out, and gets a moment to finish exiting."""
    if failure is None:
        return False
    empty = any(isinstance(e, RawExchange) and not e.received for e in failure.exchanges)
    return empty or isinstance(failure, NotHTTP) or "connection was closed" in (failure.got or "")


def run_one(item: Check, context: Context) -> Failed | None:
    """Run one check; None if it passes. No exception of the checker's libraries reaches the learner."""
    try:
        item.run(context)
    except Failed as failure:
        return failure
    except (ServerError, BuildError) as error:
        return Failed("another copy of the server starts", got=str(error))
    except (requests.RequestException, OSError):
        return Failed(item.title, got=f"no answer to {context.last_sent}: the connection was closed")
    except Exception as error:
        return Failed(item.title, got=f"internal error in this check: {type(error).__name__}: {error}")
    return None


def start_problem(report: Report, error: ServerError, start_hint: int | None) -> None:
    """Why the server did not start: its crash (no hint: the hint is about something else) or no
    readiness line (the start-up hint)."""
    if error.status is not None and looks_like_a_crash(error.output):
        report.problem = (
            f"your server did not start: it exited with status {error.status}. It printed:\n"
            + what_matters(error.output)
        )
    elif error.status is not None:
        printed = "\n".join(error.output.splitlines()[-8:]) or "(nothing)"
        report.problem = (
            f"your server did not start: it exited with status {error.status}. It printed:\n{printed}"
        )
    else:
        report.problem, report.problem_hint = str(error), start_hint


def compiler_message(text: str, lines: int = 12) -> str:
    """The compiler's own lines (without the command that ran it), at most `lines` of them."""
    kept = [line for line in text.splitlines()[1:] if line.strip() and not line.startswith("#")]
    return "\n".join(kept[:lines] or text.splitlines()[:lines])
