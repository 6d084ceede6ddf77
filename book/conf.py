"""Sphinx settings for the workbook's book (`make book`; tools/book.py stages the sources first).

Everything the site needs is on the machine that builds it: MyST-NB reads the lessons with their
stored outputs (no kernel runs), Furo needs no web fonts, and Mermaid is the copy tools/book.py
takes from the npm registry into _static (no CDN).
"""

from html import escape

from docutils import nodes
from docutils.parsers.rst import Directive

project = "HTTP servers and APIs that survive scale"
root_doc = "index"
extensions = ["myst_nb"]
html_theme = "furo"
html_title = project
html_static_path = ["_static"]
html_js_files = ["mermaid.min.js", "mermaid-start.js"]
html_copy_source = False
html_show_sourcelink = False

# The book's pages; every other file is there so that links to it (a starter, the OpenAPI document)
# become downloads instead of broken links.
include_patterns = [
    "index.md",
    "notebooks/*.ipynb",
    "exercises/README.md",
    "exercises/*/README.md",
    "exercises/*/HINTS.md",
    "servers/README.md",
    "servers/contract.md",
]

nb_execution_mode = "off"  # the stored outputs are the transcript (nbval keeps them true)
nb_merge_streams = True
myst_heading_anchors = 3  # README.md#the-lessons and the like
myst_fence_as_directive = ["mermaid"]  # ```mermaid in a Markdown cell, as JupyterLab renders it
myst_enable_extensions = ["colon_fence"]
# A README that jumps from # to ### reads fine; every other warning (a broken link) fails the build.
suppress_warnings = ["myst.header"]


class Mermaid(Directive):
    """```mermaid: the diagram's text in <pre class="mermaid">, drawn by mermaid.min.js in the browser."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        source = escape("\n".join(self.content))
        return [nodes.raw("", f'<pre class="mermaid">{source}</pre>', format="html")]


def setup(app) -> None:
    app.add_directive("mermaid", Mermaid)
