#!/usr/bin/env bash
# Lab results import at scale (issue 17): a round of KB_BENCH_TEST_PEOPLE (default 1,000,000)
# people sampled into pools of 10 (100,000 tubes), written straight into the database (sampling
# a million people through the API is not what is measured), then the lab's results CSV — one
# row per tube, 1 % of pools positive — uploaded through the API. Measured: the upload, from the
# request to the answer, which comes after every member's result is committed (and the positive
# pools' members are called back), and the server process's CPU time meanwhile (on PostgreSQL the
# database server's work is not in it). Prints one markdown table row, ending with the load average.
# Usage: bench/testing.sh sqlite|postgres   (postgres: run under scripts/with-postgres.sh)
# KB_BIN names another server binary (A/B runs; default build/khaibao).
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-sqlite}
bin=${KB_BIN:-build/khaibao}
people=${KB_BENCH_TEST_PEOPLE:-1000000}
tubes=$((people / 10))
work=$(mktemp -d /tmp/kb-bench-tx.XXXXXX)
schema=bench_tx_$$
if [ "$kind" = postgres ]; then
  db="${KB_TEST_PG_URL}?options=-csearch_path%3D$schema"
  sql() { PGOPTIONS="-c search_path=$schema" psql -q -v ON_ERROR_STOP=1 -At "$KB_TEST_PG_URL" "$@"; }
  series="generate_series(1, $people) AS n(x)"
  label="'T' || lpad(x::text, 7, '0')"
else
  db="sqlite:$work/khaibao.db"
  sql() { if [ $# -gt 0 ]; then sqlite3 "$work/khaibao.db" "$2"; else sqlite3 "$work/khaibao.db"; fi; }
  series="n"
  label="printf('T%07d', x)"
fi
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
pid=
serve() {
  "$bin" serve --db "$db" --data-dir "$work" --listen "127.0.0.1:$port" --write-limit-caller 0 --write-limit-address 0 >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1
}
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
serve
echo 'a long enough bench password' >"$work/pw"
"$bin" admin user add --db "$db" --data-dir "$work" --username bench.tx --role official \
  --jurisdiction 79 --password-file "$work/pw" >&2
token=$(curl -sf -H 'content-type: application/json' -d '{"username":"bench.tx","password":"a long enough bench password"}' \
  "http://127.0.0.1:$port/api/v1/auth/login" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
round=$(curl -sf -H "authorization: Bearer $token" -H 'content-type: application/json' \
  -d '{"name":"Bench round","kind":"walk_in","pool_size":10}' "http://127.0.0.1:$port/api/v1/testing/rounds" |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).id))')
kill $pid; wait $pid 2>/dev/null || true; pid=

# The sampled round, straight into the database.
start=$(date +%s.%N)
[ "$kind" = sqlite ] && sqlite3 "$work/khaibao.db" \
  "CREATE TABLE n(x INTEGER PRIMARY KEY); WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < $people) INSERT INTO n SELECT x FROM s;"
sql <<SQL >&2
BEGIN;
INSERT INTO people (full_name, created_at, updated_at) SELECT 'Người ' || x, 0, 0 FROM $series;
CREATE TEMP TABLE base AS SELECT (SELECT MIN(id) FROM people WHERE full_name = 'Người 1') AS person,
  (SELECT id FROM users WHERE username = 'bench.tx') AS official;
INSERT INTO test_tubes (round_id, label, kind, capacity, members, created_by, created_at)
  SELECT $round, $label, 'pool', 10, 10, (SELECT official FROM base), 0 FROM $series WHERE x <= $tubes;
INSERT INTO test_samples (round_id, person_id, tube_id, kind, attempt, taken_at, taken_by)
  SELECT $round, (SELECT person FROM base) + x - 1,
         (SELECT MIN(id) FROM test_tubes WHERE round_id = $round) + (x - 1) / 10, 'pcr', 0, 0, (SELECT official FROM base)
  FROM $series;
COMMIT;
ANALYZE;
SQL
echo "prepared $people samples in $tubes tubes in $(echo "$(date +%s.%N) - $start" | bc) s" >&2
node -e '
  const n = Number(process.argv[1]);
  const lines = ["tube_id,result,time,lab"];
  for (let i = 1; i <= n; i++) lines.push(`T${String(i).padStart(7, "0")},${i % 100 === 0 ? "positive" : "negative"},2026-11-26 10:00,Viện Pasteur`);
  require("fs").writeFileSync(process.argv[2], lines.join("\r\n") + "\r\n");
' "$tubes" "$work/results.csv"

serve
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }  # the server's user + system time, in ticks
cpu_before=$(cpu)
start=$(date +%s.%N)
curl -sf -H "authorization: Bearer $token" -H 'content-type: text/csv' -H 'Expect:' --data-binary "@$work/results.csv" \
  "http://127.0.0.1:$port/api/v1/testing/results/upload" >"$work/applied.json"
end=$(date +%s.%N)
cpu_secs=$(printf "%.1f" "$(echo "scale=2; ($(cpu) - $cpu_before) / $(getconf CLK_TCK)" | bc)")
cat "$work/applied.json" >&2; echo >&2
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
kill $pid; wait $pid 2>/dev/null || true; pid=
# Results have their own table since migration 47 (before it: test_samples.result).
recorded=$(sql -c "SELECT COUNT(*) FROM test_results" 2>/dev/null ||
  sql -c "SELECT COUNT(*) FROM test_samples WHERE result IS NOT NULL")
messages=$(sql -c "SELECT COUNT(*) FROM messages WHERE kind = 'urgent'")
if [ "$kind" = postgres ]; then sql -c "DROP SCHEMA $schema CASCADE" >/dev/null; fi
secs=$(echo "$end - $start" | bc)
printf '| %s | %d people, %d pools | %.1f s | %s s | %d results recorded | %s call-backs | %d MB | %s |\n' \
  "$kind" "$people" "$tubes" "$secs" "$cpu_secs" "$recorded" "$messages" $((rss_kb / 1024)) "$(cut -d' ' -f1 /proc/loadavg)"
