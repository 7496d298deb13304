#!/usr/bin/env bash
# Set up .venv with the test extras (and Debian's chromium for the browser tests, when root),
# then run the whole test suite, ruff and mypy. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver) \
    >/tmp/tariffsim-apt.log 2>&1 || echo "chromium could not be installed (see /tmp/tariffsim-apt.log); browser tests will skip"
fi
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
.venv/bin/ruff check src tests scripts benchmarks
.venv/bin/mypy
.venv/bin/python -m pytest -n 2 "$@"
