# vidalloc: thin dispatcher. Each area's rules live beside it (*/*.mk); outputs go to build/.
# Verbs: deps demo sim test lint formal bench bitstream prog fuzz clean (and targets, layers,
# regs, host-lib, install).  V=1 shows commands.
# TARGET=<name> picks a build target of spec/targets/ for sim and bitstream (make targets).

BUILD      ?= build
GEN        := $(BUILD)/gen
VENV       := $(BUILD)/venv
PYTHON     ?= python3
VERILATOR  ?= verilator
IVERILOG   ?= iverilog
VVP        ?= vvp
YOSYS      ?= yosys
NEXTPNR    ?= nextpnr-ice40
ICEPACK    ?= icepack
ICEPROG    ?= iceprog
RV_PREFIX  ?= riscv64-unknown-elf-
CC_NATIVE  ?= cc
BOARD      ?= icebreaker
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

# Firmware ABI: one place. newlib is built for exactly this.
FW_ARCH    := rv32i
FW_ABI     := ilp32

ifeq ($(V),1)
Q :=
else
Q := @
endif

.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := help

.PHONY: help deps demo sim test lint formal bench bitstream prog fuzz clean regs targets targets-check layers

help:
	@echo "vidalloc make verbs:"
	@echo "  deps       install toolchain, Python venv, newlib-nano (idempotent)"
	@echo "  demo       boot the simulated SoC and run the demo (the main job)"
	@echo "             DEV=URI: the device (sim; inproc, 'sim?link=pcie', 'inproc?link=pcie', uart:PATH)"
	@echo "  sim        build the Verilator simulator ($(BUILD)/sim/vidalloc-sim; TARGET=minimal:"
	@echo "             $(BUILD)/sim-minimal/; VRAM_BYTES=4194304: target sim with 4 MiB of VRAM)"
	@echo "  targets    the build targets of spec/targets/: blocks, FEATURES word, sizes, board"
	@echo "  test       regs check, layers, lint, unit, install check, RTL, formal, co-simulation,"
	@echo "             soak smoke, PCIe root-complex model (pcie-sim), fuzz smoke, UP5K fit"
	@echo "  layers     every #include points down a layer (docs/architecture.md)"
	@echo "  host-lib   libvidalloc, the vidalloc CLI, the demo; install PREFIX=... (install-check)"
	@echo "  lint       verilator --lint-only -Wall over the SoC, once per build target"
	@echo "  bench      all figures: sim speed, bench-alloc, bench-host, bench-pcie, GPU FILL/COPY throughput"
	@echo "  bench-alloc allocator and codec cycles measured on the simulated CPU"
	@echo "  bench-qlink the PCIe queue link's and dispatcher's cycles per ALLOCATE beyond the kernel's"
	@echo "  bench-pcie bench-qlink, then demo --bench over inproc?link=pcie: the PCIe figures against the targets"
	@echo "  bitstream  BOARD=icebreaker [TARGET=...]: synthesize, place and route, pack; report size and Fmax"
	@echo "  fmax-sweep BOARD=icebreaker: Debian's vs PyPI's nextpnr-ice40, seeds 1-8 each: Fmax, LC (slow)"
	@echo "  prog       BOARD=icebreaker: flash bitstream and firmware image"
	@echo "  formal     BMC + induction + covers: arbiter, memctl, GPU, FIFO, GPU on memctl, PCIe endpoint"
	@echo "  pcie-size  the PCIe endpoint alone on the UP5K: logic cells (a reference figure)"
	@echo "  fuzz       libFuzzer + AFL++ campaign on the request decoder, frame path, PCIe records (FUZZ_RUNS=10000000)"
	@echo "  soak       mixed workload under seeded line faults (inproc): the soak table, board gone,"
	@echo "             line frozen 3 s, board reset (SOAK_OPS=10000; soak-smoke is in make test)"
	@echo "  clean      remove $(BUILD)/"
	@echo "Options: V=1 (show commands), BUILD=dir, TARGET=name, VERILATOR=..., RV_PREFIX=..."

deps:
	$(Q)BUILD=$(BUILD) FW_ARCH=$(FW_ARCH) FW_ABI=$(FW_ABI) RV_PREFIX=$(RV_PREFIX) tools/deps.sh

# Generated register map (spec/ is the one source).
REGMAP_SRC := tools/regmap.py spec/soc.toml $(wildcard spec/regs/*.toml)
$(GEN)/vd_regs.vh $(GEN)/vd_regs.h $(GEN)/vidalloc/vd_soc.h &: $(REGMAP_SRC)
	@echo "  GEN     register map"
	$(Q)$(PYTHON) tools/regmap.py --verilog $(GEN)/vd_regs.vh --c $(GEN)/vd_regs.h \
	  --public-h $(GEN)/vidalloc/vd_soc.h
	$(Q)touch $(GEN)/vd_regs.vh $(GEN)/vd_regs.h $(GEN)/vidalloc/vd_soc.h
regs: $(GEN)/vd_regs.vh $(GEN)/vd_regs.h
	$(Q)$(PYTHON) tools/regmap.py --md docs/registers.md
	$(Q)$(PYTHON) tools/target.py md docs/targets.md

# Build targets: one spec/targets/<name>.toml each; tools/target.py validates them and turns
# one into vd_soc's parameters and its FEATURES word. TARGET (on the command line: in the
# environment it is often a toolchain's triple, so that one is ignored) picks the target
# `sim` and `bitstream` build; by default `sim` for the simulator, the board's own for a board.
TARGET_SRC := tools/target.py $(REGMAP_SRC) $(wildcard spec/targets/*.toml)
TARGETS    := $(sort $(basename $(notdir $(wildcard spec/targets/*.toml))))
ifeq ($(origin TARGET),environment)
TARGET :=
endif
ifneq ($(filter-out $(TARGETS),$(TARGET)),)
$(error TARGET=$(TARGET): no spec/targets/$(TARGET).toml (targets: $(TARGETS)))
endif
# A target's simulator: sim/sim.mk builds them and documents these. They are defined here,
# before any makefile is included, so every one can name a simulator in its prerequisites.
sim_dir = $(BUILD)/sim$(if $(filter-out sim,$(1)),-$(1))
sim_bin = $(call sim_dir,$(1))/vidalloc-sim
sim_lib = $(call sim_dir,$(1))/libvidalloc_sim.a
SIM_BIN := $(call sim_bin,sim)
SIM_LIB := $(call sim_lib,sim)

targets:
	$(Q)$(PYTHON) tools/target.py table
# `make regs-check` (in `make test`) also checks the targets table of docs/targets.md.
regs-check: targets-check
targets-check:
	$(Q)$(PYTHON) tools/target.py md docs/targets.md --check

include proto/proto.mk
include rtl/rtl.mk
include firmware/firmware.mk
include rtl/boards/$(BOARD)/board.mk   # after firmware.mk: it needs BOOTROM_HEX and FW_IMG
include sim/sim.mk
include host-lib/host-lib.mk
include tests/tests.mk

clean:
	rm -rf $(BUILD)
