#!/usr/bin/env bash
# Simulator speed figures: cycles per second while booting (boot ROM copying the firmware
# out of SPI flash, then the banner) and while the firmware idles in its main loop.
set -euo pipefail
SIM=${SIM:-build/sim/vidalloc-sim}
FW_IMG=${FW_IMG:-build/firmware/vidalloc-fw.img}
run() {   # label, then simulator arguments; prints the simulator's closing figure
  local label=$1; shift
  local line
  line=$("$SIM" --firmware "$FW_IMG" --uart stdio "$@" </dev/null 2>&1 >/dev/null | grep 'cycles/s' | tail -n 1)
  printf '%-28s %s\n' "$label" "${line#vidalloc-sim: }"
}
echo "vidalloc-sim speed (one core, Verilator $(verilator --version | awk '{print $2}')):"
run "boot to 'ready':" --expect ready --max-cycles 50000000
run "boot + idle, 20 M cycles:" --max-cycles 20000000
