"""Temporary folders (a shared store, a balancer's home) that never outlive the code that made them.

    store = temporary_folder("users-store")
    serve("go", "users", env={"USERS_STORE": str(store)})
    store.remove()          # stops the servers still using it, then removes it

A folder is removed by `remove()`, when it is garbage-collected, when Python exits and, through the
launcher's guardian, when the process dies without a chance to clean up (a kernel restart or kill).
In a notebook it belongs to the cell that made it (`workbook.cells`): running that cell again
removes it, after the servers that use it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path

from . import cells
from .launcher import stop_servers_using, tell_guardian


def _remove(path: str) -> None:
    stop_servers_using(path)  # a store lives exactly as long as the servers that use it
    shutil.rmtree(path, ignore_errors=True)
    tell_guardian(f"-{path}")


def folder_prefix(kind: str) -> str:
    """How this process's temporary folders of a kind are named: `workbook-PID-KIND-`, so that
    `make doctor` can tell a folder whose process has ended (a leftover) from one in use."""
    return f"workbook-{os.getpid()}-{kind}-"


class Folder(os.PathLike):
    """A temporary folder: `str(folder)` or `folder.path` is where it is; `remove()` removes it."""

    def __init__(self, prefix: str, parent: str | None = None):
        self.path = Path(tempfile.mkdtemp(prefix=folder_prefix(prefix), dir=parent))
        tell_guardian(f"+{self.path}")
        self._finalizer = weakref.finalize(self, _remove, str(self.path))
        cells.adopt(self, self.remove)

    def remove(self) -> None:
        """Stop the servers that still use the folder, then remove it and all it holds."""
        self._finalizer()

    def exists(self) -> bool:
        return self.path.exists()

    def __fspath__(self) -> str:
        return str(self.path)

    def __str__(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"<temporary folder {self.path}{'' if self.exists() else ' (removed)'}>"

    def __enter__(self) -> Folder:
        return self

    def __exit__(self, *exc_info) -> None:
        self.remove()


def temporary_folder(prefix: str = "workbook", parent: str | None = None) -> Folder:
    """A new empty folder under the system's temporary directory (or `parent`),
    `workbook-PID-prefix-XXXXXXXX`."""
    return Folder(prefix, parent)
