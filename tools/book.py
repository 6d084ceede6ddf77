"""Build the book: the lessons with their stored outputs, diagrams and tables, the exercises and the
servers' contract, as a static HTML site that reads well without a kernel. `make book` runs this.

    python tools/book.py                 # .build/book/html/index.html
    python tools/book.py --out DIR       # somewhere else (the tests build into a temporary folder)

Sphinx with MyST-NB (book/conf.py) builds it offline. The sources are staged in a temporary folder
first, as they are in the checkout plus what a site needs and a repository does not: the start page
(README.md with the table of contents), a page for the OpenAPI document, and Mermaid, taken from the
npm registry at a pinned version and checked against its published digest.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".build" / "book" / "html"
CACHE = ROOT / ".build" / "book"
MERMAID = "12.3.0"
# The tarball's digest as the registry publishes it (`npm view mermaid@12.3.0 dist.integrity`).
MERMAID_INTEGRITY = (
    "sha512-4113TdXeLAsMruJ79OpFL5O8+LTFXhQqZ260rF3tgUmiNAtRm4Uume04I+65PRN6yZ69J4f8rVYWW8zRk65UYw=="
)

CONTENTS = """

```{toctree}
:hidden:
:caption: Lessons
:glob:

notebooks/*
```

```{toctree}
:hidden:
:caption: Exercises
:glob:

exercises/README
exercises/*/README
```

```{toctree}
:hidden:
:caption: The servers

servers/README
servers/contract
```
"""

CONTRACT = """# The users API's contract

Every `users` server, in each of the three languages, follows this OpenAPI document; the lessons
and the checks test them against it. [The servers' name table](README.md) says how the three
programs line up.

```{literalinclude} users.openapi.yaml
:language: yaml
```
"""

HINTS = "\n\n```{toctree}\n:hidden:\n\nHINTS\n```\n"
# A link to a folder (`](01_hello_server/)`), which a repository shows by its README.
FOLDER_LINK = re.compile(r"\]\(((?!https?:)[^)#\s]+/)\)")


def tracked_files() -> list[Path]:
    """The checkout's files as git knows them; every file but generated ones where there is no git."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True)
    if listed.returncode == 0:
        return [Path(name) for name in listed.stdout.decode().split("\0") if name]
    skipped = {".git", ".venv", ".build", "_scratch", "__pycache__"}
    return [
        path.relative_to(ROOT)
        for path in ROOT.rglob("*")
        if path.is_file() and not skipped & set(path.relative_to(ROOT).parts)
    ]


def stage(source: Path) -> None:
    """Copy the checkout into `source` and add what a site needs (see the module's docstring)."""
    for name in tracked_files():
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    shutil.copy2(ROOT / "book" / "conf.py", source / "conf.py")
    (source / "index.md").write_text((ROOT / "README.md").read_text() + CONTENTS)
    (source / "servers" / "contract.md").write_text(CONTRACT)
    for readme in (source / "exercises").glob("*/README.md"):
        if (readme.parent / "HINTS.md").exists():
            readme.write_text(readme.read_text() + HINTS)
    for page in [source / "index.md", *source.glob("exercises/**/*.md"), *source.glob("servers/*.md")]:
        page.write_text(_with_folder_links(page.read_text(), page.parent))
    for lesson in source.glob("notebooks/*.ipynb"):
        notebook = json.loads(lesson.read_text())
        for cell in notebook["cells"]:
            if cell["cell_type"] == "markdown":
                cell["source"] = _with_folder_links("".join(cell["source"]), lesson.parent)
        lesson.write_text(json.dumps(notebook))
    static = source / "_static"
    static.mkdir(exist_ok=True)
    shutil.copy2(mermaid(), static / "mermaid.min.js")
    (static / "mermaid-start.js").write_text("mermaid.initialize({ startOnLoad: true });\n")


def _with_folder_links(text: str, folder: Path) -> str:
    """Links to a folder made links to its README.md, the page a repository shows for it."""

    def to_readme(link: re.Match) -> str:
        target = link.group(1)
        return f"]({target}README.md)" if (folder / target / "README.md").exists() else link.group(0)

    return FOLDER_LINK.sub(to_readme, text)


def mermaid() -> Path:
    """Mermaid's browser bundle, from the npm registry at MERMAID, kept in .build/book once checked."""
    kept = CACHE / f"mermaid-{MERMAID}.min.js"
    if kept.exists():
        return kept
    with tempfile.TemporaryDirectory() as folder:
        packed = subprocess.run(
            ["npm", "pack", f"mermaid@{MERMAID}", "--silent"], cwd=folder, capture_output=True, text=True
        )
        if packed.returncode != 0:
            sys.exit(f"npm could not fetch mermaid@{MERMAID}:\n{packed.stderr}")
        tarball = Path(folder) / packed.stdout.strip().splitlines()[-1]
        digest = "sha512-" + base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
        if digest != MERMAID_INTEGRITY:
            sys.exit(f"mermaid@{MERMAID} from npm has digest {digest}, not the pinned {MERMAID_INTEGRITY}")
        with tarfile.open(tarball) as archive:
            bundle = archive.extractfile("package/dist/mermaid.min.js").read()
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(bundle)
    return kept


def pages(out: Path) -> list[Path]:
    """The book's pages: every HTML file but Sphinx's own index and search pages."""
    return sorted(page for page in out.rglob("*.html") if page.name not in {"genindex.html", "search.html"})


def build(out: Path = OUT) -> list[Path]:
    """Stage and build the book into `out`; every Sphinx warning (a broken link) is an error."""
    with tempfile.TemporaryDirectory(prefix="workbook-book-") as folder:
        source = Path(folder) / "src"
        stage(source)
        shutil.rmtree(out, ignore_errors=True)
        done = subprocess.run(
            [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", "-j", "auto"]
            + ["-d", str(Path(folder) / "doctrees"), str(source), str(out)],
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the book did not build:\n{done.stdout}{done.stderr}".rstrip())
    return pages(out)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="where the site goes (default: %(default)s)")
    out = parser.parse_args(argv).out.resolve()
    started = time.perf_counter()
    try:
        built = build(out)
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"built {len(built)} pages in {time.perf_counter() - started:.0f} s: open {out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
