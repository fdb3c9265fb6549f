#!/usr/bin/env bash
# Profile of the server during the ingest benchmark's check-ins, then during /healthz under the
# same wrk (bench/ingest.sh's load): perf record -g of the server (and of PostgreSQL's processes)
# for 8 s in the middle of each, and the CPU of the server, PostgreSQL and wrk (/proc).
# Usage: bench/ingest_profile.sh sqlite|postgres OUTDIR (postgres: under scripts/with-postgres.sh),
# then e.g. `perf script -i OUTDIR/checkin.server.data | bench/perf_centres.py US_PER_CHECKIN`.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
kind=$1; out=$2; mkdir -p "$out"
work=$(mktemp -d /tmp/kb-prof.XXXXXX)
port=$(free_port)
case $kind in
  sqlite) db="sqlite:$work/khaibao.db" ;;
  postgres) db="${KB_TEST_PG_URL}?options=-csearch_path%3Dbench_$$" ;;
esac
start_khaibao "$db" "$work" "$port"
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
wait_healthy "$port" || { cat "$work/server.log" >&2; exit 1; }
node bench/prepare.mjs "http://127.0.0.1:$port" "$work" 2000 400 "$work/pairs.txt" >&2
export KB_PAIRS="$work/pairs.txt"
ticks() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $t; }
pgpids=()
if [ "$kind" = postgres ]; then
  pm=$(ps -o ppid= -p "$(psql "$KB_TEST_PG_URL" -Atc "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")" | tr -d ' ')
  pgpids=($pm $(pgrep -P $pm))
fi
wrk -t2 -c64 -d3s --latency -s bench/checkin.lua "http://127.0.0.1:$port" -- 0 0 > "$out/warm.txt"
cur=$(sed -n 's/^next_pairs= //p' "$out/warm.txt")
echo "load before: $(cat /proc/loadavg)" > "$out/summary.txt"
s0=$(ticks $pid); p0=$(ticks "${pgpids[@]}")
/usr/bin/time -f "wrk_cpu %U %S %e" -o "$out/wrk_checkin_time.txt" \
  wrk -t2 -c64 -d15s --latency -s bench/checkin.lua "http://127.0.0.1:$port" -- $cur > "$out/wrk_checkin.txt" &
wpid=$!
sleep 3
wrkpid=$(pgrep -P $wpid wrk || echo $wpid)
w0=$(ticks $wrkpid); ws0=$(ticks $pid); wp0=$(ticks "${pgpids[@]}"); (sleep 8; echo "window8s wrk_ticks $(( $(ticks $wrkpid) - w0 )) server_ticks $(( $(ticks $pid) - ws0 )) pg_ticks $(( $(ticks "${pgpids[@]}") - wp0 ))" >> "$out/summary.txt") &
perfs=($!)
perf record -F 999 -g -o "$out/checkin.server.data" -p $pid -- sleep 8 2>"$out/perf1.log" &
perfs+=($!)
if [ "$kind" = postgres ]; then
  pgpids=($pm $(pgrep -P $pm))
  perf record -F 999 -g -o "$out/checkin.pg.data" -p "$(IFS=,; echo "${pgpids[*]}")" -- sleep 8 2>"$out/perf2.log" &
  perfs+=($!)
fi
wait $wpid
wait "${perfs[@]}"
s1=$(ticks $pid); p1=$(ticks "${pgpids[@]}")
n=$(awk '/requests in/ {print $1}' "$out/wrk_checkin.txt")
echo "checkins $n server_ticks $((s1-s0)) pg_ticks $((p1-p0)) clk_tck $(getconf CLK_TCK)" >> "$out/summary.txt"
echo "load after checkins: $(cat /proc/loadavg)" >> "$out/summary.txt"
s0=$(ticks $pid)
/usr/bin/time -f "wrk_cpu %U %S %e" -o "$out/wrk_health_time.txt" \
  wrk -t2 -c64 -d15s --latency "http://127.0.0.1:$port/healthz" > "$out/wrk_health.txt" &
wpid=$!
sleep 3
wrkpid=$(pgrep -P $wpid wrk || echo $wpid)
w0=$(ticks $wrkpid); ws0=$(ticks $pid); (sleep 8; echo "health window8s wrk_ticks $(( $(ticks $wrkpid) - w0 )) server_ticks $(( $(ticks $pid) - ws0 ))" >> "$out/summary.txt") &
p4=$!
perf record -F 999 -g -o "$out/health.server.data" -p $pid -- sleep 8 2>"$out/perf3.log" &
p3=$!
wait $wpid; wait $p3 $p4
s1=$(ticks $pid)
n=$(awk '/requests in/ {print $1}' "$out/wrk_health.txt")
echo "healthz $n server_ticks $((s1-s0))" >> "$out/summary.txt"
echo "load after: $(cat /proc/loadavg)" >> "$out/summary.txt"
cat "$out/summary.txt" "$out/wrk_checkin_time.txt" "$out/wrk_health_time.txt"
