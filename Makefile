# The two Quick start commands: `make run` and `make test`. Everything else is what they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test setup python assets migrate demo lint check-migrations ci worker beat prod lock audit

# DEBUG defaults to off (production); the two Quick start commands are for development.
run test: export DEBUG ?= true

run: setup migrate demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest

setup: python assets

# Installs exactly what requirements-dev.lock lists, every file checked against its hash
# (production installs requirements.lock the same way: docs/operations.md).
python: $(VENV)/.installed
$(VENV)/.installed: requirements-dev.lock requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@

# After changing requirements.txt or requirements-dev.txt: pin everything they pull in, with hashes.
PIP_COMPILE := $(VENV)/bin/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host
lock: python
	$(PIP_COMPILE) --output-file requirements.lock requirements.txt
	$(PIP_COMPILE) --output-file requirements-dev.lock requirements-dev.txt

# Known vulnerabilities in the locked Python packages and the npm packages. Exit status 2 and a
# plain message when an advisory service cannot be reached (that is not a clean bill of health).
audit: python
	@bash deploy/audit.sh

assets: static/build/portal.css
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@
static/build/portal.css: node_modules/.installed frontend/build.mjs $(wildcard static/scss/*.scss)
	npm run --silent build

migrate: python
	$(PY) manage.py migrate --noinput

demo: python
	$(PY) manage.py seed_demo

lint: python
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

check-migrations: python
	$(PY) manage.py makemigrations --check --dry-run

# The production-like stack: web, Celery worker and beat (see the Procfile and the README),
# from the locked requirements; gunicorn reads gunicorn.conf.py.
prod: setup
	$(VENV)/bin/honcho start
