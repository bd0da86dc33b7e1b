# Chengxin 诚信. On a fresh Debian 12 machine with Python 3.11:
#   make run    set up, migrate, seed the demo, serve http://127.0.0.1:8000 with a Celery worker and beat
#   make test   set up (as root: Chromium too), run the whole suite; browser tests skip, and say so, without Chromium
#   make lint   ruff check + ruff format --check
# Every target sets up first: Debian packages, .venv, requirements (see scripts/bootstrap.sh).

SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
ADDR ?= 127.0.0.1:8000
# The translation catalogues to (re)build; the msgids are Chinese, so only English needs one.
LOCALES ?= en
I18N_IGNORE := --ignore=.venv --ignore=var --ignore=node_modules

.PHONY: help run test lint format setup setup-test venv messages makemessages schemathesis
# The set-up steps share .venv: never run them side by side.
.NOTPARALLEL:

help:
	@sed -n '2,5p' Makefile

# Issued notices print the address they are verified at (scripts/run_dev.py): the demo's too.
run: export CHENGXIN_PUBLIC_BASE_URL ?= http://$(if $(findstring :,$(ADDR)),$(ADDR),127.0.0.1:$(ADDR))
run: setup messages
	$(MANAGE) migrate --noinput
	@if $(MANAGE) help --commands | grep -qx seed_demo; then \
		$(MANAGE) seed_demo; \
	else \
		echo "[run] no seed_demo command yet: skipping the demo data"; \
	fi
	exec $(PY) scripts/run_dev.py --addr $(ADDR)

test: setup-test messages
	$(PY) -m pytest $(PYTEST_ARGS)

# The API fuzzed from its own schema on a fresh demo database, as .ci/run does (scripts/schemathesis.py --help;
# e.g. SCHEMATHESIS_ARGS="--database-url postgres://postgres@127.0.0.1:5432/chengxin_api --thorough").
schemathesis: setup
	$(PY) scripts/schemathesis.py $(SCHEMATHESIS_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

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
