#!/usr/bin/env bash
# Runs the default test suite (what scripts/test.sh's first ctest step runs)
# N times in a row in build/, to catch tests that fail only sometimes: a
# flaky test can keep a good change from landing. Prints one line per round
# and stops at the first failing round, whose failures ctest prints.
# Not part of the test run (4-5 minutes a round on 2 cores).
# Usage: scripts/repeat_tests.sh [rounds]   (default 10; build/ must be built)
set -euo pipefail
cd "$(dirname "$0")/../build"
rounds=${1:-10}
jobs=$(nproc)
for round in $(seq 1 "$rounds"); do
  start=$(date +%s)
  log=$(mktemp)
  if ctest --output-on-failure --no-tests=error -j"$jobs" -LE soak >"$log" 2>&1; then
    status=passed
  else
    status=FAILED
  fi
  summary=$(grep -E 'tests passed|tests failed' "$log" | tail -1)
  echo "round $round of $rounds: $status in $(($(date +%s) - start)) s ($summary)"
  if [ "$status" = FAILED ]; then
    sed -n '/The following tests FAILED/,$p' "$log"
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
done
echo "all $rounds rounds passed"
