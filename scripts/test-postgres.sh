#!/usr/bin/env bash
# Provides a real PostgreSQL server for the tests, on loopback (AUTOSOC_TEST_PGPORT, default
# 54329), and prints its DATABASE_URL. Idempotent: a server from an earlier call is reused.
#   bash scripts/test-postgres.sh          start (or reuse) it and print its URL
#   bash scripts/test-postgres.sh --data   print where its cluster lives
#   bash scripts/test-postgres.sh --stop   stop it (`npm run test:stop`)
# The cluster lives in .data/pg-test, unless we are root and the postgres user (who runs the
# server) cannot reach this checkout, e.g. under /root or a `mktemp -d` folder (0700): then it
# lives in /var/tmp/autosoc-pg-test-<hash of this checkout's path>, owned by postgres.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${AUTOSOC_TEST_PGPORT:-54329}"

data_dir() {
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$PWD" 2>/dev/null; then
    echo "/var/tmp/autosoc-pg-test-$(printf %s "$PWD" | sha256sum | cut -c1-12)"
  else
    echo "$PWD/.data/pg-test"
  fi
}
DATA="$(data_dir)"

case "${1:-}" in
  --data) echo "$DATA" ;;
  --stop) exec bash scripts/postgres.sh --data "$DATA" --stop ;;
  "") exec bash scripts/postgres.sh --port "$PORT" --data "$DATA" --fast autosoc_test ;;
  *) echo "usage: $0 [--data|--stop]" >&2; exit 2 ;;
esac
