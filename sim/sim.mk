# The Verilator simulator: vidalloc-sim, and the same board as a static library.
#
#   $(SIM_BIN)  build/sim/vidalloc-sim        the simulator program (main.cpp)
#   $(SIM_LIB)  build/sim/libvidalloc_sim.a   vd_sim.h API + the Verilated SoC + Verilator
#                                             runtime, for in-process use (host-lib inproc);
#                                             link with $(SIM_LIB_LIBS)
# One Verilator run compiles everything (sim/*.cpp); the library is archived from the same
# objects minus main.o, so program and library always hold the same model.

SIM_BIN   := $(BUILD)/sim/vidalloc-sim
SIM_LIB   := $(BUILD)/sim/libvidalloc_sim.a
SIM_LIB_LIBS := -lstdc++ -lz -pthread -latomic -lm
SIM_SRCS  := $(wildcard sim/*.cpp)
SIM_HDRS  := $(wildcard sim/*.h)
SIM_OBJ   := $(BUILD)/sim/obj
SIM_LIB_OBJS := $(patsubst sim/%.cpp,$(SIM_OBJ)/%.o,$(filter-out sim/main.cpp,$(SIM_SRCS))) \
                $(SIM_OBJ)/verilated.o $(SIM_OBJ)/verilated_fst_c.o $(SIM_OBJ)/verilated_threads.o \
                $(SIM_OBJ)/Vvd_soc__ALL.o
# Speed matters (the target is >= 3.8 M cycles/s): -O3 model, X values resolved once,
# no assertion or coverage code; FST tracing compiled in but off unless --trace is given.
SIM_VFLAGS := --cc --exe --build -j $(JOBS) -O3 --x-assign fast --x-initial fast \
              --trace-fst --top-module vd_soc $(VFLAGS_COMMON) \
              -GBOOTROM_INIT='"$(abspath $(BOOTROM_HEX))"' \
              -CFLAGS "-O2 -std=c++17 -I$(abspath $(GEN)) -I$(abspath sim)" \
              --Mdir $(SIM_OBJ) -o vidalloc-sim

.PHONY: sim sim-lib
sim: $(SIM_BIN) $(FW_IMG)
sim-lib: $(SIM_LIB)

# Verilator's --build runs its own `make -j $(JOBS)`: it must not see this make's jobserver
# flags (under `make -jN` the sub-make would warn, and the build log is checked for warnings).
VERILATOR_BUILD := env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(VERILATOR)

$(SIM_BIN): $(RTL_DEPS) $(SIM_SRCS) $(SIM_HDRS) $(GEN)/vd_regs.h $(BOOTROM_HEX)
	@echo "  VERILATE vidalloc-sim"
	@mkdir -p $(@D)
	$(Q)$(VERILATOR_BUILD) $(SIM_VFLAGS) $(RTL_WAIVERS) $(RTL_SIM_SRCS) $(abspath $(SIM_SRCS)) > $(BUILD)/sim/build.log 2>&1 \
	  || { tail -n 40 $(BUILD)/sim/build.log; exit 1; }
	$(Q)cp $(SIM_OBJ)/vidalloc-sim $@
	$(Q)if grep -q -i "warning" $(BUILD)/sim/build.log; then grep -i -A3 warning $(BUILD)/sim/build.log; exit 1; fi

$(SIM_LIB): $(SIM_BIN)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $(SIM_LIB_OBJS)
