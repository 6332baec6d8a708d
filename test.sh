#!/usr/bin/env bash
# The whole test suite: set up, lint, type-check, and run pytest (unit, real-data, CLI end-to-end, PostgreSQL).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
bash scripts/system-packages.sh
bash scripts/bootstrap.sh dev
.venv/bin/ruff check sanctionwatch tests bench
.venv/bin/ruff format --check sanctionwatch tests bench
.venv/bin/mypy
.venv/bin/deptry .
.venv/bin/lint-imports
.venv/bin/pytest -n 2 "$@"
