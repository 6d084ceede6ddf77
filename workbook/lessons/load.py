"""Put a server under load with hey, a load generator written in Go, and draw what it measured.

    result = run_hey(srv.url + "/users/1", seconds=1, connections=16)
    result.outcome()                  # 'all 200, 0 failed': a fact that holds from run to run
    result.requests_per_second, result.p50, result.p99   # numbers that do not: plot them
    SVG(bar_chart_svg({"requests/s": {"go": 9000.0, "python": 2000.0}}))

    with start_hey(lb.url + "/users/1", seconds=1.5) as load:   # load in the background
        ...                                                      # meanwhile, kill a replica
    load.result()

    with start_posts(lb.url + "/users", seconds=2, clients=4) as writes:   # POST a new user each time
        ...
    writes.result().outcome()                                   # 'all 201, 0 failed'

    with start_hey(lb.url + "/users/1", seconds=None) as load:  # until finish()
        ...
    load.finish()                                               # stop now: what it measured
    bar_chart({"requests/s": {...}})                            # the picture, shown in any notebook

hey is built from source into .build/bin/hey on first use (workbook.programs). It keeps
`connections` requests in flight for `seconds`, then prints a summary (requests per second,
latency percentiles, the count of each status code, the count of each error), which `parse_hey`
reads.
"""

from __future__ import annotations

import base64
import math
import re
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

import requests

from .. import cells
from ..paths import BUILD
from ..programs import program
from ..unique import unique_email

HEY = BUILD / "bin" / "hey"


@dataclass(frozen=True)
class LoadResult:
    """What hey measured. Latencies are in seconds; NaN when no request got a response."""

    statuses: dict[int, int] = field(default_factory=dict)  # status code -> responses
    errors: dict[str, int] = field(default_factory=dict)  # error (no response at all) -> count
    requests_per_second: float = math.nan
    p50: float = math.nan
    p99: float = math.nan

    @property
    def responses(self) -> int:
        return sum(self.statuses.values())

    @property
    def failed(self) -> int:
        """Requests that got no response, or a 5xx one: the server side failed the client."""
        return sum(self.errors.values()) + sum(n for code, n in self.statuses.items() if code >= 500)

    def outcome(self) -> str:
        """The part of the result that holds from run to run, e.g. 'all 200, 0 failed'."""
        if not self.statuses:
            answered = "no responses"
        elif len(self.statuses) == 1:
            answered = f"all {next(iter(self.statuses))}"
        else:
            answered = "status codes " + ", ".join(str(code) for code in sorted(self.statuses))
        return f"{answered}, {self.failed} failed"


SECONDS = r"(\d+(?:\.\d+)?) secs"


def _section(text: str, heading: str) -> list[tuple[int, str]]:
    """The `[N]  rest` lines under one of hey's headings, as (N, rest) pairs."""
    found = re.search(rf"^{heading}:\n((?:[ \t]+\[.*(?:\n|$))*)", text, re.M)
    lines = re.findall(r"\[(\d+)\]\s+(.*)", found.group(1)) if found else []
    return [(int(number), rest.strip()) for number, rest in lines]


def parse_hey(text: str) -> LoadResult:
    """Read hey's summary (what it prints after a run) into a LoadResult."""

    def number(pattern: str) -> float:
        found = re.search(pattern, text)
        return float(found.group(1)) if found else math.nan

    return LoadResult(
        # `[200]\t1234 responses`: the status code, then how many responses had it.
        statuses={code: int(rest.split()[0]) for code, rest in _section(text, "Status code distribution")},
        # `[12]\tGet "http://...": dial tcp ...: connection refused`: how many, then the error.
        errors={rest: count for count, rest in _section(text, "Error distribution")},
        requests_per_second=number(r"Requests/sec:\s+(\d+(?:\.\d+)?)"),
        p50=number(rf"50% in {SECONDS}"),
        p99=number(rf"99% in {SECONDS}"),
    )


UNTIL_FINISHED = 120.0  # seconds=None: the load runs until finish(), but never longer than this


