#!/bin/sh
# Route handlers are thin HTTP adapters: the SQL lives in server/app/store/ (typed records, one
# place per table, what a second engine would implement). The route files below still hold SQL
# while they move over (issue 17); the list may only shrink: a route file not on it that gains
# SQL fails, and so does one on it that no longer has any (take it off the list).
set -eu
cd "$(dirname "$0")/../.."
still="routes_community.cpp routes_races.cpp routes_submissions.cpp"
pattern='SQLite::|db::(Statement|Transaction)|"[^"]*\b(SELECT|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM)\b'
failed=0
for f in server/app/routes_*.cpp; do
  name=$(basename "$f")
  if grep -qE "$pattern" "$f"; then has=1; else has=0; fi
  case " $still " in *" $name "*) listed=1 ;; *) listed=0 ;; esac
  if [ "$has" = 1 ] && [ "$listed" = 0 ]; then
    echo "$f holds SQL: move it to a store in server/app/store/"; grep -nE "$pattern" "$f" | head -5; failed=1
  fi
  if [ "$has" = 0 ] && [ "$listed" = 1 ]; then
    echo "$f holds no SQL any more: take it off the list in $0"; failed=1
  fi
done
[ "$failed" = 0 ] && echo "route files: SQL only where still listed ($still)"
exit "$failed"
