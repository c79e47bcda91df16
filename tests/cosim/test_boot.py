"""Boot and the wire protocol: the boot ROM copies the firmware out of the (modelled) SPI
flash, the firmware prints its banner over the RTL UART and then serves framed requests
(vd_wire.h) from the host through the pty, executed by the real firmware kernel."""
import re
import struct
import subprocess
import tomllib
from pathlib import Path

from conftest import (E_INVALIDARG, FW_IMG, MSG, RESPONSE, S_OK, SIM, WIRE_VERSION,
                      WireClient, cobs_decode, cobs_encode, crc32c, frame, unframe)

# The version is written once, in spec/soc.toml: the banner, SYSCTL.VERSION and HELLO show it.
SPEC = tomllib.loads((Path(__file__).resolve().parents[2] / "spec/soc.toml").read_text())
VERSION = SPEC["soc"]["version"]
MAJOR, MINOR, PATCH = (int(x) for x in VERSION.split("."))

SOC_ID = 0x5644414C  # "VDAL"
CLK_HZ = 12000000
QUERY_SEGMENT_STATS = 5
QUERY_ALLOCATION = 4
QUERY_FW_STATS = 7


def test_python_codec_self_check():
    # The test's own codec against known vectors, before it is trusted against the firmware.
    assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    assert cobs_encode(b"\x11\x22\x00\x33") == b"\x03\x11\x22\x02\x33"
    assert cobs_encode(b"\x00") == b"\x01\x01"
    long = bytes(range(1, 255)) * 3
    assert cobs_decode(cobs_encode(long)) == long
    t, s, p = unframe(frame(0x81, 7, b"\x00\x01\x02")[:-1])
    assert (t, s, p) == (0x81, 7, b"\x00\x01\x02")


def test_banner_over_pty(sim_booted):
    out = sim_booted.read_until(b"ready\r\n").decode("ascii", "replace")
    assert re.search(r"^vidalloc firmware " + re.escape(VERSION) + r"\+", out, re.M), out
    assert "VDAL" in out          # SYSCTL.ID read by the firmware over the bus
    assert "12000000" in out      # SYSCTL.CLK_HZ
    assert "features 0x0000007f" in out  # SYSCTL.FEATURES of target sim: every block
    status, err = sim_booted.stop()
    assert status == 0, err
    assert re.search(r"\d+ cycles .* [\d.]+ M cycles/s", err), err


def buffer_desc(size: int, usage: int = 0x06) -> bytes:
    # vd_surface_desc: Version 1, Size 32, D3DDDIFMT_UNKNOWN, buffer of `size` bytes, CPU R/W.
    return struct.pack("<HHIIIIIII", 1, 32, 0, 0, 0, size, usage, 0, 0)


def allocate_one(hdev: int, size: int) -> bytes:
    req = struct.pack("<IIQII", hdev, 1, 0, 0, 0)                  # vd_wire_allocate_req
    req += struct.pack("<QIIII", 0, 0, 0, 32, 0) + buffer_desc(size)  # vd_wire_allocinfo + desc
    return req


def query(what: int, handle: int = 0, arg: int = 0) -> bytes:
    return struct.pack("<IIII", what, handle, arg, 0)


