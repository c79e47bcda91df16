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
