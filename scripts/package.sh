#!/usr/bin/env bash
# Builds the Debian package of rasterkit (libraries, headers, the rasterkit
# program, the CMake package and rasterkit.pc under /usr) with cpack.
# Writes build/rasterkit_<version>_<arch>.deb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build
(cd build && cpack -G DEB)
ls build/*.deb
