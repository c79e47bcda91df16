# Allocation benchmark on the simulated CPU (not part of the board firmware).
#
#   make bench-alloc   build the bench image and a simulator with a larger FW_RAM, run it,
#                      print p50/p99/max cycles of allocate and free for 10 / 1,000 / 10,000
#                      live allocations (TLSF alone and the whole vd_kernel path), plus the
#                      per-byte cost of the UART RX drain and the frame decoder.
#
# The board's 64 KiB FW_RAM cannot hold 10,000 allocations' records, so the bench runs in
# $(BENCH_SIM): the same RTL and harness verilated with -GFW_RAM_BYTES=$(BENCH_FW_RAM).
# Only .bss grows; the image itself stays under the boot ROM's 64 KiB limit.
#
#   make bench-alloc BENCH_ONLY=tlsf   only the vd_tlsf rows, plus each row split by request
#                      kind (plain / aligned / FromEnd): ~10 s instead of ~40 s, for iterating
#                      on the segment allocator. Built in its own directory (build/bench-tlsf).
#   make bench-alloc BENCH_ONLY=stages   only the kernel rows, with vd_kernel_allocate's stage
#                      stamps compiled in (-DVD_KERNEL_PROFILE): each row is followed by its
#                      stages (checks, miniport input, DdiCreateAllocation, handle, place,
#                      commit). build/bench-stages; plain bench-alloc runs it after its own rows.

# firmware.mk's FW_GEN_HDRS is set after it reads this file: an order-only prerequisite
# list is expanded as it is read, so the generated headers are named here.
BENCH_GEN_HDRS := $(GEN)/vd_regs.h $(FW_BUILD)/gen/vd_fw_version.h
BENCH_ONLY     ?=
BENCH_BUILD    := $(BUILD)/bench$(if $(BENCH_ONLY),-$(BENCH_ONLY))
BENCH_FW_RAM   := 2097152
BENCH_MAX_LIVE := 10000
BENCH_ELF      := $(BENCH_BUILD)/bench-alloc.elf
BENCH_BIN      := $(BENCH_BUILD)/bench-alloc.bin
BENCH_IMG      := $(BENCH_BUILD)/bench-alloc.img
BENCH_LDS      := $(BENCH_BUILD)/bench.ld
BENCH_SIM      := $(BUILD)/sim-bench/vidalloc-sim
BENCH_SIM_OBJ  := $(BUILD)/sim-bench/obj
BENCH_CYCLES   ?= 3000000000

