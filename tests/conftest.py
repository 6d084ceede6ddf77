"""Fixtures shared by the test suites."""

import os
import shutil
import uuid
from pathlib import Path

import nbval.kernel
import psutil
import pytest
from browser import browser, lab, lab_page  # noqa: F401  (one set of browser fixtures for every test)
from kernel import IpcKernelManager

from workbook import LANGUAGES
from workbook.paths import ROOT

# nbval's kernels too talk over Unix sockets, not TCP ports a test's server may take first
# (kernel.py), in every run that collects tests/, as `make test` does.
nbval.kernel.KernelManager = IpcKernelManager


@pytest.fixture(params=LANGUAGES)
def language(request) -> str:
    """Run the test once per server language."""
    return request.param


@pytest.fixture
def scratch() -> Path:
    """A directory inside the Go module (so Go can build there) that is removed afterwards."""
    path = ROOT / "_scratch" / uuid.uuid4().hex[:8]
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def alive(pid: int) -> bool:
    """True if a process with this id exists and is not a zombie."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module", params=LANGUAGES)
def users_server(request):
    """One `users` server per language, shared by the tests of a module (ids are not fresh)."""
    from workbook import serve

    with serve(request.param, "users") as srv:
        yield srv


@pytest.fixture
def fresh_users_server(language):
    """A `users` server of its own, for tests where the ids matter ("1", "2", ...)."""
    from workbook import serve

    with serve(language, "users") as srv:
        yield srv


# ---- The slow tier: the double-run and browser tests, the servers' long timeouts -----------------

SLOW = (
    "slow tier (lessons run twice, in a real browser; the servers' 10 s and 30 s timeouts waited out): "
    "apt-get install -y chromium; make test-slow"
)


def pytest_configure(config):
    config.addinivalue_line("markers", f"slow: {SLOW}")


def pytest_collection_modifyitems(config, items):
    """Skip the slow tier unless CI=true or WORKBOOK_SLOW=1 (`make test-slow` sets it)."""
    if os.environ.get("CI") == "true" or os.environ.get("WORKBOOK_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason=SLOW)
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
