# ecom: the two commands are `make run` (serve on SQLite) and `make test` (both back ends).
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
export FLASK_APP := wsgi:app

TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/ecom_test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
# The Celery broker of the worker tests: a Redis database of its own (TEST_REDIS_URL's is
# flushed between tests).
TEST_CELERY_BROKER_URL ?= redis://127.0.0.1:6379/14
# pytest-xdist workers per pass (0: one process, no xdist). Each worker has its own
# databases: tests/workers.py.
PYTEST_WORKERS ?= 2
# Each pass ends with its slowest tests, to keep `make test` within its time.
PYTEST := $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=15
CELERY := $(VENV)/bin/celery -A wsgi:celery
PYBABEL := $(VENV)/bin/pybabel
# The message catalogues (docs/I18N.md): one messages.po per language, compiled to .mo by
# `make install` (the .mo files are not kept in git).
TRANSLATIONS := ecom/translations
CATALOGUES := $(wildcard $(TRANSLATIONS)/*/LC_MESSAGES/messages.po)
# lazy_gettext/_l mark a message declared at import, N_ one translated when an error body
# is written (ecom/common/field_messages.py); no line numbers, so moving code changes nothing.
EXTRACT := $(PYBABEL) -q extract -F babel.cfg -k lazy_gettext -k _l -k N_ --no-location \
	--sort-output --project ecom

.PHONY: setup install install-dev translations-extract translations-init translations-update \
	translations-compile run worker beat migrate superuser seed-data test test-sqlite test-postgres test-postgres-passes \
	test-coverage lint config-docs backup-db restore-db bench bench-1m \
	docker-dev docker-prod docker-build docker-logs docker-shell docker-migrate docker-superuser \
	docker-test docker-stop docker-clean docker-restart

COVERAGE_MIN ?= 85
BACKUP_DIR ?= backups
COMPOSE ?= $(shell docker compose version >/dev/null 2>&1 && echo "docker compose" || echo docker-compose)
COMPOSE_DEV := $(COMPOSE) -f docker-compose.yml
COMPOSE_PROD := $(COMPOSE) -f docker-compose.prod.yml --env-file .env.prod

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed $(CATALOGUES:.po=.mo)
install-dev: $(VENV)/.installed-dev $(CATALOGUES:.po=.mo)
setup: install-dev migrate

%.mo: %.po | $(VENV)/.installed
	$(PYBABEL) compile -i $< -o $@

# The catalogue's template, from the marked messages of the code and templates.
translations-extract: $(VENV)/.installed
	$(EXTRACT) -o $(TRANSLATIONS)/messages.pot .

# A new language: `make translations-init LOCALE=de`, then add it to LANGUAGES.
translations-init: translations-extract
	$(PYBABEL) init -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -l $(LOCALE)

# Every catalogue gets the template's new messages (to translate) and loses the gone ones.
translations-update: translations-extract
	$(PYBABEL) update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS)

translations-compile: $(VENV)/.installed
	$(PYBABEL) compile -d $(TRANSLATIONS)

migrate: install
	$(FLASK) db upgrade

# HOST and PORT (127.0.0.1:8000 unless set) also make SHOP_URL's default: `make run PORT=8001`.
run: migrate
	export HOST="$${HOST:-127.0.0.1}" PORT="$${PORT:-8000}" && $(FLASK) run --host "$$HOST" --port "$$PORT"

# The job queue (needs REDIS_URL or CELERY_BROKER_URL): workers run the outbox's jobs,
# beat hands over what nothing delivered every OUTBOX_SWEEP_SECONDS.
worker: migrate
	$(CELERY) worker --loglevel=INFO

beat: install
	mkdir -p instance && $(CELERY) beat --loglevel=INFO --schedule instance/celerybeat-schedule

superuser: migrate
	$(FLASK) create-admin --email "$(EMAIL)"

seed-data: migrate
	$(FLASK) seed

# Lints the Python code always; the Compose files and the Dockerfile when the tools exist.
# docs/CONFIGURATION.md from the settings' declarations in config/.
config-docs: install
	$(PY) -m config.reference

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	@tmp=$$(mktemp -d) && $(EXTRACT) -o $$tmp/messages.pot . && \
		$(PY) scripts/translations.py $$tmp/messages.pot; status=$$?; rm -rf $$tmp; exit $$status
	@if command -v docker-compose >/dev/null; then \
		docker-compose -f docker-compose.yml config -q && \
		ENV_FILE=.env.prod.example docker-compose -f docker-compose.prod.yml --env-file .env.prod.example config -q && \
		echo "compose files: valid"; \
	else echo "compose files: not validated (docker-compose is not installed)"; fi
	@if command -v promtool >/dev/null; then \
		promtool check rules prometheus/alerts.yml; \
	else echo "alert rules: not checked (promtool is not installed)"; fi
	@if [ -x $(VENV)/bin/hadolint ]; then \
		$(VENV)/bin/hadolint docker/Dockerfile && echo "Dockerfile: hadolint clean"; \
	else echo "Dockerfile: not linted (hadolint is not installed)"; fi

# A Redis URL at a closed port: the third pass runs the tests that concern Redis (cache,
# limits, tokens, the job queue and its outbox, health, the production chain) with Redis dead.
DEAD_REDIS_URL := redis://127.0.0.1:1/0
REDIS_TESTS := $(addprefix tests/test_,$(addsuffix .py,redis_down cache cache_hits cache_local api_cache i18n_cache rate_limits \
	faults tokens auth_api account_recovery security api_basics catalog_listing outbox \
	background_jobs payments_flow payments_worker metrics production_chain))

test-sqlite: install-dev
	@echo "=== test pass 1/3: SQLite + file cache ==="
	env -u TEST_DATABASE_URL -u TEST_REDIS_URL -u TEST_CELERY_BROKER_URL $(PYTEST)

# Each pass is the only command of its recipe line, so the shell hands its process over to
# pytest: a SIGTERM to make reaches pytest, and its fixtures stop the servers they started.
test-postgres: install-dev
	@if $(PY) scripts/services_reachable.py "$(TEST_DATABASE_URL)" "$(TEST_REDIS_URL)"; then \
		exec $(MAKE) --no-print-directory test-postgres-passes; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL and Redis are required in CI but do not answer." >&2; exit 1; \
	else \
		echo "=== test passes 2/3 and 3/3 skipped: PostgreSQL or Redis does not answer ==="; \
	fi

test-postgres-passes:
	@echo "=== test pass 2/3: PostgreSQL + Redis (then the tests that need Redis alone) ==="
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" TEST_REDIS_URL="$(TEST_REDIS_URL)" \
		TEST_CELERY_BROKER_URL="$(TEST_CELERY_BROKER_URL)" $(PYTEST) -m "not solo"
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" TEST_REDIS_URL="$(TEST_REDIS_URL)" \
		TEST_CELERY_BROKER_URL="$(TEST_CELERY_BROKER_URL)" $(PY) -m pytest -m solo
	@echo "=== test pass 3/3: PostgreSQL + Redis down (the tests that concern Redis) ==="
	TEST_DATABASE_URL="$(TEST_DATABASE_URL)" TEST_REDIS_URL=$(DEAD_REDIS_URL) \
		TEST_CELERY_BROKER_URL=$(DEAD_REDIS_URL) $(PYTEST) $(REDIS_TESTS)

test: lint test-sqlite test-postgres

# The SQLite pass with a coverage report; fails under $(COVERAGE_MIN)% of lines.
test-coverage: install-dev
	env -u TEST_DATABASE_URL -u TEST_REDIS_URL -u TEST_CELERY_BROKER_URL $(PY) -m pytest \
		--cov=ecom --cov=config --cov-report=term-missing --cov-fail-under=$(COVERAGE_MIN)

# DATABASE_URL (or .env) names the database; files go to $(BACKUP_DIR)/.
backup-db:
	$(PY) scripts/backup_db.py backup --dir "$(BACKUP_DIR)"

# BACKUP=path/to/file, or the newest backup of the same database in $(BACKUP_DIR)/.
restore-db:
	$(PY) scripts/backup_db.py restore --dir "$(BACKUP_DIR)" $(BACKUP)

bench: install-dev
	$(PY) bench/run.py

# The million-product run (seeds once, ~10 minutes; the database is reused afterwards).
bench-1m: install-dev
	$(PY) bench/run.py --sizes 1m

# --- Docker (needs a Docker engine) ---
# Production lines run only where .env.prod exists.
PROD_ONLY = $(if $(wildcard .env.prod),$(COMPOSE_PROD) $(1),@echo "no .env.prod: production stack skipped")

docker-build:
	$(COMPOSE_DEV) build
	$(call PROD_ONLY,build)

docker-dev:
	$(COMPOSE_DEV) up --build

docker-prod:
	$(COMPOSE_PROD) up --build --detach

docker-logs:
	$(COMPOSE_PROD) logs --follow --tail=200

docker-shell:
	$(COMPOSE_DEV) run --rm web /bin/sh

docker-migrate:
	$(COMPOSE_PROD) run --rm web flask db upgrade

docker-superuser:
	$(COMPOSE_PROD) run --rm web flask create-admin --email "$(EMAIL)"

docker-test:
	$(COMPOSE_DEV) run --rm -e TEST_DATABASE_URL=postgresql://postgres:postgres@db:5432/ecom_test \
		-e TEST_REDIS_URL=redis://redis:6379/15 -e TEST_CELERY_BROKER_URL=redis://redis:6379/14 \
		web python -m pytest

docker-stop:
	$(COMPOSE_DEV) stop
	$(call PROD_ONLY,stop)

docker-restart:
	$(COMPOSE_PROD) restart web nginx

# Removes containers, networks and the development volumes; production volumes are kept.
docker-clean:
	$(COMPOSE_DEV) down --volumes --remove-orphans
	$(call PROD_ONLY,down --remove-orphans)
