"""Run lessons top to bottom in a fresh kernel and store their outputs, for nbval to hold true.

    python tools/store_outputs.py notebooks/04_http_semantics.ipynb [...]

Run it after changing a lesson or what a lesson shows; review `git diff` before committing. Cell
timestamps are not stored (they change on every run; tests/test_notebooks.py checks).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def store_outputs(path: Path) -> None:
    """Execute one notebook in its own folder and write it back without execution timestamps."""
    document = nbformat.read(path, as_version=4)
    NotebookClient(document, timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    for cell in document.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(document, path)


def main(paths: list[str]) -> int:
    if not paths:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    for name in paths:
        store_outputs(Path(name).resolve())
        print(f"stored {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
