#!/usr/bin/env bash
# Build the wheel, install it with the production extra in a fresh virtual environment outside
# the checkout, run `focalpoints init` on a new SQLite database and serve pages with gunicorn:
# the installed package must bring its own templates, translations, migrations and static files.
# Fails loudly at the first check that does not hold. Everything happens in a temporary folder,
# removed at the end (KEEP=1 keeps it); the checkout is only read.
# Dependencies come from the package index and pip's cache (PyICU's wheel, built once, is reused).
set -euo pipefail
checkout="$(cd "$(dirname "$0")/.." && pwd)"
python="$("$checkout/scripts/python.sh")"
work="$(mktemp -d "${TMPDIR:-/tmp}/focalpoints-wheel.XXXXXX")"
server=""

cleanup() {
  if [ -n "$server" ]; then
    kill -INT "$server" 2>/dev/null || true  # gunicorn's quick shutdown
    wait "$server" 2>/dev/null || true
  fi
  if [ "${KEEP:-}" = 1 ]; then echo "Kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
step() { printf '\n==== wheel check (%ds): %s\n' "$SECONDS" "$*"; }
fail() {
  echo "FAIL (wheel check): $*" >&2
  if [ -s "$work/server.log" ]; then
    echo "---- server log (last 40 lines)" >&2
    tail -n 40 "$work/server.log" >&2
  fi
  exit 1
}

step "Build the wheel from a clean copy of the checkout"
# A copy of the files git knows (tracked, and new ones not ignored): no stale build/ folder,
# virtual environment, instance data or __pycache__ can end up in the wheel.
mkdir "$work/source" "$work/dist"
(cd "$checkout" && git ls-files -z --cached --others --exclude-standard) \
  | (cd "$checkout" && xargs -0 sh -c 'for f; do [ ! -e "$f" ] || printf "%s\0" "$f"; done' sh) \
  | (cd "$checkout" && tar --null -T - -cf -) | tar -xf - -C "$work/source"
"$python" -m pip wheel --quiet --no-deps -w "$work/dist" "$work/source"
wheel="$(ls "$work"/dist/focalpoints-*.whl)"
echo "$(basename "$wheel"): $(du -h "$wheel" | cut -f1)"

step "What the wheel holds"
"$python" - "$wheel" <<'PY' || fail "the wheel's contents are incomplete"
import sys
import zipfile

names = set(zipfile.ZipFile(sys.argv[1]).namelist())
required = [
    "focalpoints/_data/templates/base.html",
    "focalpoints/_data/templates/auth/login.html",
    "focalpoints/_data/migrations/env.py",
    "focalpoints/_data/migrations/alembic.ini",
    "focalpoints/_data/migrations/script.py.mako",
    "focalpoints/static/css/app.css",
    "focalpoints/reference/data/countries.json",
    "focalpoints/auth/data/common-passwords.txt.gz",
]
for language in ("ar", "es", "fr", "ru", "zh"):
    required.append(f"focalpoints/_data/translations/{language}/LC_MESSAGES/messages.mo")
missing = [name for name in required if name not in names]
versions = [n for n in names if n.startswith("focalpoints/_data/migrations/versions/")]
junk = [n for n in names if "__pycache__" in n or n.endswith(".pyc") or n.startswith("tests/")]
for name in missing:
    print("missing:", name)
for name in junk:
    print("should not be shipped:", name)
print(f"{len(names)} files, {len(versions)} migrations")
sys.exit(1 if missing or junk or not versions else 0)
PY
# Every template, migration and compiled catalogue of the checkout is in the wheel (setup.py
# names them by pattern: a template of a new kind would be left out).
shipped() {  # shipped FOLDER PATTERN: how many files of the wheel's FOLDER match PATTERN
  "$python" -c 'import fnmatch, sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
print(sum(fnmatch.fnmatch(n, "focalpoints/_data/" + sys.argv[2] + "/" + sys.argv[3]) for n in names))' \
    "$wheel" "$1" "$2"
}
for check in "templates:*" "migrations/versions:*.py" "translations:*.mo"; do
  folder="${check%%:*}" pattern="${check#*:}"
  expected=$(cd "$work/source/$folder" && find . -type f -name "$pattern" ! -path '*/__pycache__/*' | wc -l)
  count=$(shipped "$folder" "$pattern")
  [ "$expected" -eq "$count" ] || fail "$folder: $expected files in the checkout, $count in the wheel"
  echo "$folder: $count files ($pattern)"
done

step "Install it with the production extra in a fresh virtual environment"
"$python" -m venv "$work/venv"
# No byte-compiling of every installed module: the app compiles what it imports.
"$work/venv/bin/python" -m pip install -qq --no-compile "${wheel}[production]"
"$work/venv/bin/python" -m pip check || fail "the installed requirements do not agree"
# The rate limiter accepts the Redis client of the production extra (no server needed).
"$work/venv/bin/python" -c 'import gunicorn
from limits.storage import storage_from_string
storage_from_string("redis://127.0.0.1:1")' || fail "the production extra: gunicorn or the Redis storage"

step "focalpoints init, run away from the checkout"
mkdir "$work/run"
cd "$work/run"
unset PYTHONPATH FLASK_APP
export FOCALPOINTS_INSTANCE_PATH="$work/instance"
export FOCALPOINTS_DATABASE_URL="sqlite:///$work/instance/focalpoints.sqlite3"
installed="$("$work/venv/bin/python" -c 'import focalpoints; print(focalpoints.__file__)')"
case "$installed" in
  "$work/venv/"*) echo "focalpoints imported from $installed" ;;
  *) fail "focalpoints was imported from $installed, not from the new virtual environment" ;;
