#!/usr/bin/env bash
# Builds an optimised tree and measures the block cache hit path at 1 and 2
# threads (the raw BlockCache::lookup, and RasterBand reads of cached blocks),
# plus type conversion throughput. Writes bench/results/block_cache.md with
# the machine noted. Usage: bench/run_block_cache_bench.sh [seconds per row]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DRK_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --target rk_block_cache_bench rk_read_path_bench rk_convert_bench >/dev/null
seconds=${1:-5}
mkdir -p bench/results
out=bench/results/block_cache.md
{
  echo "# Block cache hit path and type conversion"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr); $(date -u +%Y-%m-%d)."
  echo "Each row: median of 5 runs of ${seconds} s / 5. Command: \`bench/run_block_cache_bench.sh ${seconds}\`."
  echo
  echo "## BlockCache::lookup (every lookup a hit, returning a pinned BlockRef)"
  echo
  ./build-bench/bench/rk_block_cache_bench "$seconds"
  echo
  echo "## RasterBand::read of cached blocks (each thread its own dataset, one shared cache)"
  echo
  ./build-bench/bench/rk_read_path_bench "$seconds"
  echo
  echo "## Type conversion (4 Mi values; contiguous = vectorised path)"
  echo
  ./build-bench/bench/rk_convert_bench
} > "$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
