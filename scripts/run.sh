#!/usr/bin/env bash
# The README's main command: installs what is missing, builds Pitwall and
# starts the server with an embedded SQLite database under ./data. On first
# start it seeds a demo: an open league race with three starter models
# already evaluated. Stop it with Ctrl-C; the data stays for next time.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native --target pitwall >/dev/null

port=${PITWALL_PORT:-8080}
echo "Pitwall: http://127.0.0.1:$port/  (API: http://127.0.0.1:$port/api/v1/races, leaderboard: /api/v1/races/1/leaderboard)"
exec build/native/server/pitwall serve --port "$port" --data "${PITWALL_DATA:-./data}" --public public "$@"
