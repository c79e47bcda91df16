#!/usr/bin/env python3
"""The firmware's worst-case stack depth, from GCC's call graphs (-fcallgraph-info=su).

Each object's .ci file gives every function's frame (bytes, static or dynamic) and its
direct calls. The firmware's few indirect calls are resolved by name below (the
session's dispatcher callback and response encoder, the main loop's link services, the DMA
hook and the stats getters); a new indirect call site fails the check until it is listed here. The deepest
path from main, plus the interrupt entry's frame and the deepest path of the IRQ
dispatcher, is the worst case: it must leave at least half of FW_STACK_SIZE free.

    tools/stack_usage.py --stack 2048 build/firmware/obj
"""
import argparse
import glob
import os
import re
import sys

# Interrupt entry (firmware/start/start.S): 16 caller-saved registers, 4 bytes each.
IRQ_ENTRY_BYTES = 16 * 4
# Indirect call sites and what they may reach.
ENCODERS = ["vd_frame_encode", "firmware/wire/vd_session.c:raw_body"]  # the session's s_encode
INDIRECT = {
    "vd_sess_on_frame": lambda fns: ["vd_disp_execute"] + ENCODERS,
    "answer_unsequenced": lambda fns: ENCODERS,
    "vd_serve": lambda fns: ["vd_link_service", "vd_qlink_service"],
    "do_dma": lambda fns: [f for f in fns if f.startswith("vd_pcie_")],
    "do_query": lambda fns: [f for f in fns if f.endswith("_stats")],
}


def load(root):
    size, edges, dynamic = {}, {}, set()
    files = glob.glob(os.path.join(root, "**", "*.ci"), recursive=True)
    for path in files:
        with open(path) as f:
            for line in f:
                m = re.match(r'node: \{ title: "([^"]+)" label: "[^"]*\\n(\d+) bytes \((\w+)', line)
                if m:
                    size[m.group(1)] = int(m.group(2))
                    if m.group(3) != "static":
                        dynamic.add(m.group(1))
                m = re.match(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"', line)
                if m:
                    edges.setdefault(m.group(1), set()).add(m.group(2))
    return files, size, edges, dynamic


def short(fn):
    """The function's name: no file prefix, no GCC clone suffix (.isra.0, .constprop.1)."""
    return re.sub(r"\.(isra|constprop|part|cold)\.\d+$", "", fn.rsplit(":", 1)[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("objdir")
    ap.add_argument("--stack", type=int, required=True, help="FW_STACK_SIZE in bytes")
    args = ap.parse_args()
    files, size, edges, dynamic = load(args.objdir)
    if not files:
        sys.exit("stack_usage: no .ci files under %s (built without -fcallgraph-info=su?)" % args.objdir)
    errors = ["%s has a dynamic frame" % short(f) for f in sorted(dynamic)]
    memo = {}

    def depth(fn, path):
        if fn in path:
            errors.append("recursion: " + " -> ".join(short(p) for p in path + (fn,)))
            return 0, []
        if fn in memo:
            return memo[fn]
        best = (0, [])
        for t in sorted(edges.get(fn, ())):
            if t == "__indirect_call":
                rule = INDIRECT.get(short(fn))
                if rule is None:
                    errors.append("indirect call in %s: not listed in tools/stack_usage.py" % short(fn))
                    continue
                targets = rule(size)
            else:
                targets = [t]
            for c in targets:
                d = depth(c, path + (fn,))
                if d[0] > best[0]:
                    best = d
        r = (size.get(fn, 0) + best[0], [fn] + best[1])
        memo[fn] = r
        return r

    main_d, main_p = depth("main", ())
    irq_d, irq_p = depth("vd_irq_dispatch", ())
    worst = main_d + IRQ_ENTRY_BYTES + irq_d
    print("  STACK   worst case %d bytes of %d: main %d (%s), IRQ entry %d, IRQ dispatch %d"
          % (worst, args.stack, main_d, " > ".join(short(p) for p in main_p), IRQ_ENTRY_BYTES, irq_d))
    if errors:
        sys.exit("stack_usage: " + "; ".join(errors))
    if 2 * worst > args.stack:
        sys.exit("stack_usage: the worst case (%d bytes) needs more than half of FW_STACK_SIZE (%d)"
                 % (worst, args.stack))


if __name__ == "__main__":
    main()
