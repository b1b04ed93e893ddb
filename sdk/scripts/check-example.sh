#!/usr/bin/env bash
# Reruns the README's SDK example the way a user would: build, start the server (what `npm start` runs) on a
# fresh data dir and a free port, read the demo project's keys with the CLI, run sdk/examples/send.mjs, stop.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build -w server >/dev/null
npm run build -w sdk >/dev/null
data=$(mktemp -d)
port=$(node -e "const s=require('node:net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
DATA_DIR="$data" PORT="$port" DATABASE_URL= node server/dist/main.js >"$data.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data" "$data.log"' EXIT
for _ in $(seq 1 120); do curl -sf "http://localhost:$port/health" >/dev/null && break; sleep 0.5; done
project=$(grep -o 'project keys [0-9a-f-]*' "$data.log" | awk '{print $3}')
keys=$(DATA_DIR="$data" node server/dist/cli.js project keys "$project")
MAILWRIGHT_SECRET_KEY=$(awk '$1=="secretKey"{print $2}' <<<"$keys")
MAILWRIGHT_PUBLIC_KEY=$(awk '$1=="publicKey"{print $2}' <<<"$keys")
export MAILWRIGHT_SECRET_KEY MAILWRIGHT_PUBLIC_KEY
MAILWRIGHT_URL="http://localhost:$port" node sdk/examples/send.mjs
echo "SDK example passed against the server on port $port"
