#!/usr/bin/env bash
# Set up a virtual environment in .venv and run tariffsim's main job on the embedded data:
# the 2025 effective U.S. tariff rates on Canada and Mexico and the status-quo scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e .
exec .venv/bin/tariffsim main
