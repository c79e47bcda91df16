# RTL: source lists, the third-party CPU from the venv, lint, and the FPGA flow.

PICORV32_V := $(BUILD)/cpu/picorv32.v

# PicoRV32 comes from the pinned pythondata-cpu-picorv32 package (tools/requirements.txt);
# it is copied into build/ so every tool sees one stable path. Never committed.
$(VENV)/.stamp-requirements: tools/requirements.txt
	$(Q)BUILD=$(BUILD) tools/deps.sh

$(PICORV32_V): $(VENV)/.stamp-requirements
	@mkdir -p $(@D)
	$(Q)cp "$$($(VENV)/bin/python -c 'import pythondata_cpu_picorv32 as p; print(p.data_location)')/picorv32.v" $@

# VexRiscv from the pinned pythondata-cpu-vexriscv package: the LiteX variants a target may
# name (cpu = "vexriscv_min" / "vexriscv_lite", docs/cpu.md). Every variant's top module is
# called VexRiscv upstream; the copy renames it to the file's name (VexRiscv_Min, ...) so both
# sit in one source list, and the target's define (VD_CPU_VEXRISCV=<module>) picks one. Their
# helper modules (StreamFifoLowLatency in Min, InstructionCache in Lite) do not clash. The copy
# also drops its `verilator public` comments (pipeline probes for VexRiscv's own test bench):
# they give the model scopes, and Verilator 5.006 deadlocks destroying a model with scopes
# (VerilatedScope::~VerilatedScope locks the calling thread's context), which host-lib's
# in-process device does on every close.
VEXRISCV_VARIANTS := Min Lite
VEXRISCV_V := $(foreach v,$(VEXRISCV_VARIANTS),$(BUILD)/cpu/VexRiscv_$(v).v)
$(VEXRISCV_V): $(BUILD)/cpu/VexRiscv_%.v: $(VENV)/.stamp-requirements rtl/rtl.mk
	@mkdir -p $(@D)
	$(Q)sed -e 's/^module VexRiscv (/module VexRiscv_$* (/' -e 's|/\* verilator public \*/||' \
	  "$$($(VENV)/bin/python -c 'import pythondata_cpu_vexriscv as p; print(p.data_location)')/VexRiscv_$*.v" > $@.tmp
	$(Q)grep -q '^module VexRiscv_$* (' $@.tmp && mv $@.tmp $@

# The SoC without technology-specific parts (simulation, lint).
RTL_CORE_SRCS := rtl/soc/vd_soc.v rtl/cpu/vd_cpu.v rtl/bootrom/vd_bootrom.v \
                 rtl/sysctl/vd_sysctl.v rtl/timer/vd_timer.v rtl/spiflash/vd_spiflash.v \
                 $(wildcard rtl/memctl/*.v) $(wildcard rtl/gpu/*.v) \
                 $(wildcard rtl/uart/*.v) $(wildcard rtl/common/*.v) $(wildcard rtl/pcie/*.v) \
                 $(VEXRISCV_V)
# (PicoRV32 is named by each flow after these, as before VexRiscv came: the board's too.)
RTL_SIM_SRCS  := $(RTL_CORE_SRCS) rtl/mem/vd_spram32.v $(PICORV32_V)
RTL_WAIVERS   := $(wildcard rtl/*.vlt rtl/*/*.vlt)
# PicoRV32 declares a timescale; ours need none (no delays), so give them the same default.
VFLAGS_COMMON := --timescale 1ns/1ps -I$(GEN)
RTL_DEPS      := $(RTL_SIM_SRCS) $(RTL_WAIVERS) $(GEN)/vd_regs.vh

# Lint vd_soc once per build target (spec/targets/) with that target's parameters, once
# more with a VRAM of megabytes (the `sim` target's VRAM_BYTES override), then the board top
# with its own target's.
LINT_VRAM_BIG := 16M

.PHONY: lint
lint: $(RTL_DEPS) $(TARGET_SRC)
	$(Q)for t in $(TARGETS) "sim --vram $(LINT_VRAM_BIG)"; do \
	  p=$$($(PYTHON) tools/target.py params $$t --format verilator) || exit 1; \
	  echo "  LINT    verilator -Wall vd_soc [$$t: $$p]"; \
	  $(VERILATOR) --lint-only -Wall $(VFLAGS_COMMON) --top-module vd_soc $$p \
	    $(RTL_WAIVERS) $(RTL_SIM_SRCS) || exit 1; \
	done
	$(Q)p=$$($(PYTHON) tools/target.py params $(FPGA_TARGET) --board $(BOARD) --format verilator) || exit 1; \
	echo "  LINT    verilator -Wall $(BOARD_TOP) [$(FPGA_TARGET): $$p] (board glue; its SPRAM mapping is checked by yosys)"; \
	$(VERILATOR) --lint-only -Wall $(VFLAGS_COMMON) --top-module $(BOARD_TOP) $$p $(RTL_WAIVERS) \
	  $(RTL_SIM_SRCS) $(BOARD_TOP_SRC) $(BOARD_LINT_SRCS)
	@echo "  LINT    clean"

# The board's flow (rtl/boards/$(BOARD)/board.mk) is included by the top Makefile after
# firmware/firmware.mk: its rules name the boot ROM and the firmware image.

