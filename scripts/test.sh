#!/usr/bin/env bash
# Install dlrig with its test extras, lint, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e ".[dev]"
python -m ruff check src tests scripts benchmarks
python -m pytest -p no:cacheprovider "$@"
