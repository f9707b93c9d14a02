#!/usr/bin/env bash
# RSS over time of the multithreaded batch job (examples/batch_convert) over
# thousands of small conversions: does memory stay flat under plain glibc
# malloc as well as under tcmalloc? Samples VmRSS every 0.2 s and reports it
# at each tenth of the run. Writes bench/results/batch_rss.md.
# Usage: bash bench/run_batch_rss.sh [files=5000] [workers=2]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
files=${1:-5000} workers=${2:-2}
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DRK_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --target rasterkit rk_example_batch_convert rk_sample >/dev/null
data=build-bench/rss-data
rm -rf "$data" && mkdir -p "$data/in" "$data/out"
# 50 distinct small inputs (windows of the sample), linked 100 times each:
# the job opens, reads, resamples nothing and writes $files files.
for i in $(seq 1 50); do
  x=$(( (i * 37) % 256 )) y=$(( (i * 53) % 128 )) s=$(( 96 + (i % 5) * 32 ))
  ./build-bench/apps/rasterkit translate -q -srcwin $x $y $s $s build-bench/sample/sample.tif "$data/in/f$i.tif"
done
for i in $(seq 51 "$files"); do ln -s "f$(( (i % 50) + 1 )).tif" "$data/in/f$i.tif"; done
tcmalloc=$(ls /usr/lib/*/libtcmalloc_minimal.so.4 | head -1)

# run LABEL PRELOAD: prints "wall peak_mib s10 s20 ... s100" (RSS MiB at each tenth)
sample_run() {
  rm -f "$data"/out/*
  local log=$data/rss-$1.txt start end
  : > "$log"
  start=$(date +%s.%N)
  RK_NUM_THREADS=$workers LD_PRELOAD=$2 ./build-bench/examples/rk_example_batch_convert \
    "$data/out" "$data"/in/*.tif >/dev/null &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null >> "$log" || true
    sleep 0.2
  done
  wait "$pid"
  end=$(date +%s.%N)
  awk -v start="$start" -v end="$end" '
    NF { v[++n] = $1; if ($1 > peak) peak = $1 }
    END {
      printf "%.2f %d", end - start, peak / 1024
      for (k = 1; k <= 10; ++k) { i = int(n * k / 10); if (i < 1) i = 1; printf " %d", v[i] / 1024 }
      printf "\n"
    }' "$log"
}
out=bench/results/batch_rss.md
{
  echo "# Batch job RSS over $files conversions"
  echo
  echo "Machine: $(nproc) cores; $(date -u +%Y-%m-%d). examples/batch_convert with $workers workers converting $files small UInt16 GeoTIFFs (96²–224²) to DEFLATE tiled; VmRSS sampled every 0.2 s, shown at each tenth of the run (MiB). Command: \`bash bench/run_batch_rss.sh $files $workers\`."
  echo
  echo "| allocator | wall (s) | peak | 10% | 20% | 30% | 40% | 50% | 60% | 70% | 80% | 90% | 100% |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  read -r -a r < <(sample_run glibc "")
  printf '| glibc malloc |'; printf ' %s |' "${r[@]}"; echo
  read -r -a r < <(sample_run tcmalloc "$tcmalloc")
  printf '| tcmalloc (LD_PRELOAD) |'; printf ' %s |' "${r[@]}"; echo
} | tee "$out"
