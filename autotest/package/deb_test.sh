#!/usr/bin/env bash
# Builds the Debian package with cpack, unpacks it into a scratch root and
# runs the packaged rasterkit from there; checks the package's metadata.
# usage: deb_test.sh BUILD_DIR
set -euo pipefail
build=$1
work=$build/deb_test
rm -rf "$work" && mkdir -p "$work"
(cd "$build" && cpack -G DEB -B "$work" >/dev/null)
deb=$(ls "$work"/*.deb)
# Read the whole output before matching: `grep -q` stops at the first match,
# and under pipefail the writer's SIGPIPE would fail the pipeline.
deb_info=$(dpkg-deb --info "$deb")
grep -E "Package: rasterkit|Version: " <<<"$deb_info"
grep -q "Depends:.*libproj" <<<"$deb_info"  # shared-library dependencies found
dpkg-deb -x "$deb" "$work/root"
test -f "$work/root/usr/lib/cmake/rasterkit/rasterkitConfig.cmake"
test -f "$work/root/usr/include/rasterkit/rasterkit.h"
LD_LIBRARY_PATH="$work/root/usr/lib" "$work/root/usr/bin/rasterkit" --version
# A program built against the packaged headers and libraries, including
# <rasterkit/rasterkit.h> only.
src=$(cd "$(dirname "$0")/../.." && pwd)
c++ -std=c++17 -I"$work/root/usr/include" "$src/examples/consumer/main.cpp" -o "$work/consumer" \
  -L"$work/root/usr/lib" -lrk_utilities -lrk_drivers -lrk_threadsafe -lrk_geometry -lrk_core \
  -lrk_blockcache
LD_LIBRARY_PATH="$work/root/usr/lib" "$work/consumer" "$build/sample/sample.tif"
