# Guildhall: `make run` serves a demo portal, `make test` runs the whole suite.
# Nothing needs to be installed but Python 3.11: the database is embedded (var/pgdata).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
OBVERIFY := .venv-obverify
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install obverify migrate seed serve test test-fast browser-deps lint fmt bench bench-provisioning db-start db-stop clean help

help:
	@echo "make run    install, start the embedded database, migrate, seed the demo portal, serve it"
	@echo "make test   run the whole test suite (installs Chromium and axe-core when missing)"
	@echo "make lint   ruff check, ruff format --check, makemigrations --check"
	@echo "make bench  throughput and latency of the main pages; provisioning timings"
	@echo "make db-stop  stop the embedded PostgreSQL"

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# The Open Badges reference verifier (openbadges 1.1.2) in its own environment: it pins
# Python-2-era packages, so it is installed without its dependencies and with the overrides
# listed in tests/obverify/requirements.txt. tests/certification/test_openbadges_verifier.py
# runs it on the live test server.
$(OBVERIFY)/.installed: tests/obverify/requirements.txt
	test -x $(OBVERIFY)/bin/python || $(PYTHON) -m venv $(OBVERIFY)
	$(OBVERIFY)/bin/python -m pip install --quiet --no-deps -r tests/obverify/requirements.txt
	touch $@

obverify: $(OBVERIFY)/.installed

migrate: install
	$(MANAGE) migrate_schemas --shared --noinput -v 0
	$(MANAGE) migrate_schemas --tenant --noinput -v 0
	$(MANAGE) prepare_provisioning

seed: migrate
	DEBUG=1 $(MANAGE) seed_demo

serve:
	@echo "Serving http://demo.localhost:$(PORT) (the demo portal) and http://localhost:$(PORT) (the operator's page)"
	DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

run: seed serve

# The browser tests drive Debian's Chromium and inject axe-core from the npm registry.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --silent

test: install obverify browser-deps
	$(PY) -m pytest

test-fast: install obverify
	$(PY) -m pytest -m "not browser"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

fmt: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# The demo portal with 100,000 bench questions (and one with 50 answers) in its community, so
# the community pages are measured at size; both steps keep what exists.
bench: migrate
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	DEBUG=1 $(MANAGE) seed_demo
	DEBUG=1 $(MANAGE) seed_community_bench --schema demo --questions 100000
	$(PY) bench/run.py
	$(PY) bench/provisioning.py

bench-provisioning: migrate
	$(PY) bench/provisioning.py

db-start: install
	$(PY) -m portal.embedded_db start

db-stop:
	@test -x $(PY) && $(PY) -m portal.embedded_db stop || true

clean: db-stop
	rm -rf var staticfiles
