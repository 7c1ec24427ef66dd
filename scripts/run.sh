#!/usr/bin/env bash
# The README's main command: installs what is missing, builds Pitwall and
# starts it. Until the server lands (issue: the Pitwall server) this runs the
# demo: the built-in expert driving three laps of each built-in track.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build/native -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native --target pitwall >/dev/null

pitwall=build/native/server/pitwall
echo "Pitwall ${PITWALL_VERSION:-0.1.0}: the built-in tracks"
echo
"$pitwall" track list
for track in $("$pitwall" track list | sed -nE 's/^.*\(([a-z_]+)\)$/\1/p'); do
  echo
  "$pitwall" trial --track "$track" --laps 3
done
echo
echo "Try: $pitwall trial --track harbour_hairpin --pace 0.7 --mode standing"
