# kplan: the two Quick start commands (make demo, make test) and the tools around them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_DB := .demo/kplan.db
EXAMPLE := examples/orebro_plan.toml

.PHONY: demo test check lint format typecheck bench clean constraints a11y

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "kplan needs Python 3.11 or newer; set PYTHON=python3.11 (or newer)")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Every install takes its versions from constraints.txt, so a new release of a
# dependency cannot change what the tests see; `make constraints` moves them.
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c constraints.txt

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e '.[test]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -e '.[dev]'
	@touch $@ $(VENV)/.installed-test $(VENV)/.installed

## demo: install kplan, load the example plan into a demo store here, open it
# In a terminal the demo opens the TUI as one of the example's process owners;
# elsewhere (CI, a pipe) it prints the overview. Run again, it keeps what was
# done in the demo store: --keep-store leaves the follow-up values changed
# since the last import as they are, and imports the rest of the file.
DEMO_USER ?= sforsberg
demo: $(VENV)/.installed
	@mkdir -p .demo
	$(BIN)/kplan import $(EXAMPLE) --db $(DEMO_DB) --as demo --keep-store
	@if [ -t 0 ] && [ -t 1 ]; then \
		KPLAN_DB=$(DEMO_DB) $(BIN)/kplan tui --as $(DEMO_USER); \
	else \
		KPLAN_DB=$(DEMO_DB) $(BIN)/kplan list; \
	fi

## test: run the whole test suite (with axe-core from npm for the accessibility test)
test: $(VENV)/.installed-test a11y
	$(BIN)/python -m pytest

# The accessibility test (tests/test_a11y.py) runs axe-core, the npm package pinned in
# tests/a11y/package-lock.json, in Chromium. npm ci installs exactly that version;
# without npm the test is skipped, unless KPLAN_REQUIRE_AXE=1 (as .ci/run sets).
A11Y := tests/a11y
$(A11Y)/node_modules/.installed: $(A11Y)/package.json $(A11Y)/package-lock.json
	cd $(A11Y) && npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

## a11y: install axe-core for the accessibility test (npm ci in tests/a11y)
a11y:
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(A11Y)/node_modules/.installed; \
	else \
		echo "note: npm is not installed; the accessibility test (axe-core) will be skipped"; \
	fi

## check: lint, format check, type check and the layer contracts (pyproject.toml)
check: $(VENV)/.installed-dev
	$(BIN)/ruff check kplan tests
	$(BIN)/ruff format --check kplan tests
	$(BIN)/mypy
	$(BIN)/lint-imports

## bench: time the command line against Taskwarrior and the floor (bench/results.md),
## then the TUI (bench/results-tui.md); BENCH_ARGS=--quick (and TUI_BENCH_ARGS) for a short run
BENCH_ARGS ?=
TUI_BENCH_ARGS ?=
bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/tui_bench.py $(TUI_BENCH_ARGS)

format: $(VENV)/.installed-dev
	$(BIN)/ruff format kplan tests
	$(BIN)/ruff check --fix kplan tests

## constraints: resolve pyproject.toml's dependencies afresh in a throwaway venv and
## write the versions found to constraints.txt (then run make test and commit both)
constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/python -m pip install --quiet --upgrade pip
	.venv-constraints/bin/python -m pip install --quiet -e '.[dev]'
	{ sed -n '1,3p' constraints.txt; .venv-constraints/bin/python -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	rm -rf .venv-constraints

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache .hypothesis $(A11Y)/node_modules
