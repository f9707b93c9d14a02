#!/usr/bin/env bash
# Installs the built project into a scratch prefix, then builds
# examples/consumer against it twice — with CMake's find_package and with
# pkg-config — and runs both on the sample raster.
# usage: consumer_test.sh BUILD_DIR SOURCE_DIR SAMPLE_TIFF
set -euo pipefail
build=$1 src=$2 sample=$3
work=$build/package_test
rm -rf "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/rasterkit/gdalcore/dataset.h"
test -f "$work/prefix/include/rasterkit/rasterkit.h"
test ! -e "$work/prefix/include/rasterkit/drivers/gtiff"  # private headers stay behind
test ! -e "$work/prefix/include/rasterkit/utilities/arg_parsing.h"
# Consumers include <rasterkit/...>: nothing under include/rasterkit/ is on
# their include path (no bare "drivers/..." or "geometry/...").
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
cflags=$(pkg-config --cflags rasterkit)
[[ $cflags != *"include/rasterkit"* ]]
grep -q 'INTERFACE_INCLUDE_DIRECTORIES "${_IMPORT_PREFIX}/include"$' \
  "$work/prefix/lib/cmake/rasterkit/rasterkitTargets.cmake"

cmake -S "$src/examples/consumer" -B "$work/cmake-build" -G Ninja \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
out=$(LD_LIBRARY_PATH="$work/prefix/lib" "$work/cmake-build/consumer" "$sample")
echo "find_package: $out"
[[ $out == "512x384 UInt16 checksum "*"Driver: GTiff/GeoTIFF" ]]

c++ -std=c++17 "$src/examples/consumer/main.cpp" -o "$work/consumer-pc" \
  $(pkg-config --cflags --libs rasterkit)
out=$(LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer-pc" "$sample")
echo "pkg-config:   $out"
[[ $out == "512x384 UInt16 checksum "*"Driver: GTiff/GeoTIFF" ]]

# The installed command line finds its libraries by its RPATH.
"$work/prefix/bin/rasterkit" --version
