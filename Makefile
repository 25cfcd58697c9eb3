VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP) ## Create the virtual environment and install the project with its test tools

run: $(STAMP) ## Migrate SQLite, load the demo (logins use password "demo") and serve on 127.0.0.1:8000
	$(PY) manage.py migrate --noinput
	DEMO_PASSWORD=$${DEMO_PASSWORD:-demo} $(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

PYTEST_ARGS ?=

test: $(STAMP) ## Run the whole test suite, one process per core (SQLite and eager Celery unless DATABASE_URL/CELERY_BROKER_URL say otherwise)
	$(PY) manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(PY) -m pytest -n auto --dist loadfile --durations=15 -rs $(PYTEST_ARGS)

lint: $(STAMP) ## ruff check and format check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP) ## Format and fix with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages: $(STAMP) ## Extract translatable strings into core/locale/zh_Hans (needs gettext)
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=tests --ignore=staticfiles --no-obsolete --no-wrap

compilemessages: $(STAMP) ## Compile the .po catalogues into the committed .mo files (needs gettext)
	$(PY) manage.py compilemessages --ignore=.venv

bench: $(STAMP) ## Query counts, times and budgets of every page at 1x and 10x demo data (under gunicorn too where redis-server is installed)
	$(PY) manage.py bench --scales=1,10 $$(command -v redis-server >/dev/null && echo --gunicorn)

worker: $(STAMP) ## Run a Celery worker with beat (needs CELERY_BROKER_URL)
	$(VENV)/bin/celery -A config worker --beat -l info

.PHONY: help install run test lint format messages compilemessages bench worker
