"""Lesson cells a learner can poke: a cell owns what it starts, and a mistake reads as one line.

In a notebook (IPython), importing `workbook` installs two things:

- **Ownership.** A server, balancer, load run or temporary folder started while a cell runs belongs
  to that cell. Running the same cell again first stops (or removes) what it started the time
  before, so a start cell can run any number of times and leaves one set running, however many
  references IPython's output history keeps.
- **One-line errors.** An error the learner can fix by running cells in order (a name not defined
  yet, a server that is stopped, nothing listening at a URL) and an interrupt show as one sentence
  that says what to do, never a traceback from inside a library.

Outside IPython (tests, scripts, the checker) nothing is installed and nothing changes.
"""

from __future__ import annotations

import ast
import json
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

# What each cell started, by cell (its id in JupyterLab, its source elsewhere): (object, release).
_owned: dict[str, list[tuple[object, Callable[[], object]]]] = {}
_current: dict[str, str] = {}  # "key" and "first_line" of the cell running now, if any
_installed = False


class LessonError(RuntimeError):
    """A mistake the learner fixes by running cells in order; shown as its message alone."""


def adopt(thing: object, release: Callable[[], object]) -> None:
    """Make `thing` belong to the running cell: `release()` is called when that cell runs again."""
    key = _current.get("key")
    if key is not None:
        _owned.setdefault(key, []).append((thing, release))


def running_cell() -> str:
    """The first line of the cell running now ('' outside a notebook), to name it in messages."""
    return _current.get("first_line", "")


def current_cell() -> dict[str, str]:
    """Which cell is running now (empty outside a notebook), for `owned_by` later."""
    return dict(_current)


@contextmanager
def owned_by(cell: dict[str, str]):
    """What starts inside this block belongs to `cell` (from `current_cell`), not to the cell
    running now: a replica that replaces another belongs to the cell that made the replicas, so
    running the cell that replaced it again does not stop it."""
    saved = dict(_current)
    _current.clear()
    _current.update(cell)
    try:
        yield
    finally:
        _current.clear()
        _current.update(saved)


def _first_line(source: str) -> str:
    lines = [line.strip() for line in source.splitlines() if line.strip() and not line.startswith("#")]
    return lines[0] if lines else ""


def _release(key: str) -> None:
    """Stop what the cell `key` started, the most recent first (a balancer before its servers)."""
    for _thing, release in reversed(_owned.pop(key, [])):
        try:
            release()
        except Exception as error:  # one thing that will not stop must not keep the others running
            print(f"could not stop {_thing!r}: {error}", file=sys.stderr)


def _before_cell(info) -> None:
    source = info.raw_cell or ""
    key = getattr(info, "cell_id", None) or source
    _current.update(key=key, first_line=_first_line(source))
    _release(key)


def _after_cell(result) -> None:
    _current.clear()


# ---- One-line errors ----------------------------------------------------------------------------


def _notebook_path() -> Path | None:
    """The notebook this kernel runs, where Jupyter says so (JupyterLab sets JPY_SESSION_NAME)."""
    name = os.environ.get("JPY_SESSION_NAME", "")
    if not name.endswith(".ipynb"):
        return None
    for path in (Path(name), Path.cwd() / Path(name).name):  # absolute, or relative to the server
        if path.is_file():
            return path
    return None


def _defines(source: str, name: str) -> bool:
    """True if this code assigns, defines or imports `name` at its top level."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id == name:
            return True
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
            return True
        if isinstance(node, ast.Import | ast.ImportFrom):
            if any((alias.asname or alias.name.split(".")[0]) == name for alias in node.names):
                return True
    return False


def where_defined(name: str, notebook: Path | None = None) -> str:
    """' (the cell under "Heading")' for the first cell of the notebook that defines `name`, or ''."""
    notebook = notebook or _notebook_path()
    if notebook is None:
        return ""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return ""
    heading = ""
    for cell in cells:
        source = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "markdown":
            headings = [line.lstrip("#").strip() for line in source.splitlines() if line.startswith("#")]
            heading = headings[-1] if headings else heading
        elif cell.get("cell_type") == "code" and _defines(source, name):
            return f' (the cell under "{heading}")' if heading else " (near the top)"
    return ""


def explain(error: BaseException) -> str | None:
    """The one sentence to show for `error`, or None to show the usual traceback."""
    import requests

    if isinstance(error, KeyboardInterrupt):
        return "Interrupted. Whatever this cell started is stopped when you run it again."
    if isinstance(error, NameError) and getattr(error, "name", None):
        where = where_defined(error.name)
        return f"`{error.name}` is not defined yet: run the cell that defines it first{where}."
    if isinstance(error, LessonError):
        return str(error)
    if isinstance(error, requests.ConnectionError) and error.request is not None:
        return nothing_listens(error.request.url)
    if isinstance(error, ConnectionRefusedError):
        return "Nothing listens at that address: run the cell that starts its server first."
    return None


def nothing_listens(url: str) -> str:
    """The sentence for a request to `url` that found nothing listening: which cell to run again."""
    from .launcher import stopped_server

    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    stopped = stopped_server(base)
    if stopped is None:
        return f"Nothing answers at {base}: run the cell that starts its server first."
    started_by = f" (the one that begins `{stopped.started_by}`)" if stopped.started_by else ""
    if stopped.program == "balancer":  # workbook.lessons.balancer: Caddy
        which = f"The balancer (Caddy) at {base}"
    else:
        which = f"The {stopped.language} {stopped.program} server at {base}"
    return f"{which} is stopped: run the cell that starts it again{started_by}."


def _show_one_line(shell, etype, value, tb, tb_offset=None):
    sentence = explain(value)
    if sentence is None:
        return shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    return [sentence]


def install() -> None:
    """Install ownership and one-line errors in the running IPython shell, once; else do nothing."""
    global _installed
    if _installed or "IPython" not in sys.modules:
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        return
    import requests

    from .build import BuildError
    from .launcher import ServerError
    from .toolchain import ToolchainError

    shell.events.register("pre_run_cell", _before_cell)
    shell.events.register("post_run_cell", _after_cell)
    shell.set_custom_exc(
        (
            KeyboardInterrupt,
            NameError,
            LessonError,
            ServerError,
            BuildError,
            ToolchainError,
            requests.ConnectionError,
            ConnectionRefusedError,
        ),
        _custom_traceback,
    )
    _installed = True


def _custom_traceback(shell, etype, value, tb, tb_offset=None):
    """IPython's hook: our own errors show their message; the others, one sentence or the usual."""
    from .build import BuildError
    from .launcher import ServerError
    from .toolchain import ToolchainError

    if isinstance(value, ServerError | BuildError | ToolchainError):
        shown = [f"{etype.__name__}: {value}"]
    else:
        shown = _show_one_line(shell, etype, value, tb, tb_offset)
    shell._showtraceback(etype, value, shown)  # IPython leaves the showing to the handler
    return shown
