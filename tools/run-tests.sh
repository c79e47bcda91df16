#!/usr/bin/env bash
# Run each named make target as a test suite, keep going after a failure, and close with
# one "N passed, M failed" line (suites, not individual checks; each suite prints its own).
set -u
MAKE=${MAKE:-make}
# Each suite builds what it needs with this many jobs (not in MAKE itself: tools such as
# Verilator run $MAKE as a command name).
SUITE_JOBS=${SUITE_JOBS:-}
pass=0; fail=0; failed=()
for suite in "$@"; do
  echo "=== $suite"
  start=$SECONDS
  if $MAKE $SUITE_JOBS --no-print-directory "$suite"; then
    echo "=== $suite: passed ($((SECONDS - start)) s)"
    pass=$((pass + 1))
  else
    echo "=== $suite: FAILED ($((SECONDS - start)) s)"
    fail=$((fail + 1)); failed+=("$suite")
  fi
done
[ $fail -gt 0 ] && echo "failed suites: ${failed[*]}"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
