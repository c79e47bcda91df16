#!/usr/bin/env python3
"""Firmware images from raw binaries, with every limit taken from the generated vd_regs.h.

  mkfwimg.py image --regs build/gen/vd_regs.h --stack-reserve 4096 fw.bin fw.img
      Flash image: header {u32 magic = VD_FLASH_FW_MAGIC, u32 length} (little-endian) followed
      by the binary, which the boot ROM copies to FW_RAM. Refuses a binary larger than
      VD_FW_RAM_SIZE minus the stack reserve.

  mkfwimg.py rom --regs build/gen/vd_regs.h boot.bin bootrom.hex
      Boot ROM contents for $readmemh: exactly VD_BOOTROM_SIZE / 4 lines, one little-endian
      32-bit word each in hex, zero-padded. Refuses a binary larger than VD_BOOTROM_SIZE.
"""
import argparse
import re
import struct
import sys
from pathlib import Path


def read_regs(path):
    """#define VD_NAME 0x...u  ->  {'VD_NAME': int}"""
    defs = {}
    pat = re.compile(r"^#define\s+(VD_\w+)\s+(0[xX][0-9A-Fa-f]+|\d+)[uU]?\b", re.M)
    for name, val in pat.findall(Path(path).read_text()):
        defs[name] = int(val, 0)
    return defs


def need(defs, name, path):
    if name not in defs:
        sys.exit(f"mkfwimg: {name} not found in {path}")
    return defs[name]


def cmd_image(args):
    defs = read_regs(args.regs)
    magic = need(defs, "VD_FLASH_FW_MAGIC", args.regs)
    ram = need(defs, "VD_FW_RAM_SIZE", args.regs)
    data = Path(args.input).read_bytes()
    limit = ram - args.stack_reserve
    if not data:
        sys.exit(f"mkfwimg: {args.input} is empty")
    if len(data) > limit:
        sys.exit(f"mkfwimg: {args.input} is {len(data)} bytes; FW_RAM holds at most {limit} "
                 f"({ram} minus a {args.stack_reserve}-byte stack)")
    Path(args.output).write_bytes(struct.pack("<II", magic, len(data)) + data)
    print(f"  IMG     {args.output}: {len(data)} bytes of {limit} "
          f"({100 * len(data) // limit}% of FW_RAM without the stack)")


def cmd_rom(args):
    defs = read_regs(args.regs)
    size = need(defs, "VD_BOOTROM_SIZE", args.regs)
    data = Path(args.input).read_bytes()
    if len(data) > size:
        sys.exit(f"mkfwimg: boot ROM {args.input} is {len(data)} bytes, more than {size}")
    data = data.ljust(size, b"\0")
    words = struct.unpack(f"<{size // 4}I", data)
    Path(args.output).write_text("".join(f"{w:08x}\n" for w in words))
    print(f"  ROM     {args.output}: {len(Path(args.input).read_bytes())} bytes of {size}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    im = sub.add_parser("image", help="flash image: header + firmware binary")
    im.add_argument("--regs", required=True, help="generated vd_regs.h")
    im.add_argument("--stack-reserve", type=int, required=True, help="bytes kept for the stack")
    im.add_argument("input")
    im.add_argument("output")
    im.set_defaults(func=cmd_image)
    rom = sub.add_parser("rom", help="boot ROM $readmemh file")
    rom.add_argument("--regs", required=True, help="generated vd_regs.h")
    rom.add_argument("input")
    rom.add_argument("output")
    rom.set_defaults(func=cmd_rom)
    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
