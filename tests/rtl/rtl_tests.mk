# RTL unit tests: self-checking Icarus Verilog testbenches, one phony target per block.
# Uses BUILD, GEN, Q, IVERILOG and VVP from the top Makefile; outputs go to $(BUILD)/rtl-tests/.
# Each bench prints one line per check group and ends with "N passed, M failed"; a target
# fails if vvp exits non-zero or that line does not say "0 failed". The log stays in
# $(BUILD)/rtl-tests/<bench>.log; run the .vvp by hand with +vcd to get waves.

RTL_TEST_DIR   := $(BUILD)/rtl-tests
RTL_TEST_FLAGS := -g2012 -Wall -Wno-timescale -I$(GEN) -Itests/rtl

# Runs $(1).vvp in $(RTL_TEST_DIR), keeps the log, checks exit status and summary line.
define rtl_test_run
	$(Q)cd $(RTL_TEST_DIR) && { $(VVP) -n $(1).vvp > $(1).log 2>&1; rc=$$?; \
	  if [ $$rc -ne 0 ] || ! tail -n 5 $(1).log | grep -q '^[0-9]* passed, 0 failed$$'; then \
	    cat $(1).log; echo "  FAIL    $(1) (log: $(RTL_TEST_DIR)/$(1).log)"; exit 1; fi; \
	  tail -n 5 $(1).log | grep '^[0-9]* passed, 0 failed$$' | sed 's/^/          /'; }
endef

# ---------------------------------------------------------------- UART
RTL_UART_SRCS := rtl/uart/vd_uart.v rtl/common/vd_fifo.v rtl/common/vd_sync.v
RTL_UART_TB   := tests/rtl/uart/tb_vd_uart.v

$(RTL_TEST_DIR)/tb_vd_uart.vvp: $(RTL_UART_TB) tests/rtl/tb_checks.vh $(RTL_UART_SRCS) $(GEN)/vd_regs.vh
	@mkdir -p $(@D)
	@echo "  IVL     tb_vd_uart"
	$(Q)$(IVERILOG) $(RTL_TEST_FLAGS) -s tb_vd_uart -o $@ $(RTL_UART_TB) $(RTL_UART_SRCS)

.PHONY: rtl-uart
rtl-uart: $(RTL_TEST_DIR)/tb_vd_uart.vvp
	@echo "  TEST    uart"
	$(call rtl_test_run,tb_vd_uart)

RTL_TEST_TARGETS += rtl-uart

# ---------------------------------------------------------------- framer (rtl/uart/vd_framer.v)
# The vectors come from the software codec itself (proto/vd_frame.c, compiled natively):
# the RTL must decode and encode exactly as it does. They are written next to the bench
# (framer_*.hex), where vvp runs.
RTL_FRAMER_SRCS := rtl/uart/vd_framer.v rtl/uart/vd_framer_ram.v
RTL_FRAMER_TB   := tests/rtl/framer/tb_vd_framer.v

$(RTL_TEST_DIR)/framer_vectors: tests/rtl/framer/framer_vectors.c proto/vd_frame.c proto/vd_frame.h
	@mkdir -p $(@D)
	@echo "  CC      framer_vectors (proto/vd_frame.c, native)"
	$(Q)$(CC) -std=c11 -O1 -Wall -Wextra -Werror -Iproto -Iproto/include -I$(GEN) -o $@ $< proto/vd_frame.c

$(RTL_TEST_DIR)/framer_vec.vh: $(RTL_TEST_DIR)/framer_vectors
	$(Q)$< $(@D) > /dev/null

$(RTL_TEST_DIR)/tb_vd_framer.vvp: $(RTL_FRAMER_TB) tests/rtl/tb_checks.vh $(RTL_FRAMER_SRCS) $(GEN)/vd_regs.vh $(RTL_TEST_DIR)/framer_vec.vh
	@echo "  IVL     tb_vd_framer"
	$(Q)$(IVERILOG) $(RTL_TEST_FLAGS) -I$(RTL_TEST_DIR) -s tb_vd_framer -o $@ $(RTL_FRAMER_TB) $(RTL_FRAMER_SRCS)

.PHONY: rtl-framer
rtl-framer: $(RTL_TEST_DIR)/tb_vd_framer.vvp
	@echo "  TEST    framer (against proto/vd_frame.c)"
	$(call rtl_test_run,tb_vd_framer)

RTL_TEST_TARGETS += rtl-framer