def require_listening(url: str) -> None:
    """Raise a one-line LessonError if nothing accepts connections at `url` (a stopped server)."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        socket.create_connection((parts.hostname, port), timeout=2).close()
    except ConnectionRefusedError:
        raise cells.LessonError(cells.nothing_listens(url)) from None


class LoadRun:
    """hey running in the background; `result()` waits for it, `finish()` stops it and returns
    what it measured so far. As a context manager, an error inside the block stops hey at once
    instead of leaving it running."""

    def __init__(self, url: str, seconds: float | None, connections: int):
        program("hey")  # built on first use
        require_listening(url)  # else hey would count every request as an error
        self.seconds = UNTIL_FINISHED if seconds is None else seconds
        self.command = [str(HEY), "-z", f"{self.seconds:g}s", "-c", str(connections), url]
        self._process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
        )
        cells.adopt(self, self.stop)  # in a notebook: running the same cell again stops it first

    def running(self) -> bool:
        return self._process.poll() is None

    def stop(self) -> None:
        """Stop hey now, if it still runs; what it measured so far is lost."""
        if self._process.poll() is None:
            self._process.kill()
            self._process.communicate()

    def finish(self) -> LoadResult:
        """Stop hey now and return what it measured (on SIGINT it stops and prints its summary)."""
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
        return self.result()

    def result(self) -> LoadResult:
        """Wait until hey is done and return what it measured."""
        try:
            out, err = self._process.communicate(timeout=self.seconds + 30)
        except subprocess.TimeoutExpired:
            self.stop()
            raise RuntimeError(f"hey did not finish: {' '.join(self.command)}") from None
        except KeyboardInterrupt:  # an interrupted cell stops hey too, and says so in one line
            self.stop()
            raise
        if self._process.returncode != 0:
            raise RuntimeError(
                f"hey failed with status {self._process.returncode}: {' '.join(self.command)}\n{err.strip()}"
            )
        return parse_hey(out)

    def __enter__(self) -> LoadRun:
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        if exc_type is not None:
            self.stop()


def start_hey(url: str, seconds: float | None = 1.0, connections: int = 16) -> LoadRun:
    """Start `hey -z {seconds}s -c {connections} URL` (GET) in the background; seconds=None: until
    `finish()`."""
    return LoadRun(url, seconds, connections)


class PostRun:
    """`clients` threads that POST a new user (a fresh email each time) to `url` until `seconds`
    have passed, or until `finish()` with seconds=None: a write load, which hey cannot make (it
    sends one body again and again). A lost answer is not retried: it counts as failed."""

    def __init__(self, url: str, seconds: float | None, clients: int):
        require_listening(url)
        self.url, self.seconds = url, seconds
        self._stopping = threading.Event()
        self._outcomes: Counter[int | str] = Counter()
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._elapsed: float | None = None
        self._deadline = self._started + (UNTIL_FINISHED if seconds is None else seconds)
        self._threads = [threading.Thread(target=self._post, daemon=True) for _ in range(clients)]
        for thread in self._threads:
            thread.start()
        cells.adopt(self, self.stop)

    def _post(self) -> None:
        with requests.Session() as session:
            while not self._stopping.is_set() and time.monotonic() < self._deadline:
                body = {"email": unique_email("load"), "name": "Load"}
                try:
                    outcome: int | str = session.post(self.url, json=body, timeout=10).status_code
                except requests.RequestException as error:
                    outcome = type(error).__name__
                with self._lock:
                    self._outcomes[outcome] += 1

    def running(self) -> bool:
        return any(thread.is_alive() for thread in self._threads)

    def stop(self) -> None:
        """Stop posting now (each client finishes the request it is in)."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(15)

    def finish(self) -> LoadResult:
        """Stop posting now (each client finishes the request it is in); what came back."""
        self._stopping.set()
        return self.result()

    def result(self) -> LoadResult:
        """Wait until the time is up; every status that came back, and every error instead of one."""
        try:
            for thread in self._threads:
                thread.join()
        except KeyboardInterrupt:
            self.stop()
            raise
        if self._elapsed is None:
            self._elapsed = time.monotonic() - self._started
        statuses = {k: n for k, n in self._outcomes.items() if isinstance(k, int)}
        errors = {k: n for k, n in self._outcomes.items() if isinstance(k, str)}
        total = sum(self._outcomes.values())
        return LoadResult(statuses=statuses, errors=errors, requests_per_second=total / self._elapsed)

    def __enter__(self) -> PostRun:
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        if exc_type is not None:
            self.stop()


