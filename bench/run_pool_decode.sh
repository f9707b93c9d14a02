#!/usr/bin/env bash
# RasterIO decoding a window's blocks on a worker pool through an ordinary
# dataset (RasterIOOptions::pool) vs the calling thread alone, on the
# 8192x8192 UInt16 DEFLATE tiled file of bench/run.sh. Back-to-back pairs
# (this kind of VM's speed drifts between runs). Writes
# bench/results/pool_decode.md. Usage: bash bench/run_pool_decode.sh [pairs=7]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
pairs=${1:-7}
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DRK_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --target rk_pool_decode_bench rk_make_bench_raster >/dev/null
data=build-bench/data
mkdir -p "$data"
[ -f "$data/tiled.tif" ] || ./build-bench/bench/rk_make_bench_raster "$data/tiled.tif" tiled
out=bench/results/pool_decode.md
{
  echo "# Decoding on a pool through an ordinary dataset"
  echo
  echo "Machine: $(nproc) cores; $(date -u +%Y-%m-%d). 8192x8192 UInt16 DEFLATE tiled (256x256, predictor 2), band 1 read in 512-row windows, the file opened afresh for each read; best of 3 reads per side, pairs back to back. Command: \`bash bench/run_pool_decode.sh $pairs\`."
  echo
  ./build-bench/bench/rk_pool_decode_bench "$data/tiled.tif" 3 "$pairs"
} | tee "$out"
