# The Verilator simulator: vidalloc-sim.

SIM_BIN   := $(BUILD)/sim/vidalloc-sim
SIM_SRCS  := $(wildcard sim/*.cpp)
SIM_HDRS  := $(wildcard sim/*.h)
# Speed matters (the target is >= 3.8 M cycles/s): -O3 model, X values resolved once,
# no assertion or coverage code; FST tracing compiled in but off unless --trace is given.
SIM_VFLAGS := --cc --exe --build -j $(JOBS) -O3 --x-assign fast --x-initial fast \
              --trace-fst --top-module vd_soc $(VFLAGS_COMMON) \
              -GBOOTROM_INIT='"$(abspath $(BOOTROM_HEX))"' \
              -CFLAGS "-O2 -std=c++17 -I$(abspath $(GEN)) -I$(abspath sim)" \
              --Mdir $(BUILD)/sim/obj -o vidalloc-sim

.PHONY: sim
sim: $(SIM_BIN) $(FW_IMG)

$(SIM_BIN): $(RTL_DEPS) $(SIM_SRCS) $(SIM_HDRS) $(GEN)/vd_regs.h $(BOOTROM_HEX)
	@echo "  VERILATE vidalloc-sim"
	@mkdir -p $(@D)
	$(Q)$(VERILATOR) $(SIM_VFLAGS) $(RTL_WAIVERS) $(RTL_SIM_SRCS) $(abspath $(SIM_SRCS)) > $(BUILD)/sim/build.log 2>&1 \
	  || { tail -n 40 $(BUILD)/sim/build.log; exit 1; }
	$(Q)cp $(BUILD)/sim/obj/vidalloc-sim $@
	$(Q)if grep -q -i "warning" $(BUILD)/sim/build.log; then grep -i -A3 warning $(BUILD)/sim/build.log; exit 1; fi