def start_posts(url: str, seconds: float | None = 1.0, clients: int = 4) -> PostRun:
    """POST a new user to `url` (a users collection) from `clients` threads for `seconds` (None:
    until `finish()`)."""
    return PostRun(url, seconds, clients)


def run_hey(url: str, seconds: float = 1.0, connections: int = 16) -> LoadResult:
    """GET `url` from `connections` clients at once for `seconds`, with hey; return what it measured."""
    return start_hey(url, seconds, connections).result()


# ---- The picture: one panel per measure, one bar per setup ----------------------------------------

PALETTE = ("#3572A5", "#3c873a", "#00ADD8", "#e8730c", "#8e44ad", "#7f8c8d")
LABEL_WIDTH, BAR_WIDTH, VALUE_WIDTH = 190, 300, 80
ROW, HEADING, GAP = 22, 26, 12


def _number(value: float) -> str:
    """A value short enough to print beside a bar."""
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


class Chart:
    """A bar chart that shows in any notebook: an <img> of the SVG (JupyterLab draws that even in a
    notebook it does not trust, which a fresh clone is; it would not draw the SVG itself), and as
    text the title, panels and labels, the parts that hold from run to run."""

    def __init__(self, panels: Mapping[str, Mapping[str, float]], title: str = ""):
        self.panels, self.title = panels, title
        self.svg = bar_chart_svg(panels, title)

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.svg.encode()).decode()
        return f'<img alt="{escape(self.title)}" src="data:image/svg+xml;base64,{data}">'

    def __repr__(self) -> str:
        lines = [f"bar chart: {self.title}"] if self.title else ["bar chart"]
        lines += [f"  {heading}: {', '.join(values)}" for heading, values in self.panels.items()]
        return "\n".join(lines)


def bar_chart(panels: Mapping[str, Mapping[str, float]], title: str = "") -> Chart:
    """The bar chart of `panels` (see bar_chart_svg), as an object a notebook cell shows."""
    return Chart(panels, title)


def bar_chart_svg(panels: Mapping[str, Mapping[str, float]], title: str = "") -> str:
    """An SVG picture, standard library only: one panel per entry of `panels` (its heading, e.g.
    'requests/s, more is better'), one horizontal bar per label in it, scaled to the panel's
    largest value; a label keeps its colour in every panel. Show it with IPython.display.SVG.

    Measured numbers appear only in a bar's `width` and in the text of `class="value"`, so a
    notebook's checker can mask exactly those (tests/nbval_sanitize.cfg) and compare the rest."""
    labels = list(dict.fromkeys(label for values in panels.values() for label in values))
    colour = {label: PALETTE[i % len(PALETTE)] for i, label in enumerate(labels)}
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts, y = [], 0
    if title:
        parts.append(f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>')
        y = HEADING + 4
    for heading, values in panels.items():
        parts.append(f'<text x="0" y="{y + 16}" font-weight="bold">{escape(heading)}</text>')
        y += HEADING
        finite = [value for value in values.values() if math.isfinite(value)]
        largest = max(finite, default=0) or 1
        for label, value in values.items():
            length = BAR_WIDTH * value / largest if math.isfinite(value) and value > 0 else 0
            parts += [
                f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>',
                f'<rect class="bar" x="{LABEL_WIDTH}" y="{y + 3}" height="{ROW - 6}" '
                f'fill="{colour[label]}" width="{length:.1f}"/>',
                f'<text class="value" x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 15}">'
                f"{escape(_number(value))}</text>",
            ]
            y += ROW
        y += GAP
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{y}" '
        f'viewBox="0 0 {width} {y}" font-family="sans-serif" font-size="12">\n'
        + "\n".join(parts)
        + "\n</svg>\n"
    )
