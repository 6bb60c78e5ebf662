# The two commands: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install install-test run test bench bench-areas bench-org translations screenshots clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Flashpoint needs Python 3.11 or newer; set PYTHON=python3.x"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# The app alone (what `pip install -e .` gives), then the test and PostgreSQL extras on top.
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed-test
	$(BIN)/pip install --quiet -e '.[test,postgres,bench]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# While BASE_URL is unset, messages link to where `make run` serves (FLASHPOINT_SERVED_AT) and
# pages to the address each visitor came in on.

# init-db migrates (idempotent); demo loads the demo organisation on the first start only.
run: install
	$(FLASK) init-db
	$(FLASK) demo
	@if [ "$(HOST)" = 0.0.0.0 ]; then \
		echo "Flashpoint on http://$$(hostname -I 2>/dev/null | cut -d' ' -f1 || hostname):$(PORT) and http://127.0.0.1:$(PORT) (the scheduler runs inside; Ctrl+C stops it)"; \
	else echo "Flashpoint on http://$(HOST):$(PORT) (the scheduler runs inside; Ctrl+C stops it)"; fi
	FLASHPOINT_SCHEDULER=embedded FLASHPOINT_SERVED_AT=http://$(if $(filter 0.0.0.0,$(HOST)),127.0.0.1,$(HOST)):$(PORT) $(FLASK) run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python tests/ensure_browser.py
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The organisation-scale targets in one run (bench/targets.py): SCALE=0.02 is the quick mode, SCALE=1 the
# full one (5,000 people, two years; generated once into instance/bench-org-1.db, or into DATABASE_URL).
# Every figure is printed with its ratio to a baseline measured in the same run, then one table of targets.
bench: $(VENV)/.installed-bench
	$(BIN)/python bench/targets.py --scale $(SCALE) $(BENCH_ARGS)

# The per-area benchmarks (each builds its own data; BENCH_ARGS goes to every script).
bench-areas: $(VENV)/.installed-bench
	@for script in bench/[!_]*.py; do case $$script in bench/org.py|bench/targets.py|bench/pages.py|bench/intake.py|bench/rebuild.py|bench/slack.py) continue;; esac; \
		echo "== $$script"; $(BIN)/python $$script $(BENCH_ARGS) || exit 1; done

# A generated organisation to measure against (docs/benchmarks.md): SCALE=1 is 5,000 people and
# two years of history; into instance/bench-org-$(SCALE).db, or DATABASE_URL when set.
SCALE ?= 0.02
bench-org: install-test
	$(BIN)/python bench/org.py --scale $(SCALE)

# Text to translate: extract what the code marks into translations/messages.pot, merge it into
# each language's messages.po (translate the new entries there), then compile the .mo files the
# app reads (docs/development.md, "Translations").
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k NavItem:2 -k _l --no-location --sort-output --omit-header \
		-o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --no-wrap
	$(BIN)/pybabel compile -d translations --statistics

# The README's screenshots (docs/screenshots/): the demo photographed at desktop and phone width.
screenshots: install-test
	$(BIN)/python tests/ensure_browser.py
	$(BIN)/python docs/screenshots/take.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache tests/screenshots
