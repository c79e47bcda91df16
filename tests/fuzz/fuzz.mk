# Fuzzing (native, clang, ASan + UBSan), -include'd from tests/tests.mk. docs/fuzzing.md.
#   make fuzz          the campaign: libFuzzer, then AFL++, FUZZ_RUNS executions per target
#                      and engine (FUZZ_SECONDS > 0 caps each run's time as well), then the
#                      figures (executions, execs/s, coverage, crashes per target and engine)
#   make fuzz-libfuzzer / fuzz-afl / fuzz-report / fuzz-cov   its parts (fuzz-cov: llvm-cov
#                      line and branch coverage of the wire path's files over the corpora)
#   make fuzz-smoke    each target for FUZZ_SMOKE_SECONDS (libFuzzer), for make test
#   make fuzz-corpus   minimize the working corpora into tests/fuzz/corpus/ (to commit)
# Targets: fuzz_dispatch (request decoder + dispatcher + kernel), fuzz_frame (line bytes
# through vd_frame_feed, sequencing and replay, dispatcher) and fuzz_qlink (PCIe submission
# records through the queue link's batch loop, endpoint driver on a model, dispatcher).
# Working corpora in build/fuzz/corpus/<target>: the committed corpus plus gen_seeds.c's.

FUZZ_CC            ?= clang
FUZZ_AFL_CC        ?= afl-clang-fast
FUZZ_BUILD         := $(BUILD)/fuzz
FUZZ_RUNS          ?= 10000000
FUZZ_SECONDS       ?= 0
FUZZ_SMOKE_SECONDS ?= 8
FUZZ_MAX_LEN       := 2048
FUZZ_TARGETS       := fuzz_dispatch fuzz_frame fuzz_qlink
FUZZ_CORPUS        := tests/fuzz/corpus
FUZZ_BINS          := $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
FUZZ_AFL_BINS      := $(addprefix $(FUZZ_BUILD)/afl/,$(FUZZ_TARGETS))
# The submission path runs against the behavioural GPU model (tests/unit/gpu_model.c)
# through tests/fuzz/fuzz_mmio.c (-DVD_MMIO_MOCK, as in the unit tests).
FUZZ_SRCS := firmware/kernel/vd_tlsf.c firmware/kernel/vd_vidmm.c \
             firmware/kernel/vd_miniport.c firmware/kernel/vd_kernel.c firmware/kernel/vd_render.c \
             firmware/drivers/gpu.c firmware/drivers/memctl.c firmware/drivers/timer.c \
             firmware/dispatch/vd_dispatch.c firmware/wire/vd_session.c $(PROTO_SRCS) \
             tests/unit/gpu_model.c tests/fuzz/fuzz_mmio.c
# Per target, beyond FUZZ_SRCS.
FUZZ_SRCS_fuzz_qlink := firmware/wire/vd_qlink.c firmware/drivers/pcie.c firmware/drivers/irq.c \
                        firmware/drivers/uart.c
FUZZ_SRCS_EXTRA      := $(FUZZ_SRCS_fuzz_qlink)
FUZZ_INCLUDES := -Ifirmware/kernel -Ifirmware/dispatch -Ifirmware/wire $(PROTO_INCLUDES) \
                 -Ifirmware/include -I$(GEN) -Itests/unit -Itests/fuzz -DVD_MMIO_MOCK
