#!/usr/bin/env bash
# The README's test command: installs what is missing, builds everything
# (native, WebAssembly, sanitizers) and runs every test. Ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/setup.sh
export NODE_PATH=/usr/share/nodejs   # Debian's Emscripten needs Debian's acorn

echo "== WebAssembly build (Emscripten): the browser app, and the core and its tests for node"
emcmake cmake -S . -B build/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/wasm

echo "== AddressSanitizer + UndefinedBehaviorSanitizer build of the core's tests"
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPITWALL_SANITIZE=ON -DPITWALL_CORE_ONLY=ON >/dev/null
cmake --build build/asan --target core_tests

echo "== libFuzzer targets (clang, AddressSanitizer; run for a short while by ctest)"
CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPITWALL_FUZZ=ON -DPITWALL_WITH_TESTS=OFF >/dev/null
cmake --build build/fuzz --target fuzz_track_import fuzz_trace fuzz_json_body fuzz_model_gate fuzz_http_request

echo "== Native build"
cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release -DPITWALL_WITH_TESTS=ON \
  -DPITWALL_WASM_GOLDEN="$root/build/wasm/tests/wasm/pitwall_golden_print.js" \
  -DPITWALL_WASM_CORE_TESTS="$root/build/wasm/tests/wasm/core_tests_wasm.js" \
  -DPITWALL_ASAN_CORE_TESTS="$root/build/asan/tests/core_tests" \
  -DPITWALL_APP_DIR="$root/build/wasm/app" \
  -DPITWALL_FUZZ_BIN_DIR="$root/build/fuzz/tests/fuzz" >/dev/null
cmake --build build/native

echo "== Tests"
cd build/native
ctest --output-on-failure -j "$(nproc)" --timeout 600
