#!/usr/bin/env bash
# The HTTP edge beside a reference: leaderboard GETs from `pitwall serve` (the
# demo race) and the same bytes from nginx (Debian's nginx-light, 2 workers,
# as many as this machine's cores), both with wrk at 50 and at 1,000
# keep-alive connections, in the same run on the same machine. Prints
# throughput and p99 for each, and pitwall's throughput as a ratio of nginx's.
#   bench/http_edge_bench.sh [seconds per run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
command -v wrk >/dev/null || { echo "wrk is missing: run scripts/setup.sh" >&2; exit 2; }
[ -x /usr/sbin/nginx ] || { echo "nginx is missing: run scripts/setup.sh" >&2; exit 2; }
ulimit -n "$(ulimit -Hn)"
work=$(mktemp -d /tmp/pitwall-edge-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run as another user
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.5; rm -rf "$work"; }
trap cleanup EXIT

# Pitwall, with its demo race.
build/native/server/pitwall serve --port 0 --data "$work/data" --public public > "$work/pitwall.log" 2>&1 &
pids+=($!)
port=""
for _ in $(seq 1 600); do
  port=$(sed -nE 's/.*serving on http:\/\/127\.0\.0\.1:([0-9]+).*/\1/p' "$work/pitwall.log")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "pitwall did not start:"; cat "$work/pitwall.log"; exit 1; } >&2
pitwall_url="http://127.0.0.1:$port/api/v1/races/1/leaderboard"
mkdir -p "$work/www"
for _ in $(seq 1 300); do  # the demo's three runs are evaluated after the server starts
  curl -sf "$pitwall_url" > "$work/www/leaderboard.json" || true
  grep -q '"rank":3' "$work/www/leaderboard.json" && break
  sleep 0.1
done
chmod -R a+rX "$work/www"

# nginx, serving the same bytes.
nginx_port=$((port + 1))
cat > "$work/nginx.conf" <<EOF
worker_processes $(nproc);
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  keepalive_timeout 30;
  server {
    listen 127.0.0.1:$nginx_port backlog=1024;
    root $work/www;
    location = /leaderboard.json { default_type application/json; }
  }
}
EOF
/usr/sbin/nginx -c "$work/nginx.conf" -g 'daemon off;' &
pids+=($!)
sleep 0.5
nginx_url="http://127.0.0.1:$nginx_port/leaderboard.json"
cmp -s <(curl -sf "$nginx_url") "$work/www/leaderboard.json" || { echo "nginx does not serve the same bytes" >&2; exit 1; }
echo "the same $(wc -c < "$work/www/leaderboard.json") bytes from both; $(nproc) cores; wrk with 2 threads, ${seconds} s per run"

measure() {  # measure NAME URL CONNECTIONS -> "rps p99_ms errors"
  local out rps p99 errors
  out=$(wrk -t2 -c"$3" -d"${seconds}s" --latency "$2")
  rps=$(sed -nE 's/^Requests\/sec: *([0-9.]+)/\1/p' <<<"$out")
  p99=$(sed -nE 's/^ *99% *([0-9.]+)(us|ms|s)$/\1 \2/p' <<<"$out" | awk '{ v = $1; if ($2 == "us") v /= 1000; if ($2 == "s") v *= 1000; printf "%.2f", v }')
  errors=$(sed -nE 's/.*Socket errors: (.*)/\1/p; s/.*Non-2xx or 3xx responses: ([0-9]+)/non-2xx \1/p' <<<"$out" | tr '\n' ' ')
  echo "$rps $p99 ${errors:-none}"
}

for connections in 50 1000; do
  read -r p_rps p_p99 p_err < <(measure pitwall "$pitwall_url" "$connections")
  read -r n_rps n_p99 n_err < <(measure nginx "$nginx_url" "$connections")
  ratio=$(awk -v a="$p_rps" -v b="$n_rps" 'BEGIN { printf "%.2f", a / b }')
  printf 'connections=%-5s pitwall %9.0f req/s p99 %7.2f ms (errors: %s) | nginx %9.0f req/s p99 %7.2f ms | ratio %s\n' \
    "$connections" "$p_rps" "$p_p99" "$p_err" "$n_rps" "$n_p99" "$ratio"
done