FUZZ_WFLAGS := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -g -O1 $(FUZZ_WFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) $(FUZZ_INCLUDES)
FUZZ_HDRS   := $(wildcard tests/fuzz/*.h firmware/kernel/*.h firmware/dispatch/*.h \
                 firmware/wire/*.h firmware/include/*.h \
                 tests/unit/gpu_model.h) $(PROTO_HDRS) $(GEN)/vd_regs.h
# AFL++ runs the same LLVMFuzzerTestOneInput files: afl-clang-fast's -fsanitize=fuzzer
# links AFL++'s libFuzzer-compatible driver (persistent mode, shared-memory inputs).
FUZZ_AFL_ENV := AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_QUIET=1 \
                AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SUPPRESS_ERROR=1
FUZZ_TIME_CAP = $(if $(filter-out 0,$(FUZZ_SECONDS)),$(1) $(FUZZ_SECONDS))

.PHONY: fuzz fuzz-smoke fuzz-build fuzz-afl-build fuzz-libfuzzer fuzz-afl fuzz-report fuzz-cov fuzz-corpus
fuzz-build: $(FUZZ_BINS) $(addprefix $(FUZZ_BUILD)/.seeds-,$(FUZZ_TARGETS))
fuzz-afl-build: $(FUZZ_AFL_BINS) $(addprefix $(FUZZ_BUILD)/.seeds-,$(FUZZ_TARGETS))

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRCS) $(FUZZ_SRCS_EXTRA) $(FUZZ_HDRS)
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(FUZZ_SRCS_fuzz_$*)

$(FUZZ_BUILD)/afl/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRCS) $(FUZZ_SRCS_EXTRA) $(FUZZ_HDRS)
	@mkdir -p $(@D)
	@echo "  AFLCC   $@"
	$(Q)AFL_QUIET=1 $(FUZZ_AFL_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS) $(FUZZ_SRCS_fuzz_$*)

$(FUZZ_BUILD)/gen_seeds: tests/fuzz/gen_seeds.c $(FUZZ_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC_NATIVE) -O1 $(FUZZ_WFLAGS) $(FUZZ_INCLUDES) -o $@ $<

# A target's working corpus (kept between runs): the generated seeds and the committed
# corpus merged in.
$(FUZZ_BUILD)/.seeds-%: $(FUZZ_BUILD)/gen_seeds $(wildcard $(FUZZ_CORPUS)/*/*)
	$(Q)mkdir -p $(FUZZ_BUILD)/corpus/$*
	$(Q)$< $(FUZZ_BUILD)/seeds
	$(Q)cp $(FUZZ_BUILD)/seeds/$*/* $(FUZZ_BUILD)/corpus/$*/
	$(Q)if [ -d $(FUZZ_CORPUS)/$* ]; then cp $(FUZZ_CORPUS)/$*/* $(FUZZ_BUILD)/corpus/$*/; fi
	$(Q)touch $@

# libFuzzer, one run per target, logs in $(3) (the smoke run keeps its own: the campaign's
# logs are fuzz-report's); a crash leaves its reproducer in build/fuzz/ and fails.
define FUZZ_LIBFUZZER_RUN
	$(Q)mkdir -p $(3)
	$(Q)for t in $(FUZZ_TARGETS); do \
	  echo "  FUZZ    $$t (libFuzzer, $(1))"; \
	  $(FUZZ_BUILD)/$$t $(2) -max_len=$(FUZZ_MAX_LEN) -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/$$t- $(FUZZ_BUILD)/corpus/$$t 2>$(3)/$$t.log \
	    || { tail -n 40 $(3)/$$t.log; exit 1; }; \
	  grep -E "stat::number_of_executed_units" $(3)/$$t.log | sed 's/^/          /'; \
	  grep -E "DONE" $(3)/$$t.log | sed 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*/          /'; \
	done
endef

fuzz-smoke: fuzz-build
	$(call FUZZ_LIBFUZZER_RUN,$(FUZZ_SMOKE_SECONDS) s,-max_total_time=$(FUZZ_SMOKE_SECONDS),$(FUZZ_BUILD)/smoke)

fuzz-libfuzzer: fuzz-build
	$(call FUZZ_LIBFUZZER_RUN,$(FUZZ_RUNS) runs,-runs=$(FUZZ_RUNS) $(call FUZZ_TIME_CAP,-max_total_time=),$(FUZZ_BUILD))

# AFL++ from the working corpus into build/fuzz/afl/<target>.out; any saved crash fails.
fuzz-afl: fuzz-afl-build
	$(Q)for t in $(FUZZ_TARGETS); do \
	  echo "  AFL++   $$t ($(FUZZ_RUNS) execs)"; \
	  rm -rf $(FUZZ_BUILD)/afl/$$t.out; \
	  $(FUZZ_AFL_ENV) afl-fuzz -i $(FUZZ_BUILD)/corpus/$$t -o $(FUZZ_BUILD)/afl/$$t.out \
	    -E $(FUZZ_RUNS) $(call FUZZ_TIME_CAP,-V) -G $(FUZZ_MAX_LEN) -m none \
	    -- $(FUZZ_BUILD)/afl/$$t >$(FUZZ_BUILD)/afl/$$t.log 2>&1 \
	    || { tail -n 40 $(FUZZ_BUILD)/afl/$$t.log; exit 1; }; \
	  grep -E "^(execs_done|execs_per_sec|edges_found|saved_crashes)" \
	    $(FUZZ_BUILD)/afl/$$t.out/default/fuzzer_stats | sed 's/^/          /'; \
	  n=$$(ls $(FUZZ_BUILD)/afl/$$t.out/default/crashes | grep -vc README); \
	  if [ "$$n" != 0 ]; then echo "  AFL++   $$t: $$n crashes in $(FUZZ_BUILD)/afl/$$t.out/default/crashes"; exit 1; fi; \
	done

