#!/usr/bin/env bash
# Prepare this machine for Chengxin; quick when nothing changed. Called by the Makefile.
#
#   scripts/bootstrap.sh run     Debian packages for PDFs, .venv, requirements-dev.txt
#   scripts/bootstrap.sh test    the same plus poppler-utils, qpdf and zbar-tools (the PDF tests read
#                                PDFs back, check their structure and decode their QR codes) and, as root,
#                                Chromium for the browser tests (tests/e2e)
#   scripts/bootstrap.sh python  only .venv and requirements-dev.txt (lint, messages)
#
# Debian packages are checked with `dpkg -s` and installed with apt-get when running as root;
# otherwise the exact command is printed and the script fails. Requirements are pip-installed
# only when requirements*.txt (or the Python in .venv) changed: a hash is kept in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-run}
VENV=${VENV:-.venv}
STAMP="$VENV/.chengxin-requirements.sha256"

say() { printf '[setup] %s\n' "$*"; }

packages=()
case "$mode" in
  run) packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk) ;;
  test) packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils qpdf zbar-tools) ;;
  python) ;;
  *) echo "usage: $0 [run|test|python]" >&2; exit 2 ;;
esac

# The interpreter: Python 3.11 (pyproject.toml), whichever name it goes by.
find_python() {
  local candidate
  for candidate in ${PYTHON:-} python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

venv_ok() { [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys' 2>/dev/null; }

if ! venv_ok; then
  python=$(find_python) || {
    echo "Chengxin needs Python 3.11 (python3.11 or python3); none found on PATH." >&2
    exit 1
  }
  # Debian's own Python has no venv/ensurepip without the python3-venv package.
  if ! "$python" -c 'import ensurepip, venv' 2>/dev/null; then
    packages+=(python3-venv)
  fi
fi

# Debian packages.
if [ "${#packages[@]}" -gt 0 ]; then
  if command -v dpkg >/dev/null 2>&1; then
    missing=()
    for package in "${packages[@]}"; do
      dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$package")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
      install="apt-get install -y --no-install-recommends ${missing[*]}"
      if [ "$(id -u)" -eq 0 ]; then
        say "installing Debian packages: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        $install
      else
        {
          echo "Missing Debian packages: ${missing[*]}"
          echo "Install them as root, then run make again:"
          echo
          echo "    sudo apt-get update && sudo $install"
          echo
        } >&2
        exit 1
      fi
    fi
  else
    say "not a Debian system: make sure these (or their equivalents) are installed: ${packages[*]}"
  fi
fi

# Chromium for the browser tests (tests/e2e, Playwright driving Debian's build: never `playwright install`).
# Optional for `make test`: without it the browser tests are skipped and pytest says so at the end.
# CHENGXIN_REQUIRE_BROWSER=1 (set by .ci/run) makes a missing Chromium an error instead.
browser_missing() {
  echo "browser tests will be skipped: /usr/bin/chromium not found. To run them:"
  echo
  echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium"
  echo
  if [ "${CHENGXIN_REQUIRE_BROWSER:-0}" = 1 ]; then
    echo "CHENGXIN_REQUIRE_BROWSER=1: the browser tests must run." >&2
    exit 1
  fi
}

if [ "$mode" = test ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Chromium for the browser tests"
    export DEBIAN_FRONTEND=noninteractive
    # Without --no-install-recommends apt pulls in ~100 more packages (systemd, cups, avahi…).
    { apt-get update -q && apt-get install -y --no-install-recommends chromium; } || browser_missing >&2
  else
    browser_missing >&2
  fi
fi

# The virtual environment.
if ! venv_ok; then
  say "creating $VENV with $python"
  "$python" -m venv --clear "$VENV"
fi

# Python requirements, only when they changed.
wanted=$(cat requirements.txt requirements-dev.txt <("$VENV/bin/python" -VV) | sha256sum | cut -d' ' -f1)
if [ "$(cat "$STAMP" 2>/dev/null)" != "$wanted" ]; then
  say "installing requirements-dev.txt into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  echo "$wanted" >"$STAMP"
fi
