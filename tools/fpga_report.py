#!/usr/bin/env python3
"""Summarise a nextpnr-ice40 log: the build target (its blocks and FEATURES word), logic
cells, EBR, SPRAM, I/O and Fmax; fail when the design exceeds its logic-cell budget or
misses timing at the clock it is built for."""
import argparse
import re
import sys
from pathlib import Path

import target  # tools/target.py (same directory)

RES = {"ICESTORM_LC": "logic cells", "ICESTORM_RAM": "EBR (4 Kbit)",
       "ICESTORM_SPRAM": "SPRAM (256 Kbit)", "SB_IO": "I/O"}


def parse(text):
    used = {}
    for m in re.finditer(r"^Info:\s+(\w+):\s+(\d+)/\s*(\d+)\s+(\d+)%", text, re.M):
        used[m.group(1)] = (int(m.group(2)), int(m.group(3)))   # last report wins (post-route)
    fmax = {}
    for m in re.finditer(r"Max frequency for clock\s+'([^']+)':\s+([\d.]+) MHz", text):
        fmax[m.group(1)] = float(m.group(2))
    return used, fmax


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--log", required=True, help="nextpnr log file")
    ap.add_argument("--freq", type=float, required=True, help="required clock in MHz")
    ap.add_argument("--max-lc-percent", type=float, default=100.0)
    ap.add_argument("--target", help="build target the design was built for (spec/targets/)")
    ap.add_argument("--spec", default="spec", type=Path, help="spec directory (default: spec)")
    args = ap.parse_args()
    try:
        text = open(args.log).read()
    except OSError as e:
        sys.exit(f"fpga_report: {e}")
    used, fmax = parse(text)
    if "ICESTORM_LC" not in used or not fmax:
        sys.exit("fpga_report: no utilisation or timing found in the log")

    if args.target:
        try:
            t = target.Spec(args.spec, args.spec.resolve().parent).load(args.target)
        except (OSError, KeyError, ValueError, target.TargetError) as e:
            sys.exit(f"fpga_report: {e}")
        print(f"target {t['name']}: FEATURES 0x{t['features']:08X} ({' '.join(t['blocks'])}), "
              f"VRAM {target.fmt_size(t['vram'])}, FW_RAM {target.fmt_size(t['fw_ram'])}")
    print("UP5K resource use (after place and route):")
    for key, name in RES.items():
        if key in used:
            n, total = used[key]
            print(f"  {name:18s} {n:5d} / {total:5d}  ({100.0 * n / total:5.1f} %)")
    ok = True
    for clk, mhz in fmax.items():
        verdict = "met" if mhz >= args.freq else "NOT MET"
        print(f"  Fmax {mhz:6.2f} MHz  (clock {clk}; required {args.freq:g} MHz: {verdict})")
        ok &= mhz >= args.freq
    n, total = used["ICESTORM_LC"]
    pct = 100.0 * n / total
    if pct > args.max_lc_percent:
        print(f"FAIL: {pct:.1f} % of logic cells used, budget {args.max_lc_percent:g} %")
        ok = False
    if not ok:
        print("FAIL: timing or size budget not met")
        return 1
    print(f"fit: OK ({pct:.1f} % of logic cells <= {args.max_lc_percent:g} %, "
          f"timing met at {args.freq:g} MHz)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
