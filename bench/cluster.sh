#!/usr/bin/env bash
# Check-ins through HAProxy (deploy/haproxy.cfg) against 1, 2 and 3 khaibao nodes on one
# PostgreSQL, and against node 1 directly: what the load balancer adds to a check-in, and what
# more nodes do on this machine. On 2 cores the nodes, PostgreSQL, HAProxy and wrk share the
# same CPUs, so more nodes show contention, not scaling. Prints markdown table rows.
# Usage: scripts/with-postgres.sh bench/cluster.sh   (KB_BENCH_DURATION, default 10s)
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${KB_BENCH_DURATION:-10s}
work=$(mktemp -d /tmp/kb-cluster.XXXXXX)
db="${KB_TEST_PG_URL}?options=-csearch_path%3Dcluster_$$"
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
up() { for _ in $(seq 200); do curl -sf "$1/healthz" >/dev/null && return 0; sleep 0.1; done; return 1; }
ports=()
for n in 1 2 3; do
  port=$(free_port)
  ./build/khaibao serve --db "$db" --data-dir "$work" --listen "127.0.0.1:$port" --otp-ip-limit 1000000 \
    --otp-resend-after 0 --write-limit-caller 0 --write-limit-address 0 --trusted-proxy 127.0.0.1 >"$work/node$n.log" 2>&1 &
  pids+=($!)
  up "http://127.0.0.1:$port" || { cat "$work/node$n.log" >&2; exit 1; }
  ports+=("$port")
done
node bench/prepare.mjs "http://127.0.0.1:${ports[0]}" "$work" 2000 400 "$work/pairs.txt" >&2
export KB_PAIRS="$work/pairs.txt"
cursors="0 0"
run() {  # label URL
  local out line
  out=$(wrk -t2 -c64 -d"$duration" --latency -s bench/checkin.lua "$2" -- $cursors)
  cursors=$(echo "$out" | sed -n 's/^next_pairs= //p')
  line=$(echo "$out" | grep latency_us)
  printf '| %s | %.0f | %.1f / %.1f ms | %s | %s |\n' "$1" "$(echo "$out" | awk '/Requests\/sec/ {print $2}')" \
    "$(echo "$line" | sed -E 's/.*p50=([0-9]+).*/\1/' | awk '{print $1/1000}')" \
    "$(echo "$line" | sed -E 's/.*p99=([0-9]+).*/\1/' | awk '{print $1/1000}')" \
    "$(echo "$out" | sed -n 's/^statuses *//p')" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
balancer() {  # node ports for servers 1..3 → starts HAProxy, echoes its URL
  local lb; lb=$(free_port)
  KB_LB_BIND="127.0.0.1:$lb" KB_NODE1="127.0.0.1:$1" KB_NODE2="127.0.0.1:$2" KB_NODE3="127.0.0.1:$3" \
    haproxy -db -f deploy/haproxy.cfg >"$work/haproxy-$lb.log" 2>&1 &
  pids+=($!)
  up "http://127.0.0.1:$lb" >/dev/null
  echo "http://127.0.0.1:$lb $!"
}
run "warm-up (not counted)" "http://127.0.0.1:${ports[0]}" >/dev/null
run "node 1 directly" "http://127.0.0.1:${ports[0]}"
read -r url hp < <(balancer "${ports[0]}" "${ports[0]}" "${ports[0]}")
run "HAProxy → node 1" "$url"; kill "$hp"
run "node 1 directly (again)" "http://127.0.0.1:${ports[0]}"
# Two nodes: the third server names a port nobody listens on, which the health checks take out.
read -r url hp < <(balancer "${ports[0]}" "${ports[1]}" "$(free_port)")
sleep 3
run "HAProxy → 2 nodes" "$url"; kill "$hp"
read -r url hp < <(balancer "${ports[0]}" "${ports[1]}" "${ports[2]}")
run "HAProxy → 3 nodes" "$url"; kill "$hp"
