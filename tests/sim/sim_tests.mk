# The simulator's root-complex model (sim/pcie_rc.*) against the real endpoint RTL
# (docs/pcie.md, "Simulator: the root-complex model"). `make pcie-sim`, in `make test`:
#   pcie_inproc      in process (vd_sim.h, target sim, with the firmware image): BAR0 ID /
#                    VERSION / FEATURES, SCRATCH, UR beyond BAR0, the MMIO read round trip,
#                    sim speed idle and with reads back to back; with a firmware that
#                    serves the queue link, HELLOs through the rings: DMA both ways, MSIs
#   pcie_shm_client  over shared memory against `vidalloc-sim --pcie` (futexes, no polling);
#                    then the object must be STOPPED and gone once the simulator exits
#   the same with MPS = MRRS = 128, a 100-cycle completion latency and the tx stream
#   stalled one cycle in 3
#   pcie_inproc --expect-none   target minimal: no endpoint, found out by the probe
# A few seconds once the simulators are built (cosim and cosim-host build the same ones).

PCIE_SIM_BUILD := $(BUILD)/tests/sim
PCIE_SIM_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -I$(GEN) -Isim $(PROTO_INCLUDES)
# The DMA paths need a firmware that serves the queue link (firmware/wire/vd_qlink.c).
PCIE_SIM_QUEUE  := $(if $(wildcard firmware/wire/vd_qlink.c),--queue)

$(PCIE_SIM_BUILD)/pcie_inproc: tests/sim/pcie_inproc.c sim/vd_sim.h $(SIM_LIB) $(GEN)/vd_regs.h \
                               $(PROTO_PUBLIC_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(PCIE_SIM_CFLAGS) $< $(SIM_LIB) $(SIM_LIB_LIBS) -o $@

$(PCIE_SIM_BUILD)/pcie_inproc-minimal: tests/sim/pcie_inproc.c sim/vd_sim.h $(call sim_lib,minimal) \
                                       $(GEN)/vd_regs.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(PCIE_SIM_CFLAGS) $< $(call sim_lib,minimal) $(SIM_LIB_LIBS) -o $@

$(PCIE_SIM_BUILD)/pcie_shm_client: tests/sim/pcie_shm_client.c sim/vd_pcie_shm.h $(GEN)/vd_regs.h
	@mkdir -p $(@D)
	$(Q)$(CC) $(PCIE_SIM_CFLAGS) $< -o $@

.PHONY: pcie-sim
pcie-sim: $(PCIE_SIM_BUILD)/pcie_inproc $(PCIE_SIM_BUILD)/pcie_inproc-minimal \
          $(PCIE_SIM_BUILD)/pcie_shm_client $(SIM_BIN) $(FW_IMG)
	$(Q)$(PCIE_SIM_BUILD)/pcie_inproc --firmware $(FW_IMG) $(PCIE_SIM_QUEUE)
	$(Q)$(PCIE_SIM_BUILD)/pcie_inproc --firmware $(FW_IMG) $(PCIE_SIM_QUEUE) \
	  --mps 128 --mrrs 128 --latency 100 --tx-stall 3
	$(Q)SIM=$(SIM_BIN) FW_IMG=$(FW_IMG) CLIENT=$(PCIE_SIM_BUILD)/pcie_shm_client tests/sim/pcie_shm_test.sh
	$(Q)$(PCIE_SIM_BUILD)/pcie_inproc-minimal --expect-none
