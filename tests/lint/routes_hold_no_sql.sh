#!/bin/sh
# Route handlers are thin HTTP adapters, and the rest of the server calls the league's stores:
# SQL lives in server/app/store/ (typed records, one place per table, portable across the two
# engines of server/db) and in database.cpp (each engine's numbered migrations). Anywhere else in
# server/ or its command line, a statement or an SQL string fails this check. (A db::Transaction
# that groups store calls, as the demo seed's does, is not SQL.)
set -eu
cd "$(dirname "$0")/../.."
pattern='SQLite::|db::Statement|\bqueryInt\(|"[^"]*\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM)\b'
failed=0
for f in server/app/*.cpp server/app/*.h server/cli/*.cpp server/cli/*.h; do
  case "$f" in server/app/database.cpp) continue ;; esac
  if grep -qE "$pattern" "$f"; then
    echo "$f holds SQL: move it to a store in server/app/store/"; grep -nE "$pattern" "$f" | head -5; failed=1
  fi
done
[ "$failed" = 0 ] && echo "server/app and server/cli: SQL only in server/app/store/ and database.cpp's migrations"
exit "$failed"
