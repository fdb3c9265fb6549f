#!/usr/bin/env bash
# A synthetic store of visits, the F1 query over it, the server's memory at rest on it, and
# the retention purge of one day of a million visits.
# Usage: bench/store.sh sqlite|postgres PEOPLE DAYS VISITS_PER_DAY (postgres: under with-postgres.sh)
# KB_STORE_VENUES sets the number of venues (synth's default 10,000); scale it with the people
# so that a person's contacts stay about as many as in a real town (100,000 for 10 M people).
# KB_STORE_KEEP=DIR keeps the store in DIR instead of a temp dir deleted at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=$1 people=$2 days=$3 per_day=$4
if [ -n "${KB_STORE_KEEP:-}" ]; then
  work=$KB_STORE_KEEP
  mkdir -p "$work"
else
  work=$(mktemp -d /tmp/kb-store.XXXXXX)
  trap 'rm -rf "$work"' EXIT
fi
if [ "$kind" = postgres ]; then db="${KB_TEST_PG_URL}?options=-csearch_path%3Dstore_$$"; else db="sqlite:$work/khaibao.db"; fi
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
start_server() {
  ./build/khaibao serve --db "$db" --data-dir "$work" --listen "127.0.0.1:$port" --write-limit-caller 0 --write-limit-address 0 --retention-days 0 >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
}
start_server  # creates the schema and the administrator
kill $pid; wait $pid || true
t0=$(date +%s.%N)
./build/khaibao admin synth --db "$db" --data-dir "$work" --people "$people" --venues "${KB_STORE_VENUES:-10000}" --days "$days" --visits-per-day "$per_day" >&2
synth_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
f1=$(./build/bench_trace "$db" 1000)
echo "$f1" >&2
start_server
for _ in $(seq 200); do curl -s "http://127.0.0.1:$port/api/v1/areas/provinces" >/dev/null; done
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
kill $pid; wait $pid || true
# Retention: one more day of ${KB_BENCH_PURGE_ROWS:-1000000} visits, 35 days ago, then the purge
# (retention 28 days) that drops it, on the store above.
./build/khaibao admin synth --db "$db" --data-dir "$work" --people 10000 --venues 1000 --days 1 --seed 35 \
  --visits-per-day "${KB_BENCH_PURGE_ROWS:-1000000}" --end-time $(( $(date +%s) - 34 * 86400 )) >&2
purge=$(./build/khaibao admin purge --db "$db" --data-dir "$work" --retention-days 28)
echo "$purge" >&2
purge_rows=$(echo "$purge" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).rows))')
purge_s=$(echo "$purge" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).seconds.toFixed(3)))')
p50=$(echo "$f1" | sed -E 's/.*p50_ms=([0-9.]+).*/\1/')
p99=$(echo "$f1" | sed -E 's/.*p99_ms=([0-9.]+).*/\1/')
contacts=$(echo "$f1" | sed -E 's/.*mean_contacts=([0-9.]+).*/\1/')
echo "| $kind | ${synth_s} s | p50 ${p50} ms, p99 ${p99} ms (mean ${contacts} contacts) | $((rss_kb / 1024)) MB | ${purge_rows} rows in ${purge_s} s |"
