"""Is a server that printed its readiness line really ready: a real port, accepting connections,
bound to loopback only? Checked on the socket, never on the printed line alone."""

from __future__ import annotations

import ipaddress
import os
import socket
from contextlib import closing
from pathlib import Path

from ..launcher import Server


def listening_addresses(pid: int) -> list[str] | None:
    """The addresses the process's listening TCP sockets are bound to ("127.0.0.1", "0.0.0.0",
    "::"), read from /proc; None where /proc cannot tell (not Linux)."""
    try:
        inodes = set()
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return None
    found = []
    for table, size in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and inode in inodes:  # 0A: LISTEN
                raw = bytes.fromhex(local.split(":")[0])
                # /proc writes each 32-bit word in the host's byte order (little-endian here).
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, size, 4))
                found.append(str(ipaddress.ip_address(words)))
    return found


def accepts(host: str, port: int) -> bool:
    with closing(socket.socket()) as sock:
        sock.settimeout(1)
        return sock.connect_ex((host, port)) == 0


def readiness_problem(server: Server) -> tuple[str, str] | None:
    """None when the server listens where its readiness line says, on loopback only; else why not
    and which kind of problem it is ("port" or "loopback")."""
    line = f"listening on {server.url}"
    if not 0 < server.port < 65536:
        return (
            f"the readiness line `{line}` names port {server.port}, which no server can listen on: "
            "print the port the listening socket really got (0 asks the system for a free one)",
            "port",
        )
    if not accepts("127.0.0.1", server.port):
        return (
            f"the readiness line says `{line}`, but nothing accepts connections on "
            f"127.0.0.1:{server.port}: print the port the socket is bound to, once it listens",
            "port",
        )
    addresses = listening_addresses(server.pid)
    wide = [a for a in addresses or [] if not ipaddress.ip_address(a).is_loopback]
    if addresses is None and accepts("127.0.0.2", server.port):
        wide = ["every address"]
    if wide:
        return (
            f"the server listens on {', '.join(wide)}, not only 127.0.0.1: other machines can reach it. "
            "Bind the listening socket to 127.0.0.1",
            "loopback",
        )
    return None
