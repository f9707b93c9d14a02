#!/usr/bin/env bash
# rasterkit vs GDAL 3.6 (Debian's libgdal-dev, benchmark peer only) reading
# all of an 8192x8192 UInt16 raster in 512x512 windows, with 1 and 2 threads,
# on a DEFLATE-tiled and an uncompressed striped file. Each measurement is a
# separate process (empty caches, warm page cache) making 3 passes, each on
# a freshly opened dataset, of which the fastest counts (RK_BENCH_PASSES: a
# shared VM's slow moments then miss at least one pass); runs alternate
# between the tools; the median of N runs is reported. Writes
# bench/results/threaded_read.md. Usage: bench/run_threaded_read.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
command -v gdal-config >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq libgdal-dev >/dev/null; }
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DRK_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --target rk_threaded_read_bench rk_make_bench_raster gdal_threaded_read >/dev/null
runs=${1:-3}
data=build-bench/data
mkdir -p "$data" bench/results
[ -f "$data/tiled.tif" ] || ./build-bench/bench/rk_make_bench_raster "$data/tiled.tif" tiled
[ -f "$data/striped.tif" ] || ./build-bench/bench/rk_make_bench_raster "$data/striped.tif" striped
cat "$data"/*.tif > /dev/null  # warm the page cache
export RK_BENCH_PASSES=3

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
measure() {  # label command...: prints "label median_mpix median_rss"
  local label=$1; shift
  local speeds=() rss=()
  for _ in $(seq "$runs"); do
    read -r s _ r _ _ < <("$@")
    speeds+=("$s"); rss+=("$r")
  done
  printf '%s %s %s\n' "$label" "$(printf '%s\n' "${speeds[@]}" | median)" "$(printf '%s\n' "${rss[@]}" | median)"
}
rk=./build-bench/bench/rk_threaded_read_bench
gd=./build-bench/bench/gdal_threaded_read
out=bench/results/threaded_read.md
{
  echo "# Threaded full-file reads: rasterkit vs GDAL 3.6.2"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(date -u +%Y-%m-%d). 8192x8192 UInt16, 512x512 windows, band 1; median of $runs runs, one process per run, best of 3 passes (fresh datasets) in each. Command: \`bench/run_threaded_read.sh $runs\`."
  echo
  echo "| file | reader | threads | MPix/s | peak RSS (MiB) |"
  echo "|---|---|---|---|---|"
  for f in tiled striped; do
    file="$data/$f.tif"
    for row in \
      "rasterkit|1|$rk $file 1" \
      "GDAL|1|$gd $file 1 own" \
      "rasterkit ThreadSafeDataset|2|$rk $file 2" \
      "GDAL, a dataset per thread|2|$gd $file 2 own" \
      "GDAL, one dataset behind a mutex|2|$gd $file 2 mutex" \
      "rasterkit ThreadSafeDataset, both threads read everything|2|$rk $file 2 same" \
      "GDAL, both threads read everything|2|$gd $file 2 same"; do
      IFS='|' read -r label threads cmd <<<"$row"
      read -r _ speed rss < <(measure x $cmd)
      echo "| $f | $label | $threads | $speed | $rss |"
    done
  done
  echo
  echo "Scaling from 1 to 2 threads, measured in back-to-back pairs (1 thread, then 2) so that slow"
  echo "phases of this shared VM hit both halves of a pair; the median of $runs pair ratios. The last"
  echo "column is what the machine itself allows: two independent 1-thread rasterkit processes run"
  echo "at once, their summed throughput over one alone."
  echo
  echo "| file | rasterkit (ThreadSafeDataset) | GDAL (a dataset per thread) | two processes (machine ceiling) |"
  echo "|---|---|---|---|"
  for f in tiled striped; do
    file="$data/$f.tif"
    rk_r=() gd_r=() ceil_r=()
    for _ in $(seq "$runs"); do
      read -r a _ < <($rk "$file" 1); read -r b _ < <($rk "$file" 2)
      rk_r+=("$(awk -v a="$a" -v b="$b" 'BEGIN {print b / a}')")
      read -r a _ < <($gd "$file" 1 own); read -r b _ < <($gd "$file" 2 own)
      gd_r+=("$(awk -v a="$a" -v b="$b" 'BEGIN {print b / a}')")
      read -r a _ < <($rk "$file" 1)
      $rk "$file" 1 > "$data/p1.txt" & $rk "$file" 1 > "$data/p2.txt" & wait
      read -r p1 _ < "$data/p1.txt"; read -r p2 _ < "$data/p2.txt"
      ceil_r+=("$(awk -v a="$a" -v b="$p1" -v c="$p2" 'BEGIN {print (b + c) / a}')")
    done
    printf '| %s | %.2fx | %.2fx | %.2fx |\n' "$f" "$(printf '%s\n' "${rk_r[@]}" | median)" \
      "$(printf '%s\n' "${gd_r[@]}" | median)" "$(printf '%s\n' "${ceil_r[@]}" | median)"
  done
  echo
  echo "Blocks decoded by rasterkit (one run each; every run reads all $((8192 / 256 * 8192 / 256)) tiles or 8192 strips at least once)."
  echo "The fourth column counts block reads that found the block being decoded by the other thread and used"
  echo "its result (single-flight loading) instead of decoding it again; the time saved is that count times"
  echo "the mean read time per block of the 1-thread run."
  echo
  echo "| file | run | blocks decoded | reads that found the block being decoded by the other thread | est. decode time saved (ms) |"
  echo "|---|---|---|---|---|"
  for f in tiled striped; do
    file="$data/$f.tif"
    read -r _ _ _ _ _ d1 _ t1 < <($rk "$file" 1)
    for mode in "2 threads, windows split|2" "2 threads, both read everything|2 same"; do
      IFS='|' read -r label args <<<"$mode"
      read -r _ _ _ _ _ d w _ < <($rk "$file" $args)
      saved=$(awk -v w="$w" -v t="$t1" -v d="$d1" 'BEGIN {printf "%.0f", w * t / d * 1000}')
      echo "| $f | $label | $d | $w | $saved |"
    done
  done
} | tee "$out"
