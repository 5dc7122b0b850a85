# The two commands: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# The page checkers (axe-core, vnu-jar) come from npm by the versions in package-lock.json.
# System packages the tests use (installed by .ci/run): chromium, java, gettext, faketime,
# libreoffice-calc-nogui (the exports' round trip; skipped without it, outside CI) and
# poppler-utils (pdftoppm, the certificate rendered to PNG).
NODE_STAMP := node_modules/.installed-$(shell cksum < package-lock.json | cut -d' ' -f1)

.PHONY: install run test lint format messages openapi bench bench-small bench-national clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

$(NODE_STAMP): package.json package-lock.json
	if command -v npm >/dev/null; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $@; fi

install: $(STAMP) $(NODE_STAMP)

## Install, migrate, seed the demo data, start web + Celery worker + beat.
run: install
	mkdir -p var/celery/queue var/celery/processed var/media
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/honcho start

## Install and run the whole suite (SQLite, or PostgreSQL when DATABASE_URL is set).
## TEST_CLOCK goes in front of pytest only (not pip, not the database server), e.g.
## TEST_CLOCK='.ci/at "2026-12-06 05:00 +07:00"' runs the suite on a Sunday (libfaketime).
TEST_CLOCK ?=
test: install
	mkdir -p var
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(VENV)/bin/lint-imports
	if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi
	$(TEST_CLOCK) $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/djlint templates --lint
	$(VENV)/bin/lint-imports

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## Compile the translation catalogues (needs gettext's msgfmt).
messages: install
	$(PY) manage.py compilemessages --ignore=.venv

## Write the API's OpenAPI document (docs/openapi.yaml; a test checks it is in step).
openapi: install
	$(PY) manage.py spectacular --lang en --file docs/openapi.yaml --validate --fail-on-warn

## Benchmarks on PostgreSQL (DATABASE_URL and CELERY_BROKER_URL must point at real servers).
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

bench-small: install
	$(PY) bench/run.py --scale small $(BENCH_ARGS)

## The national-scale run (1,000,000 people; builds its own 3.3 GB database once).
bench-national: install
	$(PY) bench/run.py national $(BENCH_ARGS)

clean:
	rm -rf var staticfiles test-artifacts .pytest_cache
