#!/usr/bin/env bash
# Runs every test suite through CTest (unit, API on SQLite and PostgreSQL, browser) with their
# output, then prints the total of individual tests across suites.
set -uo pipefail
cd "$(dirname "$0")/.."
# The EU's DCC test vectors live beside the repository, not in it (../shared/dgc-testdata from
# the main checkout). A clone elsewhere finds them in the nearest folder above it that has
# shared/dgc-testdata, or in the workplace's /work/shared; KB_DGC_TESTDATA overrides.
if [ -z "${KB_DGC_TESTDATA:-}" ]; then
  dir=$PWD
  while [ "$dir" != / ] && [ ! -d "$dir/../shared/dgc-testdata" ]; do dir=$(dirname "$dir"); done
  if [ -d "$dir/../shared/dgc-testdata" ]; then
    export KB_DGC_TESTDATA=$(cd "$dir/../shared/dgc-testdata" && pwd)
  elif [ -d /work/shared/dgc-testdata ]; then
    export KB_DGC_TESTDATA=/work/shared/dgc-testdata
  fi
fi
log=$(mktemp)
ctest --test-dir build --verbose --timeout 1200 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# gtest: "[  PASSED  ] 12 tests." / "[  FAILED  ] 2 tests,"; node --test: "# pass 12" / "# fail 0"
passed=$(grep -Eo '(\[  PASSED  \] [0-9]+|# pass [0-9]+)' "$log" | grep -Eo '[0-9]+$' | awk '{s+=$1} END {print s+0}')
failed=$(grep -Eo '(\[  FAILED  \] [0-9]+ tests?,|# fail [0-9]+)' "$log" | grep -Eo '[0-9]+' | awk '{s+=$1} END {print s+0}')
echo
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
# The failures again at the very end, where a reader of a long log's tail looks first: the
# suite's CTest number, then gtest's "[  FAILED  ] Suite.Name", node's "not ok N - name" (a
# subtest's line is indented) and a fuzz target's finding.
if [ "$status" -ne 0 ]; then
  echo "failures:"
  grep -aE '^[0-9]+: (\[  FAILED  \] [A-Za-z_]|\s*not ok |fuzz [a-z_]+: FINDING)' "$log" |
    grep -av '# SKIP' | sort -u | head -40
fi
rm -f "$log"
exit "$status"
