"""The `vidalloc` CLI, the demo and the seed page's example, end to end."""
import re
import subprocess

import pytest

from hostlib_bins import DEVICES, host_bin


def cli(*args, dev="inproc", stdin=None):
    return subprocess.run([str(host_bin("vidalloc")), "--dev", dev, *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def test_help():
    p = subprocess.run([str(host_bin("vidalloc")), "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "alloc SIZE|WxH:FORMAT" in p.stdout and "--script" in p.stdout
    for cmd in ["alloc", "free", "read", "write", "fill", "stats", "query", "info"]:
        h = subprocess.run([str(host_bin("vidalloc")), "help", cmd], capture_output=True, text=True)
        assert h.returncode == 0 and h.stdout.startswith(f"usage: vidalloc {cmd}"), (cmd, h.stdout)
    assert cli("alloc", "--help").stdout.startswith("usage: vidalloc alloc")


def test_usage_errors():
    bad = subprocess.run([str(host_bin("vidalloc")), "--bogus"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown option" in bad.stderr
    assert cli("frobnicate").returncode == 2
    assert cli("alloc", "12x:FOO").returncode == 2


@pytest.mark.parametrize("dev", DEVICES)
def test_session(dev):
    p = cli("info", ";", "alloc", "4096", ";", "alloc", "32x32:A8R8G8B8", "--resource", "0x77",
            "--count", "2", ";", "write", "%0", "10", "deadbeef", ";", "fill", "%1", "0x5a",
            ";", "read", "%0", "--offset", "8", "--length", "8", ";", "query", "children", "%kmr",
            ";", "query", "parent", "%2", ";", "query", "describe", "%1", ";", "free", "%0", ";",
            "free", "--resource", "0x77", ";", "stats", dev=dev)
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    assert "wire version 1" in out and "8 allocations per call" in out
    assert re.search(r"^00000008  00 00 de ad be ef 00 00", out, re.M), out
    kmr = re.search(r"hKMResource (0x[0-9A-F]+)", out).group(1)
    assert f"DxgkCbGetHandleParent" in out and kmr in out.split("query parent")[1]
    assert "32x32 format 21" in out
    assert "used 0 " in out and "0 allocations, 0 resources" in out


def test_script_and_failures(tmp_path):
    script = tmp_path / "s.txt"
    script.write_text("# comment\nalloc 1K --usage read,write\nfill %0 7\nread %0 --length 4\n"
                      "alloc 1M\nstats\n")
    p = cli("--script", str(script))
    assert p.returncode == 1
    assert "00000000  07 07 07 07" in p.stdout
    assert "D3DERR_OUTOFVIDEOMEMORY (0x8876017C)" in p.stderr and "s.txt:5" in p.stderr
    assert "vidalloc> stats" not in p.stdout  # stopped at the failure
    inv = cli("alloc", "64", "--stereo")
    assert inv.returncode == 1 and "E_INVALIDARG (0x80070057)" in inv.stderr
    nolock = cli("alloc", "64", "--usage", "none", ";", "read", "%0")
    assert nolock.returncode == 1 and "D3DERR_NOTAVAILABLE (0x8876086A)" in nolock.stderr
    badfree = cli("free", "0x40001234")
    assert badfree.returncode == 1 and "E_INVALIDARG" in badfree.stderr
    p = subprocess.run([str(host_bin("vidalloc")), "--dev", "inproc", "--script", "-"],
                       input="alloc 16\nstats\n", capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "1 allocations" in p.stdout


def test_bad_uris():
    for uri, msg in [("bogus", "unknown scheme"), ("uart:", "empty path"),
                     ("uart:/nonexistent/tty", "cannot open"), ("sim?fw=/nonexistent.img", "firmware"),
                     ("inproc?x=1", "unknown parameter"), ("pcie:0000:01:00.0", "not supported yet"),
                     ("sim?link=usb", "link=usb"), ("inproc?link=pcie&x=1", "unknown parameter")]:
        p = cli("info", dev=uri)
        assert p.returncode == 1 and msg in p.stderr, (uri, p.stderr)
        assert re.search(r"(E_INVALIDARG|E_FAIL) \(0x8", p.stderr), p.stderr


@pytest.mark.parametrize("dev", DEVICES)
def test_demo(dev):
    p = subprocess.run([str(host_bin("demo")), "--dev", dev], capture_output=True, text=True,
                       timeout=240)
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    assert "UNEXPECTED" not in out
    assert "D3DERR_OUTOFVIDEOMEMORY (0x8876017C)" in out and "E_INVALIDARG (0x80070057)" in out
    assert "segment stats at the end: VRAM used 0 of" in out and "0 allocations, 0 resources" in out
    # GPU work checked through a lock, then a hang: removed, reopened, nothing leaked.
    assert "0x5A x 512: exactly" in out
    assert "D3DDDIERR_DEVICEREMOVED (0x88760870)" in out
    assert "segment stats after the reopen: VRAM used 0 of" in out


def test_seed_example():
    # The page's code as written has no private driver data: the miniport rejects it.
    p = subprocess.run([str(host_bin("seed_example")), "inproc"], capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 3 and "E_INVALIDARG" in p.stdout, p.stdout + p.stderr
    p = subprocess.run([str(host_bin("seed_example")), "--with-private-data", "inproc"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "S_OK" in p.stdout, p.stdout + p.stderr


def test_bench_figures():
    p = subprocess.run([str(host_bin("demo")), "--bench"], capture_output=True, text=True,
                       timeout=240)
    assert p.returncode == 0, p.stderr
    assert re.search(r"round trip of one allocation: \d+ cycles", p.stdout)
    assert re.search(r"firmware's own cycles per round trip: \d+", p.stdout)
    assert "wire limit" in p.stdout
