"""Grade one exercise in one language: start the server, run each check against it, stop it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import requests

from ..build import BuildError
from ..launcher import ServerError, serve
from ..toolchain import ToolchainError
from .api import REQUEST_TIMEOUT, START_TIMEOUT, Check, Context, Failed
from .exercises import Exercise, load_checks
from .report import Outcome, Report


def run(
    exercise: Exercise,
    language: str,
    *,
    solution: bool = False,
    source: Path | None = None,
    start_timeout: float = START_TIMEOUT,
) -> Report:
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
        return Failed(
            item.title,
            got=f"no answer ({network_error(error)}); the server printed:\n" + tail(context.server.output()),
        )
    except Exception as error:
        return Failed(item.title, got=f"internal error in this check: {type(error).__name__}: {error}")
    return None


def network_error(error: Exception) -> str:
    """A short name for a network error, without the nested reprs `requests` builds."""
    if isinstance(error, requests.Timeout):
        return f"no response within {REQUEST_TIMEOUT:g} s"
    if isinstance(error, requests.ConnectionError):
        return "the connection was refused or closed before a response"
    return f"{type(error).__name__}: {error}"


def tail(text: str, lines: int = 15) -> str:
    kept = text.splitlines()[-lines:] or ["(nothing)"]
    return "\n".join(kept)
