#!/usr/bin/env bash
# Installs the Debian packages khaibao needs to build, test and benchmark.
# Idempotent: exits at once when everything is present. Runs apt-get as root, or via sudo.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  ccache  # CMakeLists.txt compiles through it when present: a second clean clone builds in minutes
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libpq-dev postgresql
  haproxy  # deploy/haproxy.cfg, tested by tests/api/cluster.test.mjs
  libsodium-dev libqrencode-dev qrencode zbar-tools libpng-dev zlib1g-dev
  libcbor-dev libssl-dev libzbar-dev
  prometheus-cpp-dev libspdlog-dev libfmt-dev libcli11-dev libutf8proc-dev
  libgoogle-perftools-dev  # the server's allocator, tcmalloc (CMakeLists.txt)
  libgtest-dev libgmock-dev libbenchmark-dev
  libcairo2-dev fonts-dejavu-core poppler-utils librsvg2-bin
  chromium ffmpeg wrk curl sqlite3
  clang libclang-rt-14-dev llvm-14  # fuzz/: clang++, its libFuzzer and sanitizer runtimes, llvm-symbolizer
  clang-format-14 clang-tidy-14  # make lint
)
# Node.js may come from elsewhere (a newer build than Debian's); Debian's only when none is there.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
