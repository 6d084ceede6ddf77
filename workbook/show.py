"""Display helpers for the lessons: tables and source files that read well in a notebook and in text.

    table([["python", 501], ["go", 200]], ["language", "DELETE /"])
    source("servers/go/hello/main.go")

Each returns an object, so a notebook cell that ends with the call shows it: as HTML or Markdown in
JupyterLab, as aligned plain text everywhere else (`print(...)`, nbval, a terminal). The output
depends only on the arguments, so a stored notebook output stays true from run to run.
"""

from __future__ import annotations

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
            inner = "".join(f"<{tag}{style}>{html.escape(cell)}</{tag}>" for cell in cells)
            return f"<tr>{inner}</tr>"

        body = "\n".join(row(cells, "td") for cells in self.rows)
        return f"<table>\n<thead>{row(self.columns, 'th')}</thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def table(rows: Iterable[Sequence[object]], columns: Sequence[object]) -> Table:
    """A table of `rows` (each a sequence of cells, one per column) under the names in `columns`."""
    return Table(rows, columns)


class Source:
    """A source file shown with its path as a heading: Markdown with colouring, or plain text."""

    def __init__(self, path: str | Path):
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


def source(path: str | Path) -> Source:
    """Show a file of the workbook (a path relative to its root, or absolute) under its path."""
    return Source(path)
