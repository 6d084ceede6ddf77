"""The book (`make book`): every lesson, exercise and the contract become pages, every internal link
and anchor resolves, nothing loads from the network, and in a real browser the diagrams are drawn
and the tables shown. Slow tier: it runs under CI=true and `make test-slow`."""

from __future__ import annotations

import importlib.util
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from workbook.paths import ROOT

pytestmark = pytest.mark.slow


def _book_module():
    spec = importlib.util.spec_from_file_location("book", ROOT / "tools" / "book.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The book, built once for this module into a temporary folder."""
    pytest.importorskip("myst_nb", reason="the book's tools are missing: make book (or make test-slow)")
    out = tmp_path_factory.mktemp("book") / "html"
    started = time.perf_counter()
    built = _book_module().build(out)
    print(f"\nthe book: {len(built)} pages in {time.perf_counter() - started:.1f} s")
    return out


class Page(HTMLParser):
    """The ids a page defines, and the addresses it links to or loads."""

    def __init__(self, path: Path):
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.loads: list[str] = []
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("script", "img") and attrs.get("src"):
            self.loads.append(attrs["src"])
        if tag == "link" and attrs.get("rel") in ("stylesheet", "preload") and attrs.get("href"):
            self.loads.append(attrs["href"])


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_lesson_exercise_and_the_contract_has_a_page(site):
    expected = [f"notebooks/{path.stem}.html" for path in sorted((ROOT / "notebooks").glob("*.ipynb"))]
    exercises = (ROOT / "exercises").glob("*/README.md")
    expected += [f"exercises/{path.parent.name}/README.html" for path in exercises]
    expected += ["index.html", "exercises/README.html", "servers/README.html", "servers/contract.html"]
    assert [page for page in expected if not (site / page).exists()] == []


def test_every_internal_link_and_anchor_resolves(site):
    parsed = {path: Page(path) for path in html_pages(site)}
    broken = []
    for path, page in parsed.items():
        for address in page.links + page.loads:
            parts = urlsplit(address)
            if parts.scheme or parts.netloc:
                continue  # an external link: the book is read offline, links out are not followed
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not target.exists():
                broken.append(f"{path.relative_to(site)}: {address} (no such file)")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target].ids if target in parsed else Page(target).ids
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{path.relative_to(site)}: {address} (no such anchor)")
    assert broken == []


def test_the_site_loads_nothing_from_the_network(site):
    remote = [
        f"{path.relative_to(site)}: {address}"
        for path in html_pages(site)
        for address in Page(path).loads
        if urlsplit(address).scheme not in ("", "data") or address.startswith("//")  # data: is inline
    ]
    assert remote == []


# What a reader sees once the page has run its scripts: each diagram drawn as SVG (or Mermaid's own
# error picture), each table with its rows.
SEEN = """() => ({
    diagrams: document.querySelectorAll('pre.mermaid').length,
    drawn: document.querySelectorAll('pre.mermaid svg').length,
    mermaid_errors: document.querySelectorAll('pre.mermaid svg[aria-roledescription="error"]').length,
    tables: [...document.querySelectorAll('article table')].filter(t => t.offsetHeight > 0)
        .map(t => t.querySelectorAll('tr').length),
})"""


@pytest.mark.parametrize(
    "page, diagrams",
    [
        ("notebooks/01_what_a_server_does.html", 1),
        ("notebooks/03_statelessness.html", 2),
        ("notebooks/09_at_scale.html", 2),
        ("exercises/05_users_resource/README.html", 0),
        ("index.html", 0),
    ],
)
def test_a_page_shows_its_diagrams_and_tables_in_a_browser(site, lab_page, page, diagrams):  # noqa: F811
    lab_page.goto((site / page).as_uri())
    if diagrams:
        lab_page.wait_for_function(
            "n => document.querySelectorAll('pre.mermaid svg').length >= n", arg=diagrams, timeout=30_000
        )
    seen = lab_page.evaluate(SEEN)
    assert (seen["diagrams"], seen["drawn"], seen["mermaid_errors"]) == (diagrams, diagrams, 0)
    if page.startswith("notebooks/") or page == "index.html":
        assert seen["tables"] and min(seen["tables"]) >= 2, "every table shows a header and a row"
