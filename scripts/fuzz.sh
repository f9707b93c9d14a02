#!/usr/bin/env bash
# Fuzzes with libFuzzer (clang, AddressSanitizer), for a number of seconds
# each (default 600): the GeoTIFF reader (rk_gtiff_open_fuzzer, seeded from
# ../shared/corpus/gtiff when present, the build's sample, and crafted files
# whose tags claim absurd sizes: autotest/fuzz/make_seeds.py) and RasterIO
# parameters (rk_raster_io_fuzzer). Memory is capped (-malloc_limit_mb,
# -rss_limit_mb): an input that makes rasterkit allocate beyond what its
# file can justify is a finding. Not part of the test run. Findings land in
# build-fuzz/findings/; each becomes a regression test.
# Usage: scripts/fuzz.sh [seconds per fuzzer] [jobs]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
seconds=${1:-600}
jobs=${2:-1}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRK_FUZZ=ON -DRK_BUILD_TESTS=OFF -DRK_BUILD_BENCH=OFF -DRK_BUILD_EXAMPLES=OFF \
  -DRK_SANITIZE_ADDRESS=OFF -DRK_SANITIZE_THREAD=OFF >/dev/null
cmake --build build-fuzz --target rk_gtiff_open_fuzzer rk_raster_io_fuzzer rk_make_sample >/dev/null
mkdir -p build-fuzz/findings build-fuzz/corpus-gtiff build-fuzz/corpus-rasterio
if [ -d ../shared/corpus/gtiff/files ]; then
  # Seeds: the corpus files small enough to mutate quickly.
  find ../shared/corpus/gtiff/files -type f -size -200k -exec cp -n {} build-fuzz/corpus-gtiff/ \;
fi
cp -n build-fuzz/sample/sample.tif build-fuzz/corpus-gtiff/ 2>/dev/null || true
python3 autotest/fuzz/make_seeds.py build-fuzz/corpus-gtiff
limits=(-malloc_limit_mb=2048 -rss_limit_mb=3072 -timeout=30)
for fuzzer in gtiff_open raster_io; do
  corpus=build-fuzz/corpus-gtiff
  [ "$fuzzer" = raster_io ] && corpus=build-fuzz/corpus-rasterio
  echo "== rk_${fuzzer}_fuzzer for ${seconds}s"
  ./build-fuzz/autotest/rk_${fuzzer}_fuzzer "$corpus" -max_total_time="$seconds" -jobs="$jobs" \
    -workers="$jobs" "${limits[@]}" -max_len=262144 -artifact_prefix=build-fuzz/findings/ \
    -print_final_stats=1
done
