"""Put several servers behind one load balancer: Caddy, as people run it in production.

    with serve("python", "users") as a, serve("go", "users") as b, balance([a.url, b.url]) as lb:
        requests.get(lb.url + "/users")      # answered by a, then b, then a, ...

    lb = balance({"replica A": a, "replica B": b}, show_upstream=True)
    lb.answered_by(requests.get(lb.url + "/users"))     # 'replica A'

    lb = balance(replicas)          # workbook.lessons.replicas: replicas.replace(name) takes the
    lb.take_out(replicas["go"])     # replica out of rotation first, as these do (workbook.lessons.rotation)
    lb.put_back(replicas["go"])

    with balance([a.url], tls=True, access_log=True) as lb:     # lesson 10
        requests.get(lb.url + "/users", verify=lb.authority)      # https://, Caddy's own local CA
        lb.access_log()                                           # what Caddy wrote per request

Caddy is built from source into .build/bin/caddy on first use (workbook.programs). Like a
server, the balancer runs in its own process group and is stopped on exit, on error and when
the kernel goes away.
"""

from __future__ import annotations

import json
import socket
import ssl
import time
from collections.abc import Iterable, Mapping
from typing import Any

import requests

from .. import cells
from ..launcher import Server, free_port
from ..paths import BUILD
from ..programs import program
from ..scratch import temporary_folder
from .rotation import CHECK_INTERVAL, TARGET, Rotation

CADDY = BUILD / "bin" / "caddy"
SETTLE = 0.05  # seconds Caddy must count no request to an upstream taken out: see take_out


