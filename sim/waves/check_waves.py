#!/usr/bin/env python3
"""Check that every signal a wave view (sim/waves/*.gtkw) names exists in a trace of the
simulator, under the same hierarchical name GTKWave shows (docs/waves.md).

    check_waves.py TRACE.fst [VIEW.gtkw ...]     (default: every view beside this script)

The trace's hierarchy is read with fst2vcd (Debian's gtkwave package). Prints the views'
signal counts; exits 1 naming any signal the trace does not have.
"""
import glob
import os
import subprocess
import sys


def trace_names(fst):
    """Every variable of the trace as scope.name[range], the way GTKWave lists it."""
    names, scope = set(), []
    with subprocess.Popen(["fst2vcd", fst], stdout=subprocess.PIPE, text=True,
                          errors="replace") as p:
        for line in p.stdout:
            t = line.split()
            if not t:
                continue
            if t[0] == "$scope":
                scope.append(t[2])
            elif t[0] == "$upscope":
                scope.pop()
            elif t[0] == "$var":
                rng = t[5] if len(t) > 6 and t[5] != "$end" else ""
                names.add(".".join(scope + [t[4]]) + rng)
            elif t[0] == "$enddefinitions":
                p.kill()
                break
    return names


def view_signals(path):
    """The signal lines of a save file (not comments, settings, flags or group labels)."""
    with open(path) as f:
        return [l.strip() for l in f if l.strip() and l[0] not in "[@-*"]


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    views = sys.argv[2:] or sorted(glob.glob(os.path.join(os.path.dirname(__file__), "*.gtkw")))
    names = trace_names(sys.argv[1])
    bad = 0
    for v in views:
        sigs = view_signals(v)
        missing = [s for s in sigs if s not in names]
        bad += len(missing)
        print(f"{os.path.basename(v)}: {len(sigs)} signals, {len(missing)} missing")
        for s in missing:
            print("  missing: " + s)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