def test_protocol_exchange(sim_booted):
    w = WireClient(sim_booted)
    w.sync()

    # HELLO: version and identity fields straight from SYSCTL and the firmware.
    p = w.call(MSG["HELLO"], 100, struct.pack("<II", WIRE_VERSION, 0))
    assert len(p) == 88  # version 1's 64 bytes, then features and the kernel's limits
    hr, ver, max_payload, window, soc_id, soc_ver, clk, vram = struct.unpack_from("<iIIIIIII", p)
    features, max_allocs_per_call, max_allocations, max_resources, max_devices = \
        struct.unpack_from("<5I", p, 64)
    assert features == 0x7F  # SYSCTL.FEATURES of target sim: UART TIMER SPIFLASH MEMCTL GPU PCIE FRAMER
    assert (max_allocs_per_call, max_allocations, max_resources, max_devices) == (8, 128, 32, 4)
    assert (hr, ver, max_payload, window) == (S_OK, WIRE_VERSION, 1024, 2)
    assert (soc_id, clk, vram) == (SOC_ID, CLK_HZ, 65536)
    assert soc_ver == (MAJOR << 16) | (MINOR << 8) | PATCH          # SYSCTL.VERSION
    assert p[32:64].split(b"\0")[0].decode().startswith(VERSION + "+")

    p = w.call(MSG["OPEN_DEVICE"], 101)
    hr, hdev = struct.unpack("<iI", p)
    assert hr == S_OK and hdev != 0

    p = w.call(MSG["ALLOCATE"], 102, allocate_one(hdev, 4000))
    hr, hkm, n, _ = struct.unpack_from("<iIII", p)
    assert (hr, hkm, n) == (S_OK, 0, 1) and len(p) == 20
    halloc = struct.unpack_from("<I", p, 16)[0]
    assert halloc != 0

    p = w.call(MSG["QUERY"], 103, query(QUERY_SEGMENT_STATS))
    hr, _, length, _ = struct.unpack_from("<iIII", p)
    assert hr == S_OK and length == 32
    size, used, free, largest, frag, allocs, resources, devices = struct.unpack_from("<8I", p, 16)
    # The segment is VRAM less the GPU's 1 KiB command ring (firmware reserves it at boot).
    seg = 65536 - 1024
    assert (size, used, free, allocs, resources, devices) == (seg, 4000, seg - 4000, 1, 0, 1)

    p = w.call(MSG["QUERY"], 104, query(QUERY_ALLOCATION, halloc))
    hr, _, length, _ = struct.unpack_from("<iIII", p)
    dev, hkm, residency, segment, offset, asize, align, flags = struct.unpack_from("<8I", p, 16)
    assert (hr, dev, residency, segment, asize, flags & 1) == (S_OK, hdev, 1, 1, 4000, 1)

    # Bytes through VRAM: LOCK, WRITE, READ back, UNLOCK.
    p = w.call(MSG["LOCK"], 105, struct.pack("<IIII", hdev, halloc, 0, 0))
    assert struct.unpack("<iI", p) == (S_OK, 4000)
    data = bytes((i * 7 + 3) & 0xFF for i in range(301))
    pad = b"\0" * (-len(data) % 4)
    p = w.call(MSG["WRITE"], 106, struct.pack("<IIII", hdev, halloc, 100, len(data)) + data + pad)
    assert struct.unpack("<i", p)[0] == S_OK
    p = w.call(MSG["READ"], 107, struct.pack("<IIII", hdev, halloc, 100, len(data)))
    assert struct.unpack_from("<iI", p) == (S_OK, len(data)) and p[8:8 + len(data)] == data
    p = w.call(MSG["UNLOCK"], 108, struct.pack("<IIII", hdev, halloc, 0, 0))
    assert struct.unpack("<i", p)[0] == S_OK

    # A corrupted frame gets no answer; its retransmission (same seq) gets one.
    good = frame(MSG["QUERY"], 109, query(QUERY_SEGMENT_STATS))
    bad = bytearray(good)
    bad[5] ^= 0x20
    w.send(bytes(bad))
    assert w.recv(timeout=3.0) is None
    p = w.call(MSG["QUERY"], 109, query(QUERY_SEGMENT_STATS))
    assert struct.unpack_from("<i", p)[0] == S_OK

    # A repeated ALLOCATE seq replays: same handle, allocated once.
    p = w.call(MSG["ALLOCATE"], 110, allocate_one(hdev, 64))
    h2 = struct.unpack_from("<I", p, 16)[0]
    p = w.call(MSG["ALLOCATE"], 110, allocate_one(hdev, 64))
    assert struct.unpack_from("<iIII", p)[0] == S_OK and struct.unpack_from("<I", p, 16)[0] == h2
    p = w.call(MSG["QUERY"], 111, query(QUERY_SEGMENT_STATS))
    assert struct.unpack_from("<8I", p, 16)[5] == 2                 # two allocations, not three

    # Malformed: a truncated ALLOCATE is E_INVALIDARG.
    p = w.call(MSG["ALLOCATE"], 112, allocate_one(hdev, 64)[:-4])
    assert struct.unpack_from("<i", p)[0] == E_INVALIDARG

    # Largest WRITE (a full 1,024-byte payload) twice in flight: the ring holds the window.
    p = w.call(MSG["LOCK"], 113, struct.pack("<IIII", hdev, halloc, 0, 0))
    big = bytes((i * 13) & 0xFF for i in range(1008))
    w.send(frame(MSG["WRITE"], 114, struct.pack("<IIII", hdev, halloc, 0, 1008) + big) +
           frame(MSG["WRITE"], 115, struct.pack("<IIII", hdev, halloc, 1008, 1008) + big))
    for seq in (114, 115):
        t, s, p = w.recv()
        assert (t, s, struct.unpack("<i", p)[0]) == (MSG["WRITE"] | RESPONSE, seq, S_OK)
    p = w.call(MSG["READ"], 116, struct.pack("<IIII", hdev, halloc, 1008, 1008))
    assert p[8:] == big

    # Two requests in flight (the window), then the transport counters.
    w.send(frame(MSG["QUERY"], 117, query(QUERY_SEGMENT_STATS)) +
           frame(MSG["DEALLOCATE"], 118, struct.pack("<IIQ", hdev, 1, 0) + struct.pack("<I", h2)))
    assert w.recv()[:2] == (MSG["QUERY"] | RESPONSE, 117)
    t, s, p = w.recv()
    assert (t, s, struct.unpack("<i", p)[0]) == (MSG["DEALLOCATE"] | RESPONSE, 118, S_OK)
    p = w.call(MSG["QUERY"], 119, query(QUERY_FW_STATS))
    hr, _, length, _ = struct.unpack_from("<iIII", p)
    names = ("rx_bytes rx_frames rx_dropped rx_overflows uart_errors executed replayed "
             "seq_dropped drain_cycles drain_bytes drain_irqs decode_cycles decode_bytes "
             "exec_cycles encode_cycles tx_cycles idle_cycles "
             "q_batches q_requests q_invalid q_fetch_cycles q_exec_cycles q_build_cycles "
             "q_send_cycles q_fetch_bytes q_send_bytes q_cq_waits q_dma_errors q_enables").split()
    assert hr == S_OK and length == 4 * len(names)            # sizeof(vd_wire_fw_stats)
    st = dict(zip(names, struct.unpack_from(f"<{len(names)}I", p, 16)))
    assert st["rx_dropped"] == 1 and st["rx_overflows"] == 0 and st["replayed"] == 1, st
    assert st["uart_errors"] == 0 and st["executed"] == 19, st   # 100..118 (119 counts after)
    assert st["q_requests"] == 0 and st["q_batches"] == 0, st    # nothing over PCIe here
    # every good frame reached the session: executed, replayed or dropped there, and 119
    assert st["rx_frames"] == st["executed"] + st["replayed"] + st["seq_dropped"] + 1, st
    if st["drain_bytes"]:   # the software path; with the framer (target sim) it decodes
        print(f"\nRX cost: drain {st['drain_cycles'] / st['drain_bytes']:.1f} cycles/byte "
              f"({st['drain_irqs']} IRQs, {st['drain_bytes']} bytes), decode "
              f"{st['decode_cycles'] / st['decode_bytes']:.1f} cycles/byte")
    else:
        assert st["decode_bytes"] == 0 and st["drain_irqs"] > 0, st  # one IRQ per frame at most
        print(f"\nRX by the framer: {st['rx_frames']} frames, {st['drain_irqs']} IRQs")

    status, err = sim_booted.stop()
    assert status == 0, err
    assert "framing errors" not in err


def test_no_firmware_traps_nonzero():
    # Empty flash: the boot ROM reports it and halts the CPU; the simulator exits with 3.
    p = subprocess.run([str(SIM), "--uart", "stdio", "--max-cycles", "2000000"],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
    assert p.returncode == 3, (p.stdout, p.stderr)
    assert "boot: no firmware image" in p.stdout
    assert "CPU trapped" in p.stderr


def test_expect_and_cycle_limit():
    ok = subprocess.run([str(SIM), "--firmware", str(FW_IMG), "--expect", "ready",
                         "--max-cycles", "50000000"],
                        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    short = subprocess.run([str(SIM), "--firmware", str(FW_IMG), "--expect", "ready",
                            "--max-cycles", "1000"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    assert short.returncode == 2
    assert "not seen within 1000 cycles" in short.stderr


def test_usage_errors():
    bad = subprocess.run([str(SIM), "--bogus"], capture_output=True, text=True)
    assert bad.returncode == 1 and "unknown option" in bad.stderr
    missing = subprocess.run([str(SIM), "--firmware", "/nonexistent.img"],
                             capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert missing.returncode == 1 and "/nonexistent.img" in missing.stderr
    assert subprocess.run([str(SIM), "--help"], capture_output=True).returncode == 0
