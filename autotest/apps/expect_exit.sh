#!/usr/bin/env bash
# usage: expect_exit.sh EXIT_CODE OUTPUT_REGEX -- COMMAND...
# Runs COMMAND; passes if it exits with EXIT_CODE and its combined output
# matches OUTPUT_REGEX (extended regex). A crash (signal) never passes.
set -u
want_code=$1 pattern=$2
shift 3
output=$("$@" 2>&1)
code=$?
if [ "$code" -ne "$want_code" ]; then
  printf 'expected exit code %s, got %s\noutput:\n%s\n' "$want_code" "$code" "$output"
  exit 1
fi
if ! printf '%s' "$output" | grep -Eq -- "$pattern"; then
  printf 'output does not match /%s/:\n%s\n' "$pattern" "$output"
  exit 1
fi
exit 0
