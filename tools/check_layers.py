#!/usr/bin/env python3
"""Check that every #include points down a layer (docs/architecture.md, "Layers").

Each source file belongs to an area (its folder); an area may include headers of the areas
listed for it and nothing else. Inside the graphics kernel (firmware/kernel/) the modules
are ranked and a module includes only its own header and those of lower ranks, so the
scheduler never reaches up into the kernel and VidMm never into either. Generated headers
(build/gen: the register map, the version) count as spec/. Exit 1 with one line per
violation.
"""
import argparse
import re
import sys
from pathlib import Path

SOURCES = ("firmware", "host-lib", "proto", "sim")
SUFFIXES = {".c", ".h", ".S", ".cpp"}
GENERATED = {"vd_regs.h", "vd_regs_ld.h", "vd_fw_version.h", "vidalloc/vd_soc.h",
             "vd_board_pins.h"}  # the last from spec/boards/ (tools/board.py)
# Headers of tools the builds bring (Verilator), not of this repository.
EXTERNAL = {"verilated.h", "verilated_fst_c.h", "Vvd_soc.h",
            "Vboard.h"}  # the board top's netlist model (sim/board_sim.mk)

# area -> areas whose headers it may include (itself always).
ALLOWED = {
    "proto": set(),
    "host-lib": {"proto", "spec", "sim"},  # sim: vd_sim.h, the in-process transport's model
    "sim": {"spec"},
    "firmware/drivers": {"spec"},          # drivers, start-up, boot ROM, libc glue
    "firmware/kernel": {"proto", "spec", "firmware/drivers"},
    "firmware/dispatch": {"proto", "spec", "firmware/kernel"},
    "firmware/wire": {"proto", "spec", "firmware/drivers", "firmware/dispatch"},
    "firmware/main": {"proto", "spec", "firmware/drivers", "firmware/kernel",
                      "firmware/dispatch", "firmware/wire"},
    # bench images are tops like main (bench_qlink stands in for the dispatcher)
    "firmware/bench": {"proto", "spec", "firmware/drivers", "firmware/kernel",
                       "firmware/dispatch", "firmware/wire"},
}

# Ranks inside firmware/kernel: a module includes its own header and lower ranks only.
KERNEL_RANK = {
    "vd_config": 0, "vd_handle": 0,
    "vd_tlsf": 1, "vd_dxgk": 1,
    "vd_vidmm": 2, "vd_miniport": 2, "vd_render": 2,
    "vd_kernel": 3,
}


def area_of(path: Path) -> str:
    p = path.as_posix()
    if p.startswith(("firmware/include/", "firmware/drivers/", "firmware/lib/",
                     "firmware/start/", "firmware/boot/")):
        return "firmware/drivers"
    for a in ("firmware/kernel", "firmware/dispatch", "firmware/wire", "firmware/bench"):
        if p.startswith(a + "/"):
            return a
    if p == "firmware/main.c":
        return "firmware/main"
    if p.startswith("firmware/") and p.count("/") == 1:  # the linker script
        return "firmware/drivers"
    return p.split("/")[0]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--root", type=Path, default=Path("."))
    args = ap.parse_args()
    root = args.root
    files = [f.relative_to(root) for d in SOURCES for f in (root / d).rglob("*")
             if f.suffix in SUFFIXES]
    # header name as included -> its area ("vidalloc/vd_wire.h" for proto/include/...).
    owner = {}
    for f in files:
        if f.suffix == ".h":
            name = f.as_posix().split("/include/", 1)[1] if "/include/vidalloc/" in f.as_posix() \
                else f.name
            owner.setdefault(name, area_of(f))
    for g in GENERATED:
        owner[g] = "spec"
    bad = []
    inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
    for f in files:
        me = area_of(f)
        for name in inc.findall((root / f).read_text(errors="replace")):
            if name in EXTERNAL or name == "../link.ld.S":  # the bench's script extends it
                continue
            if name.endswith(".c"):
                bad.append(f"{f}: includes a .c file ({name})")
                continue
            if "%" in name:  # a printf format in a Makefile-like string
                continue
            to = owner.get(name)
            if to is None:
                bad.append(f"{f}: includes {name}, which is in no source area")
                continue
            if to != me and to not in ALLOWED.get(me, set()):
                bad.append(f"{f}: {me} includes {name} ({to}): not a layer below it")
                continue
            if me == to == "firmware/kernel":
                a, b = f.stem, Path(name).stem
                if a != b and KERNEL_RANK.get(b, 99) >= KERNEL_RANK.get(a, -1):
                    bad.append(f"{f}: kernel module {a} (rank {KERNEL_RANK.get(a)}) includes "
                               f"{name} (rank {KERNEL_RANK.get(b)}): not below it")
    for b in bad:
        print(f"layers: {b}")
    if bad:
        return 1
    print(f"layers: {len(files)} files, every include points down a layer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
