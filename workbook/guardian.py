"""Stops the servers of a process that died without stopping them.

The launcher starts one guardian per Python process and keeps a pipe to its standard input, telling
it "+PGID START" for each server it starts and "-PGID" for each it stops. START is when the process
began (psutil's create_time, "0" where there is none): process ids are reused, and a server that ended on its
own may have left its number to an unrelated program by the time the guardian acts, so the
guardian stops only a group whose leader still has the start time it was told. When the launcher's
process ends in any way (a normal exit, an exception, a kernel restart, even SIGKILL) the pipe closes, the
guardian reads end-of-file, and it stops every server still listed. It runs in a session of its
own, so whatever kills the launcher's process group does not kill the guardian first.

It also removes temporary folders (`workbook.scratch`): "+/PATH" registers one, "-/PATH" forgets it,
and at end-of-file, once the servers that might still write there are stopped, it removes each.

It runs as a script (`python -I guardian.py`), so it imports nothing from the workbook; psutil reads
start times the same way on Linux and macOS.
"""

import os
import shutil
import signal
import sys
import time

import psutil


def start_time(pid: int) -> str:
    """When process `pid` started (seconds since the epoch, exactly as psutil reports it, so two
    readings compare equal); "0" if unknown or not running."""
    try:
        return repr(psutil.Process(pid).create_time())
    except psutil.Error:
        return "0"


def still_ours(group: int, started: str) -> bool:
    """True unless the group's number now belongs to another process than the one registered."""
    return started == "0" or start_time(group) == started


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
    groups: dict[int, str] = {}
    folders: set[str] = set()
    for line in sys.stdin:
        sign, rest = line[:1], line[1:].rstrip("\n")
        if rest.startswith("/"):  # a folder: its path, spaces and all
            (folders.add if sign == "+" else folders.discard)(rest)
            continue
        fields = rest.split()
        if sign == "+":
            groups[int(fields[0])] = fields[1]
        elif sign == "-":
            groups.pop(int(fields[0]), None)
    stop_groups({group for group, started in groups.items() if still_ours(group, started)})
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
