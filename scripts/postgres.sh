#!/usr/bin/env bash
# A PostgreSQL of Pitwall's own, for tests and benchmarks: Debian's postgresql,
# a data directory of its own, loopback only, as an unprivileged user (root runs
# it as the `postgres` system user; anyone else as themselves).
#
#   scripts/postgres.sh start DIR PORT [--fresh]
#                                        initialises DIR when new, starts it; prints the URL
#                                        (--fresh: the `pitwall` database made again, empty)
#   scripts/postgres.sh stop DIR         stops it (fast shutdown)
#   scripts/postgres.sh url PORT         the URL of its `pitwall` database
#
# The cluster trusts local connections (no password) and runs with fsync off:
# it is for tests on this machine, never for a league (docs/DEPLOY.md says how).
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "postgres.sh: PostgreSQL is not installed (scripts/setup.sh installs it)" >&2; exit 2; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
url() { echo "postgresql://pitwall@127.0.0.1:$1/pitwall"; }

case "${1:-}" in
  start)
    dir=$(realpath -m "$2") port=$3
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir" && chmod 700 "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir" -A trust -U pitwall --no-sync -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 ||
        { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    if ! as_owner "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$dir" -w -t 60 -l "$dir/server.log" \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500" \
        start >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
    fi
    if [ "${4:-}" = --fresh ]; then
      "$bin/psql" -h 127.0.0.1 -p "$port" -U pitwall -d postgres -qc "DROP DATABASE IF EXISTS pitwall WITH (FORCE)"
    fi
    if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U pitwall -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'pitwall'" | grep -q 1; then
      "$bin/psql" -h 127.0.0.1 -p "$port" -U pitwall -d postgres -qc "CREATE DATABASE pitwall"
    fi
    url "$port"
    ;;
  stop)
    dir=$(realpath -m "$2")
    [ -f "$dir/postmaster.pid" ] && as_owner "$bin/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    exit 0
    ;;
  url) url "$2" ;;
  *) echo "usage: $0 start DIR PORT | stop DIR | url PORT" >&2; exit 2 ;;
esac
