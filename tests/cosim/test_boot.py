"""Boot: the boot ROM copies the firmware out of the (modelled) SPI flash, the firmware
prints its banner over the RTL UART, and the line works in both directions."""
import re
import subprocess

from conftest import FW_IMG, SIM


def test_banner_over_pty(sim_booted):
    out = sim_booted.read_until(b"ready\r\n").decode("ascii", "replace")
    assert re.search(r"^vidalloc firmware 0\.1\.0", out, re.M), out
    assert "VDAL" in out          # SYSCTL.ID read by the firmware over the bus
    assert "12000000" in out      # SYSCTL.CLK_HZ
    status, err = sim_booted.stop()
    assert status == 0, err
    assert re.search(r"\d+ cycles .* [\d.]+ M cycles/s", err), err


def test_echo_both_directions(sim_booted):
    sim_booted.read_until(b"ready\r\n")
    probe = bytes(range(0x20, 0x7F))      # every printable byte through RX and back out TX
    sim_booted.write(probe)
    after = sim_booted.read_until(probe, timeout=60).split(b"ready\r\n", 1)[1]
    assert after.startswith(probe)
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
