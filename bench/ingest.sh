#!/usr/bin/env bash
# Check-in ingest over HTTP against a fresh server: wrk posts distinct check-ins over
# keep-alive connections (each reply is sent only after its write is committed), then the
# same server's /healthz rate, three runs each. Prints one markdown table row.
# Usage: bench/ingest.sh sqlite|postgres|peer   (postgres, peer: run under scripts/with-postgres.sh)
# `peer` runs the peer baseline (bench/peer/server.mjs, Node + PostgreSQL) instead of khaibao,
# with the same load. KB_SERVE_ARGS adds options to `khaibao serve`; KB_BIN names another binary
# (a before/after comparison).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
kind=${1:-sqlite}
runs=${KB_BENCH_RUNS:-3}
duration=${KB_BENCH_DURATION:-15s}
work=$(mktemp -d /tmp/kb-bench.XXXXXX)
port=$(free_port)
citizens=${KB_BENCH_CITIZENS:-2000}
venues=${KB_BENCH_VENUES:-400}
case $kind in
  sqlite) db="sqlite:$work/khaibao.db" ;;
  postgres) db="${KB_TEST_PG_URL}?options=-csearch_path%3Dbench_$$" ;;
  peer) db="$KB_TEST_PG_URL" ;;
  *) echo "usage: bench/ingest.sh sqlite|postgres|peer" >&2; exit 2 ;;
esac
if [ "$kind" = peer ]; then
  # The peer has no sign-in API: its citizens and venues are written before it starts.
  node bench/peer/prepare.mjs "$db" "$citizens" "$venues" "$work/pairs.txt" >&2
  node bench/peer/server.mjs "$db" "127.0.0.1:$port" >"$work/server.log" 2>&1 &
  pid=$!
else
  start_khaibao "$db" "$work" "$port"
fi
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
wait_healthy "$port" || { cat "$work/server.log" >&2; exit 1; }

if [ "$kind" != peer ]; then
  node bench/prepare.mjs "http://127.0.0.1:$port" "$work" "$citizens" "$venues" "$work/pairs.txt" >&2
fi
export KB_PAIRS="$work/pairs.txt"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# Peak RSS of the server: the process and its children (the peer's cluster workers).
peak_rss_kb() {
  local total=0 p
  for p in $1 $(pgrep -P "$1"); do
    total=$((total + $(awk '/VmHWM/ {print $2}' "/proc/$p/status")))
  done
  echo "$total"
}
threads=2
rates=(); p50s=(); p99s=(); p999s=(); health=()
echo "ingest $kind: load average $(cut -d' ' -f1-3 /proc/loadavg) before the runs" >&2
# Each run goes on where the last one stopped (a cursor per wrk thread): no run repeats another's.
cursors=$(printf '0 %.0s' $(seq $threads))
checkins() {
  out=$(wrk -t$threads -c64 -d"$1" --latency -s bench/checkin.lua "http://127.0.0.1:$port" -- $cursors)
  echo "$out" >&2
  cursors=$(echo "$out" | sed -n 's/^next_pairs= //p')
}
# The same warm-up for every server (khaibao's prepare.mjs made requests, the peer's made none;
# the peer's JIT needs a few seconds): check-ins that are not counted.
checkins "${KB_BENCH_WARMUP:-3s}"
not_new=0  # answers other than 201 in the measured runs (duplicates once the pairs wrap in a minute)
# CPU time that the server and PostgreSQL spend per check-in: on a busy machine it compares two
# servers better than the rate does (the machine gives more of its time to the server that has
# more runnable processes). PostgreSQL's processes are its postmaster's children.
cpu_ticks() {
  local total=0 p
  for p in "$@" $(for q in "$@"; do pgrep -P "$q"; done); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
postmaster=()
if [ "$kind" != sqlite ]; then
  postmaster=($(ps -o ppid= -p "$(psql "$KB_TEST_PG_URL" -Atc \
    "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'")"))
fi
server_ticks=0; pg_ticks=0; counted=0
for i in $(seq "$runs"); do
  s0=$(cpu_ticks "$pid"); p0=$(cpu_ticks "${postmaster[@]}")
  checkins "$duration"
  server_ticks=$((server_ticks + $(cpu_ticks "$pid") - s0)); pg_ticks=$((pg_ticks + $(cpu_ticks "${postmaster[@]}") - p0))
  counted=$((counted + $(echo "$out" | awk '/requests in/ {print $1}')))
  not_new=$((not_new + $(echo "$out" | awk '/^statuses/ {for (i = 2; i <= NF; i++) if ($i !~ /^201=/) {split($i, kv, "="); n += kv[2]}} END {print n + 0}')))
  rates+=("$(echo "$out" | awk '/Requests\/sec/ {print $2}')")
  line=$(echo "$out" | grep latency_us)
  p50s+=("$(echo "$line" | sed -E 's/.*p50=([0-9]+).*/\1/')")
  p99s+=("$(echo "$line" | sed -E 's/.*p99=([0-9]+).*/\1/')")
  p999s+=("$(echo "$line" | sed -E 's/.*p999=([0-9]+).*/\1/')")
  hout=$(wrk -t$threads -c64 -d"$duration" --latency "http://127.0.0.1:$port/healthz")
  echo "$hout" | grep -E 'Requests/sec|^ +(50|99)%' | sed 's/^/healthz: /' >&2
  health+=("$(echo "$hout" | awk '/Requests\/sec/ {print $2}')")
done
echo "ingest $kind: load average $(cut -d' ' -f1-3 /proc/loadavg) after the runs" >&2
us_per_tick=$((1000000 / $(getconf CLK_TCK)))
echo "ingest $kind: CPU per check-in: server $((server_ticks * us_per_tick / counted)) µs," \
  "PostgreSQL $((pg_ticks * us_per_tick / counted)) µs" >&2
rss_kb=$(peak_rss_kb "$pid")
rate=$(printf '%s\n' "${rates[@]}" | median)
hrate=$(printf '%s\n' "${health[@]}" | median)
p50=$(printf '%s\n' "${p50s[@]}" | median)
p99=$(printf '%s\n' "${p99s[@]}" | median)
p999=$(printf '%s\n' "${p999s[@]}" | median)
ratio=$(awk -v a="$rate" -v b="$hrate" 'BEGIN {printf "%.2f", a / b}')
all=$(printf '%s / ' "${rates[@]}")
label=$kind
[ "$kind" = peer ] && label="peer: Node $(node -v | sed 's/^v//;s/\..*//') + pg, PostgreSQL"
# A figure with answers that were not new visits is not comparable: say so in the row. More
# venues (KB_BENCH_VENUES) make more distinct pairs.
[ "$not_new" -eq 0 ] || label="$label ($not_new answers not 201)"
printf '| %s | %.0f (%s) | %.1f / %.1f / %.1f ms | %.0f | %s | %d MB |\n' "$label" "$rate" "${all% / }" \
  "$(awk -v v="$p50" 'BEGIN {print v/1000}')" "$(awk -v v="$p99" 'BEGIN {print v/1000}')" \
  "$(awk -v v="$p999" 'BEGIN {print v/1000}')" "$hrate" "$ratio" $((rss_kb / 1024))
