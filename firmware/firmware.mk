# Firmware and boot ROM (included by the top Makefile; paths relative to the repository top).
#
#   $(FW_ELF) .bin .map   firmware linked against newlib-nano built in the tree
#   $(FW_IMG)             flash image: header {magic, length} + .bin (tools/mkfwimg.py)
#   $(BOOTROM_HEX)        boot ROM contents for $readmemh (256 words)
#
# Adding sources: append to FW_SRCS (and FW_INCLUDES) in a fragment firmware/<dir>/<dir>.mk,
# which is included below before any rule uses them, e.g. firmware/kernel/kernel.mk:
#   FW_SRCS += $(wildcard firmware/kernel/*.c)

# One source tree, one build per CPU family (the CPU-specific bits: start/start.S and
# include/vd_cpu.h; docs/cpu.md). FW_CPU is picorv32 or vexriscv; by default the `sim`
# target's, whose build is $(BUILD)/firmware (FW_IMG, what the simulators and tests run);
# another's is $(BUILD)/firmware-<cpu>, made by a sub-make with FW_CPU set:
#   $(call fw_img_cpu,picorv32)   its image     $(call fw_img,TARGET)   a target's image
# The boot ROM is the same program for both (its halt works on either CPU).
FW_CPU_DEFAULT := $(shell $(PYTHON) tools/target.py cpu sim --family)
FW_CPU        ?= $(FW_CPU_DEFAULT)
fw_dir         = $(BUILD)/firmware$(if $(filter-out $(FW_CPU_DEFAULT),$(1)),-$(1))
fw_img_cpu     = $(call fw_dir,$(1))/vidalloc-fw.img
fw_img         = $(call fw_img_cpu,$(shell $(PYTHON) tools/target.py cpu $(1) --family))
FW_BUILD      := $(call fw_dir,$(FW_CPU))
FW_ELF        := $(FW_BUILD)/vidalloc-fw.elf
FW_BIN        := $(FW_BUILD)/vidalloc-fw.bin
FW_MAP        := $(FW_BUILD)/vidalloc-fw.map
FW_IMG        := $(FW_BUILD)/vidalloc-fw.img
FW_LDS        := $(FW_BUILD)/link.ld
BOOT_ELF      := $(FW_BUILD)/bootrom.elf
BOOT_BIN      := $(FW_BUILD)/bootrom.bin
BOOT_LDS      := $(FW_BUILD)/bootrom.ld
BOOTROM_HEX   := $(FW_BUILD)/bootrom.hex
# The stack: tools/stack_usage.py computes the worst case from GCC's call graphs
# (-fcallgraph-info=su, the .ci files beside the objects) at every link, and fails it
# unless half the stack stays free (912 bytes today: the deepest path is a RENDER whose
# wait recovers the GPU, plus an interrupt).
FW_STACK_SIZE := 2048

FW_CC      := $(RV_PREFIX)gcc
FW_OBJCOPY := $(RV_PREFIX)objcopy
FW_SIZE    := $(RV_PREFIX)size
FW_NM      := $(RV_PREFIX)nm

# newlib-nano for exactly FW_ARCH/FW_ABI, built once by tools/build-newlib.sh.
FW_TARGET     := $(patsubst %-,%,$(notdir $(RV_PREFIX)))
NEWLIB_PREFIX := $(BUILD)/newlib/install/$(FW_TARGET)
NEWLIB_STAMP  := $(BUILD)/newlib/stamp-$(FW_ARCH)-$(FW_ABI)
FW_LIBGCC      = $(shell $(FW_CC) $(FW_ARCHFLAGS) -print-libgcc-file-name)

