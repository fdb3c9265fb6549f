#!/usr/bin/env bash
# make lint: every C++ file as .clang-format lays it out, and clang-tidy (.clang-tidy) clean on
# the sources listed in .clang-tidy-files. Both with Debian's clang 14 tools.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t cxx < <(git ls-files '*.cpp' '*.h')
echo "lint: clang-format on ${#cxx[@]} files"
clang-format-14 --dry-run --Werror "${cxx[@]}"

# clang-tidy reads the compile commands of a build without precompiled headers (a g++ PCH is
# not one clang can read), configured only, not built.
tidy_dir=build-tidy
cmake -S . -B "$tidy_dir" -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON >/dev/null
mapfile -t tidy < <(grep -v '^#' .clang-tidy-files | grep .)
echo "lint: clang-tidy on ${#tidy[@]} files"
printf '%s\n' "${tidy[@]}" |
  xargs -P "$(nproc)" -n 1 clang-tidy-14 -p "$tidy_dir" --quiet --extra-arg=-Wno-unknown-warning-option
echo "lint: clean"
