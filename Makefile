# Two commands set everything up on a fresh machine with Python 3.11+:
#   make demo   install, generate the demo district, validate, summarise and evaluate it
#   make test   install, lint, type-check and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEMO_DIR := var/demo

.PHONY: demo test lint typecheck install clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "phocap needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p $(DEMO_DIR)
	$(BIN)/phocap synth --profile dien-bien-2021 --seed 2021 --output $(DEMO_DIR)/dien-bien-2021.xlsx
	$(BIN)/phocap validate $(DEMO_DIR)/dien-bien-2021.xlsx --year 2021 --limit 20
	$(BIN)/phocap summary $(DEMO_DIR)/dien-bien-2021.xlsx
	$(BIN)/phocap evaluate $(DEMO_DIR)/dien-bien-2021.xlsx --units $(DEMO_DIR)/dien-bien-2021.units.csv

lint: $(STAMP)
	$(BIN)/ruff check phocap tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy phocap

test: lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
