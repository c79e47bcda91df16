"""pfnRenderCb end to end: render_e2e (C, linked with host-lib) against the simulated board
(GPU command block, memory controller, firmware), once per transport, plus the CLI's GPU
commands. Each group boots a fresh board, so `removal` (adapter removed until a board reset)
does not affect the others.

    make cosim-render            # this file only
    VIDALLOC_HOST_BIN_DIR=build/host-lib python -m pytest -q tests/cosim/host/test_render_e2e.py
"""
import re
import subprocess

import pytest

from hostlib_bins import DEVICES, host_bin

GROUPS = ["render", "split", "validate", "firmware", "fault", "tdr", "tdr-default", "window",
          "removal", "sysmem"]


@pytest.mark.parametrize("dev", DEVICES)
@pytest.mark.parametrize("group", GROUPS)
def test_group(dev, group):
    p = subprocess.run([str(host_bin("render_e2e")), "--dev", dev, group],
                       capture_output=True, text=True, timeout=600)
    failed = [line for line in p.stdout.splitlines() if line.startswith("not ok")]
    assert p.returncode == 0 and not failed, p.stdout[-4000:] + p.stderr[-2000:]
    assert "ok 1 " in p.stdout


def test_inproc_is_deterministic():
    runs = [subprocess.run([str(host_bin("render_e2e")), "--dev", "inproc", "tdr"],
                           capture_output=True, text=True, timeout=300).stdout
            for _ in range(2)]
    last = [r.strip().splitlines()[-1] for r in runs]
    assert last[0] == last[1] and "cycles" in last[0], last


def cli(*args, dev="inproc"):
    return subprocess.run([str(host_bin("vidalloc")), "--dev", dev, *args],
                          capture_output=True, text=True, timeout=300)


def test_cli_help():
    for cmd in ["gpu-fill", "gpu-copy", "gpu-hang", "gpu-state", "tdr", "wait", "reopen",
                "expect"]:
        h = subprocess.run([str(host_bin("vidalloc")), "help", cmd], capture_output=True,
                           text=True)
        assert h.returncode == 0 and h.stdout.startswith(f"usage: vidalloc {cmd}"), (cmd, h.stdout)
    top = subprocess.run([str(host_bin("vidalloc")), "--help"], capture_output=True, text=True)
    assert "gpu-fill HANDLE PATTERN" in top.stdout and "tdr --delay CYCLES" in top.stdout


def test_cli_usage_errors():
    assert cli("gpu-fill").returncode == 2
    assert cli("gpu-fill", "%0", "1", "16").returncode == 2      # OFFSET without BYTES
    assert cli("tdr").returncode == 2                             # --delay is required
    assert cli("wait").returncode == 2                            # nothing submitted
    assert cli("gpu-hang", "--bogus").returncode == 2


@pytest.mark.parametrize("dev", DEVICES)
def test_cli_fill_copy(dev):
    p = cli("alloc", "256", ";", "alloc", "256", ";", "gpu-fill", "%0", "0x11223344", "--wait",
            ";", "gpu-copy", "%1", "%0", "64", "--dst-offset", "16", ";", "wait", ";",
            "read", "%1", "--length", "96", ";", "gpu-fill", "%0", "0xAABBCCDD", "8", "8", ";",
            "wait", "%fence", "--timeout", "1000", ";", "read", "%0", "--length", "32", ";",
            "gpu-state", dev=dev)
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    assert re.search(r"pfnRenderCb: S_OK, fence \d+", out) and "completed" in out
    # %1: 16 zero bytes, then 64 copied bytes of 44 33 22 11, then zeros.
    dump = [l for l in out.splitlines() if re.match(r"^000000[0-5]0 ", l)]
    assert dump[0].startswith("00000000  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), dump
    assert "44 33 22 11 44 33 22 11" in dump[1], dump
    assert dump[5].startswith("00000050  00 00 00 00"), dump
    assert "00000000  44 33 22 11 44 33 22 11 dd cc bb aa dd cc bb aa" in out, out
    assert "engine       IDLE" in out and "faults       0" in out


@pytest.mark.parametrize("dev", DEVICES)
def test_cli_hang_and_reopen(dev):
    p = cli("tdr", "--delay", "200000", ";", "alloc", "256", ";", "gpu-hang", ";",
            "expect", "D3DDDIERR_DEVICEREMOVED", "wait", ";",
            "expect", "D3DDDIERR_DEVICEREMOVED", "gpu-fill", "%0", "1", ";",
            "gpu-state", ";", "reopen", ";", "alloc", "256", ";", "gpu-fill", "%0", "7",
            "--wait", ";", "stats", dev=dev)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "TdrDelay 200000 cycles" in p.stdout
    assert "timeouts     1 since boot, 1 in the window; adapter present" in p.stdout
    assert "reopened: hDevice" in p.stdout
    assert "objects: 1 allocations" in p.stdout


def test_cli_failure_names_the_hresult():
    p = cli("alloc", "256", ";", "gpu-fill", "%0", "1", "0", "512", "--wait")
    assert p.returncode == 1
    assert "D3DDDIERR_DEVICEREMOVED (0x88760870)" in p.stderr, p.stderr
    p = cli("alloc", "256", ";", "gpu-fill", "%0", "1", "--readonly", ";", "wait", ";", "gpu-state")
    assert p.returncode == 1 and "D3DDDIERR_DEVICEREMOVED" in p.stderr
    p = cli("alloc", "256", ";", "expect", "E_INVALIDARG", "gpu-fill", "%0", "1", "--wait")
    assert p.returncode == 1 and "gave success" in p.stderr
