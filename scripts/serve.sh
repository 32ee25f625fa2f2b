#!/usr/bin/env bash
# Install focalpoints, prepare a SQLite database in instance/ with demo data, and serve it.
# Usage: ./scripts/serve.sh [PORT]   (default 5000; set HOST to listen elsewhere than 127.0.0.1)
set -euo pipefail
cd "$(dirname "$0")/.."
port="${1:-5000}"
host="${HOST:-127.0.0.1}"
scripts/system-packages.sh
[ -x .venv/bin/python ] || "$(scripts/python.sh)" -m venv .venv
scripts/install.sh
# A demo: its administrator and Secretariat accounts log in with the printed password alone.
# (In production they must also give a code from an authenticator application.)
export FOCALPOINTS_TWO_FACTOR_REQUIRED_ROLES="${FOCALPOINTS_TWO_FACTOR_REQUIRED_ROLES:-[]}"
.venv/bin/focalpoints init
.venv/bin/focalpoints demo-data
echo
echo "focalpoints is starting at http://${host}:${port}/  (log in with one of the accounts above)"
echo "Two-step log-in is not required in this demo; any account can turn it on from its account page."
echo
exec .venv/bin/focalpoints run --host "$host" --port "$port"
