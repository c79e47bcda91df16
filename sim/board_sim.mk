# The board build verified without a board (docs/board.md, "Without a board"): the netlist
# yosys hands to nextpnr ($(FPGA_DIR)/vidalloc.json, board.mk's synth_ice40 output) written
# back as Verilog, simulated by Verilator with yosys's own iCE40 cell models on the same
# simulated board as vidalloc-sim (sim/board/: SPI flash with the firmware image at its
# offset, the UART bridge on a pty). Included from rtl/boards/$(BOARD)/board.mk, after it
# has defined FPGA_DIR, FPGA_TARGET and BOARD_TOP: the flow follows whatever the board top
# and its target become (a PLL, another CPU), because it starts from board.mk's own netlist.
#
#   make board-sim            build $(BSIM_BIN), then the netlist smoke (boot to banner,
#                             HELLO, ALLOCATE, Lock/Unlock round trip, free)
#   make board-sim-demo       the whole allocation demo over the netlist (DEV=board-sim)
#   make board-sim-bench      the netlist's and the RTL simulator's speed over the same boot
#   make board-check          the .pcf matches spec/boards/$(BOARD).toml (in regs-check)
#   make board-pcf            regenerate the .pcf from spec/boards/$(BOARD).toml
#
# Waived lint of the netlist and cell models: sim/board/board_sim.vlt (reasons there).

BSIM_DIR   := $(BUILD)/board-sim$(if $(filter-out icebreaker,$(FPGA_TARGET)),-$(FPGA_TARGET))
BSIM_BIN   := $(BSIM_DIR)/vidalloc-board-sim
BSIM_SPEC  := spec/boards/$(BOARD).toml
# The firmware build of the board's target (its CPU's: PicoRV32 on the iCEBreaker), and its
# clock: the PLL model passes the oscillator's edges through, so one simulated cycle is one
# cycle at the target's clock (24 MHz: the UART bridge times bits in those).
BSIM_FW_IMG = $(call fw_img,$(FPGA_TARGET))
BSIM_CLK_HZ = $(shell $(PYTHON) tools/target.py clock $(FPGA_TARGET))000000
YOSYS_DAT  := $(shell $(YOSYS)-config --datdir 2>/dev/null || echo /usr/share/yosys)
ICE40_CELLS := $(YOSYS_DAT)/ice40/cells_sim.v
# Cells yosys ships only as empty blackboxes (the PLLs), modelled in sim/board/*_sim.v;
# their blackboxes are dropped from the copy of the cell library the build uses.
BSIM_MODELS := $(wildcard sim/board/*_sim.v)
BSIM_OWN_CELLS = $(shell sed -n 's/^module \(SB_[A-Za-z0-9_]*\).*/\1/p' $(BSIM_MODELS))
BSIM_SRCS  := $(wildcard sim/board/*.cpp) sim/spi_flash.cpp sim/uart_bridge.cpp
BSIM_HDRS  := $(wildcard sim/board/*.h) sim/spi_flash.h sim/uart_bridge.h
# Cycles to boot in; the firmware needs about 1.3 M (docs/board.md's figures).
BSIM_BOOT_MAX := 20000000
# What the FPGA leaves undefined (SPRAM contents) starts random in the harness; the seed.
BSIM_RANDOM := +verilator+seed+$(or $(BSIM_SEED),1)

.PHONY: board-sim board-sim-build board-sim-smoke board-sim-demo board-sim-bench board-check board-pcf

board-pcf: $(BSIM_SPEC) tools/board.py
	$(Q)$(PYTHON) tools/board.py pcf $(BOARD) > $(FPGA_PCF)
	@echo "  GEN     $(FPGA_PCF) from $(BSIM_SPEC)"
board-check:
	$(Q)$(PYTHON) tools/board.py pcf $(BOARD) --check $(FPGA_PCF)
regs-check: board-check

# The netlist exactly as nextpnr reads it (the JSON), in Verilog; no attributes (src
# locations would only slow Verilator's parse). splitnets turns each multi-bit wire into
# single bits (names only: the cells and their connections are untouched), so Verilator
# sees no false combinational loop through a bus whose bits feed each other (UNOPTFLAT).
$(BSIM_DIR)/netlist.v: $(FPGA_DIR)/vidalloc.json
	@mkdir -p $(@D)
	@echo "  YOSYS   write_verilog $@ (the netlist of $(BOARD_TOP), target $(FPGA_TARGET))"
	$(Q)$(YOSYS) -q -l $(BSIM_DIR)/write.log -p "read_json $<; splitnets; write_verilog -noattr $@"

$(BSIM_DIR)/ice40_cells.v: $(ICE40_CELLS) $(BSIM_MODELS)
	@mkdir -p $(@D)
	$(Q)awk -v drop="$(BSIM_OWN_CELLS)" ' \
	  BEGIN { n = split(drop, a, " "); for (i = 1; i <= n; i++) d[a[i]] = 1 } \
	  /^\(\* blackbox \*\)/ { held = $$0; next } \
	  /^module / { name = $$2; sub(/\(.*/, "", name); skip = (name in d) } \
	  { if (held != "") { if (!skip) print held; held = "" } if (!skip) print } \
	  /^endmodule/ { skip = 0 }' $< > $@

