#!/usr/bin/env bash
# The officials' dashboard with a store of visits, and the levels of every area.
# A synthetic store (khaibao admin synth), its check-in figures and 20,000 recent cases
# (bench_dashboard, which also times levels::recompute of the 34 provinces and 3,321 wards), then
# wrk with bench/dashboard.lua (4, then 16 connections): a national official opening dashboard pages
# of the country, each province and 100 wards. Prints one table row.
# Usage: bench/dashboard.sh sqlite|postgres PEOPLE DAYS VISITS_PER_DAY (postgres: under with-postgres.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
kind=$1 people=$2 days=$3 per_day=$4
work=$(mktemp -d /tmp/kb-dashboard.XXXXXX)
if [ "$kind" = postgres ]; then db="${KB_TEST_PG_URL}?options=-csearch_path%3Ddashboard_$$"; else db="sqlite:$work/khaibao.db"; fi
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
pid=
serve() {
  ./build/khaibao serve --db "$db" --data-dir "$work" --listen "127.0.0.1:$port" --write-limit-caller 0 --write-limit-address 0 --retention-days 0 >>"$work/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1
}
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
serve  # creates the schema, the areas and the administrator
kill $pid; wait $pid 2>/dev/null || true; pid=
t0=$(date +%s.%N)
./build/khaibao admin synth --db "$db" --data-dir "$work" --people "$people" --days "$days" --visits-per-day "$per_day" >&2
synth_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
prep=$(./build/bench_dashboard "$db" "${KB_BENCH_CASES:-20000}" 5)
echo "$prep" >&2
echo 'a long enough bench password' >"$work/pw"
./build/khaibao admin user add --db "$db" --data-dir "$work" --username bench.dash --role official \
  --jurisdiction national --password-file "$work/pw" >&2
serve
token=$(curl -sf -H 'content-type: application/json' -d '{"username":"bench.dash","password":"a long enough bench password"}' \
  "http://127.0.0.1:$port/api/v1/auth/login" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
areas=$(node -e '
  const base = process.argv[1];
  (async () => {
    const provinces = await (await fetch(`${base}/api/v1/areas/provinces`)).json();
    const wards = [];
    for (const p of ["79", "01"]) wards.push(...(await (await fetch(`${base}/api/v1/areas/provinces/${p}/wards`)).json()).slice(0, 50));
    console.log(["*", ...provinces.map((p) => p.code), ...wards.map((w) => w.code)].join(","));
  })();' "http://127.0.0.1:$port")
# One warm-up pass, then the measured runs: a few officials at once, then a crowd.
KB_TOKEN=$token KB_AREAS=$areas wrk -t2 -c16 -d3s -s bench/dashboard.lua "http://127.0.0.1:$port" >/dev/null
field() { echo " $1" | sed -E "s/.* $2=([0-9.]+).*/\1/"; }
ms() { awk -v us="$1" 'BEGIN {printf "%.1f", us / 1000}'; }
pages=""
for c in 4 16; do
  run=$(KB_TOKEN=$token KB_AREAS=$areas wrk -t2 -c$c -d"${KB_BENCH_DURATION:-15s}" --latency -s bench/dashboard.lua "http://127.0.0.1:$port" | grep '^result')
  echo "c$c $run" >&2
  pages="$pages${pages:+; }$c connections: $(field "$run" rps) pages/s, p50 $(ms "$(field "$run" p50)") ms, p99 $(ms "$(field "$run" p99)") ms, p99.9 $(ms "$(field "$run" p999)") ms ($(echo "$run" | sed -E 's/.*statuses= ?//'))"
done
echo "| $kind | $(field "$prep" visits) visits, ${synth_s} s to synthesise | $pages | $(field "$prep" areas) areas: median $(field "$prep" levels_median_s) s, slowest $(field "$prep" levels_max_s) s |"
