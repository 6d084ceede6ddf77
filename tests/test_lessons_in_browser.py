"""Every lesson, opened in JupyterLab in a real browser, shows what its stored outputs promise
(slow tier: `make test-slow`, and always in CI).

nbval compares outputs as text; only a browser shows what a learner sees: a Mermaid diagram that
does not parse, a stored output that an untrusted notebook does not display, a table cut off at
the edge of a 1024-pixel window with the file browser open.
"""

import json

import pytest

from workbook.paths import ROOT

pytestmark = pytest.mark.slow

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# What the page shows, read in the browser: each diagram, each output's text, each table's fit.
LOOK = """() => {
  const notebook = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
  const right = notebook.getBoundingClientRect().right;
  return {
    diagrams: [...notebook.querySelectorAll('.jp-RenderedMermaid')].map(el => ({
      drawn: !!el.querySelector('img, svg') && !el.classList.contains('jp-mod-warning'),
      text: el.innerText.slice(0, 300)})),
    cells_with_outputs: [...notebook.querySelectorAll('.jp-CodeCell')].filter(
      cell => cell.querySelector('.jp-OutputArea-output')).length,
    outputs: [...notebook.querySelectorAll('.jp-OutputArea-output')].map(el => ({
      mime: el.dataset.mimeType || '', text: el.innerText.slice(0, 300)})),
    tables: [...notebook.querySelectorAll('table')].map(table => {
      const box = table.getBoundingClientRect();
      const room = table.closest('.jp-OutputArea-output, .jp-RenderedMarkdown') || notebook;
      return {head: table.innerText.split('\\n')[0].slice(0, 80), width: Math.round(box.width),
              room: room.clientWidth, right: Math.round(box.right), window_right: Math.round(right)};
    }),
    file_browser_open: !!document.querySelector('#filebrowser:not(.lm-mod-hidden)'),
  };
}"""


def mermaid_blocks(path) -> int:
    cells = json.loads(path.read_text())["cells"]
    return sum("".join(c["source"]).count("```mermaid") for c in cells if c["cell_type"] == "markdown")


def cells_with_outputs(path) -> int:
    cells = json.loads(path.read_text())["cells"]
    return sum(1 for c in cells if c["cell_type"] == "code" and c["outputs"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.stem for path in NOTEBOOKS])
def test_a_lesson_renders_in_jupyterlab(lab, lab_page, path):
    page = lab_page
    page.goto(lab.url_for(f"notebooks/{path.name}"))
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    expected = mermaid_blocks(path)
    # Mermaid draws asynchronously: wait until every diagram is drawn or has failed.
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-RenderedMermaid img, .jp-RenderedMermaid svg,"
        " .jp-RenderedMermaid.jp-mod-warning').length >= n",
        arg=expected,
        timeout=60_000,
    )
    seen = page.evaluate(LOOK)
    assert seen["file_browser_open"], "the window should show the file browser, as make lab opens it"

    failed = [d["text"] for d in seen["diagrams"] if not d["drawn"]]
    assert failed == [], f"Mermaid diagrams that did not render: {failed}"
    assert len(seen["diagrams"]) == expected

    assert seen["cells_with_outputs"] == cells_with_outputs(path), "every stored output is shown"
    undisplayed = [o["text"] for o in seen["outputs"] if "<IPython.core.display" in o["text"]]
    assert undisplayed == [], "stored outputs an untrusted notebook does not display"
    assert [o for o in seen["outputs"] if "stderr" in o["mime"] or "error" in o["mime"]] == []

    too_wide = [t for t in seen["tables"] if t["width"] > t["room"] + 1 or t["right"] > t["window_right"] + 1]
    assert too_wide == [], "tables wider than a 1024-pixel window with the file browser open"
