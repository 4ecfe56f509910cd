# ecom: the two commands are `make run` (serve on SQLite) and `make test` (both back ends).
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := wsgi:app

TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/ecom_test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

.PHONY: setup install install-dev run migrate test test-sqlite test-postgres lint

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
setup: install-dev migrate

migrate: install
	$(FLASK) db upgrade

run: migrate
	$(FLASK) run --host 127.0.0.1 --port 8000

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test-sqlite: install-dev
	@echo "=== test pass 1/2: SQLite + in-process cache ==="
	env -u TEST_DATABASE_URL -u TEST_REDIS_URL $(PY) -m pytest

test-postgres: install-dev
	@if $(PY) scripts/services_reachable.py "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"; then \
		echo "=== test pass 2/2: PostgreSQL + Redis ==="; \
		TEST_DATABASE_URL="$(TEST_DATABASE_URL)" TEST_REDIS_URL="$(TEST_REDIS_URL)" $(PY) -m pytest; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL and Redis are required in CI but do not answer." >&2; exit 1; \
	else \
		echo "=== test pass 2/2 skipped: PostgreSQL or Redis does not answer ==="; \
	fi

test: lint test-sqlite test-postgres
