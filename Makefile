# Two commands set everything up on a fresh machine with Python 3.11+:
#   make demo   install, create the SQLite database, load the Điện Biên demo district
#               and its demo accounts, and serve the application on 127.0.0.1:8000
#               (gunicorn, and the runjobs worker that runs imports)
#   make test   install, lint, type-check and run the whole suite
#   make accept-screenshots   the browser tests, accepting every screenshot as it is now
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The demo installs what phocap needs to run; the tests add their tools (the dev extra).
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
DEMO_ADDRESS ?= 127.0.0.1:8000

.PHONY: demo test lint typecheck install clean accept-screenshots

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "phocap needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUN_STAMP)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP) $(RUN_STAMP)

install: $(DEV_STAMP)

# The demo may run with the published development key; nothing else may (docs/deploy.md).
demo: export PHOCAP_DEMO = 1
demo: $(RUN_STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loadunits
	$(BIN)/python manage.py loaddemo
	@echo
	@echo "phocap: http://$(DEMO_ADDRESS)/  (đăng nhập bằng một tài khoản ở bảng trên; Ctrl+C để dừng)"
	@# The worker that runs imports (runjobs) beside gunicorn; Ctrl+C stops both.
	$(BIN)/python manage.py runjobs & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/gunicorn phocap.wsgi --bind $(DEMO_ADDRESS) --workers 2 --threads 8 --access-logfile -

lint: $(DEV_STAMP)
	$(BIN)/ruff check phocap tests benchmarks

typecheck: $(DEV_STAMP)
	$(BIN)/mypy phocap

test: lint typecheck
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests, taking every screenshot as the new accepted one (tests/browser/visual.py);
# `git diff --stat tests/browser/accepted` then lists the pages that changed.
accept-screenshots: $(DEV_STAMP)
	PHOCAP_ACCEPT_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .hypothesis
