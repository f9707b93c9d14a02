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
dpkg-deb --info "$deb" | grep -E "Package: rasterkit|Version: "
dpkg-deb --info "$deb" | grep -q "Depends:.*libproj"  # shared-library dependencies found
dpkg-deb -x "$deb" "$work/root"
test -f "$work/root/usr/lib/cmake/rasterkit/rasterkitConfig.cmake"
LD_LIBRARY_PATH="$work/root/usr/lib" "$work/root/usr/bin/rasterkit" --version
