# The two Quick start commands: `make run` and `make test`. Everything else is what they call.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test setup python assets migrate demo lint check-migrations ci worker beat prod

run: setup migrate demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest

setup: python assets

python: $(VENV)/.installed
$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

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

# The production-like stack: web, Celery worker and beat (see the Procfile and the README).
prod: setup
	$(VENV)/bin/honcho start
