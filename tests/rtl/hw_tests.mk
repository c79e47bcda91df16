# RTL tests of the memory controller and the GPU command block (Icarus), in the pattern of
# tests/rtl/rtl_tests.mk (include this after it: it uses RTL_TEST_DIR, RTL_TEST_FLAGS and
# rtl_test_run). Targets: rtl-memctl, rtl-gpu; both are added to RTL_TEST_TARGETS.

RTL_MEMCTL_SRCS := $(wildcard rtl/memctl/*.v) rtl/mem/vd_spram32.v
RTL_GPU_SRCS    := $(wildcard rtl/gpu/*.v) $(RTL_MEMCTL_SRCS)

$(RTL_TEST_DIR)/tb_vd_memctl.vvp: tests/rtl/memctl/tb_vd_memctl.v $(RTL_MEMCTL_SRCS) $(GEN)/vd_regs.vh
	@mkdir -p $(@D)
	@echo "  IVL     tb_vd_memctl"
	$(Q)$(IVERILOG) $(RTL_TEST_FLAGS) -s tb_vd_memctl -o $@ tests/rtl/memctl/tb_vd_memctl.v $(RTL_MEMCTL_SRCS)

$(RTL_TEST_DIR)/tb_vd_gpu.vvp: tests/rtl/gpu/tb_vd_gpu.v $(RTL_GPU_SRCS) $(GEN)/vd_regs.vh
	@mkdir -p $(@D)
	@echo "  IVL     tb_vd_gpu"
	$(Q)$(IVERILOG) $(RTL_TEST_FLAGS) -s tb_vd_gpu -o $@ tests/rtl/gpu/tb_vd_gpu.v $(RTL_GPU_SRCS)

.PHONY: rtl-memctl rtl-gpu
rtl-memctl: $(RTL_TEST_DIR)/tb_vd_memctl.vvp
	@echo "  TEST    memctl"
	$(call rtl_test_run,tb_vd_memctl)

# Also prints the FILL/COPY throughput figures from the log.
rtl-gpu: $(RTL_TEST_DIR)/tb_vd_gpu.vvp
	@echo "  TEST    gpu"
	$(call rtl_test_run,tb_vd_gpu)
	$(Q)grep -E '^ +(FILL|COPY)' $(RTL_TEST_DIR)/tb_vd_gpu.log | sed 's/^ */          /'

RTL_TEST_TARGETS += rtl-memctl rtl-gpu
