# Formal proofs with yosys (no SymbiYosys). Each proof top tests/formal/fv_<...>.v makes
# the assumptions; the properties live beside the RTL (`ifdef FORMAL, asserted in the
# module). Each proof runs twice with yosys's SAT engine:
#   bmc        - every assertion holds for FORMAL_DEPTH cycles from reset (sat -seq)
#   induction  - k-induction (sat -tempinduct): base case from reset plus the inductive
#                step, i.e. the assertions hold in every reachable state (a full proof)
# `-verify` makes yosys fail on a counterexample; its trace is written to
# $(BUILD)/formal/<name>_{bmc,ind}.vcd. (yosys-smtbmc with z3 stalls at step 0 on the
# memctl model; yosys's built-in solver proves it in under a second.)
# Uses BUILD, GEN, Q, YOSYS from the top Makefile.

FORMAL_DEPTH  ?= 20
FORMAL_DIR    := $(BUILD)/formal

FORMAL_arb_SRCS    := rtl/memctl/vd_memctl_arb.v tests/formal/fv_memctl_arb.v
FORMAL_arb_TOP     := fv_memctl_arb
FORMAL_arb_DEFS    := -DVD_FORMAL_ARB_HELD
FORMAL_memctl_SRCS := rtl/memctl/vd_memctl.v rtl/memctl/vd_memctl_arb.v tests/formal/fv_memctl.v
FORMAL_memctl_TOP  := fv_memctl
FORMAL_gpu_SRCS    := rtl/gpu/vd_gpu.v tests/formal/fv_gpu.v
FORMAL_gpu_TOP     := fv_gpu
FORMAL_K           ?= 20          # induction: give up (fail) beyond this many steps

# $(1): proof name, $(2): sat options
formal_script = read_verilog -formal $(FORMAL_$(1)_DEFS) -I$(GEN) $(FORMAL_$(1)_SRCS); \
  prep -top $(FORMAL_$(1)_TOP); flatten; opt_clean; async2sync; \
  sat -verify -prove-asserts -set-assumes -set-init-zero -set-at 1 rst_i 1 $(2)

# $(1): proof name, $(2): kind (bmc/ind), $(3): sat options
define formal_step
	@echo "  FORMAL  $(1) $(2)"
	$(Q)mkdir -p $(FORMAL_DIR); s=$$(date +%s%N); \
	  $(YOSYS) -l $(FORMAL_DIR)/$(1)_$(2).log -p '$(call formal_script,$(1),$(3) -dump_vcd $(FORMAL_DIR)/$(1)_$(2).vcd)' >/dev/null 2>&1 \
	  || { grep -E -i -B2 -A2 'fail|error' $(FORMAL_DIR)/$(1)_$(2).log | tail -n 20; \
	       echo "  FAIL    $(1) $(2) (log: $(FORMAL_DIR)/$(1)_$(2).log, trace: $(FORMAL_DIR)/$(1)_$(2).vcd)"; exit 1; }; \
	  e=$$(( ($$(date +%s%N) - s) / 100000000 )); \
	  echo "          $(1) $(2): PASS in $$((e / 10)).$$((e % 10)) s"
endef

define formal_proof
.PHONY: formal-$(1)
formal-$(1): $$(FORMAL_$(1)_SRCS) $$(GEN)/vd_regs.vh
	$$(call formal_step,$(1),bmc,-seq $$(FORMAL_DEPTH))
	$$(call formal_step,$(1),ind,-tempinduct -maxsteps $$(FORMAL_K))
endef
$(foreach p,arb memctl gpu,$(eval $(call formal_proof,$(p))))

.PHONY: formal
formal: formal-arb formal-memctl formal-gpu
