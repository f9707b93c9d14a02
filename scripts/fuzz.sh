#!/usr/bin/env bash
# Fuzzes the GeoTIFF reader with libFuzzer (clang, AddressSanitizer) for a
# number of seconds (default 600), seeded from ../shared/corpus/gtiff when
# present. Not part of the test run. Findings land in build-fuzz/findings/.
# Usage: scripts/fuzz.sh [seconds] [jobs]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
seconds=${1:-600}
jobs=${2:-1}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRK_FUZZ=ON -DRK_BUILD_TESTS=OFF -DRK_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz --target rk_gtiff_open_fuzzer >/dev/null
corpus=build-fuzz/corpus
mkdir -p "$corpus" build-fuzz/findings
if [ -d ../shared/corpus/gtiff/files ]; then
  # Seeds: the corpus files small enough to mutate quickly.
  find ../shared/corpus/gtiff/files -type f -size -200k -exec cp -n {} "$corpus"/ \;
fi
cp -n build/sample/sample.tif "$corpus"/ 2>/dev/null || true
./build-fuzz/autotest/rk_gtiff_open_fuzzer "$corpus" -max_total_time="$seconds" -jobs="$jobs" \
  -workers="$jobs" -rss_limit_mb=2560 -timeout=20 -max_len=262144 \
  -artifact_prefix=build-fuzz/findings/ -print_final_stats=1
