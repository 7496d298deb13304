#!/usr/bin/env bash
# Set up .venv with the test extras and Debian's chromium for the browser tests, then run the
# whole test suite, ruff and mypy. Exits non-zero on any failure.
#
# Chromium is required: the browser tests would otherwise skip (and under CI=true a skipped
# reference or browser test fails the run; see tests/conftest.py). It is installed with apt
# when this script can (root, or password-less sudo); otherwise the script stops here and says
# how to install it.
set -euo pipefail
cd "$(dirname "$0")/.."
CHROMIUM=/usr/bin/chromium
if [ ! -x "$CHROMIUM" ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; fi
  if command -v apt-get >/dev/null && { [ "$(id -u)" = 0 ] || [ -n "$SUDO" ]; }; then
    echo "installing Debian's chromium for the browser tests (log: /tmp/tariffsim-apt.log)"
    if ! ($SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium) \
        >/tmp/tariffsim-apt.log 2>&1; then
      echo "error: apt-get could not install chromium (see /tmp/tariffsim-apt.log); the browser" \
           "tests need $CHROMIUM" >&2
      exit 1
    fi
  fi
  if [ ! -x "$CHROMIUM" ]; then
    echo "error: $CHROMIUM not found and it cannot be installed here (needs apt-get as root or" \
         "password-less sudo). Install it with: sudo apt-get install chromium" >&2
    exit 1
  fi
fi
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/ruff check src tests scripts benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest -n 2 "$@"
