# The workbook's commands. `make` alone lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
GO_BUILT := .build/go.stamp
GO_SOURCES := $(shell find servers -name "*.go") go.mod
export GOTOOLCHAIN := local

# Check the toolchains before any target that needs them, and stop with one line that names
# what to install (no traceback, no half-made venv).
NEEDS_TOOLS := setup lab test check progress bench
ifneq ($(filter $(NEEDS_TOOLS),$(if $(MAKECMDGOALS),$(MAKECMDGOALS),help)),)
TOOLCHAIN_PROBLEM := $(shell $(PYTHON) workbook/toolchain.py python node go 2>&1 || echo "error: $(PYTHON) 3.11+ is needed")
ifneq ($(strip $(TOOLCHAIN_PROBLEM)),)
$(error $(TOOLCHAIN_PROBLEM))
endif
endif

.PHONY: help setup lab test check progress bench clean

help: ## list the targets (this)
	@echo "HTTP servers and APIs that survive scale. Targets:"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -c 'import site, pathlib; pathlib.Path(site.getsitepackages()[0], "workbook.pth").write_text("$(CURDIR)\n")'
	touch $@

$(GO_BUILT): $(INSTALLED) $(GO_SOURCES)
	$(PY) -c "import sys, workbook.build as build; sys.exit(build.main(['servers']))"
	@mkdir -p $(@D) && touch $@

setup: $(INSTALLED) $(GO_BUILT) ## create .venv, install requirements.txt, build the Go servers

lab: setup ## set everything up and open the lessons in JupyterLab
	$(VENV)/bin/jupyter lab notebooks/

test: setup ## run every check: notebooks (nbval), servers, launcher, exercises
	$(PY) -m pytest

check: setup ## grade your exercise: make check EX=03 IN=go
	@$(PY) -m workbook.checker $(EX) $(IN)

progress: setup ## show which exercises pass, per language
	@$(PY) -m workbook.checker --progress

bench: setup ## measure start-up and the users servers under load (figures, not a test)
	$(PY) -m workbook.bench

clean: ## remove everything generated (.venv, .build, caches)
	rm -rf $(VENV) .build .pytest_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
