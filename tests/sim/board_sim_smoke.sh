#!/usr/bin/env bash
# The netlist smoke (make board-sim-smoke): the board's synthesized netlist boots its
# firmware out of the simulated SPI flash to the banner, then host-lib drives it through
# the `board-sim` URI: HELLO (the device open and `info`), one ALLOCATE, a Lock write and a
# Lock read back of the same bytes, the free, and the VRAM segment empty again.
# Environment: BSIM (vidalloc-board-sim), FW_IMG, CLI (vidalloc), BOOT_MAX (cycles),
# RANDOM_ARGS (plusargs: the seed of what the FPGA leaves undefined).
set -u
out=${TMPDIR:-/tmp}/vidalloc-board-sim-smoke.$$
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
fail() { echo "board-sim smoke: FAILED: $*"; exit 1; }

# 1. Power-on to the banner and 'ready' (the firmware's last line before it serves).
"$BSIM" --firmware "$FW_IMG" --expect ready --max-cycles "$BOOT_MAX" $RANDOM_ARGS \
  </dev/null >"$out/boot.out" 2>"$out/boot.err" || { cat "$out/boot.out" "$out/boot.err"; fail "no banner"; }
grep -q '^vidalloc firmware ' "$out/boot.out" || { cat "$out/boot.out"; fail "banner text missing"; }
grep -q 'reset por' "$out/boot.out" || { cat "$out/boot.out"; fail "reset cause is not power-on"; }
sed -n 's/^/  /p' "$out/boot.out"
sed -n 's/^vidalloc-board-sim: /  /p' "$out/boot.err"

# 2. host-lib over board-sim.
pattern=00112233445566778899aabbccddeeff
start=$SECONDS
VIDALLOC_BOARD_SIM="$BSIM" VIDALLOC_FW_IMG="$FW_IMG" "$CLI" --dev board-sim \
  info ';' alloc 256 ';' write %0 16 $pattern ';' read %0 --offset 16 --length 16 ';' \
  free %0 ';' stats >"$out/cli.out" 2>&1 || { cat "$out/cli.out"; fail "host-lib session"; }
sed -n 's/^/  /p' "$out/cli.out"
# The read back shows the bytes written (hex dump, any spacing or case).
tr -d ' \n' <"$out/cli.out" | tr 'A-F' 'a-f' | grep -q "$pattern" || fail "Lock read back differs"
echo "board-sim smoke: passed (host-lib session $((SECONDS - start)) s wall)"
