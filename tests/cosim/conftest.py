"""Co-simulation fixtures: start vidalloc-sim (real RTL + real firmware) and talk to it
through the pseudo-terminal it creates, as a host program talks to a board's serial port."""
import os
import re
import signal
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


@pytest.fixture
def sim_booted():
    if not SIM.exists() or not FW_IMG.exists():
        pytest.fail(f"build first: {SIM} and {FW_IMG} (make sim)")
    s = SimOnPty("--firmware", str(FW_IMG))
    yield s
    if s.proc.poll() is None:
        s.proc.kill()
        s.proc.wait()