# The figures of the last runs. Coverage in one unit for both engines: libFuzzer's cov:
# (edges of its own instrumentation) over each engine's corpus, replayed without mutation.
fuzz-report: fuzz-build
	$(Q)$(PYTHON) tests/fuzz/fuzz_report.py $(FUZZ_BUILD) $(FUZZ_TARGETS)

# Source coverage of the wire path: each target's corpora (libFuzzer's working corpus and
# AFL++'s queue) replayed once through a clang source-coverage build, llvm-cov's lines and
# branches of the files the targets exist for.
FUZZ_COV_FILES := proto/vd_frame.c firmware/wire/vd_session.c firmware/dispatch/vd_dispatch.c \
                  firmware/wire/vd_qlink.c
FUZZ_COV_BINS  := $(addprefix $(FUZZ_BUILD)/cov/,$(FUZZ_TARGETS))
$(FUZZ_BUILD)/cov/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_SRCS) $(FUZZ_SRCS_EXTRA) $(FUZZ_HDRS)
	@mkdir -p $(@D)
	@echo "  COVCC   $@"
	$(Q)$(FUZZ_CC) -g -O1 $(FUZZ_WFLAGS) -fsanitize=fuzzer -fprofile-instr-generate \
	  -fcoverage-mapping $(FUZZ_INCLUDES) -o $@ $< $(FUZZ_SRCS) $(FUZZ_SRCS_fuzz_$*)

fuzz-cov: $(FUZZ_COV_BINS) $(addprefix $(FUZZ_BUILD)/.seeds-,$(FUZZ_TARGETS))
	$(Q)for t in $(FUZZ_TARGETS); do \
	  q=$(FUZZ_BUILD)/afl/$$t.out/default/queue; [ -d $$q ] || q=; \
	  rm -f $(FUZZ_BUILD)/cov/$$t.profraw; \
	  LLVM_PROFILE_FILE=$(FUZZ_BUILD)/cov/$$t.profraw $(FUZZ_BUILD)/cov/$$t -runs=0 \
	    -max_len=$(FUZZ_MAX_LEN) $(FUZZ_BUILD)/corpus/$$t $$q 2>$(FUZZ_BUILD)/cov/$$t.log \
	    || { tail -n 20 $(FUZZ_BUILD)/cov/$$t.log; exit 1; }; \
	  llvm-profdata merge -sparse -o $(FUZZ_BUILD)/cov/$$t.profdata $(FUZZ_BUILD)/cov/$$t.profraw; \
	  echo "  COV     $$t (lines, branches covered)"; \
	  llvm-cov report $(FUZZ_BUILD)/cov/$$t -instr-profile=$(FUZZ_BUILD)/cov/$$t.profdata \
	    $(FUZZ_COV_FILES) | awk 'NR > 2 && $$1 != "" && $$1 !~ /^-/ { \
	      printf "          %-34s lines %6s  branches %6s\n", $$1, $$10, $$13 }'; \
	done

fuzz:
	$(Q)$(MAKE) --no-print-directory fuzz-libfuzzer
	$(Q)$(MAKE) --no-print-directory fuzz-afl
	$(Q)$(MAKE) --no-print-directory fuzz-report
	$(Q)$(MAKE) --no-print-directory fuzz-cov

# The fewest inputs that reach every edge the corpora reach (greedy set cover over edges,
# not hit counts): a few dozen per target.
fuzz-corpus: fuzz-build
	$(Q)for t in $(FUZZ_TARGETS); do \
	  rm -rf $(FUZZ_BUILD)/min/$$t && mkdir -p $(FUZZ_BUILD)/min/$$t; \
	  q=$(FUZZ_BUILD)/afl/$$t.out/default/queue; [ -d $$q ] || q=; \
	  $(FUZZ_BUILD)/$$t -set_cover_merge=1 -use_counters=0 -use_value_profile=0 -max_len=$(FUZZ_MAX_LEN) \
	    $(FUZZ_BUILD)/min/$$t $(FUZZ_BUILD)/corpus/$$t $$q 2>$(FUZZ_BUILD)/min/$$t.log \
	    || { tail -n 20 $(FUZZ_BUILD)/min/$$t.log; exit 1; }; \
	  rm -rf $(FUZZ_CORPUS)/$$t && mkdir -p $(FUZZ_CORPUS)/$$t; \
	  cp $(FUZZ_BUILD)/min/$$t/* $(FUZZ_CORPUS)/$$t/; \
	  echo "  CORPUS  $$t: $$(ls $(FUZZ_CORPUS)/$$t | wc -l) files, $$(du -sk --apparent-size $(FUZZ_CORPUS)/$$t | cut -f1) KiB"; \
	done
