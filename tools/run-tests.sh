#!/usr/bin/env bash
# Run each named make target as a test suite, keep going after a failure, and close with
# one "N passed, M failed" line (suites, not individual checks; each suite prints its own).
#
# A suite written NAME& runs in the background beside the ones after it (its output is kept
# in $BUILD/test-logs/NAME.log and printed when it ends): for a long single-threaded suite
# (the FPGA fit) while the others use the cores. List it after the suites that build what
# it shares with them (the firmware image), so no two makes build the same file.
set -u
MAKE=${MAKE:-make}
BUILD=${BUILD:-build}
# Each suite builds what it needs with this many jobs (not in MAKE itself: tools such as
# Verilator run $MAKE as a command name).
SUITE_JOBS=${SUITE_JOBS:-}
pass=0; fail=0; failed=()
bg_names=(); bg_pids=()

result() { # name status seconds
  if [ "$2" -eq 0 ]; then
    echo "=== $1: passed ($3 s)"
    pass=$((pass + 1))
  else
    echo "=== $1: FAILED ($3 s)"
    fail=$((fail + 1)); failed+=("$1")
  fi
}

for suite in "$@"; do
  if [ "${suite%&}" != "$suite" ]; then
    name=${suite%&}
    mkdir -p "$BUILD/test-logs"
    echo "=== $name (in the background: $BUILD/test-logs/$name.log)"
    ( s=$SECONDS; $MAKE --no-print-directory "$name"; rc=$?
      echo $((SECONDS - s)) >"$BUILD/test-logs/$name.seconds"; exit $rc
    ) >"$BUILD/test-logs/$name.log" 2>&1 &
    bg_names+=("$name"); bg_pids+=($!)
    continue
  fi
  echo "=== $suite"
  start=$SECONDS
  $MAKE $SUITE_JOBS --no-print-directory "$suite"
  result "$suite" $? $((SECONDS - start))
done
for i in "${!bg_pids[@]}"; do
  wait "${bg_pids[$i]}"
  status=$?
  echo "=== ${bg_names[$i]} (ran in the background)"
  cat "$BUILD/test-logs/${bg_names[$i]}.log"
  result "${bg_names[$i]}" "$status" "$(cat "$BUILD/test-logs/${bg_names[$i]}.seconds" 2>/dev/null || echo ?)"
done
[ $fail -gt 0 ] && echo "failed suites: ${failed[*]}"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
