#!/usr/bin/env bash
# `npm test`: set the machine up if needed, start a real PostgreSQL (unless DATABASE_URL is
# set), then typecheck, lint and run every jest suite. Ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(bash scripts/test-postgres.sh)"
  export DATABASE_URL
fi
echo "[test] DATABASE_URL=$DATABASE_URL"

echo "[test] tsc --noEmit"
npx tsc --noEmit
echo "[test] eslint"
npx eslint .

set +e
npx jest --ci --json --outputFile=.jest-results.json "$@"
status=$?
set -e
node -e '
  const r = require("./.jest-results.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests + r.numRuntimeErrorTestSuites} failed`);
'
exit $status
