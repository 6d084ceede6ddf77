"""Is a server that printed its readiness line really ready: a real port, accepting connections,
bound to loopback only? Checked on the socket, never on the printed line alone."""

from __future__ import annotations

import ipaddress
import socket
from contextlib import closing

import psutil

from ..launcher import Server


def listening_addresses(pid: int) -> list[str] | None:
    """The addresses the process's listening TCP sockets are bound to ("127.0.0.1", "0.0.0.0",
    "::"), as the system reports them; None where it will not tell (psutil needs rights on macOS)."""
    try:
        connections = psutil.Process(pid).net_connections(kind="tcp")
    except (psutil.Error, OSError):
        return None
    return [c.laddr.ip for c in connections if c.status == psutil.CONN_LISTEN]


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
