#!/usr/bin/env bash
# Starts (or reuses) a PostgreSQL cluster from Debian's packages on loopback, creates the
# databases named, and prints the first one's URL. Installs Debian's postgresql when no server
# binaries are present (needs root and apt). Idempotent.
#   bash scripts/postgres.sh --port 54329 --data .data/pg-test [--fast] DB [DB...]
#   bash scripts/postgres.sh --data .data/pg-test --stop
# --fast turns off fsync and synchronous commit: for tests, never for figures or data you keep.
set -euo pipefail
cd "$(dirname "$0")/.."

PGPORT="" PGDATA_DIR="" FAST=0 STOP=0 DBS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PGPORT="$2"; shift 2 ;;
    --data) PGDATA_DIR="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    --fast) FAST=1; shift ;;
    --stop) STOP=1; shift ;;
    *) DBS+=("$1"); shift ;;
  esac
done
usage() { echo "usage: $0 --port P --data DIR [--fast] DB [DB...] | $0 --data DIR --stop" >&2; exit 2; }
if [ "$STOP" = 1 ]; then [ -n "$PGDATA_DIR" ] || usage; else [ -n "$PGPORT" ] && [ -n "$PGDATA_DIR" ] && [ ${#DBS[@]} -gt 0 ] || usage; fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
# initdb refuses to run as root: the server runs as the postgres user when we are root.
# From /: the postgres user may not be able to enter this checkout (a 0700 home or mktemp -d).
as_owner() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

if [ "$STOP" = 1 ]; then
  if [ -n "$(pg_bin)" ] && [ -f "$PGDATA_DIR/postmaster.pid" ]; then as_owner "$(pg_bin)/pg_ctl" -D "$PGDATA_DIR" -m fast stop >&2; fi
  exit 0
fi
if [ -z "$(pg_bin)" ]; then
  echo "[postgres] installing Debian's postgresql" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
fi
BIN="$(pg_bin)"

if ! as_owner "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PGDATA_DIR"
  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    as_owner "$BIN/initdb" -D "$PGDATA_DIR" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  opts="-c listen_addresses=127.0.0.1 -p $PGPORT -k /tmp -c max_connections=300"
  [ "$FAST" = 1 ] && opts="$opts -c fsync=off -c synchronous_commit=off"
  as_owner "$BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w -t 60 -o "$opts" start >&2
fi
for db in "${DBS[@]}"; do
  as_owner "$BIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 \
    || as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres "$db"
done
echo "postgres://postgres@127.0.0.1:$PGPORT/${DBS[0]}"
