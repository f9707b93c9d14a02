#!/usr/bin/env bash
# Installs what the build needs, then builds and runs the whole default test
# suite, three ways:
#   1. a warnings-as-errors build: every test (labels unit, concurrency);
#   2. a ThreadSanitizer build: the concurrency tests;
#   3. an AddressSanitizer + UndefinedBehaviorSanitizer build: the unit and
#      concurrency tests (lifetimes across threads are what ASan checks best);
#   1b. the unit and concurrency tests again under tcmalloc (LD_PRELOAD), the
#      allocator recommended for multithreaded batch jobs;
#   4. a clang build of the libraries with -Wthread-safety -Werror, which
#      checks the lock annotations (RK_GUARDED_BY, ...), and of the fuzz
#      targets, each run over the crafted seeds and past findings.
# Long soak, fuzz and benchmark runs are separate commands (see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)

step() { printf '\n== %s\n' "$*"; }

step "build (warnings are errors)"
# Every option a step relies on is set here: a folder configured earlier
# with other values (scripts/demo.sh, a developer's build) keeps nothing that
# matters. Each ctest step fails when it finds no tests.
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRK_WERROR=ON \
  -DRK_BUILD_TESTS=ON -DRK_BUILD_BENCH=ON -DRK_BUILD_EXAMPLES=ON -DRK_SANITIZE_THREAD=OFF \
  -DRK_SANITIZE_ADDRESS=OFF -DRK_FUZZ=OFF >/dev/null
cmake --build build -- -j"$jobs"
step "tests (labels unit, concurrency, conformance, oracle; soak runs separately)"
(cd build && ctest --output-on-failure --no-tests=error -j"$jobs" -LE soak)

step "the unit and concurrency tests again with tcmalloc preloaded"
tcmalloc=$(ls /usr/lib/*/libtcmalloc_minimal.so.4 | head -1)
(cd build && LD_PRELOAD="$tcmalloc" ctest --output-on-failure --no-tests=error -j"$jobs" \
  -L "unit|concurrency")

step "ThreadSanitizer build: concurrency tests"
cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRK_WERROR=ON \
  -DRK_BUILD_TESTS=ON -DRK_SANITIZE_THREAD=ON -DRK_SANITIZE_ADDRESS=OFF -DRK_BUILD_BENCH=OFF \
  >/dev/null
cmake --build build-tsan --target concurrency_tests -- -j"$jobs"
(cd build-tsan && TSAN_OPTIONS="halt_on_error=1" ctest -L concurrency --output-on-failure \
  --no-tests=error)

step "AddressSanitizer + UBSan build: unit and concurrency tests"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DRK_WERROR=ON \
  -DRK_BUILD_TESTS=ON -DRK_SANITIZE_ADDRESS=ON -DRK_SANITIZE_THREAD=OFF -DRK_BUILD_BENCH=OFF \
  >/dev/null
cmake --build build-asan -- -j"$jobs"
(cd build-asan && ASAN_OPTIONS="detect_leaks=1" ctest -L "unit|concurrency" --output-on-failure \
  --no-tests=error -j"$jobs")

step "clang -Wthread-safety build: lock annotations; the fuzz targets build and run"
# With RK_FUZZ the libraries get libFuzzer's instrumentation and ASan; the
# fuzz targets (scripts/fuzz.sh runs them for long) must keep compiling, and
# each runs once over the crafted seeds and the past findings
# (autotest/fuzz/findings) within the memory and time limits. No mutations
# here: random inputs would make the test run nondeterministic.
CC=clang CXX=clang++ cmake -S . -B build-clang -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRK_WERROR=ON -DRK_BUILD_TESTS=OFF -DRK_BUILD_BENCH=OFF -DRK_BUILD_EXAMPLES=OFF \
  -DRK_FUZZ=ON >/dev/null
cmake --build build-clang -- -j"$jobs"
echo "lock annotations check: OK"
smoke=build-clang/fuzz-smoke
rm -rf "$smoke" && mkdir -p "$smoke"
python3 autotest/fuzz/make_seeds.py "$smoke"
for fuzzer in gtiff_open raster_io; do
  ./build-clang/autotest/rk_${fuzzer}_fuzzer "$smoke" autotest/fuzz/findings -runs=0 -malloc_limit_mb=2048 \
    -rss_limit_mb=3072 -timeout=30 -artifact_prefix="$smoke/" 2>"$smoke/$fuzzer.log" ||
    { tail -30 "$smoke/$fuzzer.log"; exit 1; }
done
echo "fuzz targets: OK"
