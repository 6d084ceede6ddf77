"""Run notebook cells in a real Jupyter kernel, as JupyterLab does, and read what each one showed.

    with Kernel() as kernel:
        outputs = kernel.run("from workbook import serve")
        kernel.run(cell_source)          # the same source again: the same cell run a second time

Used by the tests of workbook.cells (ownership, one-line errors) and by the lessons' double-run test.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import nbformat
from jupyter_client import AsyncKernelManager, KernelManager
from nbclient import NotebookClient

from workbook.paths import ROOT


class OverUnixSockets:
    """A kernel manager whose kernel talks over Unix sockets in the temporary folder, not TCP ports.

    jupyter_client picks a kernel's five TCP ports by asking the OS for free ones and releasing
    them; in the second before the kernel binds them, a server or a client socket of a test running
    beside it may take one, and the kernel dies ("Address already in use": seen once in CI). A
    socket file of a name of our own cannot be taken. cleanup_resources() removes the files."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(tempfile.gettempdir(), f"kernel-{uuid.uuid4().hex}-ipc"))
        super().__init__(**kwargs)


class IpcKernelManager(OverUnixSockets, KernelManager):
    """For nbval (tests/conftest.py)."""


class AsyncIpcKernelManager(OverUnixSockets, AsyncKernelManager):
    """For Kernel below, through nbclient."""


class Kernel:
    """One fresh kernel; `run` executes a cell (a source or a notebook cell) and returns its outputs."""

    def __init__(self, env: dict[str, str] | None = None, cwd: Path = ROOT / "notebooks", timeout: int = 120):
        self.notebook = nbformat.v4.new_notebook()
        self.client = NotebookClient(
            self.notebook,
            timeout=timeout,
            allow_errors=True,
            resources={"metadata": {"path": str(cwd)}},
            kernel_manager_class=AsyncIpcKernelManager,
        )
        self.env = {**os.environ, **(env or {})}
        self._context = None

    def __enter__(self) -> Kernel:
        self._context = self.client.setup_kernel(env=self.env)
        self._context.__enter__()
        return self

    def __exit__(self, *exc_info) -> None:
        self._context.__exit__(*exc_info)

    def run(self, cell: str | nbformat.NotebookNode) -> list[dict]:
        """Execute one cell and return its outputs; a cell object keeps its identity between runs."""
        if isinstance(cell, str):
            cell = nbformat.v4.new_code_cell(cell)
        if cell not in self.notebook.cells:
            self.notebook.cells.append(cell)
        self.client.execute_cell(cell, self.notebook.cells.index(cell))
        return list(cell.outputs)


def errors(outputs: list[dict]) -> list[dict]:
    """The error outputs among `outputs` (a traceback or a one-line error)."""
    return [output for output in outputs if output.get("output_type") == "error"]


def text(outputs: list[dict]) -> str:
    """Everything the outputs show as text: streams, plain-text results, error lines."""
    parts = []
    for output in outputs:
        if output.get("output_type") == "stream":
            parts.append(output["text"])
        elif output.get("output_type") == "error":
            parts.append("\n".join(output["traceback"]))
        elif "data" in output:
            parts.append(output["data"].get("text/plain", ""))
    return "\n".join(parts)
