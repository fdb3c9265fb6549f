#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/CMakeLists.txt, clang) and runs them, two at a time.
#   fuzz/run.sh --runs 1000000     each target for that many inputs (make fuzz)
#   fuzz/run.sh --seconds 20       each target for that long (the CTest test fuzz-short)
#   fuzz/run.sh --build-only       builds them and stops
# More options: --jobs N (targets at a time, default 2), and target names to run only those.
# Each target starts from its seeds (fuzz/corpus/NAME, never written to) and the inputs it
# found before (build-fuzz/corpus/NAME), with the tokens of fuzz/dict/NAME.dict if any. Prints one line per target (inputs, time, exec/s,
# coverage); a finding prints the sanitizer's or the invariant's report, leaves the input in
# build-fuzz/findings/, and makes the exit status 1.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
targets_all=(cccd_qr bhyt_qr qr_token phone name json_body router http_request lab_results screening hc1
  vaccination_list zalo_event)

mode="" limit="" jobs=2 targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) mode=runs limit=$2; shift 2 ;;
    --seconds) mode=seconds limit=$2; shift 2 ;;
    --build-only) mode=build; shift ;;
    --jobs) jobs=$2; shift 2 ;;
    -*) echo "fuzz/run.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ -n "$mode" ] || { echo "usage: fuzz/run.sh --runs N | --seconds S | --build-only [--jobs N] [target…]" >&2; exit 2; }
[ ${#targets[@]} -gt 0 ] || targets=("${targets_all[@]}")

if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root/fuzz" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null || exit 1
fi
cmake --build "$build" -j 2 >/dev/null || cmake --build "$build" -j 1 || exit 1
[ "$mode" = build ] && exit 0

mkdir -p "$build/logs" "$build/findings"
# Leaks are findings too; an input that takes over 10 s is a hang, reported as a finding.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

run_one() {
  local t=$1 log="$build/logs/$1.log"
  mkdir -p "$build/corpus/$t"
  local budget=(-runs="$limit")
  [ "$mode" = seconds ] && budget=(-max_total_time="$limit")
  local dict=()
  [ -f "$root/fuzz/dict/$t.dict" ] && dict=(-dict="$root/fuzz/dict/$t.dict")
  "$build/${t}_fuzz" "${budget[@]}" "${dict[@]}" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$build/findings/$t-" "$build/corpus/$t" "$root/fuzz/corpus/$t" >"$log" 2>&1
}

summary() {
  local t=$1 status=$2 log="$build/logs/$1.log"
  local runs secs rate cov ft corp
  runs=$(grep -Eo 'stat::number_of_executed_units: +[0-9]+' "$log" | grep -Eo '[0-9]+$')
  rate=$(grep -Eo 'stat::average_exec_per_sec: +[0-9]+' "$log" | grep -Eo '[0-9]+$')
  secs=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | grep -Eo 'in [0-9]+' | grep -Eo '[0-9]+')
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1)
  if [ "$status" -eq 0 ]; then
    printf 'fuzz %-13s %9s inputs in %4s s, %7s exec/s, %s: no finding\n' \
      "$t" "${runs:-?}" "${secs:-?}" "${rate:-?}" "${cov:-cov ?}"
  else
    echo "fuzz $t: FINDING (exit $status), input in $build/findings/, log $log:"
    local first
    first=$(grep -a -n -m1 -E 'invariant broken|ERROR: |runtime error|timeout after' "$log" | cut -d: -f1)
    sed -n "${first:-1},$((${first:-1} + 45))p" "$log" | cat -v
  fi
}

# Up to $jobs targets at a time; each line printed as its target ends.
failed=0 first_error=()
declare -A pid_of=()
start_next() {
  local t=$1
  run_one "$t" &
  pid_of[$!]=$t
}
queue=("${targets[@]}")
while [ ${#queue[@]} -gt 0 ] || [ ${#pid_of[@]} -gt 0 ]; do
  while [ ${#queue[@]} -gt 0 ] && [ ${#pid_of[@]} -lt "$jobs" ]; do
    start_next "${queue[0]}"
    queue=("${queue[@]:1}")
  done
  done_pid=""
  wait -n -p done_pid
  status=$?
  [ -n "$done_pid" ] || continue
  t=${pid_of[$done_pid]}
  unset "pid_of[$done_pid]"
  summary "$t" "$status"
  if [ "$status" -ne 0 ]; then
    failed=$((failed + 1))
    first_error+=("fuzz $t: FINDING: $(grep -a -m1 -E 'invariant broken|ERROR: |runtime error|timeout after' \
      "$build/logs/$t.log" | cut -c1-300 | cat -v)")
  fi
done
echo "fuzz: ${#targets[@]} targets, $failed with findings"
# Each finding's first line once more, last, so that the tail of a long log names them.
for line in "${first_error[@]}"; do echo "$line"; done
[ "$failed" -eq 0 ]
