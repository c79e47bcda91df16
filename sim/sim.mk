# The Verilator simulator: vidalloc-sim, and the same board as a static library, for each
# build target of spec/targets/ (docs/targets.md).
#
#   $(SIM_BIN)  build/sim/vidalloc-sim        the simulator program (main.cpp), target `sim`
#   $(SIM_LIB)  build/sim/libvidalloc_sim.a   vd_sim.h API + the Verilated SoC + Verilator
#                                             runtime, for in-process use (host-lib inproc);
#                                             link with $(SIM_LIB_LIBS)
#   $(call sim_bin,T)  the simulator of target T: build/sim-T/vidalloc-sim
#   $(call sim_lib,T)  its library:               build/sim-T/libvidalloc_sim.a
#   $(call sim_dir,T)  its directory (T = sim: build/sim, so $(call sim_bin,sim) = $(SIM_BIN))
# These five are defined in the top Makefile before any makefile is included, so any of them
# (firmware/, tests/...) may name a simulator in its prerequisites, e.g.
#   my-test: $(call sim_bin,minimal) $(FW_IMG)
#
#   make sim                     target `sim` and the firmware image
#   make sim TARGET=minimal      build/sim-minimal/ (program and library)
#   make sim VRAM_BYTES=4194304  target `sim` with 4 MiB of VRAM (4M and 0x400000 work too),
#                                still in build/sim/: every user of $(SIM_BIN) gets it
#                                (`make cosim VRAM_BYTES=4M`), and a later run without it
#                                rebuilds the 64 KiB one. Only targets with vram_override.
#
# A target's parameters (tools/target.py params, -G flags) are kept in <dir>/params.vflags,
# rewritten only when they change, so a change of target file or VRAM_BYTES rebuilds.
# One Verilator run compiles everything (sim/*.cpp); the library is archived from the same
# objects minus main.o, so program and library always hold the same model.

SIM_TARGET   := $(or $(TARGET),sim)
VRAM_BYTES   ?=
SIM_LIB_LIBS := -lstdc++ -lz -pthread -latomic -lm
SIM_SRCS     := $(wildcard sim/*.cpp)
SIM_HDRS     := $(wildcard sim/*.h)
SIM_OBJ      := $(BUILD)/sim/obj
# The model's own objects are the members of Vvd_soc__ALL.a (one Vvd_soc__ALL.o, or several
# when Verilator splits a larger model and builds them apart): listed when the library is made.
sim_lib_objs  = $(patsubst sim/%.cpp,$(1)/%.o,$(filter-out sim/main.cpp,$(SIM_SRCS))) \
                $(1)/verilated.o $(1)/verilated_fst_c.o $(1)/verilated_threads.o
SIM_LIB_OBJS := $(call sim_lib_objs,$(SIM_OBJ))
# Speed matters (the target is >= 3.8 M cycles/s): -O3 model, X values resolved once,
# no assertion or coverage code; FST tracing compiled in but off unless --trace is given.
# $(call sim_vflags,objdir); the target's -G parameters are added by the rule below.
sim_vflags    = --cc --exe --build -j $(JOBS) -O3 --x-assign fast --x-initial fast \
                --trace-fst --top-module vd_soc $(VFLAGS_COMMON) \
                -GBOOTROM_INIT='"$(abspath $(BOOTROM_HEX))"' \
                -CFLAGS "-O2 -std=c++17 -I$(abspath $(GEN)) -I$(abspath sim)" \
                --Mdir $(1) -o vidalloc-sim
# The default target's flags without its parameters, but with its CPU (firmware/bench/bench.mk
# builds its own simulator from these, in its own directory, for the default firmware build:
# the same CPU). SIM_CPU_DEFINES= (empty) gives PicoRV32, for FW_CPU=picorv32.
SIM_CPU_DEFINES ?= $(filter -D%,$(shell $(PYTHON) tools/target.py params sim))
SIM_VFLAGS   := $(call sim_vflags,$(SIM_OBJ)) $(SIM_CPU_DEFINES)

.PHONY: sim sim-lib sim-params-force
sim: $(call sim_bin,$(SIM_TARGET)) $(call sim_lib,$(SIM_TARGET)) $(FW_IMG)
sim-lib: $(SIM_LIB)

# Verilator's --build runs its own `make -j $(JOBS)`: it must not see this make's jobserver
# flags (under `make -jN` the sub-make would warn, and the build log is checked for warnings).
VERILATOR_BUILD := env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL $(VERILATOR)

# $(call sim_rules,target): the parameters file, the program and the library of a target.
# VRAM_BYTES goes to the target `make sim` builds (TARGET, default sim) and no other.
define sim_rules
$(call sim_dir,$(1))/params.vflags: sim-params-force
	@mkdir -p $$(@D)
	$(Q)$(PYTHON) tools/target.py params $(1) --format verilator \
	  $(if $(and $(VRAM_BYTES),$(filter $(1),$(SIM_TARGET))),--vram $(VRAM_BYTES)) > $$@.new
	$(Q)if cmp -s $$@.new $$@; then rm -f $$@.new; else mv -f $$@.new $$@; fi

$(call sim_bin,$(1)): $(call sim_dir,$(1))/params.vflags $(RTL_DEPS) $(SIM_SRCS) $(SIM_HDRS) \
                      $(GEN)/vd_regs.h $(BOOTROM_HEX)
	@echo "  VERILATE vidalloc-sim [$(1): $$$$(cat $$<)]"
	$(Q)$(VERILATOR_BUILD) $(call sim_vflags,$(call sim_dir,$(1))/obj) $$$$(cat $$<) \
	  $(RTL_WAIVERS) $(RTL_SIM_SRCS) $(abspath $(SIM_SRCS)) > $(call sim_dir,$(1))/build.log 2>&1 \
	  || { tail -n 40 $(call sim_dir,$(1))/build.log; exit 1; }
	$(Q)cp $(call sim_dir,$(1))/obj/vidalloc-sim $$@
	$(Q)if grep -q -i "warning" $(call sim_dir,$(1))/build.log; then \
	  grep -i -A3 warning $(call sim_dir,$(1))/build.log; exit 1; fi

$(call sim_lib,$(1)): $(call sim_bin,$(1))
	@echo "  AR      $$@"
	$(Q)rm -f $$@ && ar rcs $$@ $(call sim_lib_objs,$(call sim_dir,$(1))/obj) \
	  $$$$(ar t $(call sim_dir,$(1))/obj/Vvd_soc__ALL.a | sed 's|^|$(call sim_dir,$(1))/obj/|')
endef
$(foreach t,$(TARGETS),$(eval $(call sim_rules,$(t))))
