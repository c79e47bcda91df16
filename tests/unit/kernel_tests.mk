# Native unit tests of the firmware kernel modules (firmware/kernel/).
# tests/unit/unit.mk builds each tests/unit/test_*.c into $(BUILD)/unit/<name>, links the
# sources in UT_SRCS_<name> and adds UT_CFLAGS_<name>. This fragment only sets those.

VD_KERNEL_DIR  := firmware/kernel
# Every module, in dependency order, and the drivers the GPU scheduler (vd_render.c) uses:
# the kernel calls the scheduler, which touches the hardware only once a RENDER starts it
# (these tests never do; test_render does, against the GPU model).
VD_KERNEL_SRCS := $(VD_KERNEL_DIR)/vd_tlsf.c $(VD_KERNEL_DIR)/vd_vidmm.c \
                  $(VD_KERNEL_DIR)/vd_miniport.c $(VD_KERNEL_DIR)/vd_render.c \
                  $(VD_KERNEL_DIR)/vd_kernel.c \
                  firmware/drivers/gpu.c firmware/drivers/memctl.c firmware/drivers/timer.c

UT_SRCS_test_kernel_status     :=
UT_SRCS_test_kernel_handle     :=
UT_SRCS_test_kernel_tlsf       := $(VD_KERNEL_DIR)/vd_tlsf.c
UT_SRCS_test_kernel_tlsf_model := $(VD_KERNEL_DIR)/vd_tlsf.c
UT_SRCS_test_kernel_vidmm      := $(VD_KERNEL_DIR)/vd_tlsf.c $(VD_KERNEL_DIR)/vd_vidmm.c
UT_SRCS_test_kernel_miniport   := $(VD_KERNEL_DIR)/vd_miniport.c
UT_SRCS_test_kernel_core       := $(VD_KERNEL_SRCS)
UT_SRCS_test_kernel_exhaust    := $(VD_KERNEL_SRCS)

# Small pools so exhaustion is reached quickly.
UT_CFLAGS_test_kernel_exhaust  := -DVD_MAX_ALLOCATIONS=8 -DVD_MAX_RESOURCES=2 \
                                  -DVD_MAX_DEVICES=2 -DVD_MAX_ALLOCS_PER_CALL=4 \
                                  -DVD_MAX_RESOURCE_PRIVDATA=8

# make tlsf-trace: the segment allocator against an exhaustive reference on one shared random
# trace in a 64 KiB segment (tests/unit/tlsf_trace.c): failures by alignment for both, and
# the TLSF failures while a free hole could have held the request (must be 0; exits 1 if not).
TLSF_TRACE_BIN := $(UT_BUILD)/tlsf_trace
.PHONY: tlsf-trace
$(TLSF_TRACE_BIN): tests/unit/tlsf_trace.c $(VD_KERNEL_DIR)/vd_tlsf.c $(VD_KERNEL_DIR)/vd_tlsf.h | $(GEN)/vd_regs.h
	@mkdir -p $(@D)
	@echo "  CC      $@"
	$(Q)$(CC_NATIVE) -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	  -I$(GEN) -Ifirmware/include -Ifirmware/kernel $(PROTO_INCLUDES) \
	  tests/unit/tlsf_trace.c $(VD_KERNEL_DIR)/vd_tlsf.c -o $@
tlsf-trace: $(TLSF_TRACE_BIN)
	$(Q)$(TLSF_TRACE_BIN)
