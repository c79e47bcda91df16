# Host unit tests (cmocka): firmware modules compiled natively with -DVD_MMIO_MOCK against
# the mock register file in tests/unit/mock_mmio.c.
#
# Every tests/unit/test_<name>.c becomes $(BUILD)/unit/test_<name>, linked with the firmware
# sources listed in UT_SRCS_test_<name> and compiled with UT_CFLAGS_test_<name> added.
# `make unit` builds and runs them all and fails if any test fails. Other areas add tests in
# their own tests/unit/<area>_tests.mk:
#   UT_SRCS_test_kernel_vidmm := firmware/kernel/vd_vidmm.c

UT_BUILD    := $(BUILD)/unit
# Headers are included by name: drivers (firmware/include), kernel (firmware/kernel) and the
# contracts both sides share (proto/: vidalloc/vd_wire.h ..., vd_frame.h).
UT_INCLUDES := -I$(GEN) -Ifirmware/include -Ifirmware/kernel $(PROTO_INCLUDES) -Itests/unit
# AddressSanitizer and UndefinedBehaviorSanitizer on every unit test: an out-of-bounds
# access or undefined behaviour in a module under test fails the test.
UT_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
UT_CFLAGS   := -std=c11 -g -O1 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
               -DVD_MMIO_MOCK $(UT_SAN) $(UT_INCLUDES)
# cmocka's flags are asked for when a test is built, not when the Makefile is read: on a
# fresh machine `make deps` installs it first, and nothing else should print its absence.
UT_CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
UT_LIBS          = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)
UT_COMMON   := tests/unit/mock_mmio.c

UT_SRCS_test_uart     := firmware/drivers/uart.c
UT_SRCS_test_syscalls := firmware/lib/syscalls.c firmware/drivers/uart.c
UT_SRCS_test_irq      := firmware/drivers/irq.c firmware/drivers/uart.c firmware/drivers/gpu.c \
                         firmware/drivers/pcie.c \
                         firmware/drivers/memctl.c
UT_SRCS_test_sysctl   := firmware/drivers/sysctl.c firmware/drivers/timer.c

-include $(wildcard tests/unit/*_tests.mk)

UT_TESTS := $(sort $(basename $(notdir $(wildcard tests/unit/test_*.c))))
UT_BINS  := $(addprefix $(UT_BUILD)/,$(UT_TESTS))

.PHONY: unit
unit: $(UT_BINS)
	$(Q)failed=; for t in $(UT_BINS); do \
	  echo "  TEST    $$t"; $$t || failed="$$failed $${t##*/}"; \
	done; \
	if [ -n "$$failed" ]; then echo "unit: FAILED:$$failed"; exit 1; fi

# Objects per test, since a test may add its own flags (UT_CFLAGS_<test>).
define UT_TEST
UT_OBJS_$(1) := $(patsubst %.c,$(UT_BUILD)/obj/$(1)/%.o,tests/unit/$(1).c $(UT_COMMON) $(UT_SRCS_$(1)))

$(UT_BUILD)/obj/$(1)/%.o: %.c tests/unit/unit.mk | $(GEN)/vd_regs.h
	@mkdir -p $$(@D)
	@echo "  CC      $$< [$(1)]"
	$(Q)$(CC_NATIVE) $(UT_CFLAGS) $$(UT_CMOCKA_CFLAGS) $(UT_CFLAGS_$(1)) -MMD -MP -c $$< -o $$@

$(UT_BUILD)/$(1): $$(UT_OBJS_$(1))
	@echo "  LD      $$@"
	$(Q)$(CC_NATIVE) $(UT_SAN) -o $$@ $$^ $$(UT_LIBS)

-include $$(UT_OBJS_$(1):.o=.d)
endef
$(foreach t,$(UT_TESTS),$(eval $(call UT_TEST,$(t))))
