#!/usr/bin/env python3
"""The fuzz campaign's figures, per target and engine (tests/fuzz/fuzz.mk, docs/fuzzing.md).

    fuzz_report.py BUILD_FUZZ_DIR TARGET...

libFuzzer: executions, execs/s, cov: and ft: from the last run's log (<dir>/<target>.log);
AFL++: execs_done, execs_per_sec, edges_found / total_edges (AFL's own map) and saved
crashes from <dir>/afl/<target>.out/default/fuzzer_stats. So the two engines compare in one
unit, each engine's corpus (libFuzzer's working corpus, AFL's queue) is also replayed once
through the libFuzzer build with -runs=0, whose "cov:" counts the edges those inputs reach.
"""
import os
import re
import subprocess
import sys


def libfuzzer_log(path):
    """(executions, execs/s, cov, ft, crashed) of a libFuzzer run (finished or interrupted),
    or None."""
    try:
        with open(path, errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    execs = re.findall(r"stat::number_of_executed_units: (\d+)", text)
    # the last status line (DONE, or the last NEW / REDUCE / pulse of an interrupted run)
    done = re.findall(r"^#\d+\s+\w+\s+cov: (\d+) ft: (\d+).*exec/s: (\d+)", text, re.M)
    rate = re.findall(r"stat::average_exec_per_sec:\s+(\d+)", text)
    crashed = "ERROR: libFuzzer" in text or "ERROR: AddressSanitizer" in text or \
        "runtime error" in text
    if not execs:
        return None
    cov, ft, last_rate = done[-1] if done else ("?", "?", "?")
    return int(execs[-1]), rate[-1] if rate else last_rate, cov, ft, crashed


def afl_stats(path):
    """AFL++'s fuzzer_stats as a dict, or None."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    return {k.strip(): v.strip() for k, v in (l.split(":", 1) for l in lines if ":" in l)}


def replay_cov(binary, corpus):
    """libFuzzer's cov: after executing every input of `corpus` once (no mutation)."""
    if not os.path.isdir(corpus) or not os.listdir(corpus):
        return "-"
    r = subprocess.run([binary, "-runs=0", "-max_len=2048", corpus],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                       errors="replace", check=False)
    m = re.findall(r"(?:INITED|DONE)\s+cov: (\d+)", r.stderr)
    if r.returncode != 0:
        return "CRASH"
    return m[-1] if m else "?"


def main():
    fdir, targets = sys.argv[1], sys.argv[2:]
    rows = []
    failed = False
    for t in targets:
        lf = libfuzzer_log(os.path.join(fdir, t + ".log"))
        if lf:
            execs, rate, cov, ft, crashed = lf
            failed |= crashed
            rows.append((t, "libFuzzer", f"{execs:,}", rate, cov, ft,
                         replay_cov(os.path.join(fdir, t), os.path.join(fdir, "corpus", t)),
                         "1" if crashed else "0"))
        out = os.path.join(fdir, "afl", t + ".out", "default")
        st = afl_stats(os.path.join(out, "fuzzer_stats"))
        if st:
            crashes = int(st.get("saved_crashes", st.get("unique_crashes", "0")))
            failed |= crashes != 0
            rows.append((t, "AFL++", f"{int(st.get('execs_done', 0)):,}",
                         str(round(float(st.get("execs_per_sec", 0)))),
                         f"{st.get('edges_found', '?')}/{st.get('total_edges', '?')}", "-",
                         replay_cov(os.path.join(fdir, t), os.path.join(out, "queue")),
                         str(crashes)))
    head = ("target", "engine", "executions", "execs/s", "cov (own)", "ft",
            "cov (libFuzzer replay)", "crashes")
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print("  " + "  ".join(str(c).rjust(w) if i >= 2 else str(c).ljust(w)
                               for i, (c, w) in enumerate(zip(r, widths))))
    if not rows:
        print("  no fuzz runs found under " + fdir)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