FW_SRCS := firmware/start/start.S firmware/main.c \
           $(sort $(wildcard firmware/drivers/*.c) $(wildcard firmware/lib/*.c))
FW_INCLUDES := -Ifirmware/include $(PROTO_INCLUDES) -I$(GEN) -I$(FW_BUILD)/gen
-include $(wildcard firmware/*/*.mk)

FW_ARCHFLAGS := -march=$(FW_ARCH) -mabi=$(FW_ABI)
FW_CPUFLAGS  := $(if $(filter vexriscv,$(FW_CPU)),-DVD_CPU_VEXRISCV)
# -mno-relax / --no-relax: gp is never set up or used (the IRQ entry owns x3).
FW_CFLAGS := -std=c11 -Os -g $(FW_ARCHFLAGS) -mno-relax \
             -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -ffunction-sections -fdata-sections -fcallgraph-info=su \
             -isystem $(NEWLIB_PREFIX)/include $(FW_CPUFLAGS) $(FW_INCLUDES)
FW_ASFLAGS := -g $(FW_ARCHFLAGS) -mno-relax $(FW_CPUFLAGS) $(FW_INCLUDES)
FW_LDFLAGS := $(FW_ARCHFLAGS) -nostartfiles -nostdlib -Wl,--gc-sections -Wl,--no-relax \
              -Wl,--fatal-warnings -Wl,--no-warn-rwx-segments -L$(NEWLIB_PREFIX)/lib
# Linker scripts: cpp over the stripped register header.
FW_LDS_CPP := $(FW_CC) -E -P -x c -undef -nostdinc -I$(FW_BUILD)/gen \
              -DVD_FW_STACK_SIZE=$(FW_STACK_SIZE)

FW_OBJS = $(patsubst %,$(FW_BUILD)/obj/%.o,$(basename $(FW_SRCS)))
BOOT_OBJS := $(FW_BUILD)/obj/firmware/boot/boot.o

# Version: VD_SOC_VERSION_STRING "+" git describe; the header is rewritten only on change.
FW_GIT_DESCRIBE := $(or $(shell git describe --always --dirty 2>/dev/null),unknown)

.PHONY: firmware newlib FORCE
firmware: $(FW_IMG) $(BOOTROM_HEX)
newlib: $(NEWLIB_STAMP)

# The other CPU family's image: a sub-make in its own directory (up to date: nothing to do).
$(foreach c,$(filter-out $(FW_CPU),picorv32 vexriscv),$(call fw_img_cpu,$(c))): FORCE | $(NEWLIB_STAMP)
	$(Q)$(MAKE) --no-print-directory FW_CPU=$(or $(patsubst -%,%,$(subst $(BUILD)/firmware,,$(@D))),$(FW_CPU_DEFAULT)) firmware

$(NEWLIB_STAMP): tools/build-newlib.sh
	$(Q)BUILD=$(BUILD) FW_ARCH=$(FW_ARCH) FW_ABI=$(FW_ABI) RV_PREFIX=$(RV_PREFIX) JOBS=$(JOBS) \
	  tools/build-newlib.sh

# (The temporary file is per process: `make test` runs the fit beside other suites.)
$(FW_BUILD)/gen/vd_fw_version.h: FORCE
	@mkdir -p $(@D)
	$(Q)t=$@.$$$$.tmp; printf '#define VD_FW_GIT_DESCRIBE "%s"\n' '$(FW_GIT_DESCRIBE)' >$$t; \
	if cmp -s $$t $@; then rm -f $$t; else mv $$t $@; echo "  GEN     $@"; fi

# ld does not accept C's unsigned suffix: strip it for the linker scripts.
$(FW_BUILD)/gen/vd_regs_ld.h: $(GEN)/vd_regs.h
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(Q)sed -E 's/\b(0[xX][0-9A-Fa-f]+|[0-9]+)[uU]\b/\1/g' $< >$@

$(FW_LDS): firmware/link.ld.S $(FW_BUILD)/gen/vd_regs_ld.h
	@echo "  CPP     $@"
	$(Q)$(FW_LDS_CPP) $< -o $@

$(BOOT_LDS): firmware/boot/boot.ld.S $(FW_BUILD)/gen/vd_regs_ld.h
	@echo "  CPP     $@"
	$(Q)$(FW_LDS_CPP) $< -o $@

FW_GEN_HDRS := $(GEN)/vd_regs.h $(FW_BUILD)/gen/vd_fw_version.h

$(FW_BUILD)/obj/%.o: %.c | $(FW_GEN_HDRS) $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(FW_CC) $(FW_CFLAGS) -MMD -MP -c $< -o $@

$(FW_BUILD)/obj/%.o: %.S | $(GEN)/vd_regs.h
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(Q)$(FW_CC) $(FW_ASFLAGS) -MMD -MP -c $< -o $@

$(FW_ELF) $(FW_MAP) &: $(FW_OBJS) $(FW_LDS) $(NEWLIB_STAMP)
	@echo "  LD      $(FW_ELF)"
	$(Q)$(FW_CC) $(FW_LDFLAGS) -T $(FW_LDS) -Wl,-Map=$(FW_MAP) -o $(FW_ELF) $(FW_OBJS) \
	  -Wl,--start-group -lc -lm $(FW_LIBGCC) -Wl,--end-group
	$(Q)$(FW_SIZE) $(FW_ELF) | awk 'NR == 2 { printf "  SIZE    %s: text %d data %d bss %d", \
	  "$(notdir $(FW_ELF))", $$1, $$2, $$3 }'; \
	  sym() { $(FW_NM) $(FW_ELF) | sed -n "s/^\([0-9a-f]*\) . $$1\$$/\1/p"; }; \
	  echo ", heap $$(( 0x$$(sym _heap_end) - 0x$$(sym _heap_start) )), stack $(FW_STACK_SIZE)"
	$(Q)$(PYTHON) tools/stack_usage.py --stack $(FW_STACK_SIZE) $(FW_BUILD)/obj

$(FW_BIN): $(FW_ELF)
	@echo "  BIN     $@"
	$(Q)$(FW_OBJCOPY) -O binary $< $@

$(FW_IMG): $(FW_BIN) tools/mkfwimg.py $(GEN)/vd_regs.h
	$(Q)$(PYTHON) tools/mkfwimg.py image --regs $(GEN)/vd_regs.h \
	  --stack-reserve $(FW_STACK_SIZE) $< $@

$(BOOT_ELF): $(BOOT_OBJS) $(BOOT_LDS)
	@echo "  LD      $@"
	$(Q)$(FW_CC) $(FW_ARCHFLAGS) -nostartfiles -nostdlib -Wl,--no-relax -Wl,--fatal-warnings -Wl,--no-warn-rwx-segments \
	  -T $(BOOT_LDS) -o $@ $(BOOT_OBJS)

$(BOOT_BIN): $(BOOT_ELF)
	@echo "  BIN     $@"
	$(Q)$(FW_OBJCOPY) -O binary $< $@

$(BOOTROM_HEX): $(BOOT_BIN) tools/mkfwimg.py $(GEN)/vd_regs.h
	$(Q)$(PYTHON) tools/mkfwimg.py rom --regs $(GEN)/vd_regs.h $< $@

-include $(FW_OBJS:.o=.d) $(BOOT_OBJS:.o=.d)
