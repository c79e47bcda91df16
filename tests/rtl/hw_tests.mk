# RTL tests of the memory controller and the GPU command block (Icarus), in the pattern of
# tests/rtl/rtl_tests.mk (include this after it: it uses RTL_TEST_DIR, RTL_TEST_FLAGS and
# rtl_test_run). Targets: rtl-memctl, rtl-gpu, rtl-soc, rtl-pcie; all are added to RTL_TEST_TARGETS.

RTL_MEMCTL_SRCS := $(wildcard rtl/memctl/*.v) rtl/mem/vd_spram32.v
RTL_GPU_SRCS    := $(wildcard rtl/gpu/*.v) $(RTL_MEMCTL_SRCS)

$(RTL_TEST_DIR)/tb_vd_memctl.vvp: tests/rtl/memctl/tb_vd_memctl.v tests/rtl/tb_checks.vh $(RTL_MEMCTL_SRCS) $(GEN)/vd_regs.vh
	@mkdir -p $(@D)
	@echo "  IVL     tb_vd_memctl"
	$(Q)$(IVERILOG) $(RTL_TEST_FLAGS) -s tb_vd_memctl -o $@ tests/rtl/memctl/tb_vd_memctl.v $(RTL_MEMCTL_SRCS)

$(RTL_TEST_DIR)/tb_vd_gpu.vvp: tests/rtl/gpu/tb_vd_gpu.v tests/rtl/tb_checks.vh $(RTL_GPU_SRCS) $(GEN)/vd_regs.vh
	@mkdir -p $(@D)
	@echo "  IVL     tb_vd_gpu"
	$(Q)$(IVERILOG) $(RTL_TEST_FLAGS) -s tb_vd_gpu -o $@ tests/rtl/gpu/tb_vd_gpu.v $(RTL_GPU_SRCS)

.PHONY: rtl-memctl rtl-gpu
rtl-memctl: $(RTL_TEST_DIR)/tb_vd_memctl.vvp
	@echo "  TEST    memctl"
	$(call rtl_test_run,tb_vd_memctl)

# Also prints the FILL/COPY throughput figures from the log.
rtl-gpu: $(RTL_TEST_DIR)/tb_vd_gpu.vvp
	@echo "  TEST    gpu"
	$(call rtl_test_run,tb_vd_gpu)
	$(Q)grep -E '^ +(FILL|COPY)' $(RTL_TEST_DIR)/tb_vd_gpu.log | sed 's/^ */          /'

RTL_TEST_TARGETS += rtl-memctl rtl-gpu

# ---------------------------------------------------------------- SoC: CPU + memctl + GPU
# The whole vd_soc (with its target's CPU, docs/cpu.md) runs tests/rtl/soc/soc_prog.S from its boot ROM
# instead of the firmware loader: SYSCTL.FEATURES, CPU VRAM accesses through the memory
# controller (beside a GPU FILL when there is a GPU), the other blocks, the MEMCTL/GPU
# registers and interrupt lines, or the unmapped GPU region without one. It runs once per
# build target in RTL_SOC_TARGETS, with that target's parameters and FEATURES word from
# tools/target.py: `sim` (every block) and `minimal` (no GPU); `icebreaker` has the same
# blocks as `sim`. The program is linked with the boot ROM's own linker script.
# PicoRV32's register file is read in an always @* (Icarus warns about the whole-array
# sensitivity; third-party code, hence that one -Wno). Targets: rtl-soc (all),
# rtl-soc-<target>.
RTL_SOC_TB      := tests/rtl/soc/tb_vd_soc.v
RTL_SOC_PROG    := $(RTL_TEST_DIR)/tb_vd_soc_prog
RTL_SOC_TARGETS := sim minimal

$(RTL_SOC_PROG).elf: tests/rtl/soc/soc_prog.S tests/rtl/soc/soc_check.h $(BOOT_LDS) $(GEN)/vd_regs.h
	@mkdir -p $(@D)
	@echo "  AS      soc_prog.S"
	$(Q)$(FW_CC) $(FW_ARCHFLAGS) -mno-relax -I$(GEN) -nostartfiles -nostdlib -Wl,--no-relax \
	  -Wl,--fatal-warnings -Wl,--no-warn-rwx-segments -T $(BOOT_LDS) -o $@ $<

$(RTL_TEST_DIR)/tb_vd_soc_rom.hex: $(RTL_SOC_PROG).elf tools/mkfwimg.py
	$(Q)$(FW_OBJCOPY) -O binary $< $(RTL_SOC_PROG).bin
	$(Q)$(PYTHON) tools/mkfwimg.py rom --regs $(GEN)/vd_regs.h $(RTL_SOC_PROG).bin $@ >/dev/null

$(RTL_TEST_DIR)/tb_vd_soc-%.vvp: $(RTL_SOC_TB) tests/rtl/tb_checks.vh $(RTL_SIM_SRCS) $(GEN)/vd_regs.vh $(TARGET_SRC)
	@mkdir -p $(@D)
	@echo "  IVL     tb_vd_soc [$*]"
	$(Q)p=$$($(PYTHON) tools/target.py params $* --format iverilog --top tb_vd_soc --expect-features) \
	  || exit 1; \
	$(IVERILOG) $(RTL_TEST_FLAGS) -Wno-sensitivity-entire-array -s tb_vd_soc $$p -o $@ \
	  $(RTL_SOC_TB) $(RTL_SIM_SRCS)

.PHONY: rtl-soc $(addprefix rtl-soc-,$(RTL_SOC_TARGETS))
rtl-soc: $(addprefix rtl-soc-,$(RTL_SOC_TARGETS))
$(addprefix rtl-soc-,$(RTL_SOC_TARGETS)): rtl-soc-%: $(RTL_TEST_DIR)/tb_vd_soc-%.vvp $(RTL_TEST_DIR)/tb_vd_soc_rom.hex
	@echo "  TEST    soc [$*]"
	$(call rtl_test_run,tb_vd_soc-$*)
	$(Q)grep -E '^(configuration|program|CPU VRAM)' $(RTL_TEST_DIR)/tb_vd_soc-$*.log | sed 's/^/          /'

RTL_TEST_TARGETS += rtl-soc

# The PCIe endpoint inside the SoC: tests/rtl/soc/soc_pcie_prog.S (its own boot ROM image:
# soc_prog.S fills the 1 KiB ROM) with tb_vd_soc_pcie.v as a small root complex, for `sim`
# (with PCIe) and `minimal` (without: unmapped, streams idle). Targets: rtl-soc-pcie-<target>.
RTL_SOC_PCIE_TB   := tests/rtl/soc/tb_vd_soc_pcie.v
RTL_SOC_PCIE_PROG := $(RTL_TEST_DIR)/tb_vd_soc_pcie_prog

$(RTL_SOC_PCIE_PROG).elf: tests/rtl/soc/soc_pcie_prog.S tests/rtl/soc/soc_check.h $(BOOT_LDS) $(GEN)/vd_regs.h
	@mkdir -p $(@D)
	@echo "  AS      soc_pcie_prog.S"
	$(Q)$(FW_CC) $(FW_ARCHFLAGS) -mno-relax -I$(GEN) -nostartfiles -nostdlib -Wl,--no-relax \
	  -Wl,--fatal-warnings -Wl,--no-warn-rwx-segments -T $(BOOT_LDS) -o $@ $<

$(RTL_TEST_DIR)/tb_vd_soc_pcie_rom.hex: $(RTL_SOC_PCIE_PROG).elf tools/mkfwimg.py
	$(Q)$(FW_OBJCOPY) -O binary $< $(RTL_SOC_PCIE_PROG).bin
	$(Q)$(PYTHON) tools/mkfwimg.py rom --regs $(GEN)/vd_regs.h $(RTL_SOC_PCIE_PROG).bin $@ >/dev/null

$(RTL_TEST_DIR)/tb_vd_soc_pcie-%.vvp: $(RTL_SOC_PCIE_TB) tests/rtl/tb_checks.vh $(RTL_SIM_SRCS) $(GEN)/vd_regs.vh $(TARGET_SRC)
	@mkdir -p $(@D)
	@echo "  IVL     tb_vd_soc_pcie [$*]"
	$(Q)p=$$($(PYTHON) tools/target.py params $* --format iverilog --top tb_vd_soc_pcie --expect-features) \
	  || exit 1; \
	$(IVERILOG) $(RTL_TEST_FLAGS) -Wno-sensitivity-entire-array -s tb_vd_soc_pcie $$p -o $@ \
	  $(RTL_SOC_PCIE_TB) $(RTL_SIM_SRCS)

.PHONY: rtl-soc-pcie $(addprefix rtl-soc-pcie-,$(RTL_SOC_TARGETS))
rtl-soc-pcie: $(addprefix rtl-soc-pcie-,$(RTL_SOC_TARGETS))
$(addprefix rtl-soc-pcie-,$(RTL_SOC_TARGETS)): rtl-soc-pcie-%: $(RTL_TEST_DIR)/tb_vd_soc_pcie-%.vvp $(RTL_TEST_DIR)/tb_vd_soc_pcie_rom.hex
	@echo "  TEST    soc-pcie [$*]"
	$(call rtl_test_run,tb_vd_soc_pcie-$*)
	$(Q)grep -E '^(configuration|program)' $(RTL_TEST_DIR)/tb_vd_soc_pcie-$*.log | sed 's/^/          /'

RTL_TEST_TARGETS += rtl-soc-pcie

# ---------------------------------------------------------------- PCIe endpoint
# vd_pcie_ep with PCIE_BUF and VRAM behind vd_memctl, against the bench's behavioural root
# complex (tests/rtl/pcie/tb_vd_pcie_ep.v says what it checks). Prints the DMA throughput
# figures (bytes/cycle, 4 KiB and 64 KiB each way).
RTL_PCIE_SRCS := $(wildcard rtl/pcie/*.v) $(RTL_MEMCTL_SRCS)

$(RTL_TEST_DIR)/tb_vd_pcie_ep.vvp: tests/rtl/pcie/tb_vd_pcie_ep.v tests/rtl/tb_checks.vh $(RTL_PCIE_SRCS) $(GEN)/vd_regs.vh
	@mkdir -p $(@D)
	@echo "  IVL     tb_vd_pcie_ep"
	$(Q)$(IVERILOG) $(RTL_TEST_FLAGS) -s tb_vd_pcie_ep -o $@ tests/rtl/pcie/tb_vd_pcie_ep.v $(RTL_PCIE_SRCS)

.PHONY: rtl-pcie
rtl-pcie: $(RTL_TEST_DIR)/tb_vd_pcie_ep.vvp
	@echo "  TEST    pcie"
	$(call rtl_test_run,tb_vd_pcie_ep)
	$(Q)grep -E '^ +DMA ' $(RTL_TEST_DIR)/tb_vd_pcie_ep.log | sed 's/^ */          /'

RTL_TEST_TARGETS += rtl-pcie
