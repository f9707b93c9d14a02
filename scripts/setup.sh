#!/usr/bin/env bash
# Installs every Debian package rasterkit's build and test suite need.
# Safe to run repeatedly: packages already present are skipped by apt-get.
# Assumes root (as on CI); uses sudo when it is available and we are not root.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libtiff-dev libproj-dev proj-data libgeos-dev libgeotiff-dev
  catch2 nlohmann-json3-dev libgoogle-perftools-dev
  clang clang-format libclang-rt-14-dev
  # Test oracle only (conformance and oracle tests); rasterkit never links GDAL.
  gdal-bin python3-gdal
  # Benchmark floors only (bench/codec_floor.cpp calls the codecs directly).
  libdeflate-dev libzstd-dev
  # Remote reading: libcurl (GnuTLS flavour, as libproj-dev already pulls in);
  # the tests' own nginx and self-signed certificates.
  libcurl4-gnutls-dev nginx-light openssl ca-certificates
)
# The S3 tests run the npm package s3rver on loopback; Node comes from Debian
# unless the machine already has one (a NodeSource node ships its own npm).
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == "install ok installed" ]] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
else
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# s3rver, pinned, into the repository's git-ignored .tools/ (the tests look
# there, or at $RK_S3RVER).
repo=$(cd "$(dirname "$0")/.." && pwd)
s3rver_version=3.7.1
if [ ! -x "$repo/.tools/s3rver/node_modules/.bin/s3rver" ]; then
  echo "setup: installing s3rver $s3rver_version into $repo/.tools/s3rver"
  mkdir -p "$repo/.tools/s3rver"
  npm install --silent --no-audit --no-fund --prefix "$repo/.tools/s3rver" "s3rver@$s3rver_version"
fi
