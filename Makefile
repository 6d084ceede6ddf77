# The workbook's commands. `make` alone lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
SLOW_INSTALLED := $(VENV)/.installed-slow
BOOK_INSTALLED := $(VENV)/.installed-book
REDBOT_INSTALLED := .build/redbot/.installed
GO_BUILT := .build/go.stamp
GO_WARM := .build/go-cache.stamp
GO_SOURCES := $(wildcard servers/go/*/*.go) go.mod
export GOTOOLCHAIN := local
# Programs the lessons use, built from source with the Go toolchain (no root, no download of binaries),
# all three in one `go build` from their own module, tools/programs (versions pinned in its go.mod):
# Caddy, a load balancer people run in production (lessons 03, 09), with only the modules the lessons
# use; oasdiff, a breaking-change detector for OpenAPI documents (lesson 07); hey, a load generator
# (lesson 09, make bench).
PROGRAMS := .build/bin/.programs
PROGRAM_SOURCES := tools/programs/go.mod tools/programs/go.sum $(wildcard tools/programs/caddy/*.go)

# Check the toolchains before any target that needs them, and stop with one line that names
# what to install (no traceback, no half-made venv).
NEEDS_TOOLS := setup lab test test-slow book check hint watch progress starters bench
ifneq ($(filter $(NEEDS_TOOLS),$(if $(MAKECMDGOALS),$(MAKECMDGOALS),help)),)
TOOLCHAIN_PROBLEM := $(shell $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
  || echo "error: Python 3.11+ is needed as $(PYTHON): install it from https://www.python.org/downloads/")
ifeq ($(strip $(TOOLCHAIN_PROBLEM)),)
TOOLCHAIN_PROBLEM := $(shell $(PYTHON) workbook/toolchain.py node go 2>&1)
endif
ifneq ($(strip $(TOOLCHAIN_PROBLEM)),)
$(error $(TOOLCHAIN_PROBLEM))
endif
endif

.PHONY: help setup setup-parts lab reset-lesson test test-slow check hint watch progress starters bench doctor book clean

help: ## list the targets (this)
	@echo "HTTP servers and APIs that survive scale. Targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# The pinned requirements, then the helper package itself, editable (pyproject.toml), so that
# `import workbook` finds this checkout from the lessons, the tests and the checker.
$(INSTALLED): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# REDbot, the HTTP linter tests/test_users_redbot.py runs, in a folder of its own rather than in
# .venv: its dependencies include Brotli, which would make requests ask every server for `br`. Only
# .venv's Python is needed (order-only), so a change to requirements.txt does not reinstall it.
$(REDBOT_INSTALLED): requirements-redbot.txt | $(INSTALLED)
	rm -rf $(@D)
	$(PY) -m pip install --quiet --disable-pip-version-check --target $(@D) -r requirements-redbot.txt
	touch $@

# While pip downloads, `go build` compiles the servers' packages (and the standard library they use)
# into Go's build cache, so that the build below, which needs .venv, only links.
$(GO_WARM): $(GO_SOURCES)
	go build -buildvcs=false ./servers/go/...
	@mkdir -p $(@D) && touch $@

$(GO_BUILT): $(INSTALLED) $(GO_SOURCES) | $(GO_WARM)
	$(PY) -c "import sys, workbook.build as build; sys.exit(build.main(['servers']))"
	@mkdir -p $(@D) && touch $@

# Not part of `make setup`: a lesson that needs one builds them on first use (workbook.programs);
# make test and make bench build them first. -ldflags="-s -w": no debug tables, which halves the link time; -buildvcs=false: a checkout owned by
# another user (CI, containers) must not stop the build.
# GOTOOLCHAIN=auto: Caddy and oasdiff need Go 1.26 (tools/programs/go.mod); a Go from 1.22 on then
# downloads that toolchain from the Go module proxy, once, instead of failing.
$(PROGRAMS): $(PROGRAM_SOURCES)
	@echo "building Caddy, oasdiff and hey from source (once; about a minute)"
	cd tools/programs && GOTOOLCHAIN=auto go build -buildvcs=false -ldflags="-s -w" -o $(CURDIR)/.build/bin/ \
	  ./caddy github.com/oasdiff/oasdiff github.com/rakyll/hey
	@touch $@

# The Python packages download while Go compiles: both at once (-j3) on a first setup.
setup: ## create .venv (REDbot apart), build the Go servers (Caddy & co: on first use)
	@$(MAKE) --no-print-directory -j3 setup-parts

setup-parts: $(INSTALLED) $(GO_WARM) $(GO_BUILT) $(REDBOT_INSTALLED)
	@:

# JupyterLab opens the whole checkout (exercises, servers/README.md, the contract are one click
# away), on the learner's own copy of the lessons in my-lessons/ (git-ignored, made on first use):
# autosave and edits never touch the tracked notebooks/ that `make test` compares.
lab: setup ## set everything up and open your copy of the lessons (my-lessons/) in JupyterLab
	@$(PY) tools/my_lessons.py prepare
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=$(CURDIR) \
	  --LabApp.default_url=/lab/tree/my-lessons/01_what_a_server_does.ipynb \
	  $(if $(filter 0,$(shell id -u)),--allow-root)

reset-lesson: ## put your copy of a lesson back as shipped: make reset-lesson N=03
	@$(PYTHON) tools/my_lessons.py reset $(N)

# Four workers, one test file each at a time (--dist loadfile keeps a notebook's cells together,
# which nbval needs): most tests wait on servers, not on a core, so even on two cores more workers
# help (measured on an idle 2-core machine, the same suite: 110 s with three workers, 99 s with four).
# Under CI=true, `make test` runs the slow tier too (tests/conftest.py), so it needs its packages.
test: setup $(PROGRAMS) $(if $(filter true,$(CI)),$(SLOW_INSTALLED) $(BOOK_INSTALLED)) ## run every check: notebooks (nbval), servers, launcher, exercises
	$(PY) -m pytest -n 4 --dist loadfile

# The slow tier: each lesson with every cell run twice, and each lesson in JupyterLab in Chromium
# (Debian's `chromium`: apt-get install -y chromium). Playwright drives it; its own browser
# download is never used. It also waits out the servers' drain and idle timeouts (10 s, 30 s).
$(SLOW_INSTALLED): requirements-slow.txt $(INSTALLED)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-slow.txt
	touch $@

test-slow: setup $(PROGRAMS) $(SLOW_INSTALLED) $(BOOK_INSTALLED) ## the slow tier: lessons run twice per cell and in a real browser, servers' long timeouts
	WORKBOOK_SLOW=1 $(PY) -m pytest -n 2 --dist loadfile -m slow

# SOLUTION=1 (or yes) grades the solution; SOLUTION=0, no or empty grades your own work.
check: setup ## grade your exercise: make check EX=03 IN=go (SOLUTION=1: the solution)
	@$(PY) -m workbook.grading $(EX) $(IN) $(if $(filter-out 0 no false,$(SOLUTION)),--solution)

hint: setup ## the next hint for what make check found, one level deeper each time: make hint EX=03 IN=go
	@$(PY) -m workbook.grading --hint $(EX) $(IN)

watch: setup ## check again whenever you save a file: make watch EX=03 IN=go
	@$(PY) -m workbook.grading --watch $(EX) $(IN)

progress: setup ## show which exercises pass, per language
	@$(PY) -m workbook.grading --progress

# The solutions are the source: the starters are made from them (workbook/grading/starters.py).
starters: setup ## after changing a solution: make the starters from the solutions again
	@$(PY) -m workbook.grading --write-starters

bench: setup $(PROGRAMS) ## measure start-up, builds, load, paging, checks (ONLY="setup lessons workflow" for others)
	$(PY) tools/bench.py $(ONLY)

# The book's tools go into .venv within requirements.txt's pins (-c), so they never change what the
# lessons run on. The slow tier builds the book too.
$(BOOK_INSTALLED): requirements-book.txt $(INSTALLED)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-book.txt -c requirements.txt
	touch $@

book: $(INSTALLED) $(BOOK_INSTALLED) ## the lessons, exercises and contract as a website: .build/book/html
	$(PY) tools/book.py

# Not in NEEDS_TOOLS: a missing or old toolchain is one of the things it reports. It runs on .venv's
# Python once there is one (psutil finds leftover servers), else on $(PYTHON).
doctor: ## check this machine for the lessons: one line per item, and what to do
	@command -v $(PYTHON) >/dev/null || { echo "FAIL  python    $(PYTHON) not found: install Python 3.11+ from https://www.python.org/downloads/"; exit 1; }
	@$(if $(wildcard $(PY)),$(PY),$(PYTHON)) workbook/doctor.py

clean: ## remove everything generated (.venv, .build, caches)
	rm -rf $(VENV) .build .pytest_cache _scratch
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
