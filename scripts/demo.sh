#!/usr/bin/env bash
# Installs what the build needs, builds rasterkit, and describes the bundled
# sample raster with `rasterkit info`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRK_BUILD_TESTS=OFF >/dev/null
cmake --build build --target rasterkit rk_sample -- -j"$(nproc)" >/dev/null
./build/apps/rasterkit info build/sample/sample.tif
