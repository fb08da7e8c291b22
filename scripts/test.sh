#!/usr/bin/env bash
# Install dlrig with its test extras, lint, check import layers and types, and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install -q -e ".[dev]"
python -m ruff check src tests scripts benchmarks
lint-imports           # the layer contracts (pyproject.toml [tool.importlinter])
python -m mypy         # type checks over src/ (pyproject.toml [tool.mypy])
python -m pytest -p no:cacheprovider "$@"
