#!/usr/bin/env bash
# Runs the whole suite twice: on embedded PGlite, then on PostgreSQL (a throwaway database per run).
set -euo pipefail
cd "$(dirname "$0")/../server"
echo "== tests on PGlite =="
TEST_DB=pglite npx vitest run "$@"
echo "== tests on PostgreSQL (${TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}) =="
TEST_DB=postgres npx vitest run "$@"
echo "== SDK tests (@mailwright/sdk against the real server over HTTP, on PostgreSQL) =="
(cd ../sdk && TEST_DB=postgres npx vitest run)
