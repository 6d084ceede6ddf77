"""A real browser on a real JupyterLab, for the tests that check what a learner sees (slow tier).

    def test_something(lab, lab_page):       # fixtures: lab (JupyterLab), browser, lab_page
        lab_page.goto(lab.url_for("notebooks/01_what_a_server_does.ipynb"))

tests/conftest.py imports the fixtures once for every test: a test module must not import them
again (pytest would make a second session-wide browser, and Playwright runs one per thread).

JupyterLab runs on a copy of the folders it is given, in a fresh settings and data directory (so
every notebook is untrusted, as in a fresh clone, and nothing a test does can touch the checkout).
The browser is Debian's `chromium`, driven by Playwright for Python with `executable_path`
(Playwright's own browser download cannot work here). Where either is missing, the tests skip
with one line naming what to install, except under CI=true, where a missing browser is a failure.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import sys
from pathlib import Path

import pytest

from workbook.launcher import Server, free_port
from workbook.paths import ROOT

CHROMIUM = Path(os.environ.get("WORKBOOK_CHROMIUM", "/usr/bin/chromium"))
WINDOW = {"width": 1024, "height": 768}  # the smallest window a lesson must fit (HOUSE_STYLE.md)
INSTALL = "install Chromium and Playwright: apt-get install -y chromium; make test-slow"

# JupyterLab settings for a test run: no news pop-up over the notebook, every cell rendered (not
# only those in view), and no autosave.
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
}


def missing_browser() -> str | None:
    """What is missing to run the browser tests, as one line, or None."""
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM}: {INSTALL}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return f"Playwright for Python is not installed: {INSTALL}"
    return None


def require_browser() -> None:
    """Skip the test (fail it under CI=true) if the browser or Playwright is missing."""
    problem = missing_browser()
    if problem and os.environ.get("CI") == "true":
        pytest.fail(f"CI needs the browser tests: {problem}")
    if problem:
        pytest.skip(problem)


class JupyterLab(Server):
    """JupyterLab serving `home` on 127.0.0.1 with a token; stopped like any workbook server."""

    def __init__(self, home: Path, timeout: float = 60.0):
        self.language, self.program = "python", "jupyterlab"
        self.home, self.port, self.token = home, free_port(), secrets.token_hex(16)
        self.url = f"http://127.0.0.1:{self.port}"
        config = home / ".jupyter-test"
        settings = config / "settings"
        for name, values in SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(values))
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--ServerApp.port={self.port}",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.token={self.token}",
            f"--ServerApp.root_dir={home}",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={config / 'workspaces'}",
            "--ServerApp.allow_root=True",
            # Its kernels talk over Unix sockets, not TCP ports a test's server may take (kernel.py).
            "--KernelManager.transport=ipc",
        ]
        env = {
            "JUPYTER_CONFIG_DIR": str(config / "config"),
            "JUPYTER_DATA_DIR": str(config / "data"),  # a fresh trust database: nothing is trusted
            "JUPYTER_RUNTIME_DIR": str(config / "runtime"),
            "PYTHONPATH": str(ROOT),
        }
        self._start(command, env, timeout)

    def _accepts_connections(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
        except OSError:
            return False
        return True

    def url_for(self, path: str) -> str:
        """The address that opens `path` (relative to the served folder) in a workspace of its own,
        so that no other test's open tabs come back with it."""
        workspace = "w" + secrets.token_hex(4)
        return f"{self.url}/lab/workspaces/{workspace}/tree/{path}?token={self.token}"


@pytest.fixture(scope="session")
def lab(tmp_path_factory) -> JupyterLab:
    """JupyterLab on a copy of the lessons and of what they link to (servers/, exercises/)."""
    require_browser()
    home = tmp_path_factory.mktemp("lab")
    for folder in ("notebooks", "servers", "exercises"):
        shutil.copytree(ROOT / folder, home / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(ROOT / "README.md", home / "README.md")
    with JupyterLab(home) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's), driven by Playwright."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def lab_page(browser):
    """A fresh browser page in a 1024 x 768 window."""
    context = browser.new_context(viewport=WINDOW)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
