"""Replicas of the `users` server on one shared store, replaced one at a time (lesson 09).

    replicas = Replicas()                    # one users server per language, on one USERS_STORE
    lb = balance(replicas, show_upstream=True)
    replicas.replace("python")               # SIGTERM (it drains), then a new one on the same port
    replicas.replace("node", language="go")  # the same slot, another language: the client can't tell

A process manager (systemd, Kubernetes) replaces a replica the same way: it sends SIGTERM, waits for
the process to exit, and starts the new one. The store is a temporary folder: in a notebook it goes
when the cell that made it runs again (after its servers stop) or when the kernel ends.
"""

from __future__ import annotations

from ..launcher import LANGUAGES, Server, serve
from ..scratch import temporary_folder

# How long a `users` server may take to drain after SIGTERM (servers/README.md, "Robustness").
DRAIN_TIMEOUT = 10.0


class Replicas(dict[str, Server]):
    """Replicas by name (their language, to start with): a dict of running servers on one store."""

    def __init__(self, languages: tuple[str, ...] = LANGUAGES, program: str = "users"):
        super().__init__()
        self.store = temporary_folder("users-store")
        self.env = {"USERS_STORE": str(self.store)}
        for language in languages:
            self[language] = serve(language, program, env=self.env)

    def replace(self, name: str, language: str | None = None) -> int | None:
        """Stop replica `name` (SIGTERM: it finishes what is in flight, then exits) and start a new
        one in `language` (the same by default) on the same port and store; the old one's exit status."""
        old = self[name]
        status = old.stop(grace=DRAIN_TIMEOUT + 2)  # SIGKILL only if it outlives its own deadline
        self[name] = serve(language or old.language, old.program, port=old.port, env=self.env)
        return status

    def languages(self) -> dict[str, str]:
        """Which language runs in each slot now."""
        return {name: server.language for name, server in self.items()}

    def stop(self) -> dict[str, int | None]:
        """Stop every replica (each drains first, as in replace); their exit statuses."""
        # The same grace as replace: Go's Shutdown counts a connection that has sent nothing yet as
        # busy for up to 5 s, longer than the launcher's default 3 s before SIGKILL.
        return {name: server.stop(grace=DRAIN_TIMEOUT + 2) for name, server in self.items()}
