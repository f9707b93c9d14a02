#!/usr/bin/env bash
# rasterkit vs GDAL 3.6 on the command-line operations users run (info
# -stats / -checksum, translates), in one run on this machine; writes
# bench/results/cli_vs_gdal.md. The data is generated deterministically
# (smooth fields plus noise) by rasterkit into build-bench/data.
# Usage: bash bench/run.sh [runs]   (default 5; about 10 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
runs=${1:-5}
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DRK_BUILD_TESTS=OFF -DRK_BUILD_BENCH=ON >/dev/null
cmake --build build-bench --target rasterkit rk_make_bench_raster rk_codec_floor >/dev/null
rk=./build-bench/apps/rasterkit
data=build-bench/data
mkdir -p "$data" bench/results
[ -f "$data/tiled.tif" ] || ./build-bench/bench/rk_make_bench_raster "$data/tiled.tif" tiled
[ -f "$data/striped.tif" ] || ./build-bench/bench/rk_make_bench_raster "$data/striped.tif" striped
[ -f "$data/rgb_lzw.tif" ] || $rk translate -q -ot Byte -b 1 -b 1 -b 1 \
  -scale_1 12000 28000 0 255 -scale_2 14000 30000 255 0 -scale_3 10000 34000 30 220 \
  -co COMPRESS=LZW -co TILED=YES -co INTERLEAVE=PIXEL "$data/tiled.tif" "$data/rgb_lzw.tif"
[ -f "$data/float_zstd.tif" ] || $rk translate -q -ot Float32 \
  -scale 0 65535 -1000 5000 -a_nodata -1000 -co COMPRESS=ZSTD -co TILED=YES \
  "$data/tiled.tif" "$data/float_zstd.tif"
/usr/bin/python3 bench/run.py "$rk" ./build-bench/bench/rk_codec_floor "$data" "$runs" \
  bench/results/cli_vs_gdal.md
