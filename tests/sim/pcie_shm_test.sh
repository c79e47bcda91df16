#!/usr/bin/env bash
# vidalloc-sim --pcie NAME with the firmware, the shared-memory client against it, a client
# killed mid-run (SIGKILL: requests in flight, owner_pid left set) and a new one that takes
# over, then the simulator stopped with SIGTERM: its summary printed, the object unlinked.
# Environment: SIM (vidalloc-sim), FW_IMG, CLIENT (pcie_shm_client).
set -u
name=vd-pcie-test-$$
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
"$SIM" --firmware "$FW_IMG" --uart pty --pcie "$name" >"$out" 2>"$err" &
sim=$!
# The simulator prints the line once RUNNING (it only takes a few hundred cycles).
for _ in $(seq 100); do
  grep -q "^vidalloc-sim: pcie shm $name\$" "$out" && break
  kill -0 $sim 2>/dev/null || break
  sleep 0.05
done
status=0
if ! grep -q "^vidalloc-sim: pcie shm $name\$" "$out"; then
  echo "FAIL: no 'vidalloc-sim: pcie shm $name' line"; cat "$out" "$err"; status=1
else
  "$CLIENT" "$name" 2000 || status=1
  "$CLIENT" "$name" 100000000 >/dev/null &
  victim=$!
  sleep 0.3
  kill -KILL $victim 2>/dev/null
  wait $victim 2>/dev/null
  "$CLIENT" "$name" 200 || { echo "FAIL: no takeover after a killed host"; status=1; }
fi
kill -TERM $sim 2>/dev/null
wait $sim
grep "pcie:" "$err" || { echo "FAIL: no PCIe summary at exit"; status=1; }
if [ -e "/dev/shm/$name" ]; then echo "FAIL: /dev/shm/$name left behind"; status=1; fi
exit $status
