#!/usr/bin/env bash
# The multithreaded batch job (examples/batch_convert: each worker opens,
# reads and writes DEFLATE-compressed copies of many small GeoTIFFs) with
# glibc malloc, with tcmalloc preloaded, and with tcmalloc linked
# (-DRK_WITH_TCMALLOC=ON), at 2 and 8 worker threads: wall time and peak RSS.
# Writes bench/results/allocators.md. Usage: bash bench/run_allocator_bench.sh [files] [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
files=${1:-400} runs=${2:-3}
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DRK_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --target rasterkit rk_example_batch_convert rk_sample >/dev/null
cmake -S . -B build-bench-tcmalloc -G Ninja -DCMAKE_BUILD_TYPE=Release -DRK_BUILD_TESTS=OFF \
  -DRK_BUILD_BENCH=OFF -DRK_WITH_TCMALLOC=ON >/dev/null
cmake --build build-bench-tcmalloc --target rk_example_batch_convert >/dev/null
data=build-bench/alloc-data
rm -rf "$data" && mkdir -p "$data/in" "$data/out"
# Small inputs: windows of the sample at different offsets and sizes.
for i in $(seq 1 "$files"); do
  x=$(( (i * 37) % 256 )) y=$(( (i * 53) % 128 )) s=$(( 96 + (i % 5) * 32 ))
  ./build-bench/apps/rasterkit translate -q -srcwin $x $y $s $s build-bench/sample/sample.tif "$data/in/f$i.tif"
done
tcmalloc=$(ls /usr/lib/*/libtcmalloc_minimal.so.4 | head -1)
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
run() {  # label threads preload binary: prints "median_s median_rss_mib"
  local t=() m=()
  for _ in $(seq "$runs"); do
    rm -f "$data"/out/*
    read -r s kb < <(RK_NUM_THREADS=$2 LD_PRELOAD=$3 /usr/bin/time -f "%e %M" "$4" "$data/out" "$data"/in/*.tif 2>&1 >/dev/null | tail -1)
    t+=("$s"); m+=("$((kb / 1024))")
  done
  echo "$(printf '%s\n' "${t[@]}" | median) $(printf '%s\n' "${m[@]}" | median)"
}
out=bench/results/allocators.md
{
  echo "# Batch conversion: glibc malloc vs tcmalloc"
  echo
  echo "Machine: $(nproc) cores; $(date -u +%Y-%m-%d). $files GeoTIFFs of 96²–224² UInt16 converted to DEFLATE tiled by examples/batch_convert; median of $runs runs. Command: \`bash bench/run_allocator_bench.sh $files $runs\`."
  echo
  echo "| allocator | workers | wall (s) | peak RSS (MiB) |"
  echo "|---|---|---|---|"
  for w in 2 8; do
    read -r s m < <(run glibc $w "" ./build-bench/examples/rk_example_batch_convert)
    echo "| glibc malloc | $w | $s | $m |"
    read -r s m < <(run preload $w "$tcmalloc" ./build-bench/examples/rk_example_batch_convert)
    echo "| tcmalloc (LD_PRELOAD) | $w | $s | $m |"
    read -r s m < <(run linked $w "" ./build-bench-tcmalloc/examples/rk_example_batch_convert)
    echo "| tcmalloc (RK_WITH_TCMALLOC=ON) | $w | $s | $m |"
  done
} | tee "$out"
