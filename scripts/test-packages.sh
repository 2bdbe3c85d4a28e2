#!/usr/bin/env bash
# Debian packages the tests use, installed with apt when missing (needs root; idempotent):
#   postgresql    the real database server (scripts/postgres.sh runs it on loopback)
#   chromium      the browser that browser tests and PDF rendering drive through playwright-core
#                 (executablePath /usr/bin/chromium; never a downloaded browser)
#   poppler-utils pdftotext/pdfinfo: the field's tools that check the PDFs we render
# One apt run for all of them, so nothing else holds the dpkg lock meanwhile.
set -euo pipefail
missing=()
[ -n "$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null)" ] || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "[test-packages] missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})" >&2
  exit 1
fi
echo "[test-packages] apt-get install ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
mkdir -p .data/logs
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >.data/logs/apt.log 2>&1; then
  echo "[test-packages] apt-get failed (full log: .data/logs/apt.log)" >&2
  tail -n 30 .data/logs/apt.log >&2
  exit 1
fi
