#!/usr/bin/env bash
# Provides a real PostgreSQL server for the tests, on loopback, and prints its DATABASE_URL.
# Installs Debian's postgresql when no server binaries are present (needs root and apt).
# Idempotent: a server already running from an earlier call is reused.
set -euo pipefail
cd "$(dirname "$0")/.."

PGPORT="${AUTOSOC_TEST_PGPORT:-54329}"
PGDATA_DIR="$(pwd)/.data/pg-test"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ]; then
  echo "[postgres] installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
fi
BIN="$(pg_bin)"

# initdb refuses to run as root: the server runs as the postgres user when we are root.
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if ! as_owner "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
  mkdir -p "$PGDATA_DIR"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PGDATA_DIR"
  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    as_owner "$BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  as_owner "$BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k /tmp -c fsync=off -c synchronous_commit=off -c max_connections=200" start >&2
fi
as_owner "$BIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'autosoc_test'" | grep -q 1 \
  || as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres autosoc_test
echo "postgres://postgres@127.0.0.1:$PGPORT/autosoc_test"
