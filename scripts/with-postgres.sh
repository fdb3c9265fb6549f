#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server: initdb into a temp dir, start on a free
# port on 127.0.0.1, export KB_TEST_PG_URL, run "$@", stop and delete the server.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
# Tests run it with fsync off (speed); KB_PG_SERVER_OPTS adds server options after that, e.g.
# "-c fsync=on -c shared_buffers=1GB" for benchmarks whose figures must be durable.
set -euo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] || { echo "with-postgres: PostgreSQL is not installed (scripts/install-deps.sh)" >&2; exit 1; }

dir=$(mktemp -d /tmp/kb-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')

cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
  { cat "$dir/initdb.log" >&2; exit 1; }
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 ${KB_PG_SERVER_OPTS:-}" start >/dev/null ||
  { cat "$dir/server.log" >&2; exit 1; }

export KB_TEST_PG_URL="postgresql://postgres@127.0.0.1:$port/postgres"
echo "with-postgres: PostgreSQL on port $port"
"$@"
