#!/usr/bin/env bash
# The server's figures: submission-to-ranked latency and evaluations/s (bench_server),
# then leaderboard GET throughput and latency with wrk at 50 connections
# (target >= 20,000 requests/s, p99 < 20 ms on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/setup.sh" >&2; exit 2; }
cmake --build build/native --target bench_server >/dev/null
fifo=$(mktemp -u) && mkfifo "$fifo"
exec 3<>"$fifo"
build/native/bench/bench_server --keep-running <&3 > >(tee /tmp/pitwall-bench-server.log) &
bench_pid=$!
url=""
for _ in $(seq 1 600); do
  url=$(sed -nE 's/^leaderboard (http.*)$/\1/p' /tmp/pitwall-bench-server.log 2>/dev/null || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "bench_server did not come up" >&2; kill $bench_pid; exit 1; }
echo "wrk: 2 threads, 50 connections, 10 s, GET $url"
wrk -t2 -c50 -d10s --latency "$url" | tee /tmp/pitwall-wrk.log
rps=$(sed -nE 's/^Requests\/sec: *([0-9.]+)/\1/p' /tmp/pitwall-wrk.log)
p99=$(sed -nE 's/^ *99% *([0-9.]+[a-z]+)/\1/p' /tmp/pitwall-wrk.log)
echo "leaderboard_get requests_per_second=$rps p99=$p99 (target >= 20000 req/s, p99 < 20 ms)"
echo done >&3
wait $bench_pid
rm -f "$fifo"