$(BSIM_DIR)/vd_board_pins.h: $(BSIM_SPEC) tools/board.py
	@mkdir -p $(@D)
	$(Q)$(PYTHON) tools/board.py pins-header $(BOARD) > $@

# The netlist is flat and large: -O1 for the C++ keeps the build to minutes on one core
# (measured: -O2 takes much longer for a few percent of speed).
$(BSIM_BIN): $(BSIM_DIR)/netlist.v $(BSIM_DIR)/ice40_cells.v $(BSIM_MODELS) $(BSIM_DIR)/vd_board_pins.h \
             $(BSIM_SRCS) $(BSIM_HDRS) sim/board/board_sim.vlt $(GEN)/vd_regs.h
	@echo "  VERILATE vidalloc-board-sim [$(BOARD_TOP) netlist, target $(FPGA_TARGET)]"
	$(Q)$(VERILATOR_BUILD) --cc --exe --build -j $(JOBS) -O3 --x-assign fast --x-initial unique \
	  --no-timing --trace-fst --timescale 1ps/1ps -DNO_ICE40_DEFAULT_ASSIGNMENTS \
	  --top-module $(BOARD_TOP) --prefix Vboard --output-split 20000 \
	  -CFLAGS "-O1 -std=c++17 -DBOARD_CLK_HZ=$(BSIM_CLK_HZ)u -I$(abspath $(GEN)) -I$(abspath sim) -I$(abspath sim/board) -I$(abspath $(BSIM_DIR))" \
	  --Mdir $(BSIM_DIR)/obj -o vidalloc-board-sim \
	  $(abspath sim/board/board_sim.vlt) $(abspath $(BSIM_DIR)/ice40_cells.v) $(abspath $(BSIM_MODELS)) \
	  $(abspath $(BSIM_DIR)/netlist.v) $(abspath $(BSIM_SRCS)) > $(BSIM_DIR)/build.log 2>&1 \
	  || { tail -n 40 $(BSIM_DIR)/build.log; exit 1; }
	$(Q)cp $(BSIM_DIR)/obj/vidalloc-board-sim $@
	$(Q)if grep -q -i "warning" $(BSIM_DIR)/build.log; then \
	  grep -i -A3 warning $(BSIM_DIR)/build.log; exit 1; fi

board-sim-build: $(BSIM_BIN) $(BSIM_FW_IMG)

board-sim: board-sim-build
	$(Q)$(MAKE) --no-print-directory board-sim-smoke

# Boot to banner, then host-lib over the `board-sim` URI: HELLO (device open), one
# ALLOCATE, a Lock write and a Lock read back of the same bytes, the free, the segment empty.
board-sim-smoke: $(BSIM_BIN) $(BSIM_FW_IMG) $(HL_CLI)
	$(Q)BSIM=$(BSIM_BIN) FW_IMG=$(BSIM_FW_IMG) CLI=$(HL_CLI) BOOT_MAX=$(BSIM_BOOT_MAX) \
	  RANDOM_ARGS="$(BSIM_RANDOM)" tests/sim/board_sim_smoke.sh

# `make demo DEV=board-sim` (host-lib.mk's demo-alloc) needs the netlist simulator too.
ifeq ($(DEV),board-sim)
demo-alloc: $(BSIM_BIN)
endif

board-sim-demo: $(BSIM_BIN) $(BSIM_FW_IMG) $(HL_DEMO)
	$(Q)VIDALLOC_BOARD_SIM=$(BSIM_BIN) VIDALLOC_FW_IMG=$(BSIM_FW_IMG) $(HL_DEMO) --dev board-sim

# The same boot (power-on to the banner and on to 'ready') in both simulators of the same
# target, one after the other on one core: cycles, wall time, cycles per second. 'ready' is
# looked for every 512 cycles in both, so their cycle counts agree to within that.
BSIM_RTL_SIM := $(call sim_bin,$(FPGA_TARGET))
board-sim-bench: $(BSIM_BIN) $(BSIM_RTL_SIM) $(BSIM_FW_IMG)
	$(Q)$(BSIM_RTL_SIM) --firmware $(BSIM_FW_IMG) --expect ready --max-cycles $(BSIM_BOOT_MAX) </dev/null 2>&1 \
	  | sed -n 's/^vidalloc-sim: \([0-9]* cycles.*\)/rtl     (vidalloc-sim):       \1/p'
	$(Q)$(BSIM_BIN) --firmware $(BSIM_FW_IMG) --expect ready --max-cycles $(BSIM_BOOT_MAX) $(BSIM_RANDOM) </dev/null 2>&1 \
	  | sed -n 's/^vidalloc-board-sim: \([0-9]* cycles.*\)/netlist (vidalloc-board-sim): \1/p'
