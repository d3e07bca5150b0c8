#!/usr/bin/env bash
# Debian packages the tests need: Pango and HarfBuzz for WeasyPrint (PDF), fonts, and a real
# PostgreSQL server (the store tests start their own instance; this only installs the binaries),
# Chromium for the Playwright tests (the dashboard, the report on a phone).
set -euo pipefail
missing=()
for pkg in python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core postgresql util-linux chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
