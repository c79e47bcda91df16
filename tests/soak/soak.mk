# make soak: the mixed workload under line faults (tests/soak/soak.c, docs/host-lib.md
# "make soak"). Included by tests/tests.mk (uses HL_LIB, HL_INPROC_LIBS, HL_PROG_CFLAGS).
#
#   soak         the soak table: SOAK_OPS (10,000) steps at 1e-3 corruption + 1e-4 drops and
#                duplicates against the clean line, SOAK_OPS_HEAVY (1,000) at 1e-2, the board
#                gone (every request type within 1 s), the line frozen 3 s, a board reset
#   soak-smoke   the 1e-3 mix, a board reset, a frozen line, short (part of make test); not
#                the board-gone check (8 x 0.5 s of simulated time) nor 1e-2 (not met yet)

SOAK_BIN       := $(BUILD)/soak/soak
SOAK_OPS       ?= 10000
SOAK_OPS_HEAVY ?= 1000
SOAK_SEED      ?= 1
SOAK_MIX       ?= corrupt=1e-3&drop=1e-4&dup=1e-4
SOAK_RUN        = VIDALLOC_FW_IMG=$(abspath $(FW_IMG)) $(SOAK_BIN) --seed $(SOAK_SEED)

.PHONY: soak soak-smoke
$(SOAK_BIN): tests/soak/soak.c $(HL_LIB) $(SIM_LIB)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(Q)$(CC_NATIVE) $(HL_PROG_CFLAGS) -o $@ $< $(HL_LIB) $(HL_INPROC_LIBS)

soak: $(SOAK_BIN) $(FW_IMG)
	$(Q)$(SOAK_RUN) --dev 'inproc?$(SOAK_MIX)&seed=$(SOAK_SEED)' --ops $(SOAK_OPS) --compare-clean
	$(Q)$(SOAK_RUN) --dev 'inproc?corrupt=1e-2&seed=$(SOAK_SEED)' --ops $(SOAK_OPS_HEAVY)
	$(Q)$(SOAK_RUN) --dev 'inproc?$(SOAK_MIX)&seed=$(SOAK_SEED)' --ops 200 --scenario gone
	$(Q)$(SOAK_RUN) --dev 'inproc?$(SOAK_MIX)&seed=$(SOAK_SEED)' --ops 400 --scenario freeze
	$(Q)$(SOAK_RUN) --dev 'inproc?$(SOAK_MIX)&seed=$(SOAK_SEED)' --ops 200 --scenario reset

# The 1e-2 mix is not in the smoke: its target is not reached yet (docs/host-lib.md).
soak-smoke: $(SOAK_BIN) $(FW_IMG)
	$(Q)$(SOAK_RUN) --dev 'inproc?$(SOAK_MIX)&seed=$(SOAK_SEED)' --ops 150
	$(Q)$(SOAK_RUN) --dev 'inproc?$(SOAK_MIX)&seed=$(SOAK_SEED)' --ops 40 --scenario reset
	$(Q)$(SOAK_RUN) --dev 'inproc?$(SOAK_MIX)&seed=$(SOAK_SEED)' --ops 60 --scenario freeze
