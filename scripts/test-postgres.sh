#!/usr/bin/env bash
# Provides a real PostgreSQL server for the tests, on loopback (AUTOSOC_TEST_PGPORT, default
# 54329), and prints its DATABASE_URL. Idempotent: a server from an earlier call is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/postgres.sh --port "${AUTOSOC_TEST_PGPORT:-54329}" --data .data/pg-test --fast autosoc_test
