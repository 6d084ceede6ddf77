"""Run a hand-written server loop on a thread of its own, and stop it again (lesson 01).

    server = in_background(serve_forever, listener)   # calls serve_forever(listener, stopping)
    server.stop()                                     # sets `stopping`, waits for the loop to end

The loop is given a `threading.Event` as its last argument and must return soon after it is set.
In a notebook the loop belongs to the cell that started it (`workbook.cells`): running that cell
again stops the old loop before the new one starts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .. import cells


class Background:
    """A loop running on a daemon thread: `.running()`, `.stop()`."""

    def __init__(self, loop: Callable[..., None], *args: object):
        self.stopping = threading.Event()
        self.name = getattr(loop, "__name__", "loop")
        self._thread = threading.Thread(target=loop, args=(*args, self.stopping), name=self.name, daemon=True)
        self._thread.start()
        cells.adopt(self, self.stop)

    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self, timeout: float = 5.0) -> bool:
        """Ask the loop to stop and wait for it; True once it has ended."""
        self.stopping.set()
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def __repr__(self) -> str:
        return f"<{self.name} on a background thread: {'running' if self.running() else 'stopped'}>"


def in_background(loop: Callable[..., None], *args: object) -> Background:
    """Start `loop(*args, stopping)` on a daemon thread and return at once."""
    return Background(loop, *args)
