"""Put several servers behind one load balancer: Caddy, as people run it in production.

    with serve("python", "users") as a, serve("go", "users") as b, balance([a.url, b.url]) as lb:
        requests.get(lb.url + "/users")      # answered by a, then b, then a, ...

    lb = balance({"replica A": a, "replica B": b}, show_upstream=True)
    lb.answered_by(requests.get(lb.url + "/users"))     # 'replica A'

Caddy is built from source by `make setup` into .build/bin/caddy. Like a server, the balancer runs
in its own process group and is stopped on exit, on error and when the kernel goes away.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterable, Mapping

import requests

from ..launcher import Server, free_port
from ..paths import BUILD
from ..scratch import temporary_folder

CADDY = BUILD / "bin" / "caddy"


def caddy_config(port: int, upstreams: list[str], policy: str, retry_for: str, show_upstream: bool) -> dict:
    """Caddy's JSON config: one reverse proxy on 127.0.0.1:port in front of the upstreams."""
    proxy = {
        "handler": "reverse_proxy",
        "upstreams": [{"dial": url.split("://", 1)[-1].rstrip("/")} for url in upstreams],
        # try_duration: when an upstream refuses the connection, try the next one for this long,
        # so a replica that is being replaced costs a retry, not a failed request.
        "load_balancing": {
            "selection_policy": {"policy": policy},
            "try_duration": retry_for,
            "try_interval": "20ms",
        },
        # Passive health check: an upstream that just failed is skipped for a while.
        "health_checks": {"passive": {"fail_duration": "2s"}},
    }
    if show_upstream:
        proxy["headers"] = {"response": {"set": {"X-Upstream": ["{http.reverse_proxy.upstream.hostport}"]}}}
    return {
        "admin": {"disabled": True},  # no admin port: several balancers can run at once
        "logging": {"logs": {"default": {"level": "ERROR"}}},
        "apps": {
            "http": {
                "servers": {
                    "balancer": {
                        "listen": [f"127.0.0.1:{port}"],
                        "automatic_https": {"disable": True},
                        "routes": [{"handle": [proxy]}],
                    }
                }
            }
        },
    }


Upstreams = Mapping[str, Server | str] | Iterable[Server | str]


def _url(upstream: Server | str) -> str:
    return (upstream.url if isinstance(upstream, Server) else upstream).rstrip("/")


class Balancer(Server):
    """A running Caddy reverse proxy: `.url`, `.upstreams`, `.stop()`, `.answered_by(response)`."""

    def __init__(
        self,
        upstreams: Upstreams,
        *,
        policy: str = "round_robin",
        retry_for: str = "3s",
        show_upstream: bool = False,
        timeout: float = 15.0,
    ):
        if not CADDY.exists():
            raise FileNotFoundError(f"{CADDY} is missing: run `make setup` to build it")
        if isinstance(upstreams, Mapping):
            named = {name: _url(upstream) for name, upstream in upstreams.items()}
        else:
            named = {_url(upstream): _url(upstream) for upstream in upstreams}
        self.language, self.program, self.upstreams = "caddy", "balancer", list(named.values())
        # Who is who: Caddy's X-Upstream header says host:port, the lesson says "python".
        self._names = {url.split("://", 1)[-1]: name for name, url in named.items()}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._home = temporary_folder("caddy")
        config = self._home.path / "caddy.json"
        config.write_text(
            json.dumps(caddy_config(self.port, self.upstreams, policy, retry_for, show_upstream))
        )
        home = {"HOME": str(self._home), "XDG_DATA_HOME": str(self._home), "XDG_CONFIG_HOME": str(self._home)}
        self._start([str(CADDY), "run", "--config", str(config)], home, timeout)

    def answered_by(self, response: requests.Response) -> str:
        """The name of the upstream that answered (needs show_upstream=True), from X-Upstream."""
        upstream = response.headers.get("X-Upstream")
        if upstream is None:
            return "none (Caddy answered itself)"
        return self._names.get(upstream, upstream)

    def _accepts_connections(self) -> bool:
        """Caddy prints no readiness line: it is ready when its port accepts a connection."""
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
        except OSError:
            return False
        return True

    def stop(self) -> int | None:
        status = super().stop()
        self._home.remove()
        return status


def balance(upstreams: Upstreams, **options) -> Balancer:
    """Start Caddy in front of `upstreams` (servers or URLs; a dict names them); return once it is ready."""
    return Balancer(upstreams, **options)
