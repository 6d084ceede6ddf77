"""Display helpers for the lessons: tables and source files that read well in a notebook and in text.

    table([["python", 501], ["go", 200]], ["language", "DELETE /"])
    source("servers/go/hello/main.go")
    source("servers/python/counter.py", "highest", "add_one_in")   # only these functions

Each returns an object, so a notebook cell that ends with the call shows it: as HTML or Markdown in
JupyterLab, as aligned plain text everywhere else (`print(...)`, nbval, a terminal). The output
depends only on the arguments, so a stored notebook output stays true from run to run.
"""

from __future__ import annotations

import ast
import html
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from .paths import ROOT

# Markdown code-fence languages by file suffix, for syntax colouring in JupyterLab.
FENCE_LANGUAGE = {
    ".py": "python",
    ".js": "javascript",
    ".go": "go",
    ".yaml": "yaml",
    ".json": "json",
    ".sh": "bash",
    ".md": "markdown",
}


def _cell(value: object) -> str:
    """A value as one line of table text: str(), with newlines and tabs written as \\n and \\t."""
    return str(value).replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def _breakable(text: str) -> str:
    """HTML for a cell: escaped, with a line-break opportunity (<wbr>) after each , / ; and = so
    that a long word (a JSON body, a URL) wraps instead of widening the table past the window.
    (JupyterLab keeps <wbr> in an untrusted notebook; it drops CSS such as overflow-wrap.)"""
    parts = re.split(r"(?<=[,/;=])", text)  # each part ends with its break character, if any
    return "<wbr>".join(html.escape(part, quote=False) for part in parts)


class Table:
    """Rows under named columns; shows as an aligned text table or an HTML table."""

    def __init__(self, rows: Iterable[Sequence[object]], columns: Sequence[object]):
        self.columns = [_cell(column) for column in columns]
        self.rows = [[_cell(value) for value in row] for row in rows]
        for number, row in enumerate(self.rows, 1):
            if len(row) != len(self.columns):
                raise ValueError(
                    f"row {number} has {len(row)} cells but there are {len(self.columns)} columns: {row!r}"
                )

    def __str__(self) -> str:
        widths = [
            max([len(column)] + [len(row[i]) for row in self.rows]) for i, column in enumerate(self.columns)
        ]

        def line(cells: Sequence[str]) -> str:
            return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip()

        rule = "  ".join("-" * width for width in widths)
        return "\n".join([line(self.columns), rule] + [line(row) for row in self.rows])

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_html_(self) -> str:
        # Left-aligned: JupyterLab right-aligns table cells by default, which suits numbers, not text.
        style = ' style="text-align: left; vertical-align: top"'

        def row(cells: Sequence[str], tag: str) -> str:
            inner = "".join(f"<{tag}{style}>{_breakable(cell)}</{tag}>" for cell in cells)
            return f"<tr>{inner}</tr>"

        body = "\n".join(row(cells, "td") for cells in self.rows)
        return f"<table>\n<thead>{row(self.columns, 'th')}</thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def table(rows: Iterable[Sequence[object]], columns: Sequence[object]) -> Table:
    """A table of `rows` (each a sequence of cells, one per column) under the names in `columns`."""
    return Table(rows, columns)


def _python_definitions(text: str, names: Sequence[str]) -> dict[str, str]:
    """The source of each named top-level function or class, decorators and all."""
    lines = text.splitlines()
    found = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name in names:
            first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
            found[node.name] = "\n".join(lines[first - 1 : node.end_lineno])
    return found


def _braced_definitions(text: str, names: Sequence[str]) -> dict[str, str]:
    """Go and JavaScript: from `func name(` / `function name(` to the first line that is `}`."""
    lines = text.splitlines()
    found = {}
    for name in names:
        start = re.compile(rf"^(func (\([^)]*\) )?|(async )?function ){re.escape(name)}\(")
        for number, line in enumerate(lines):
            if start.match(line):
                end = next((i for i in range(number, len(lines)) if lines[i] == "}"), len(lines) - 1)
                found[name] = "\n".join(lines[number : end + 1])
                break
    return found


class Source:
    """A source file (or some of its functions) shown with its path as a heading."""

    def __init__(self, path: str | Path, *functions: str):
        full = Path(path) if Path(path).is_absolute() else ROOT / path
        if not full.is_file():
            raise FileNotFoundError(
                f"no file at {full}: give a path inside the workbook, like servers/python/hello.py"
            )
        self.path = full
        self.name = (
            full.resolve().relative_to(ROOT).as_posix() if full.resolve().is_relative_to(ROOT) else str(full)
        )
        self.text = full.read_text(encoding="utf-8")
        if functions:
            find = _python_definitions if full.suffix == ".py" else _braced_definitions
            found = find(self.text, functions)
            missing = [name for name in functions if name not in found]
            if missing:
                raise ValueError(f"{self.name} defines no top-level {', '.join(missing)}")
            self.text = "\n\n".join(found[name] for name in functions) + "\n"
            self.name += ": " + ", ".join(functions)

    def __str__(self) -> str:
        return f"{self.name}\n{'─' * len(self.name)}\n{self.text.rstrip()}"

    __repr__ = __str__

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(str(self))

    def _repr_markdown_(self) -> str:
        # A fence longer than any run of backticks in the file, so the file cannot end it early.
        longest = max((len(run) for run in re.findall(r"`+", self.text)), default=0)
        fence = "`" * max(3, longest + 1)
        language = FENCE_LANGUAGE.get(self.path.suffix, "")
        return f"**`{self.name}`**\n\n{fence}{language}\n{self.text.rstrip()}\n{fence}\n"


def source(path: str | Path, *functions: str) -> Source:
    """Show a file of the workbook (a path relative to its root, or absolute) under its path; with
    function names, only those functions (Python, Go, JavaScript), in the order given."""
    return Source(path, *functions)
