#!/usr/bin/env bash
# Install the Debian packages focalpoints needs, if missing: ICU for collation (PyICU builds
# against it) and, with --browser, Chromium and fonts for every script for the browser tests.
# Runs apt-get when root; otherwise prints the command to run and fails.
set -euo pipefail
packages=(libicu-dev pkg-config g++ python3-venv)
if [ "${1:-}" = "--browser" ]; then
  packages+=(chromium fonts-noto-core fonts-noto-cjk)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
else
  echo "Install these Debian packages first: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
