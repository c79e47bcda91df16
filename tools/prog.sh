#!/usr/bin/env bash
# Flash a board: the bitstream at BIT_OFFSET, the firmware image at FW_OFFSET (both from
# spec/, through tools/board.py; `make prog` prints the plan before calling this). Finds a
# programmer (iceprog, else openFPGALoader), checks that a board answers, then writes.
#   tools/prog.sh BITSTREAM BIT_OFFSET FIRMWARE FW_OFFSET
# Exit 1 with a plain sentence when no programmer or no board is found: nothing is written.
set -u
bit=$1; bit_off=$2; fw=$3; fw_off=$4
ICEPROG=${ICEPROG:-iceprog}
OPENFPGALOADER=${OPENFPGALOADER:-openFPGALoader}

if command -v "$ICEPROG" >/dev/null; then
  # -t: read the flash ID only; fails when no FTDI device (the iCEBreaker's FT2232H) is there.
  if ! probe=$("$ICEPROG" -t 2>&1); then
    echo "prog: no board found: $ICEPROG sees no iCEBreaker on USB (nothing written)." >&2
    echo "prog: $(printf '%s' "$probe" | grep -v '^init' | head -n 2 | tr '\n' ' ')" >&2
    echo "prog: plug the board in (and see docs/board.md, 'Nothing answers' for USB permissions)." >&2
    exit 1
  fi
  echo "prog: $ICEPROG: $(printf '%s' "$probe" | grep -i 'flash id' | head -n 1)"
  echo "prog: writing the bitstream at $bit_off"
  "$ICEPROG" -o "$bit_off" "$bit" || exit 1
  echo "prog: writing the firmware image at $fw_off"
  "$ICEPROG" -o "$fw_off" "$fw" || exit 1
elif command -v "$OPENFPGALOADER" >/dev/null; then
  if ! probe=$("$OPENFPGALOADER" -b ice40_generic --detect 2>&1); then
    echo "prog: no board found: $OPENFPGALOADER sees no iCE40 board on USB (nothing written)." >&2
    echo "prog: $(printf '%s' "$probe" | tail -n 1)" >&2
    exit 1
  fi
  echo "prog: writing the bitstream at $bit_off"
  "$OPENFPGALOADER" -b ice40_generic -f -o "$bit_off" "$bit" || exit 1
  echo "prog: writing the firmware image at $fw_off"
  "$OPENFPGALOADER" -b ice40_generic -f -o "$fw_off" "$fw" || exit 1
else
  echo "prog: no programmer found: install iceprog (Debian fpga-icestorm) or openFPGALoader (nothing written)." >&2
  exit 1
fi
echo "prog: done; press the button (or replug) and open the serial port (docs/board.md)."
