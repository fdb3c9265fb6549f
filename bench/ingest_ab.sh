#!/usr/bin/env bash
# A before/after comparison of check-in ingest: 5 rounds of bench/ingest.sh sqlite, one run of
# each binary per round, in alternating order; prints each run's rate and server CPU per check-in.
# Usage: bench/ingest_ab.sh BEFORE_BINARY AFTER_BINARY
set -euo pipefail
cd "$(dirname "$0")/.."
before=$1 after=$2
for i in 1 2 3 4 5; do
  if [ $((i % 2)) -eq 1 ]; then order="before after"; else order="after before"; fi
  for which in $order; do
    bin=$before; [ "$which" = after ] && bin=$after
    err=$(mktemp)
    row=$(KB_BIN=$bin KB_BENCH_RUNS=1 KB_BENCH_DURATION=8s KB_BENCH_WARMUP=2s bench/ingest.sh sqlite 2>"$err")
    cpu=$(grep -o "server [0-9]* µs" "$err" | grep -o "[0-9]*")
    rm -f "$err"
    echo "$i $which rate=$(echo "$row" | awk -F'|' '{print $3}' | awk '{print $1}') cpu_us=$cpu"
  done
done
