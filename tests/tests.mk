# Test suites. `make test` runs them all through tools/run-tests.sh, which prints one
# result per suite and a closing "N passed, M failed" line. The FPGA fit (single-threaded
# place and route) runs in the background beside cosim-host and fuzz-smoke, once cosim has
# built the firmware image and boot ROM it shares with them.

-include tests/unit/unit.mk
-include tests/rtl/rtl_tests.mk
-include tests/rtl/hw_tests.mk
-include tests/formal/formal.mk
-include tests/fuzz/fuzz.mk
-include tests/sim/sim_tests.mk
-include tests/soak/soak.mk

PYTEST := $(VENV)/bin/python -m pytest

.PHONY: test regs-check layers rtl-tests cosim demo demo-run bench
# Both quick-start verbs install what is missing first (make deps is quick when all is there).
test:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)MAKE="$(MAKE)" BUILD=$(BUILD) SUITE_JOBS=-j$(JOBS) tools/run-tests.sh regs-check layers lint \
	  unit install-check rtl-tests formal cosim 'fit&' cosim-host soak-smoke pcie-sim fuzz-smoke

regs-check: $(GEN)/vd_regs.h
	$(Q)$(PYTHON) tools/regmap.py --check-md docs/registers.md

# Every #include points down a layer (docs/architecture.md): no firmware header in host-lib,
# none of host-lib's in the firmware, the scheduler below the kernel, no .c included.
layers:
	$(Q)$(PYTHON) tools/check_layers.py

rtl-tests: $(RTL_TEST_TARGETS)

# Co-simulation: the real RTL and firmware in vidalloc-sim, driven through its pty; then the
# same suite on the `sim` SoC with the other CPU (target sim_picorv32, its firmware build), so
# PicoRV32 keeps booting (docs/cpu.md).
COSIM_OTHER_CPU := sim_picorv32
cosim: $(SIM_BIN) $(FW_IMG) $(call sim_bin,$(COSIM_OTHER_CPU)) $(call fw_img,$(COSIM_OTHER_CPU)) \
       $(VENV)/.stamp-requirements
	$(Q)VIDALLOC_SIM=$(SIM_BIN) VIDALLOC_FW_IMG=$(FW_IMG) $(PYTEST) -q tests/cosim --ignore=tests/cosim/host
	@echo "  COSIM   the same on target $(COSIM_OTHER_CPU) ($$($(PYTHON) tools/target.py cpu $(COSIM_OTHER_CPU)))"
	$(Q)VIDALLOC_SIM=$(call sim_bin,$(COSIM_OTHER_CPU)) VIDALLOC_FW_IMG=$(call fw_img,$(COSIM_OTHER_CPU)) \
	  $(PYTEST) -q tests/cosim --ignore=tests/cosim/host

# Boot the simulated board and show the firmware's banner (the demo proper is demo-alloc).
demo:
	$(Q)$(MAKE) --no-print-directory deps
	$(Q)$(MAKE) --no-print-directory demo-alloc
demo-run: $(SIM_BIN) $(FW_IMG)
	@echo "== vidalloc demo: booting the simulated SoC (PicoRV32 + firmware from SPI flash) =="
	$(Q)$(SIM_BIN) --firmware $(FW_IMG) --uart stdio --expect ready --max-cycles 50000000 </dev/null

# Every figure the issues ask for: simulator speed, allocator cycles, the host round trip
# and wire share, the GPU's FILL/COPY bytes per cycle (block bench, doorbell to completion),
# the PCIe endpoint's DMA bytes per cycle (block bench, START to done).
bench: $(SIM_BIN) $(FW_IMG)
	$(Q)SIM=$(SIM_BIN) FW_IMG=$(FW_IMG) tools/bench-sim.sh
	$(Q)$(MAKE) --no-print-directory bench-alloc
	$(Q)$(MAKE) --no-print-directory bench-host
	$(Q)$(MAKE) --no-print-directory bench-pcie
	$(Q)$(MAKE) --no-print-directory rtl-gpu
	$(Q)$(MAKE) --no-print-directory rtl-pcie