esac
"$work/venv/bin/focalpoints" init || fail "focalpoints init"
second="$("$work/venv/bin/focalpoints" init)" || fail "focalpoints init (second run)"
echo "$second"
grep -q "Nothing to do" <<<"$second" || fail "a second init changed something"
"$work/venv/bin/focalpoints" db check || fail "the models and the shipped migrations differ"
# Without FOCALPOINTS_INSTANCE_PATH an installed app keeps its data in the virtual environment.
default_instance="$(env -u FOCALPOINTS_INSTANCE_PATH FOCALPOINTS_BASE_URL=http://127.0.0.1 \
  "$work/venv/bin/python" -c 'from focalpoints import create_app; print(create_app().instance_path)')"
[ "$default_instance" = "$work/venv/var/focalpoints-instance" ] \
  || fail "default instance folder: $default_instance"

step "Serve with gunicorn"
port="$("$work/venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
FOCALPOINTS_BASE_URL="$base" "$work/venv/bin/gunicorn" --workers 1 --bind "127.0.0.1:$port" \
  'focalpoints:create_app()' >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 120); do  # at most a minute to start
  curl -fsS -o /dev/null "$base/healthz" 2>/dev/null && break
  kill -0 "$server" 2>/dev/null || fail "gunicorn stopped"
  sleep 0.5
done
curl -fsS -o /dev/null "$base/healthz" || fail "no answer from $base/healthz within a minute"

fetch() {  # fetch PATH [curl options]: the body in $work/page; fails on any status but 200
  local path="$1" status
  shift
  status="$(curl -sS --max-time 60 -o "$work/page" -w '%{http_code}' "$@" "$base$path")" || fail "GET $path"
  [ "$status" = 200 ] || fail "GET $path answered $status"
  echo "GET $path $* -> 200"
}
expect() {  # expect TEXT WHAT: $work/page holds TEXT
  grep -qF -- "$1" "$work/page" || fail "$2: no '$1' in the page"
}
fetch /login -H "Accept-Language: fr"
expect '<html lang="fr"' "log-in page in French"
expect "Se connecter" "log-in page in French (the compiled catalogue)"
expect "Mot de passe oublié" "log-in page in French (the compiled catalogue)"
fetch /login -H "Accept-Language: en"
expect "Forgot your password?" "log-in page in English"
fetch "/directory?lang=ar"
expect 'dir="rtl"' "public directory in Arabic"
expect "دليل نقاط الاتصال" "public directory in Arabic (the compiled catalogue)"
expect "bootstrap.rtl.min.css" "public directory in Arabic"
fetch /static/css/app.css
fetch /static/vendor/bootstrap-5.3.9/bootstrap.rtl.min.css
expect "bootstrap" "Bootstrap's style sheet"

kill -INT "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true
server=""
step "The installed wheel works"