BENCH_SRCS := firmware/start/start.S firmware/bench/bench_alloc.c \
              firmware/drivers/uart.c firmware/drivers/irq.c firmware/drivers/pcie.c firmware/drivers/timer.c \
              firmware/drivers/sysctl.c firmware/drivers/gpu.c firmware/drivers/memctl.c firmware/lib/string.c firmware/lib/syscalls.c firmware/lib/version.c \
              $(sort $(wildcard firmware/kernel/*.c)) $(PROTO_SRCS)
BENCH_OBJS := $(patsubst %,$(BENCH_BUILD)/obj/%.o,$(basename $(BENCH_SRCS)))
# FW_CFLAGS is complete by the time recipes run; the pools are sized for the bench.
BENCH_CFLAGS = $(FW_CFLAGS) -DVD_MAX_ALLOCATIONS=$(shell echo $$(($(BENCH_MAX_LIVE) + 16))) \
               -DVD_MAX_RESOURCES=4 -DVD_BENCH_MAX_LIVE=$(BENCH_MAX_LIVE) \
               -Ifirmware/kernel -Ifirmware/wire \
               $(if $(filter tlsf,$(BENCH_ONLY)),-DVD_BENCH_TLSF_ONLY=1) \
               $(if $(filter stages,$(BENCH_ONLY)),-DVD_BENCH_STAGES=1 -DVD_KERNEL_PROFILE=1)

.PHONY: bench-alloc bench-alloc-image
bench-alloc-image: $(BENCH_IMG)

$(BENCH_BUILD)/obj/%.o: %.c | $(BENCH_GEN_HDRS) $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $< [bench]"
	$(Q)$(FW_CC) $(BENCH_CFLAGS) -MMD -MP -c $< -o $@

$(BENCH_BUILD)/obj/%.o: %.S | $(GEN)/vd_regs.h
	@mkdir -p $(@D)
	@echo "  AS      $< [bench]"
	$(Q)$(FW_CC) $(FW_ASFLAGS) -MMD -MP -c $< -o $@

$(BENCH_LDS): firmware/bench/bench.ld.S firmware/link.ld.S $(FW_BUILD)/gen/vd_regs_ld.h
	@mkdir -p $(@D)
	@echo "  CPP     $@"
	$(Q)$(FW_LDS_CPP) -DVD_BENCH_FW_RAM_SIZE=$(BENCH_FW_RAM) $< -o $@

$(BENCH_ELF): $(BENCH_OBJS) $(BENCH_LDS) $(NEWLIB_STAMP)
	@echo "  LD      $@"
	$(Q)$(FW_CC) $(FW_LDFLAGS) -T $(BENCH_LDS) -o $@ $(BENCH_OBJS) \
	  -Wl,--start-group -lc -lm $(FW_LIBGCC) -Wl,--end-group
	$(Q)$(FW_SIZE) $@ | awk 'NR == 2 { printf "  SIZE    %s: text %d data %d bss %d\n", "$(notdir $@)", $$1, $$2, $$3 }'

$(BENCH_BIN): $(BENCH_ELF)
	$(Q)$(FW_OBJCOPY) -O binary $< $@

$(BENCH_IMG): $(BENCH_BIN) tools/mkfwimg.py $(GEN)/vd_regs.h
	$(Q)$(PYTHON) tools/mkfwimg.py image --regs $(GEN)/vd_regs.h --stack-reserve $(FW_STACK_SIZE) $< $@

# The simulator with a larger FW_RAM: sim/sim.mk's flags, its own object directory.
$(BENCH_SIM): $(RTL_DEPS) $(wildcard sim/*.cpp sim/*.h) $(GEN)/vd_regs.h $(BOOTROM_HEX)
	@echo "  VERILATE vidalloc-sim (bench: FW_RAM $(BENCH_FW_RAM) bytes)"
	@mkdir -p $(@D)
	$(Q)$(VERILATOR_BUILD) $(subst $(BUILD)/sim/obj,$(BENCH_SIM_OBJ),$(SIM_VFLAGS)) \
	  -GFW_RAM_BYTES=$(BENCH_FW_RAM) $(RTL_WAIVERS) $(RTL_SIM_SRCS) $(abspath $(SIM_SRCS)) \
	  > $(BUILD)/sim-bench/build.log 2>&1 || { tail -n 40 $(BUILD)/sim-bench/build.log; exit 1; }
	$(Q)cp $(BENCH_SIM_OBJ)/vidalloc-sim $@

# 700 bytes on stdin fill the UART RX FIFO (512) before main: the drain is timed on them.
# Plain bench-alloc then runs the stages image (BENCH_ONLY=stages): the kernel rows again,
# with vd_kernel_allocate's stage stamps compiled in, each row followed by its stages.
bench-alloc: $(BENCH_SIM) $(BENCH_IMG)
	$(Q)head -c 700 /dev/zero | tr '\0' 'U' | \
	  $(BENCH_SIM) --firmware $(BENCH_IMG) --uart stdio --expect "bench-alloc done" \
	  --max-cycles $(BENCH_CYCLES) | tr -d '\r'
	$(if $(BENCH_ONLY),,$(Q)$(MAKE) --no-print-directory bench-alloc BENCH_ONLY=stages)

-include $(BENCH_OBJS:.o=.d)

# ---- make bench-codec: the frame codec alone (firmware/bench/bench_codec.c) ----
# Cycles per byte of vd_frame_feed (byte at a time and in spans) and vd_frame_encode for an
# ALLOCATE-sized and a maximum frame, plus vd_crc32c. A small image run on the board
# simulator ($(SIM_BIN)): seconds, not the minutes of bench-alloc.
CODEC_BENCH_BUILD := $(BUILD)/codec-bench
CODEC_BENCH_IMG   := $(CODEC_BENCH_BUILD)/bench-codec.img
CODEC_BENCH_SRCS  := firmware/start/start.S firmware/bench/bench_codec.c \
                     firmware/drivers/uart.c firmware/drivers/irq.c firmware/drivers/pcie.c firmware/drivers/timer.c \
                     firmware/drivers/sysctl.c firmware/drivers/gpu.c firmware/drivers/memctl.c firmware/lib/string.c firmware/lib/syscalls.c firmware/lib/version.c \
                     $(PROTO_SRCS)
CODEC_BENCH_OBJS  := $(patsubst %,$(CODEC_BENCH_BUILD)/obj/%.o,$(basename $(CODEC_BENCH_SRCS)))

.PHONY: bench-codec
$(CODEC_BENCH_BUILD)/obj/%.o: %.c | $(BENCH_GEN_HDRS) $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $< [bench-codec]"
	$(Q)$(FW_CC) $(FW_CFLAGS) -Ifirmware/wire -MMD -MP -c $< -o $@

$(CODEC_BENCH_BUILD)/obj/%.o: %.S | $(GEN)/vd_regs.h
	@mkdir -p $(@D)
	@echo "  AS      $< [bench-codec]"
	$(Q)$(FW_CC) $(FW_ASFLAGS) -MMD -MP -c $< -o $@

$(CODEC_BENCH_BUILD)/bench-codec.elf: $(CODEC_BENCH_OBJS) $(FW_LDS) $(NEWLIB_STAMP)
	@echo "  LD      $@"
	$(Q)$(FW_CC) $(FW_LDFLAGS) -T $(FW_LDS) -o $@ $(CODEC_BENCH_OBJS) \
	  -Wl,--start-group -lc -lm $(FW_LIBGCC) -Wl,--end-group

$(CODEC_BENCH_BUILD)/bench-codec.bin: $(CODEC_BENCH_BUILD)/bench-codec.elf
	$(Q)$(FW_OBJCOPY) -O binary $< $@

$(CODEC_BENCH_IMG): $(CODEC_BENCH_BUILD)/bench-codec.bin tools/mkfwimg.py $(GEN)/vd_regs.h
	$(Q)$(PYTHON) tools/mkfwimg.py image --regs $(GEN)/vd_regs.h --stack-reserve $(FW_STACK_SIZE) $< $@

bench-codec: $(SIM_BIN) $(CODEC_BENCH_IMG)
	$(Q)$(SIM_BIN) --firmware $(CODEC_BENCH_IMG) --uart stdio --expect "bench-codec done" \
	  --max-cycles 200000000 </dev/null | tr -d '\r'

-include $(CODEC_BENCH_OBJS:.o=.d)

# ---- make bench-qlink: ALLOCATE over the PCIe queue link (firmware/bench/bench_qlink.c) ----
# The link and the endpoint driver compiled with -DVD_MMIO_MOCK against the bench's own
# PCIE register array (no endpoint RTL needed; TIMER is the real one, read directly as on the
# board: -DVD_TIMER_DIRECT, the link's stage stamps cost what they do there), the real dispatcher
# and kernel, batches of 1..46 ALLOCATE records: the firmware's cycles per ALLOCATE beyond
# the kernel's own work. Runs in the bench simulator (larger FW_RAM) of bench-alloc.
QLINK_BENCH_BUILD := $(BUILD)/qlink-bench
QLINK_BENCH_IMG   := $(QLINK_BENCH_BUILD)/bench-qlink.img
QLINK_BENCH_SRCS  := firmware/start/start.S firmware/bench/bench_qlink.c \
                     firmware/wire/vd_qlink.c firmware/drivers/pcie.c firmware/drivers/irq.c \
                     firmware/drivers/gpu.c firmware/drivers/memctl.c \
                     firmware/drivers/uart.c firmware/drivers/timer.c firmware/drivers/sysctl.c \
                     firmware/lib/string.c firmware/lib/syscalls.c \
                     firmware/dispatch/vd_dispatch.c $(sort $(wildcard firmware/kernel/*.c))
QLINK_BENCH_OBJS  := $(patsubst %,$(QLINK_BENCH_BUILD)/obj/%.o,$(basename $(QLINK_BENCH_SRCS)))
# Only the link, its driver and the bench itself go through the register shim.
QLINK_BENCH_MOCK  := firmware/bench/bench_qlink.c firmware/wire/vd_qlink.c firmware/drivers/pcie.c

.PHONY: bench-qlink
$(QLINK_BENCH_BUILD)/obj/%.o: %.c | $(BENCH_GEN_HDRS) $(NEWLIB_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $< [bench-qlink]"
	$(Q)$(FW_CC) $(FW_CFLAGS) -Ifirmware/wire -Ifirmware/dispatch -Ifirmware/kernel \
	  $(if $(filter $<,$(QLINK_BENCH_MOCK)),-DVD_MMIO_MOCK -DVD_TIMER_DIRECT) -MMD -MP -c $< -o $@

$(QLINK_BENCH_BUILD)/obj/%.o: %.S | $(GEN)/vd_regs.h
	@mkdir -p $(@D)
	@echo "  AS      $< [bench-qlink]"
	$(Q)$(FW_CC) $(FW_ASFLAGS) -MMD -MP -c $< -o $@

$(QLINK_BENCH_BUILD)/bench-qlink.elf: $(QLINK_BENCH_OBJS) $(BENCH_LDS) $(NEWLIB_STAMP)
	@echo "  LD      $@"
	$(Q)$(FW_CC) $(FW_LDFLAGS) -T $(BENCH_LDS) -o $@ $(QLINK_BENCH_OBJS) \
	  -Wl,--start-group -lc -lm $(FW_LIBGCC) -Wl,--end-group

$(QLINK_BENCH_BUILD)/bench-qlink.bin: $(QLINK_BENCH_BUILD)/bench-qlink.elf
	$(Q)$(FW_OBJCOPY) -O binary $< $@

$(QLINK_BENCH_IMG): $(QLINK_BENCH_BUILD)/bench-qlink.bin tools/mkfwimg.py $(GEN)/vd_regs.h
	$(Q)$(PYTHON) tools/mkfwimg.py image --regs $(GEN)/vd_regs.h --stack-reserve $(FW_STACK_SIZE) $< $@

bench-qlink: $(BENCH_SIM) $(QLINK_BENCH_IMG)
	$(Q)$(BENCH_SIM) --firmware $(QLINK_BENCH_IMG) --uart stdio --expect "bench-qlink done" \
	  --max-cycles 200000000 </dev/null | tr -d '\r'

-include $(QLINK_BENCH_OBJS:.o=.d)
