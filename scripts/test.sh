#!/usr/bin/env bash
# Install what the tests need (a virtual environment in .venv) and run the whole suite.
# Extra arguments go to pytest. Set FOCALPOINTS_TEST_DATABASE_URL to run it on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  # The browser journeys need Debian's Chromium and fonts for every script the app shows.
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core fonts-noto-cjk
  else
    echo "Install the browser first: sudo apt-get install chromium fonts-noto-core fonts-noto-cjk" >&2
    exit 1
  fi
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
exec .venv/bin/python -m pytest "$@"
