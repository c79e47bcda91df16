"""Co-simulation fixtures: start vidalloc-sim (real RTL + real firmware) and talk to it
through the pseudo-terminal it creates, as a host program talks to a board's serial port."""
import os
import re
import signal
import struct
import subprocess
import termios
import time
import tty
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SIM = Path(os.environ.get("VIDALLOC_SIM", ROOT / "build/sim/vidalloc-sim"))
FW_IMG = Path(os.environ.get("VIDALLOC_FW_IMG", ROOT / "build/firmware/vidalloc-fw.img"))


class SimOnPty:
    """A running vidalloc-sim with its UART on a pty."""

    def __init__(self, *extra):
        self.proc = subprocess.Popen(
            [str(SIM), "--uart", "pty", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.match(r"vidalloc-sim: uart pty (\S+)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"no pty announced: {line!r} {self.proc.stderr.read()}")
        self.path = m.group(1)
        self.fd = os.open(self.path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        self.received = b""

    def read_until(self, needle: bytes, timeout=60.0) -> bytes:
        """Read from the pty until needle appears; returns everything read so far."""
        deadline = time.monotonic() + timeout
        os.set_blocking(self.fd, False)
        while needle not in self.received:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needle!r} not received; got {self.received!r}")
            if self.proc.poll() is not None:
                raise RuntimeError(f"simulator exited {self.proc.returncode}: {self.proc.stderr.read()}")
            try:
                self.received += os.read(self.fd, 4096)
            except BlockingIOError:
                time.sleep(0.01)
        return self.received

    def write(self, data: bytes):
        os.write(self.fd, data)

    def stop(self):
        """SIGTERM, as a user's Ctrl-C would; returns (exit status, stderr)."""
        os.close(self.fd)
        self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        return self.proc.returncode, err


# ---- the wire protocol (host-lib/include/vidalloc/vd_wire.h), written independently of the
# C codec in proto/vd_frame.c so that each checks the other.

WIRE_VERSION = 1
RESPONSE = 0x80
MSG = dict(HELLO=0x01, OPEN_DEVICE=0x02, CLOSE_DEVICE=0x03, ALLOCATE=0x10, DEALLOCATE=0x11,
           LOCK=0x12, UNLOCK=0x13, READ=0x14, WRITE=0x15, QUERY=0x20)
S_OK = 0
E_INVALIDARG = 0x80070057 - (1 << 32)


def crc32c(data: bytes, crc: int = 0) -> int:
    """CRC-32C bit by bit (reflected 0x82F63B78), no table: a different shape from the C one."""
    crc ^= 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 & -(crc & 1))
    return crc ^ 0xFFFFFFFF


def cobs_encode(data: bytes) -> bytes:
    out, block = bytearray(), bytearray()
    for b in data:
        if b == 0:
            out += bytes([len(block) + 1]) + block
            block.clear()
        else:
            block.append(b)
            if len(block) == 254:
                out += b"\xff" + block
                block.clear()
    out += bytes([len(block) + 1]) + block
    return bytes(out)


def cobs_decode(data: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(data):
        code = data[i]
        if code == 0 or i + code > len(data):
            raise ValueError("bad COBS")
        out += data[i + 1:i + code]
        i += code
        if code < 0xFF and i < len(data):
            out.append(0)
    return bytes(out)


def frame(type_: int, seq: int, payload: bytes = b"") -> bytes:
    body = struct.pack("<BBHHH", type_, WIRE_VERSION, seq, len(payload), 0) + payload
    return cobs_encode(body + struct.pack("<I", crc32c(body))) + b"\x00"


def unframe(raw: bytes):
    """(type, seq, payload) of one frame without its delimiter; asserts CRC and lengths."""
    body = cobs_decode(raw)
    assert len(body) >= 12, body
    t, ver, seq, ln, rsv = struct.unpack_from("<BBHHH", body)
    assert ver == WIRE_VERSION and rsv == 0 and len(body) == 8 + ln + 4, body
    assert struct.unpack_from("<I", body, 8 + ln)[0] == crc32c(body[:8 + ln]), "response CRC"
    return t, seq, body[8:8 + ln]


class WireClient:
    """Sends requests over the pty and reads the responses, frame by frame."""

    def __init__(self, sim: "SimOnPty"):
        self.sim = sim
        self.buf = b""

    def sync(self, timeout=120.0):
        """After boot: the banner ends with "ready" and the firmware's lone 0x00."""
        got = self.sim.read_until(b"ready\r\n\x00", timeout)
        self.buf = got.split(b"ready\r\n\x00", 1)[1]
        return got

    def send(self, data: bytes):
        self.sim.write(data)

    def recv(self, timeout=30.0):
        """Next frame (type, seq, payload), or None when nothing arrives within timeout."""
        deadline = time.monotonic() + timeout
        os.set_blocking(self.sim.fd, False)
        while b"\x00" not in self.buf:
            if time.monotonic() > deadline:
                return None
            if self.sim.proc.poll() is not None:
                raise RuntimeError(f"simulator exited {self.sim.proc.returncode}")
            try:
                self.buf += os.read(self.sim.fd, 4096)
            except BlockingIOError:
                time.sleep(0.005)
        raw, self.buf = self.buf.split(b"\x00", 1)
        return unframe(raw)

    def call(self, type_: int, seq: int, payload: bytes = b"", timeout=30.0):
        self.send(frame(type_, seq, payload))
        rsp = self.recv(timeout)
        assert rsp is not None, f"no response to type {type_:#x} seq {seq}"
        t, s, p = rsp
        assert t == type_ | RESPONSE and s == seq, (t, s)
        return p


@pytest.fixture
def sim_booted():
    if not SIM.exists() or not FW_IMG.exists():
        pytest.fail(f"build first: {SIM} and {FW_IMG} (make sim)")
    s = SimOnPty("--firmware", str(FW_IMG))
    yield s
    if s.proc.poll() is None:
        s.proc.kill()
        s.proc.wait()
