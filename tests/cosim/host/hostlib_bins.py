"""Helpers of the host-lib end-to-end tests: where the programs built by `make host-lib` are.
Programs under test drive the real RTL and firmware over the pty (`sim`) and in-process (`inproc`)."""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BIN_DIR = Path(os.environ.get("VIDALLOC_HOST_BIN_DIR", ROOT / "build/host-lib"))
# Every co-simulation test runs over every link the sim target offers: the UART (pty or in
# process) and PCIe (shared memory or in process).
DEVICES = ["inproc", "sim", "inproc?link=pcie", "sim?link=pcie"]


def host_bin(name: str) -> Path:
    p = BIN_DIR / name
    if not p.exists():
        if "VIDALLOC_HOST_BIN_DIR" in os.environ:   # `make cosim-host`: must be built
            pytest.fail(f"{p} missing (make host-lib)")
        pytest.skip(f"{p} not built: run `make cosim-host`")
    return p
