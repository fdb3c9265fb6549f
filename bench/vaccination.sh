#!/usr/bin/env bash
# Import of a raw vaccination list of KB_BENCH_LIST_ROWS (default 1,000,000) rows through the
# API (bench/vaccination_list.mjs writes it, messy as real lists are), while check-ins keep
# flowing: a short wrk run of check-ins before the import (alone) and one during it. Then the
# full report (report.csv) is downloaded. Prints one markdown table row.
# Usage: bench/vaccination.sh sqlite|postgres   (postgres: run under scripts/with-postgres.sh)
# KB_BIN: the server binary (default ./build/khaibao), to compare builds.
set -euo pipefail
cd "$(dirname "$0")/.."
kind=${1:-sqlite}
rows=${KB_BENCH_LIST_ROWS:-1000000}
wrk_seconds=${KB_BENCH_IMPORT_WRK:-10}
work=$(mktemp -d /tmp/kb-bench-vx.XXXXXX)
list=${KB_BENCH_LIST:-/tmp/kb-vaccination-list-$rows.csv}
source bench/lib.sh
port=$(free_port)
if [ "$kind" = postgres ]; then
  db="${KB_TEST_PG_URL}?options=-csearch_path%3Dbench_vx_$$"
else
  db="sqlite:$work/khaibao.db"
fi
[ -s "$list" ] || node bench/vaccination_list.mjs "$rows" "$list" >&2
start_khaibao "$db" "$work" "$port"
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
wait_healthy "$port"

echo 'a long enough bench password' >"$work/pw"
"${KB_BIN:-./build/khaibao}" admin user add --db "$db" --data-dir "$work" --username bench.vx --role official \
  --jurisdiction 79 --password-file "$work/pw" >&2
token=$(curl -sf -H 'content-type: application/json' -d '{"username":"bench.vx","password":"a long enough bench password"}' \
  "http://127.0.0.1:$port/api/v1/auth/login" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
node bench/prepare.mjs "http://127.0.0.1:$port" "$work" 500 100 "$work/pairs.txt" >&2
export KB_PAIRS="$work/pairs.txt"

p99_of() { grep latency_us | sed -E 's/.*p99=([0-9]+).*/\1/'; }
rate_of() { awk '/Requests\/sec/ {printf "%.0f", $2}'; }
echo "vaccination $kind: load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs" >&2
alone=$(wrk -t2 -c64 -d"${wrk_seconds}s" --latency -s bench/checkin.lua "http://127.0.0.1:$port" -- 0 0)
echo "$alone" >&2
cursors=$(echo "$alone" | sed -n 's/^next_pairs= //p')

# Check-ins during the import: wrk starts a second after the upload and runs while it goes on,
# from where the first run stopped (no check-in repeats one of the first run).
(sleep 1; wrk -t2 -c64 -d"${wrk_seconds}s" --latency -s bench/checkin.lua "http://127.0.0.1:$port" -- $cursors \
  >"$work/during.txt") &
wrk_pid=$!
# The server's CPU seconds and bytes written over the upload, which a busy machine changes less
# than the wall time.
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$pid/stat"; }
written_of() { awk '/^write_bytes/ {print $2}' "/proc/$pid/io"; }
# And the whole machine's busy CPU (PostgreSQL's processes, wrk during its 10 s, the rest).
machine_cpu_of() { awk -v hz="$(getconf CLK_TCK)" '/^cpu / {printf "%.1f", ($2 + $3 + $4 + $7 + $8) / hz}' /proc/stat; }
cpu0=$(cpu_of); written0=$(written_of); machine_cpu0=$(machine_cpu_of)
start=$(date +%s.%N)
curl -sf -H "authorization: Bearer $token" -H 'content-type: text/csv' -H 'Expect:' --data-binary "@$list" \
  "http://127.0.0.1:$port/api/v1/vaccination/imports?file_name=bench.csv" >"$work/import.json"
end=$(date +%s.%N)
cpu1=$(cpu_of); written1=$(written_of); machine_cpu1=$(machine_cpu_of)
echo "import: server CPU $(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {print b - a}') s, machine CPU $(awk -v a="$machine_cpu0" -v b="$machine_cpu1" 'BEGIN {print b - a}') s, written $(( (written1 - written0) / 1048576 )) MB, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
wait $wrk_pid
during=$(cat "$work/during.txt")
echo "$during" >&2
cat "$work/import.json" >&2
id=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).id)' "$work/import.json")
counts=$(node -e 'const c=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).counts;console.log(`${c.clean} clean, ${c.fixed} fixed, ${c.duplicate} duplicate, ${c.rejected} rejected`)' "$work/import.json")
rstart=$(date +%s.%N)
report_lines=$(curl -sf -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/vaccination/imports/$id/report.csv" | wc -l)
rend=$(date +%s.%N)
rss_kb=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
size_mb=$(( $(stat -c %s "$list") / 1048576 ))
printf '| %s | %s rows, %d MB | %.1f s (%s) | %.1f s (%d lines) | %.0f/s, p99 %.1f ms | %.0f/s, p99 %.1f ms | %d MB |\n' \
  "$kind" "$rows" "$size_mb" "$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')" "$counts" "$(awk -v a="$rstart" -v b="$rend" 'BEGIN {print b - a}')" "$report_lines" \
  "$(echo "$alone" | rate_of)" "$(awk -v v="$(echo "$alone" | p99_of)" 'BEGIN {print v/1000}')" \
  "$(echo "$during" | rate_of)" "$(awk -v v="$(echo "$during" | p99_of)" 'BEGIN {print v/1000}')" $((rss_kb / 1024))
