#!/usr/bin/env bash
# Install what the tests need (a virtual environment in .venv) and run the whole suite.
# Extra arguments go to pytest (-n auto: on every core; -m "not slow": the quick tests only).
# Set FOCALPOINTS_TEST_DATABASE_URL to run it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
# Keep compiled modules between runs and workers: pytest otherwise rewrites every plugin module
# (240 of them) in each process, 7 s each time.
unset PYTHONDONTWRITEBYTECODE
scripts/system-packages.sh --browser
[ -x .venv/bin/python ] || "$(scripts/python.sh)" -m venv .venv
scripts/install.sh test
exec .venv/bin/python -m pytest "$@"
