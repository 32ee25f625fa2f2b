#!/usr/bin/env bash
# Install the project, editable, with the given extras if any (e.g. `test`, `test,bench,production`)
# into .venv, unless an install of the same pyproject.toml already brought them all: pip takes
# about 10 s to find that nothing is missing, on every run of the test command.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
stamp=.venv/.focalpoints-installed
wanted="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(head -n1 "$stamp")" = "$wanted" ]; then
  missing=0
  for extra in ${extras//,/ }; do
    grep -qx "$extra" <(tail -n +2 "$stamp") || missing=1
  done
  [ "$missing" -eq 0 ] && exit 0
fi
# --no-compile: modules are compiled when first imported (and kept), not all 12,000 up front.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-compile \
  -e ".${extras:+[$extras]}"
{ echo "$wanted"; tr ',' '\n' <<<"$extras"; } >"$stamp"
