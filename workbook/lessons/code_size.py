"""Count the code a change costs, in lines and tests (lesson 08).

    code_lines("servers/python/users.py")                       # lines that are code
    lines_of_functions("servers/python/users_evolving.py", mentioning='"evolved"')
    test_count("tests/test_demo_evolving.py", prefix="test_evolved_")
    leading_digit(1234)                                         # '1,000+'

Exact counts change with every edit to the code they measure; a lesson that stores its outputs
shows them rounded down to their leading digit (`leading_digit`), which stays true as the code
grows a little and still tells an order of magnitude.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ..paths import ROOT


def _read(path: str | Path) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def code_lines(*paths: str | Path) -> int:
    """Lines that are neither blank nor only a comment (# or //), over all `paths`."""
    lines = (line.strip() for path in paths for line in _read(path).splitlines())
    return sum(1 for line in lines if line and not line.startswith(("#", "//")))


def lines_of_functions(path: str | Path, mentioning: str) -> int:
    """All lines of the Python functions in `path` whose source contains `mentioning`."""
    text = _read(path)
    tree = ast.parse(text)
    functions = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and mentioning in (ast.get_source_segment(text, node) or "")
    ]
    outermost = [f for f in functions if not any(o is not f and _inside(f, o) for o in functions)]
    return sum(node.end_lineno - node.lineno + 1 for node in outermost)


def _inside(inner: ast.AST, outer: ast.AST) -> bool:
    return outer.lineno <= inner.lineno and inner.end_lineno <= outer.end_lineno


def test_count(path: str | Path, prefix: str = "test_") -> int:
    """How many test functions in `path` have names starting with `prefix` (parametrized: once)."""
    tree = ast.parse(_read(path))
    return sum(1 for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith(prefix))


def leading_digit(n: int) -> str:
    """`n` rounded down to its leading digit, with a plus: 1234 -> '1,000+'; below 10, exactly."""
    if n < 10:
        return str(n)
    unit = 10 ** (len(str(n)) - 1)
    return f"{n // unit * unit:,}+"
