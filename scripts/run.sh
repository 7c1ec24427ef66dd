#!/usr/bin/env bash
# The README's main command: installs what is missing, builds Pitwall and
# starts the server with an embedded SQLite database under ./data. On first
# start it seeds a demo: an open league race with three starter models
# already evaluated. Stop it with Ctrl-C; the data stays for next time.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
export NODE_PATH=/usr/share/nodejs   # Debian's Emscripten needs Debian's acorn
echo "Building Pitwall (the server, and the browser app with Emscripten)..."
cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native --target pitwall >/dev/null
emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm --target pitwall_web >/dev/null

port=${PITWALL_PORT:-8080}
echo "Pitwall: open http://127.0.0.1:$port/ (the demo race: http://127.0.0.1:$port/races/1; the API: /api/v1/openapi.json)"
exec build/native/server/pitwall serve --port "$port" --data "${PITWALL_DATA:-./data}" --public public --app build/wasm/app "$@"
