#!/usr/bin/env bash
# A full Temporal server (the Go binary production runs, not the dev server) on PostgreSQL,
# for scale tests and benchmarks. Builds the server and its SQL tool with `go install` the
# first time (about 13 min on 2 cores), starts a durable PostgreSQL cluster on loopback
# (fsync on), creates and migrates the temporal and temporal_visibility databases, starts the
# server, creates the namespace and registers autosoc's search attributes.
#   bash scripts/temporal-postgres.sh start   → prints TEMPORAL_ADDRESS=... DATABASE_URL=...
#   bash scripts/temporal-postgres.sh stop
# Env: TEMPORAL_SERVER_VERSION (1.32.0, the server inside the pinned dev server),
#      TEMPORAL_PG_GRPC_PORT (7400; also uses the next 3 ports and 6400-6403), TEMPORAL_PG_PGPORT (54339),
#      TEMPORAL_PG_SHARDS (4: history shards, fixed once the database exists).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION="${TEMPORAL_SERVER_VERSION:-1.32.0}"
GRPC="${TEMPORAL_PG_GRPC_PORT:-7400}"
PGPORT="${TEMPORAL_PG_PGPORT:-54339}"
SHARDS="${TEMPORAL_PG_SHARDS:-4}"
TOOLS="$(pwd)/.tools/temporal-server"
STATE="$(pwd)/.data/temporal-postgres"
SERVER="$TOOLS/bin/temporal-server"
SQL_TOOL="$TOOLS/bin/temporal-sql-tool"
ADDRESS="127.0.0.1:$GRPC"
log() { echo "[temporal-postgres] $*" >&2; }

cli() {
  local t; t="$(command -v temporal || echo .tools/venv/bin/temporal)"
  "$t" "$@" --address "$ADDRESS"
}

build() {
  [ -x "$SERVER" ] && [ -x "$SQL_TOOL" ] && [ -d "$TOOLS/schema/postgresql" ] && return
  command -v go >/dev/null || { log "needs Go (go.dev) to build the server"; exit 1; }
  log "building go.temporal.io/server@v$VERSION (server and temporal-sql-tool); this takes minutes"
  mkdir -p "$TOOLS/bin"
  GOBIN="$TOOLS/gobin" go install "go.temporal.io/server/cmd/server@v$VERSION" "go.temporal.io/server/cmd/tools/sql@v$VERSION"
  mv "$TOOLS/gobin/server" "$SERVER"
  mv "$TOOLS/gobin/sql" "$SQL_TOOL"
  rm -rf "$TOOLS/schema"
  cp -r "$(go env GOMODCACHE)/go.temporal.io/server@v$VERSION/schema" "$TOOLS/schema"
  chmod -R u+w "$TOOLS/schema"
}

schema() {
  export SQL_PLUGIN=postgres12 SQL_HOST=127.0.0.1 SQL_PORT="$PGPORT" SQL_USER=postgres SQL_PASSWORD=""
  local db dir
  for db in temporal temporal_visibility; do
    dir="$TOOLS/schema/postgresql/v12/$([ "$db" = temporal ] && echo temporal || echo visibility)/versioned"
    "$SQL_TOOL" --db "$db" setup-schema -v 0.0 >/dev/null 2>&1 || true   # already set up: update below is a no-op
    "$SQL_TOOL" --db "$db" update-schema -d "$dir" >/dev/null 2>&1
  done
}

config() {
  mkdir -p "$STATE"
  cat > "$STATE/config.yaml" <<YAML
log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: $SHARDS
  datastores:
    default:
      sql: { pluginName: postgres12, databaseName: temporal, connectAddr: "127.0.0.1:$PGPORT", connectProtocol: tcp, user: postgres, password: "", maxConns: 40, maxIdleConns: 40, maxConnLifetime: 1h }
    visibility:
      sql: { pluginName: postgres12, databaseName: temporal_visibility, connectAddr: "127.0.0.1:$PGPORT", connectProtocol: tcp, user: postgres, password: "", maxConns: 10, maxIdleConns: 10, maxConnLifetime: 1h }
global:
  membership: { maxJoinDuration: 30s, broadcastAddress: 127.0.0.1 }
services:
  frontend: { rpc: { grpcPort: $GRPC, membershipPort: 6400, bindOnLocalHost: true, httpPort: $((GRPC + 10)) } }
  history: { rpc: { grpcPort: $((GRPC + 1)), membershipPort: 6401, bindOnLocalHost: true } }
  matching: { rpc: { grpcPort: $((GRPC + 2)), membershipPort: 6402, bindOnLocalHost: true } }
  worker: { rpc: { grpcPort: $((GRPC + 3)), membershipPort: 6403, bindOnLocalHost: true } }
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active: { enabled: true, initialFailoverVersion: 1, rpcName: frontend, rpcAddress: "127.0.0.1:$GRPC" }
dcRedirectionPolicy: { policy: noop }
YAML
}

start() {
  build
  bash scripts/postgres.sh --port "$PGPORT" --data .data/pg-temporal temporal temporal_visibility autosoc_bench >/dev/null
  schema
  config
  if ! cli operator cluster health >/dev/null 2>&1; then
    log "starting temporal-server $VERSION on $ADDRESS (log: $STATE/server.log)"
    nohup "$SERVER" --config-file "$STATE/config.yaml" --allow-no-auth start >>"$STATE/server.log" 2>&1 &
    echo $! > "$STATE/server.pid"
    for _ in $(seq 120); do cli operator cluster health >/dev/null 2>&1 && break; sleep 1; done
    cli operator cluster health >/dev/null || { log "server did not become healthy; see $STATE/server.log"; exit 1; }
  fi
  cli operator namespace describe --namespace default >/dev/null 2>&1 \
    || cli operator namespace create --namespace default --retention 72h >/dev/null
  # The names and types dev-server.ts passes to the dev server, one source of truth.
  local existing; existing="$(cli operator search-attribute list --namespace default 2>/dev/null || true)"
  node -e 'require("./dist/src/temporal/dev-server").searchAttributeFlags().filter((f) => f !== "--search-attribute").forEach((f) => console.log(f))' |
    while IFS='=' read -r name type; do
      grep -qw "$name" <<<"$existing" || cli operator search-attribute create --namespace default --name "$name" --type "$type" >/dev/null
    done
  echo "TEMPORAL_ADDRESS=$ADDRESS DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/autosoc_bench"
}

stop() {
  if [ -f "$STATE/server.pid" ] && kill "$(cat "$STATE/server.pid")" 2>/dev/null; then log "stopped temporal-server"; fi
  rm -f "$STATE/server.pid"
  if [ -d .data/pg-temporal ]; then bash scripts/postgres.sh --data .data/pg-temporal --stop; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
