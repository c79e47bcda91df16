"""host-lib over the PCIe queue link, end to end: the CLI and the demo over `inproc?link=pcie`
and `sim?link=pcie` (the real RTL endpoint, DMA engine and firmware queue link), attaching
to a running simulator (`shm=`), a host killed mid-request and the next one taking over, a
simulator killed under a host. Skipped on a simulator built without the PCIe endpoint."""
import os
import re
import signal
import subprocess
import time

import pytest

from hostlib_bins import ROOT, host_bin

PCIE_DEVICES = ["inproc?link=pcie", "sim?link=pcie"]
SIM = os.environ.get("VIDALLOC_SIM", str(ROOT / "build/sim/vidalloc-sim"))
FW = os.environ.get("VIDALLOC_FW_IMG", str(ROOT / "build/firmware/vidalloc-fw.img"))


def cli(*args, dev, stdin=None, timeout=300):
    return subprocess.run([str(host_bin("vidalloc")), "--dev", dev, *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module", autouse=True)
def needs_pcie():
    if not os.path.exists(SIM):
        pytest.skip(f"{SIM} not built")
    h = subprocess.run([SIM, "--help"], capture_output=True, text=True)
    if "--pcie" not in h.stdout + h.stderr:
        pytest.skip("this vidalloc-sim has no --pcie")
    p = cli("info", dev="inproc?link=pcie")
    if "no PCIe endpoint" in p.stderr:
        pytest.skip("this SoC has no PCIe endpoint")


@pytest.mark.parametrize("dev", PCIE_DEVICES)
def test_session(dev):
    p = cli("info", ";", "alloc", "16384", ";", "alloc", "32x32:A8R8G8B8", "--resource", "0x77",
            "--count", "2", ";", "write", "%0", "10", "deadbeef", ";", "fill", "%1", "0x5a",
            ";", "read", "%0", "--offset", "8", "--length", "8", ";", "read", "%1",
            "--offset", "4000", "--length", "16", ";", "fill", "%0", "0x3c", "--offset", "5001",
            "--length", "7", ";", "read", "%0", "--offset", "5000", "--length", "9", ";",
            "query", "children", "%kmr", ";", "free", "%0", ";", "free", "--resource", "0x77",
            ";", "stats", dev=dev)
    assert p.returncode == 0, p.stdout + p.stderr
    out = p.stdout
    assert re.search(r"transport (inproc|sim)-pcie", out), out
    assert "window 32" in out
    assert re.search(r"^00000008  00 00 de ad be ef 00 00", out, re.M), out
    assert re.search(r"^00000fa0  5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a 5a", out, re.M), out
    assert re.search(r"^00001388  00 3c 3c 3c 3c 3c 3c 3c 00", out, re.M), out
    assert "used 0 " in out and "0 allocations, 0 resources" in out


@pytest.mark.parametrize("dev", PCIE_DEVICES)
def test_gpu_over_pcie(dev):
    p = cli("alloc", "256", ";", "gpu-fill", "%0", "0x11223344", "--wait", ";", "read", "%0",
            "--length", "8", dev=dev)
    assert p.returncode == 0, p.stdout + p.stderr
    assert re.search(r"^00000000  44 33 22 11 44 33 22 11", p.stdout, re.M), p.stdout


@pytest.mark.parametrize("dev", PCIE_DEVICES)
def test_demo(dev):
    p = subprocess.run([str(host_bin("demo")), "--dev", dev], capture_output=True, text=True,
                       timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "demo: every call returned what WDDM specifies" in p.stdout


def test_pcie_bdf_not_supported():
    p = cli("info", dev="pcie:0000:01:00.0")
    assert p.returncode == 1
    assert "not supported yet" in p.stderr and "sim?link=pcie" in p.stderr


class RunningSim:
    """vidalloc-sim --pcie NAME started by the test (as a user would), not by host-lib."""

    def __init__(self, name):
        self.name = name
        self.proc = subprocess.Popen([SIM, "--uart", "pty", "--firmware", FW, "--pcie", name],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            line = self.proc.stdout.readline()
            if line.startswith("vidalloc-sim: pcie shm"):
                return
            if not line and self.proc.poll() is not None:
                break
        raise RuntimeError("the simulator did not announce its PCIe link: " +
                           self.proc.stderr.read())

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        self.proc.wait(timeout=30)
        try:
            os.unlink("/dev/shm" + self.name)  # a SIGKILLed simulator leaves it behind
        except FileNotFoundError:
            pass


def start_filling(dev, tmp_path):
    """A host running a long script of locks and unlocks; returns once it is under way."""
    script = tmp_path / "fills.txt"
    script.write_text("alloc 8192\n" + "fill %0 0xab\n" * 5000)
    p = subprocess.Popen([str(host_bin("vidalloc")), "--dev", dev, "--script", str(script)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        line = p.stdout.readline()
        if line.startswith("filled:"):
            return p
        if not line and p.poll() is not None:
            break
    p.kill()
    raise RuntimeError("the host did not get going: " + p.stderr.read())


@pytest.fixture
def running_sim():
    s = RunningSim(f"/vidalloc-test-{os.getpid()}-{time.monotonic_ns()}")
    yield s
    s.stop()


def test_attach_again_and_take_over(running_sim, tmp_path):
    dev = f"sim?link=pcie&shm={running_sim.name}"
    for _ in range(2):  # each attach restarts the queues; each close frees its device
        p = cli("alloc", "4096", ";", "fill", "%0", "0x5a", ";", "read", "%0", "--length", "4",
                dev=dev)
        assert p.returncode == 0, p.stdout + p.stderr
        assert "00000000  5a 5a 5a 5a" in p.stdout
    # A host killed mid-request: the next one takes the link over and finds it working.
    victim = start_filling(dev, tmp_path)
    victim.kill()
    victim.wait()
    p = cli("stats", ";", "alloc", "256", ";", "fill", "%0", "0x77", ";", "read", "%0",
            "--length", "4", dev=dev)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "00000000  77 77 77 77" in p.stdout
    # One host at a time: a second attach while one is attached is refused.
    holder = start_filling(dev, tmp_path)
    p = cli("stats", dev=dev)
    holder.kill()
    holder.wait()
    assert p.returncode == 1 and "in use by process" in p.stderr, p.stderr


def test_simulator_killed_under_a_host(running_sim, tmp_path):
    dev = f"sim?link=pcie&shm={running_sim.name}"
    host = start_filling(dev, tmp_path)
    running_sim.stop(signal.SIGKILL)
    out, err = host.communicate(timeout=60)
    assert host.returncode == 1
    assert "D3DDDIERR_DEVICEREMOVED" in err, err
