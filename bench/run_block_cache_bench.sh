#!/usr/bin/env bash
# Builds an optimised tree and measures the block cache hit path at 1 and 2
# threads. Writes bench/results/block_cache.md (with the machine noted).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DRK_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --target rk_block_cache_bench >/dev/null
mkdir -p bench/results
out=bench/results/block_cache.md
{
  echo "# Block cache hit path"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr); $(date -u +%Y-%m-%d)."
  echo "Each row: median of 5 runs of 1 s / 5; every lookup is a hit returning a pinned BlockRef."
  echo
  ./build-bench/bench/rk_block_cache_bench "${1:-5}"
} | tee "$out"