# The PCIe endpoint alone on the iCE40 UP5K, a reference figure (no board has PCIe: the sim
# target does): yosys synth_ice40 with the sim target's VRAM size and FEATURES word, then
# nextpnr's packer for the logic cells (one LUT4 + one flip-flop + carry each). Placement
# is not attempted: the bare endpoint has hundreds of ports, a board has 39 pins.
PCIE_SIZE_DIR := $(BUILD)/pcie-size
.PHONY: pcie-size
pcie-size: rtl/pcie/vd_pcie_ep.v $(GEN)/vd_regs.vh $(TARGET_SRC)
	@mkdir -p $(PCIE_SIZE_DIR)
	@echo "  YOSYS   synth_ice40 vd_pcie_ep [sim target's parameters]"
	$(Q)f=$$($(PYTHON) tools/target.py features sim) || exit 1; \
	  v=$$($(PYTHON) tools/target.py params sim | tr ' ' '\n' | sed -n 's/^-GVRAM_BYTES=//p'); \
	  $(YOSYS) -q -l $(PCIE_SIZE_DIR)/yosys.log -p "read_verilog -I$(GEN) rtl/pcie/vd_pcie_ep.v; \
	    chparam -set VRAM_BYTES $$v -set FEATURES $$(($$f)) vd_pcie_ep; \
	    synth_ice40 -top vd_pcie_ep -json $(PCIE_SIZE_DIR)/vd_pcie_ep.json; \
	    tee -q -o $(PCIE_SIZE_DIR)/stat.txt stat" || { tail -n 20 $(PCIE_SIZE_DIR)/yosys.log; exit 1; }
	$(Q)$(NEXTPNR) --up5k --package sg48 --json $(PCIE_SIZE_DIR)/vd_pcie_ep.json --pack-only \
	  > $(PCIE_SIZE_DIR)/pack.log 2>&1 || { tail -n 20 $(PCIE_SIZE_DIR)/pack.log; exit 1; }
	$(Q)lc=$$(grep -E 'ICESTORM_LC:' $(PCIE_SIZE_DIR)/pack.log | tail -n 1 | sed -E 's/.*ICESTORM_LC: *([0-9]+)\/ *([0-9]+).*/\1 of \2/'); \
	  lut=$$(grep -E '^ +SB_LUT4 ' $(PCIE_SIZE_DIR)/stat.txt | awk '{print $$2}'); \
	  ff=$$(grep -E '^ +SB_DFF' $(PCIE_SIZE_DIR)/stat.txt | awk '{s += $$2} END {print s}'); \
	  echo "          vd_pcie_ep on the UP5K: $$lc logic cells ($$lut LUT4, $$ff flip-flops)"

# The framer (rtl/uart/vd_framer.v with its two buffers) alone on the UP5K, the figure that
# decides whether the iCEBreaker target can have it: yosys synth_ice40, nextpnr's packer.
FRAMER_SIZE_DIR := $(BUILD)/framer-size
.PHONY: framer-size
framer-size: rtl/uart/vd_framer.v rtl/uart/vd_framer_ram.v $(GEN)/vd_regs.vh
	@mkdir -p $(FRAMER_SIZE_DIR)
	@echo "  YOSYS   synth_ice40 vd_framer"
	$(Q)$(YOSYS) -q -l $(FRAMER_SIZE_DIR)/yosys.log -p "read_verilog -I$(GEN) rtl/uart/vd_framer.v \
	    rtl/uart/vd_framer_ram.v; synth_ice40 -top vd_framer -json $(FRAMER_SIZE_DIR)/vd_framer.json; \
	    tee -q -o $(FRAMER_SIZE_DIR)/stat.txt stat" || { tail -n 20 $(FRAMER_SIZE_DIR)/yosys.log; exit 1; }
	$(Q)$(NEXTPNR) --up5k --package sg48 --json $(FRAMER_SIZE_DIR)/vd_framer.json --pack-only \
	  > $(FRAMER_SIZE_DIR)/pack.log 2>&1 || { tail -n 20 $(FRAMER_SIZE_DIR)/pack.log; exit 1; }
	$(Q)lc=$$(grep -E 'ICESTORM_LC:' $(FRAMER_SIZE_DIR)/pack.log | tail -n 1 | sed -E 's/.*ICESTORM_LC: *([0-9]+)\/ *([0-9]+).*/\1 of \2/'); \
	  ram=$$(grep -E 'ICESTORM_RAM:' $(FRAMER_SIZE_DIR)/pack.log | tail -n 1 | sed -E 's/.*ICESTORM_RAM: *([0-9]+)\/ *([0-9]+).*/\1 of \2/'); \
	  lut=$$(grep -E '^ +SB_LUT4 ' $(FRAMER_SIZE_DIR)/stat.txt | awk '{print $$2}'); \
	  ff=$$(grep -E '^ +SB_DFF' $(FRAMER_SIZE_DIR)/stat.txt | awk '{s += $$2} END {print s}'); \
	  echo "          vd_framer on the UP5K: $$lc logic cells ($$lut LUT4, $$ff flip-flops), $$ram block RAMs"