def caddy_config(
    port: int,
    upstreams: list[str],
    policy: str,
    retry_for: str,
    show_upstream: bool,
    tls: bool = False,
    access_log: bool = False,
    fail_duration: str = "2s",
    reuse_connections: bool = True,
    rotation: str | None = None,
    admin_socket: str | None = None,
) -> dict:
    """Caddy's JSON config: one reverse proxy on 127.0.0.1:port in front of the upstreams; with
    `rotation` (host:port of a workbook.lessons.rotation endpoint), only those it keeps in rotation;
    with `admin_socket` (a path), Caddy's admin API on that Unix socket, for reading its counts."""
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
        "health_checks": {"passive": {"fail_duration": fail_duration}},
    }
    if rotation:
        # Active health checks, asked of the rotation endpoint rather than of each upstream: an
        # upstream it answers 503 for gets no new request until it answers 200 again.
        proxy["health_checks"]["active"] = {
            "upstream": rotation,
            "uri": "/in-rotation",
            "headers": {TARGET: ["{http.reverse_proxy.active.target_upstream}"]},
            "interval": CHECK_INTERVAL,
            "timeout": "2s",
        }
    if not reuse_connections:
        # A new connection to an upstream for every request: no request can meet a kept-alive
        # connection in the instant a draining upstream closes it (RFC 9112, section 9.5), which
        # Caddy would not retry for a POST, since the request may have been carried out (9.3.1).
        proxy["transport"] = {"protocol": "http", "keep_alive": {"enabled": False}}
    if show_upstream:
        proxy["headers"] = {"response": {"set": {"X-Upstream": ["{http.reverse_proxy.upstream.hostport}"]}}}
    server: dict[str, Any] = {
        "listen": [f"127.0.0.1:{port}"],
        "automatic_https": {"disable": True},
        "routes": [{"handle": [proxy]}],
    }
    config: dict[str, Any] = {
        # No admin port, so several balancers can run at once; a socket file of its own, if asked.
        "admin": {"listen": f"unix/{admin_socket}"} if admin_socket else {"disabled": True},
        "logging": {"logs": {"default": {"level": "ERROR"}}},
        "apps": {"http": {"servers": {"balancer": server}}},
    }
    if tls:
        # `tls internal`: Caddy's own certificate authority signs a certificate for 127.0.0.1.
        # Its root stays in Caddy's data directory; nothing is added to the system's trust store.
        server["automatic_https"] = {"disable_redirects": True}
        server["tls_connection_policies"] = [{}]
        server["protocols"] = ["h1", "h2"]  # no HTTP/3, so no Alt-Svc header naming the port
        config["apps"]["tls"] = {
            "certificates": {"automate": ["127.0.0.1"]},
            "automation": {"policies": [{"subjects": ["127.0.0.1"], "issuers": [{"module": "internal"}]}]},
        }
        config["apps"]["pki"] = {"certificate_authorities": {"local": {"install_trust": False}}}
    if access_log:
        # One JSON line per request on stderr, as a production access log would be written.
        server["logs"] = {}
        config["logging"]["logs"] = {
            "default": {"level": "ERROR", "exclude": ["http.log.access"]},
            "access": {"level": "INFO", "include": ["http.log.access"], "writer": {"output": "stderr"}},
        }
    return config


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
        tls: bool = False,
        access_log: bool = False,
        fail_duration: str = "2s",
        reuse_connections: bool = True,
        rotation: bool | None = None,
        timeout: float = 15.0,
    ):
        program("caddy")  # built on first use
        # A rotation (take_out, put_back) by default in front of Replicas, whose replace uses it.
        in_front_of = upstreams if hasattr(upstreams, "balanced_by") else None
        self.rotation = Rotation() if (in_front_of is not None if rotation is None else rotation) else None
        if isinstance(upstreams, Mapping):
            named = {name: _url(upstream) for name, upstream in upstreams.items()}
        else:
            named = {_url(upstream): _url(upstream) for upstream in upstreams}
        self.language, self.program, self.upstreams = "caddy", "balancer", list(named.values())
        # Who is who: Caddy's X-Upstream header says host:port, the lesson says "python".
        self._names = {url.split("://", 1)[-1]: name for name, url in named.items()}
        self.port = free_port()
        self.url = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self._home = temporary_folder("caddy")
        # The root certificate of Caddy's local authority: pass it to requests as `verify=`.
        self.authority = str(self._home.path / "caddy" / "pki" / "authorities" / "local" / "root.crt")
        config = self._home.path / "caddy.json"
        self._admin_socket = self._home.path / "admin.sock"
        # A Unix socket's path holds at most 104 bytes (macOS; 108 on Linux): under a long $TMPDIR
        # (a test's own) the socket gets a folder of its own in /tmp.
        self._sockets = None
        if self.rotation and len(bytes(self._admin_socket)) > 100:
            self._sockets = temporary_folder("caddy-admin", parent="/tmp")
            self._admin_socket = self._sockets.path / "admin.sock"
        config.write_text(
            json.dumps(
                caddy_config(
                    self.port,
                    self.upstreams,
                    policy,
                    retry_for,
                    show_upstream,
                    tls,
                    access_log,
                    fail_duration,
                    reuse_connections,
                    self.rotation.address if self.rotation else None,
                    str(self._admin_socket) if self.rotation else None,
                )
            )
        )
        home = {"HOME": str(self._home), "XDG_DATA_HOME": str(self._home), "XDG_CONFIG_HOME": str(self._home)}
        try:
            self._start([str(CADDY), "run", "--config", str(config)], home, timeout)
        except BaseException:
            self._stop_helpers()
            raise
        if in_front_of is not None:
            in_front_of.balanced_by(self)

    def take_out(self, upstream: Server | str, timeout: float = 15.0) -> None:
        """Send no new request to `upstream` (a server or its URL); return once Caddy knows and has
        no request under way to it (needs a rotation: see `balance`)."""
        address = _url(upstream).split("://", 1)[-1]
        self._rotation().take_out(address)
        # Caddy may have chosen this upstream for a request just before it knew, and not have sent
        # it yet: a SIGTERM now would close the connection that request is about to go out on, and
        # Caddy would answer 502 rather than send a POST twice (RFC 9112 §9.5, §9.3.1). So wait
        # until Caddy counts no request to it, as a cloud balancer's "deregistration delay" does.
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            if self._requests_under_way(address):
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= SETTLE:
                return
            time.sleep(0.005)

    def _requests_under_way(self, address: str) -> int:
        """How many requests Caddy has under way to `address` (its admin API, on a Unix socket)."""
        with socket.socket(socket.AF_UNIX) as admin:
            admin.settimeout(2)
            admin.connect(str(self._admin_socket))
            admin.sendall(b"GET /reverse_proxy/upstreams HTTP/1.1\r\nHost: \r\nConnection: close\r\n\r\n")
            answer = b""
            while chunk := admin.recv(65536):
                answer += chunk
        upstreams = json.loads(answer.partition(b"\r\n\r\n")[2])
        return sum(u["num_requests"] for u in upstreams if u["address"] == address)

    def put_back(self, upstream: Server | str) -> None:
        """Send requests to `upstream` again; return once Caddy knows."""
        self._rotation().put_back(_url(upstream).split("://", 1)[-1])

    def _rotation(self) -> Rotation:
        if not self.running():  # in a notebook: one line that names the cell to run again
            raise cells.LessonError(cells.nothing_listens(self.url))
        if self.rotation is None:
            raise ValueError("this balancer has no rotation: start it with balance(..., rotation=True)")
        return self.rotation

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

    def _wait_until_ready(self, timeout: float) -> None:
        super()._wait_until_ready(timeout)
        if self.url.startswith("https:"):  # the port opens before the certificate is issued
            self._wait_for_certificate(timeout)

    def _wait_for_certificate(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                context = ssl.create_default_context(cafile=self.authority)
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as raw:
                    context.wrap_socket(raw, server_hostname="127.0.0.1").close()
                return
            except (OSError, ssl.SSLError):
                if time.monotonic() > deadline or self._process.poll() is not None:
                    raise
                time.sleep(0.05)

    def access_log(self, wait_for: int = 0, timeout: float = 5.0) -> list[dict]:
        """The access log, one dict per request (with `access_log=True`); Caddy writes an entry
        just after its response, so wait up to `timeout` seconds for `wait_for` entries."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [line for line in self.output().splitlines() if '"http.log.access' in line]
            if len(lines) >= wait_for or time.monotonic() > deadline:
                return [json.loads(line) for line in lines]
            time.sleep(0.02)

    def stop(self, grace: float = 3.0) -> int | None:
        status = super().stop(grace)
        self._stop_helpers()
        return status

    def _stop_helpers(self) -> None:
        """Stop what runs for Caddy: its rotation endpoint and its folders."""
        if self.rotation is not None:
            self.rotation.close()
        self._home.remove()
        if self._sockets is not None:
            self._sockets.remove()


def balance(upstreams: Upstreams, **options) -> Balancer:
    """Start Caddy in front of `upstreams` (servers or URLs; a dict names them); return once it is ready.

    `rotation=True` (the default in front of Replicas) lets `take_out` and `put_back` change which
    upstreams get new requests while Caddy runs."""
    return Balancer(upstreams, **options)
