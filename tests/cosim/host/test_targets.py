"""Build targets other than `sim`, end to end over every link they offer (sim: the pty;
inproc: the programs linked with that target's simulator library). `minimal` has no GPU
command block: the allocation path runs as on the full SoC, and a request for the GPU gets
E_FAIL with a sentence at once, from host-lib and from the firmware, while the board stays up.
The firmware image is the same one every target runs."""
import os
import subprocess
from pathlib import Path

import pytest

from hostlib_bins import ROOT

HOST_E2E_GROUPS = ["rules", "dealloc", "lock", "vram", "handles", "retransmit"]


def target_dir(target: str) -> Path:
    d = os.environ.get(f"VIDALLOC_TARGET_DIR_{target}")
    p = Path(d) if d else ROOT / f"build/sim-{target}"
    if not (p / "vidalloc-sim").exists():
        if d:
            pytest.fail(f"{p} has no simulator (make cosim-host builds it)")
        pytest.skip(f"{p} not built: run `make cosim-host`")
    return p


def devices(target: str):
    d = target_dir(target)
    return {"inproc": "inproc", "sim": f"sim?sim={d / 'vidalloc-sim'}"}


def run(target: str, prog: str, dev: str, group: str):
    p = subprocess.run([str(target_dir(target) / prog), "--dev", devices(target)[dev], group],
                       capture_output=True, text=True, timeout=240)
    failed = [line for line in p.stdout.splitlines() if line.startswith("not ok")]
    assert p.returncode == 0 and not failed, p.stdout[-4000:] + p.stderr[-2000:]
    assert "ok 1 " in p.stdout
    return p.stdout


@pytest.mark.parametrize("dev", ["inproc", "sim"])
def test_minimal_refuses_the_gpu(dev):
    out = run("minimal", "render_e2e", dev, "nogpu")
    assert "no GPU command block" in out


@pytest.mark.parametrize("dev", ["inproc", "sim"])
@pytest.mark.parametrize("group", HOST_E2E_GROUPS)
def test_minimal_allocation_path(dev, group):
    run("minimal", "host_e2e", dev, group)
