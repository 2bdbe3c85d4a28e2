#!/usr/bin/env bash
# `npm run chaos`: build (the chaos tests run dist/src/worker.js as a child process), start the
# real PostgreSQL unless DATABASE_URL is set, then run the chaos suites one at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CHAOS_SKIP_BUILD:-}" ]; then npm run build; fi
if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$(bash scripts/test-postgres.sh)"
  export DATABASE_URL
fi
echo "[chaos] DATABASE_URL=$DATABASE_URL"
exec npx jest -c chaos/jest.config.js --runInBand "$@"
