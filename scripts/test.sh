#!/usr/bin/env bash
# Runs every test suite through CTest (unit, API on SQLite and PostgreSQL, browser) with their
# output, then prints the total of individual tests across suites.
set -uo pipefail
cd "$(dirname "$0")/.."
log=$(mktemp)
ctest --test-dir build --verbose --timeout 1200 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# gtest: "[  PASSED  ] 12 tests." / "[  FAILED  ] 2 tests,"; node --test: "# pass 12" / "# fail 0"
passed=$(grep -Eo '(\[  PASSED  \] [0-9]+|# pass [0-9]+)' "$log" | grep -Eo '[0-9]+$' | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '(\[  FAILED  \] [0-9]+ tests?,|# fail [0-9]+)' "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
rm -f "$log"
echo
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
exit "$status"
