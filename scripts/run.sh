#!/usr/bin/env bash
# `npm start`: set the machine up if needed, then run autosoc on embedded defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec node dist/src/up.js
