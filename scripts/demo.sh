#!/usr/bin/env bash
# Installs what the build needs, builds rasterkit, and describes the bundled
# sample raster with `rasterkit info`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The demo builds only what it runs, in the folder the test command uses
# too; it sets every option it relies on (and so does scripts/test.sh), so
# neither run changes what the other builds.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRK_WERROR=ON \
  -DRK_BUILD_TESTS=ON -DRK_BUILD_BENCH=ON -DRK_BUILD_EXAMPLES=ON >/dev/null
cmake --build build --target rasterkit rk_sample -- -j"$(nproc)" >/dev/null
./build/apps/rasterkit info build/sample/sample.tif
