# Chengxin 诚信. On a fresh Debian 12 machine with Python 3.11:
#   make run    set up, migrate, seed the demo, serve http://127.0.0.1:8000 with a Celery worker and beat
#   make test   set up (as root: Chromium too), run the whole suite; browser tests skip, and say so, without Chromium
#   make lint   ruff check + ruff format --check + pyright on casework/
#   make shape  function length and repeated code of the production packages (docs/performance.md)
# Every target sets up first: Debian packages, .venv, requirements (see scripts/bootstrap.sh).

SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
ADDR ?= 127.0.0.1:8000
# The translation catalogues to (re)build; the msgids are Chinese, so only English needs one.
LOCALES ?= en
I18N_IGNORE := --ignore=.venv --ignore=var --ignore=node_modules

.PHONY: help run test lint typecheck shape format setup setup-test venv messages makemessages schemathesis
# The set-up steps share .venv: never run them side by side.
.NOTPARALLEL:

help:
	@sed -n '2,6p' Makefile

# Issued notices print the address they are verified at (scripts/run_dev.py): the demo's too.
run: export CHENGXIN_PUBLIC_BASE_URL ?= http://$(if $(findstring :,$(ADDR)),$(ADDR),127.0.0.1:$(ADDR))
run: setup messages
	$(MANAGE) migrate --noinput
	@if $(MANAGE) help --commands | grep -qx seed_demo; then \
		$(MANAGE) seed_demo; \
	else \
		echo "[run] no seed_demo command yet: skipping the demo data"; \
	fi
	@if $(MANAGE) help --commands | grep -qx seed_exchange_demo; then \
		$(MANAGE) seed_exchange_demo; \
	else \
		echo "[run] no seed_exchange_demo command yet: skipping the data exchange demo"; \
	fi
	@if $(MANAGE) help --commands | grep -qx seed_oversight_demo; then \
		$(MANAGE) seed_oversight_demo; \
	else \
		echo "[run] no seed_oversight_demo command yet: skipping the oversight demo"; \
	fi
	exec $(PY) scripts/run_dev.py --addr $(ADDR)

# One pytest-xdist worker per core (PYTEST_WORKERS=0: one process). --reuse-db keeps a PostgreSQL test
# database between runs (DATABASE_URL=postgres://…); SQLite's is in memory, made anew each time. A changed
# migration is not replayed on a kept database: pass PYTEST_ARGS=--create-db after editing one (CI does).
PYTEST_WORKERS ?= auto
test: setup-test messages
	$(PY) -m pytest -n $(PYTEST_WORKERS) --reuse-db $(PYTEST_ARGS)

# The API fuzzed from its own schema on a fresh demo database, as .ci/run does (scripts/schemathesis.py --help;
# e.g. SCHEMATHESIS_ARGS="--database-url postgres://postgres@127.0.0.1:5432/chengxin_api --thorough").
schemathesis: setup
	$(PY) scripts/schemathesis.py $(SCHEMATHESIS_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pyright

# The type check alone (settings: pyproject.toml [tool.pyright], basic mode on casework/, with django-stubs).
typecheck: venv
	$(VENV)/bin/pyright

# Over a copy of the production packages without migrations, demo data and tests, as must-show 7 counts.
SHAPE_PACKAGES := casework notices workflows portal config
shape: venv
	$(PY) scripts/code_metrics.py $(SHAPE_PACKAGES)
	@copy=$$(mktemp -d); \
	tar -c --exclude=migrations --exclude=demo --exclude=tests --exclude=__pycache__ $(SHAPE_PACKAGES) | tar -x -C "$$copy"; \
	duplicates --repo "$$copy" --seconds 300 $(DUPLICATES_ARGS); \
	rm -rf "$$copy"

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

setup:
	@VENV=$(VENV) scripts/bootstrap.sh run

setup-test:
	@VENV=$(VENV) scripts/bootstrap.sh test

venv:
	@VENV=$(VENV) scripts/bootstrap.sh python

# Compile the committed .po files; without msgfmt (package gettext) the committed .mo files are used.
messages: venv
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(MANAGE) compilemessages $(I18N_IGNORE) -v 0; \
	else \
		echo "[setup] msgfmt not found: using the committed .mo files"; \
	fi

# After adding translatable strings: refresh the catalogues, translate the new entries, then `make messages`.
makemessages: venv
	$(MANAGE) makemessages $(addprefix -l ,$(LOCALES)) $(I18N_IGNORE) --no-obsolete
