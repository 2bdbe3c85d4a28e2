#!/usr/bin/env bash
# `npm test`: set the machine up if needed, start a real PostgreSQL (unless DATABASE_URL is
# set), then typecheck, lint and run every jest suite. Prints the 10 slowest test files and
# ends with "N passed, N failed". A PostgreSQL this run started is stopped when it ends; one that
# was already running on the port (another run, a developer's) is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages (PostgreSQL, Chromium, poppler) install while setup fetches npm and Temporal.
bash scripts/test-packages.sh & packages=$!
bash scripts/setup.sh
wait "$packages"
if [ -z "${DATABASE_URL:-}" ]; then
  port="${AUTOSOC_TEST_PGPORT:-54329}"
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    trap 'bash scripts/test-postgres.sh --stop >/dev/null 2>&1 || true' EXIT
  fi
  DATABASE_URL="$(bash scripts/test-postgres.sh)"
  export DATABASE_URL
fi
echo "[test] DATABASE_URL=$DATABASE_URL"

echo "[test] tsc --noEmit"
npx tsc --noEmit
echo "[test] eslint"
npx eslint .
echo "[test] prettier --check"
npx prettier --check --log-level warn .

set +e
npx jest --ci --json --outputFile=.jest-results.json "$@"
status=$?
set -e
node -e '
  const r = require("./.jest-results.json");
  const slowest = r.testResults
    .map((t) => ({ s: (t.endTime - t.startTime) / 1000, file: require("path").relative(process.cwd(), t.name) }))
    .sort((a, b) => b.s - a.s).slice(0, 10);
  console.log("[test] slowest test files:");
  for (const t of slowest) console.log(`${t.s.toFixed(1).padStart(7)} s  ${t.file}`);
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
'
exit $status
