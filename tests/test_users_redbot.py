"""REDbot, the HTTP linter (`redbot` on PyPI, pinned in requirements-redbot.txt), finds nothing to warn
about in the `users` servers: a user, a list page and a missing user, in each language, with
authentication off, and on with a reader who sends their token. REDbot follows each URL up with
conditional, range and gzip requests of its own. The notes are printed, so a failure shows what
REDbot said about what. (REDbot 2.7.1 does not give its response linter the request, so its notes
say nothing of RFC 9111 §3.5, responses to requests with Authorization; servers/README.md does.)

Kept lean for `make test`: one server per language and authentication setting, one REDbot run
(a subprocess, see tests/redbot_notes.py) per language.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from workbook import LANGUAGES, serve
from workbook.paths import BUILD

SCRIPT = Path(__file__).with_name("redbot_notes.py")
REDBOT = BUILD / "redbot"  # make setup installs it there, apart from .venv (see the Makefile)
AUTH_ENV = {"USERS_AUTH_SECRET": "redbot test secret", "USERS_PBKDF2_ITERATIONS": "1000"}
PASSWORD = "a password for REDbot"
PATHS = {"/users/1": 200, "/users?limit=1": 200, "/users/999": 404}  # the page has a next link
FAILING = {"warning", "bad"}  # REDbot's levels: good, info, warning, bad


def two_users(url: str, auth: bool) -> dict[str, str]:
    """Create users 1 and 2; with auth on, return the request headers of user 1 signed in."""
    for name in ("ada", "grace"):
        user = {"email": f"{name}@example.com", "name": name.title()}
        if auth:
            user["password"] = PASSWORD
        assert requests.post(url + "/users", json=user, timeout=10).status_code == 201
    if not auth:
        return {}
    login = requests.post(
        url + "/tokens", json={"email": "ada@example.com", "password": PASSWORD}, timeout=10
    )
    return {"Authorization": "Bearer " + login.json()["token"]}


def redbot(targets: list[dict]) -> list[dict]:
    """REDbot's report on each target, in order (tests/redbot_notes.py)."""
    assert (REDBOT / ".installed").exists(), "REDbot is not installed: run `make setup`"
    run = subprocess.run(
        [sys.executable, str(SCRIPT), json.dumps(targets)],
        env={**os.environ, "PYTHONPATH": str(REDBOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def show(report: dict, headers: dict) -> str:
    sent = "".join(f" -H '{name}: …'" for name in headers)
    lines = [f"GET {report['url']}{sent}", *("  " + line for line in report["response"])]
    lines += [f"    [{level}] {category}: {summary}" for level, category, summary in report["notes"]]
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
def test_redbot_warns_about_nothing_on_a_user_a_page_and_a_missing_user(language):
    with serve(language, "users") as plain, serve(language, "users", env=AUTH_ENV) as guarded:
        targets = [{"url": plain.url + path, "headers": []} for path in PATHS]
        signed_in = two_users(guarded.url, auth=True)
        two_users(plain.url, auth=False)
        targets += [{"url": guarded.url + path, "headers": list(signed_in.items())} for path in PATHS]
        reports = redbot(targets)
    for report, target in zip(reports, targets, strict=True):
        print(show(report, dict(target["headers"])), end="\n\n")
    statuses = [report["response"][0].split(" ")[1] for report in reports]
    assert statuses == [str(status) for status in PATHS.values()] * 2
    assert [report["error"] for report in reports] == [None] * len(reports)
    warnings = [
        (report["url"], summary)
        for report in reports
        for level, _, summary in report["notes"]
        if level in FAILING
    ]
    assert warnings == []
