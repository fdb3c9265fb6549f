#!/usr/bin/env bash
# make test-sanitize: the server and the unit tests built by g++ with AddressSanitizer and
# UBSan (build-sanitize/), then the unit tests and the API suite, on SQLite and on PostgreSQL,
# against that build. Every sanitizer report, from any process a test starts (the server, the
# admin commands), is written under build-sanitize/reports/ and fails the run.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=$root/build-sanitize
flags="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
# GCC warns of maybe-uninitialized members inside libstdc++ (std::regex, std::function) at -O1
# with the sanitizers: false positives that -Werror would turn into a failed build.
flags="$flags -Wno-maybe-uninitialized"

# The API tests need the npm modules (test libraries, the address list the server loads) and the
# built web app, which `make test-sanitize` makes first; run directly from a clean clone, the
# script makes them itself.
if [ ! -f node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund || exit 1
fi
if [ ! -f web/dist/index.html ]; then
  npm run build || exit 1
fi

# -O1 -g1 (line tables): the usual optimisation for sanitizer builds, and about half the compile
# time of -O2 -g on this Boost-heavy code; the reports still name file and line.
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null || exit 1
cmake --build "$build" -j 2 --target khaibao unit_tests || exit 1

reports=$build/reports
rm -rf "$reports" && mkdir -p "$reports"
# log_path: reports go to files (one per process), so a report from a server that a test
# started and stopped is seen even when the test itself passes. Leaks are reported too (at
# each process's exit). UBSan stops at its first report (-fno-sanitize-recover=undefined).
# KB_ASAN_OPTIONS adds AddressSanitizer options (e.g. detect_stack_use_after_return=0).
export ASAN_OPTIONS="log_path=$reports/asan${KB_ASAN_OPTIONS:+:$KB_ASAN_OPTIONS}"
export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1:halt_on_error=1"
# Leaks that are a library's (scripts/lsan-suppressions.txt); print_suppressions=0, or the list
# of suppressed leaks would itself be written as a report.
export LSAN_OPTIONS="suppressions=$root/scripts/lsan-suppressions.txt:print_suppressions=0"

status=0
run() {
  echo "== $*"
  "$@" || status=1
}
run "$build/unit_tests"
run scripts/with-postgres.sh "$build/unit_tests" --gtest_filter='Databases/*:Tracing*'
export KB_BIN=$build/khaibao
run env KB_TEST_DB=sqlite node --test --test-concurrency=1 tests/api/
run scripts/with-postgres.sh env KB_TEST_DB=postgres node --test --test-concurrency=1 tests/api/

found=$(find "$reports" -type f | sort)
if [ -n "$found" ]; then
  echo "sanitizer reports:"
  for f in $found; do
    echo "--- $f"
    head -80 "$f"
  done
  status=1
else
  echo "sanitizers: no report"
fi
exit "$status"
