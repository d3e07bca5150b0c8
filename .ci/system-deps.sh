#!/usr/bin/env bash
# Debian packages some tests need: Pango for WeasyPrint (PDF charter) and fonts.
set -euo pipefail
missing=()
for pkg in libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
