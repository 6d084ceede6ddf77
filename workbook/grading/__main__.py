"""`python -m workbook.grading 03 go`: what `make check EX=03 IN=go` runs."""

import sys

from .cli import main

sys.exit(main(sys.argv[1:]))
