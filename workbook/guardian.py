"""Stops the servers of a process that died without stopping them.

The launcher starts one guardian per Python process and keeps a pipe to its standard input, telling
it "+PGID" for each server it starts and "-PGID" for each it stops. When the launcher's process ends
in any way (a normal exit, an exception, a kernel restart, even SIGKILL) the pipe closes, the
guardian reads end-of-file, and it stops every server still listed. It runs in a session of its
own, so whatever kills the launcher's process group does not kill the guardian first.
"""

import os
import signal
import sys
import time


def stop_groups(groups: set[int], grace: float = 2.0) -> None:
    """SIGTERM each process group, then SIGKILL whatever is still there after `grace` seconds."""
    for group in groups:
        try:
            os.killpg(group, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    while groups and time.monotonic() < deadline:
        time.sleep(0.05)
        groups = {group for group in groups if _alive(group)}
    for group in groups:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    groups: set[int] = set()
    for line in sys.stdin:
        sign, group = line[:1], int(line[1:])
        if sign == "+":
            groups.add(group)
        else:
            groups.discard(group)
    stop_groups(groups)


if __name__ == "__main__":
    main()
