# libFuzzer targets over the wire path (native, clang, ASan + UBSan), -include'd from
# tests/tests.mk:
#   make fuzz         each target for FUZZ_SECONDS (300) on its corpus in build/fuzz/
#   make fuzz-smoke   each target for FUZZ_SMOKE_SECONDS (12), for make test
# Targets: fuzz_dispatch (request decoder + dispatcher + kernel) and fuzz_frame (line
# bytes through vd_frame_feed, sequencing and replay, dispatcher). Seeds: gen_seeds.c.

FUZZ_CC            ?= clang
FUZZ_BUILD         := $(BUILD)/fuzz
FUZZ_SECONDS       ?= 300
FUZZ_SMOKE_SECONDS ?= 12
FUZZ_TARGETS       := fuzz_dispatch fuzz_frame
FUZZ_BINS          := $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
# The submission path runs against the behavioural GPU model (tests/unit/gpu_model.c)
# through tests/fuzz/fuzz_mmio.c (-DVD_MMIO_MOCK, as in the unit tests).
FUZZ_SRCS := firmware/kernel/vd_tlsf.c firmware/kernel/vd_vidmm.c \
             firmware/kernel/vd_miniport.c firmware/kernel/vd_kernel.c firmware/kernel/vd_render.c \
             firmware/drivers/gpu.c firmware/drivers/memctl.c firmware/drivers/timer.c \
             firmware/dispatch/vd_dispatch.c firmware/wire/vd_session.c $(PROTO_SRCS) \
             tests/unit/gpu_model.c tests/fuzz/fuzz_mmio.c
FUZZ_INCLUDES := -Ifirmware/kernel -Ifirmware/dispatch -Ifirmware/wire $(PROTO_INCLUDES) \
                 -Ifirmware/include -I$(GEN) -Itests/unit -Itests/fuzz -DVD_MMIO_MOCK
FUZZ_WFLAGS := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
FUZZ_CFLAGS := -g -O1 $(FUZZ_WFLAGS) -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=undefined $(FUZZ_INCLUDES)
FUZZ_HDRS   := $(wildcard tests/fuzz/*.h firmware/kernel/*.h firmware/dispatch/*.h \
                 firmware/wire/*.h firmware/include/*.h \
                 tests/unit/gpu_model.h) $(PROTO_HDRS) $(GEN)/vd_regs.h

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build: $(FUZZ_BINS) $(FUZZ_BUILD)/.seeds

$(FUZZ_BUILD)/%: tests/fuzz/%.c $(FUZZ_SRCS) $(FUZZ_HDRS)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS)

$(FUZZ_BUILD)/gen_seeds: tests/fuzz/gen_seeds.c $(FUZZ_SRCS) $(FUZZ_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC_NATIVE) -O1 $(FUZZ_WFLAGS) $(FUZZ_INCLUDES) -o $@ $<

# Seeds go into each target's working corpus (kept between runs) under build/fuzz/.
$(FUZZ_BUILD)/.seeds: $(FUZZ_BUILD)/gen_seeds
	$(Q)mkdir -p $(FUZZ_BUILD)/corpus/fuzz_dispatch $(FUZZ_BUILD)/corpus/fuzz_frame
	$(Q)$< $(FUZZ_BUILD)/corpus/fuzz_dispatch $(FUZZ_BUILD)/corpus/fuzz_frame
	$(Q)touch $@

# One run per target; a crash leaves its reproducer in build/fuzz/ and fails the target.
define FUZZ_RUN
	$(Q)for t in $(FUZZ_TARGETS); do \
	  echo "  FUZZ    $$t ($(1) s)"; \
	  $(FUZZ_BUILD)/$$t -max_total_time=$(1) -max_len=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/$$t- $(FUZZ_BUILD)/corpus/$$t 2>$(FUZZ_BUILD)/$$t.log \
	    || { tail -n 40 $(FUZZ_BUILD)/$$t.log; exit 1; }; \
	  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" $(FUZZ_BUILD)/$$t.log | sed 's/^/          /'; \
	done
endef

fuzz: fuzz-build
	$(call FUZZ_RUN,$(FUZZ_SECONDS))

fuzz-smoke: fuzz-build
	$(call FUZZ_RUN,$(FUZZ_SMOKE_SECONDS))
