#!/usr/bin/env bash
# Runs one libFuzzer target for a while: tests/fuzz/run.sh FUZZ_BIN_DIR TARGET SECONDS
# The corpus grows in FUZZ_BIN_DIR/corpus/TARGET (seeded from tests/fuzz/seeds/TARGET,
# the starter models for the model gate, ../shared/tracks for the importers);
# a finding is written to FUZZ_BIN_DIR/findings/ and fails the run.
set -euo pipefail
bin_dir=$1 target=$2 seconds=$3
here=$(cd "$(dirname "$0")" && pwd)
corpus=$bin_dir/corpus/${target#fuzz_}
findings=$bin_dir/findings
mkdir -p "$corpus" "$findings"
cp -n "$here/seeds/${target#fuzz_}"/* "$corpus"/ 2>/dev/null || true
case $target in
  fuzz_model_gate)
    [ -n "${PITWALL_STARTER_DIR:-}" ] && cp -n "$PITWALL_STARTER_DIR"/*.onnx "$corpus"/ 2>/dev/null || true ;;
  fuzz_track_import)
    shared_tracks=$here/../../../shared/tracks
    for f in "$shared_tracks"/*.npy; do
      [ -f "$f" ] || continue
      out=$corpus/ref-$(basename "$f")
      [ -f "$out" ] || { printf '\x00' > "$out"; cat "$f" >> "$out"; }
    done ;;
esac
cd "$findings"
exec "$bin_dir/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$findings/$target-" "$corpus"
