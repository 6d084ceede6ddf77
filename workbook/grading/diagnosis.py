"""Name the cause of a failure: what is wrong with the bytes that came back, the lines of a crash
that matter, the command that reproduces a request."""

from __future__ import annotations

import re
import shlex

import requests

from ..wire import Exchange

STATUS_LINE = re.compile(rb"^HTTP/1\.[01] [1-5][0-9][0-9](?: |$)")
NO_BODY_STATUSES = (204, 304)


def raw_bytes_of(method: str, url: str, **kwargs) -> bytes:
    """The bytes `requests` would send for this request, with `Connection: close`, to send raw."""
    kwargs = {k: v for k, v in kwargs.items() if k in ("data", "json", "headers", "cookies", "params")}
    prepared = requests.Request(method, url, **kwargs).prepare()  # only the check's own headers
    parts = requests.utils.urlparse(prepared.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    body = prepared.body or b""
    body = body.encode() if isinstance(body, str) else body
    headers = {**prepared.headers, "Connection": "close"}
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def framing_problems(data: bytes, *, head: bool = False) -> list[str]:
    """What makes these bytes not one valid HTTP/1.1 response (RFC 9112); [] when nothing is."""
    if not data:
        return ["no bytes at all: the server closed the connection without answering"]
    first = data.split(b"\n", 1)[0].rstrip(b"\r")
    if not STATUS_LINE.match(first):
        shown = first.decode("latin-1")[:60]
        return [f"no status line: the first line is `{shown}`; it must be like `HTTP/1.1 200 OK`"]
    if b"\r\n\r\n" not in data:
        return ["the head never ends: no empty line (\\r\\n\\r\\n) after the headers"]
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    problems = []
    lengths = []
    for line in head_bytes.decode("latin-1").split("\r\n")[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            problems.append(f"the header line `{line[:60]}` is not `Name: value`")
        elif name.lower() == "content-length":
            lengths.append(value.strip())
    status = int(first[9:12])
    if len(lengths) > 1:
        problems.append(f"{len(lengths)} Content-Length fields ({', '.join(lengths)}): there must be one")
    elif lengths and not lengths[0].isdigit():
        problems.append(f"`Content-Length: {lengths[0]}` is not a number of bytes")
    elif lengths and status in NO_BODY_STATUSES:
        problems.append(f"a {status} carries Content-Length: it has no body, so no length (RFC 9110 §8.6)")
    elif lengths and not head and int(lengths[0]) != len(body):
        problems.append(f"`Content-Length` says {lengths[0]}, the body had {len(body)} bytes")
    return problems


def what_matters(output: str) -> str:
    """The lines of a crash a learner needs: Python's last frame and error, Go's panic and first
    frame in main, Node's error and first frame; else the last lines printed."""
    lines = output.splitlines()
    for i in range(len(lines) - 1, -1, -1):  # Python: the last traceback's last frame and message
        if lines[i].startswith("Traceback (most recent call last)"):
            block = lines[i:]
            frames = [j for j, line in enumerate(block) if line.lstrip().startswith('File "')]
            end = next(
                (j for j in range(len(block)) if j > 0 and block[j][:1] not in (" ", "")), len(block) - 1
            )
            kept = block[frames[-1] : frames[-1] + 2] if frames else []
            return "\n".join(kept + [block[end]])
    syntax = [i for i, line in enumerate(lines) if re.match(r"^\w*(Syntax|Indentation)Error\b", line)]
    if syntax:  # Python or Node: a SyntaxError, with the lines that point at it
        return "\n".join(lines[max(0, syntax[0] - 4) : syntax[0] + 1])
    panic = next(
        (i for i, line in enumerate(lines) if re.search(r"^panic: |http: panic serving", line)), None
    )
    if panic is not None:  # Go: the panic's message, and the first frame in the learner's code
        frame = next((i for i in range(panic, len(lines)) if lines[i].startswith("main.")), None)
        return "\n".join([lines[panic]] + (lines[frame : frame + 2] if frame is not None else []))
    error = next((i for i, line in enumerate(lines) if re.match(r"^\w*Error\b", line)), None)
    if error is not None:  # Node: the error and its first frame
        return "\n".join(lines[error : error + 2])
    return "\n".join(lines[-8:])


def looks_like_a_crash(output: str) -> bool:
    """True when a server printed a traceback, a panic or an uncaught error."""
    return bool(re.search(r"^(Traceback|panic: |\w*Error\b)|http: panic serving", output, re.M))


def shell_data(body: bytes | str) -> str:
    """A body quoted for the shell, byte for byte: $'...' with \\xNN where it is not UTF-8."""
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            # bash's ANSI-C quoting, which keeps every byte; printable ASCII stays readable.
            kept = {ord(c) for c in "'\\"}
            return (
                "$'"
                + "".join(chr(b) if 0x20 <= b < 0x7F and b not in kept else f"\\x{b:02x}" for b in body)
                + "'"
            )
    return shlex.quote(body)


def curl_for_raw(sent: bytes, url: str) -> str | None:
    """A curl command for exact bytes sent by hand (their method, target, headers and body)."""
    head, _, body = sent.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3:
        return None
    method, target, _ = parts
    command = ["curl", "-i"] + (["--head"] if method == "HEAD" else [] if method == "GET" else ["-X", method])
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() not in ("host", "connection", "content-length"):
            command += ["-H", f"{name}:{value}"]
    data = ["--data-binary", shell_data(body)] if body else []
    return " ".join([shlex.quote(part) for part in command] + data + [shlex.quote(url.rstrip("/") + target)])


def curl_for(ex: Exchange) -> str:
    """A curl command that sends the same request (the body inline, the headers that matter)."""
    request = ex.request
    command = ["curl", "-i"]
    if request.method == "HEAD":
        command.append("--head")
    elif request.method != "GET":
        command += ["-X", request.method]
    for name, value in request.headers.items():
        if name.lower() not in ("user-agent", "accept-encoding", "accept", "connection", "content-length"):
            command += ["-H", f"{name}: {value}"]
    data = ["--data-binary", shell_data(request.body)] if request.body else []
    return " ".join([shlex.quote(part) for part in command] + data + [shlex.quote(request.url)])
