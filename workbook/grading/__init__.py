"""Grade an exercise over HTTP, the same way in every language.

    python -m workbook.grading 03 go          # what `make check EX=03 IN=go` runs
    python -m workbook.grading 03 go --solution
    python -m workbook.grading --progress     # exercises x languages: passed / failed / not started

    from workbook.grading import check
    check("03", "go")                         # the same report, in a notebook cell

An exercise is a directory `exercises/NN_slug/` (the directories are the list; NN is the order).
Its `checks.py` imports the check-writing API from here (`api`); `runner` starts the learner's
server and runs the checks, `report` renders what the learner reads, `cli` is the command line.
The checker never reads the learner's source, only its answers.
"""

from .api import Context, check_that, expect, expect_error, json_body
from .cli import check

__all__ = ["Context", "check", "check_that", "expect", "expect_error", "json_body"]
