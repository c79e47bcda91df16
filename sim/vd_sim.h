/*
 * vd_sim.h - the simulated vidalloc board as a C library (libvidalloc_sim.a: this API, the
 * Verilated SoC and the Verilator runtime). The caller owns time: nothing runs unless it
 * calls vd_sim_run(), so a program linking it is fully deterministic. host-lib's `inproc`
 * transport uses it; vidalloc-sim (main.cpp) runs the same board class.
 *
 * The serial line is modelled bit by bit at the given baud: bytes pushed are driven onto
 * the RTL UART's rx pin, bytes the RTL sends are sampled off its tx pin and queued.
 * Link: -lvidalloc_sim -lstdc++ -lz -pthread -latomic.
 */
#ifndef VD_SIM_H
#define VD_SIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vd_sim vd_sim;

typedef struct vd_sim_config {
    const char *firmware;   /* firmware flash image (vidalloc-fw.img); NULL = empty flash */
    uint32_t    baud;       /* serial line rate; 0 = the board's default (VD_UART_BOOT_BAUD) */
    const char *trace;      /* FST waveform path, or NULL */
    uint32_t    host_mem;   /* PCIe: bytes of simulated host memory; 0 = VD_PCIE_SHM_HOST_MEM */
    /* PCIe link parameters (the root complex's configuration space); 0 = the default. */
    uint16_t    pcie_mps;         /* Max Payload Size, bytes (128..4096; default 256) */
    uint16_t    pcie_mrrs;        /* Max Read Request Size, bytes (128..4096; default 512) */
    uint32_t    pcie_cpl_latency; /* cycles from a DMA read request to its completions (64) */
    uint32_t    pcie_tx_stall;    /* tests: the root complex stalls the endpoint's tx stream
                                     one cycle in N (0 = never: it takes every beat) */
    /* Faults on the serial line, seeded and deterministic: "key=value,..." with seed, ber,
     * corrupt, drop, dup, garbage, garbage_max, stall_at, stall_cycles, cut_at, reset_at,
     * reset_at_request, dirs (sim/uart_bridge.h UartFaultConfig; docs/host-lib.md "Faults
     * in the simulator"). NULL or "" = a clean line. */
    const char *uart_faults;
} vd_sim_config;

/* Returns NULL on failure with a message in err (errlen bytes). On return the root complex
 * has enumerated the PCIe endpoint (or found none): about 70 cycles have run (about 2000 on
 * a SoC without the endpoint); vd_sim_cycles says how many. */
vd_sim *vd_sim_create(const vd_sim_config *cfg, char *err, size_t errlen);
void vd_sim_destroy(vd_sim *sim);

/* Flags of vd_sim_run. */
#define VD_SIM_RUN_UNTIL_TX  0x1u /* return as soon as a byte from the board is queued */
#define VD_SIM_RUN_UNTIL_MSI 0x2u /* return as soon as the endpoint has sent an MSI */

/* Run up to max_cycles clock cycles. Returns the number run; stops early on a CPU trap
 * (see vd_sim_trapped), with VD_SIM_RUN_UNTIL_TX when output is available, with
 * VD_SIM_RUN_UNTIL_MSI as soon as an MSI arrives during this call (vd_sim_pcie_msi_count
 * moved). The flags may be combined. */
uint64_t vd_sim_run(vd_sim *sim, uint64_t max_cycles, unsigned flags);

/* Queue bytes for the board's UART receiver (they go out at the line rate). */
void vd_sim_uart_push(vd_sim *sim, const void *data, size_t len);
/* Take up to cap bytes the board's UART has sent. */
size_t vd_sim_uart_pop(vd_sim *sim, void *buf, size_t cap);
/* Bytes pushed but not yet fully driven onto the line. */
size_t vd_sim_uart_pending(const vd_sim *sim);

/* ---- PCIe (a target with the endpoint; sim/pcie_rc.h): the root-complex model has
 * enumerated it at creation (BAR0, bus mastering, MSI). Host memory is a buffer of this
 * process, at bus address *bus_base. */
uint8_t *vd_sim_pcie_host_mem(vd_sim *sim, uint32_t *size, uint32_t *bus_base);
/* Posted MWr32 to BAR0 + offset (queued; it reaches the endpoint as the model runs). */
void vd_sim_pcie_write32(vd_sim *sim, uint32_t offset, uint32_t value);
/* MRd32 of BAR0 + offset: runs the model until the completion (at most max_cycles).
 * 0 with *value set, -1 on an error completion or a timeout. */
int vd_sim_pcie_read32(vd_sim *sim, uint32_t offset, uint32_t *value, uint64_t max_cycles);
uint64_t vd_sim_pcie_msi_count(const vd_sim *sim);
int vd_sim_has_pcie(const vd_sim *sim); /* 1 when this SoC has the endpoint */

/* What the root-complex model has seen since creation (its enumeration probe excluded). */
typedef struct vd_sim_pcie_stats {
    uint64_t mmio_reads, mmio_writes, mmio_errors; /* host MMIO (errors: UR/CA or timeout) */
    uint64_t mmio_rt_min, mmio_rt_max, mmio_rt_total; /* read round trip in cycles: the MRd's
                                                         first beat offered -> its CplD taken */
    uint64_t dma_read_reqs, dma_read_bytes;  /* the endpoint's MRd32s to host memory */
    uint64_t dma_write_bytes;                /* bytes its MWr32s wrote (MSIs not counted) */
    uint64_t completions;                    /* CplDs sent for DMA reads (after the RCB split) */
    uint64_t ur;                             /* DMA reads answered UR (outside host memory) */
    uint64_t msi;                            /* MSIs */
    uint64_t dropped;                        /* TLPs from the endpoint ignored (bad, unexpected) */
} vd_sim_pcie_stats;
void vd_sim_pcie_get_stats(const vd_sim *sim, vd_sim_pcie_stats *out);

uint64_t vd_sim_cycles(const vd_sim *sim);
uint32_t vd_sim_clk_hz(void);                /* the board clock (VD_CLK_HZ) */
uint32_t vd_sim_clocks_per_bit(const vd_sim *sim);
int      vd_sim_trapped(const vd_sim *sim);  /* the CPU trapped (the board halts) */
uint64_t vd_sim_framing_errors(const vd_sim *sim);

/* What the line's faults have done so far (all 0 on a clean line). */
typedef struct vd_sim_fault_stats {
    uint64_t corrupted, dropped, duplicated, garbage_bursts, garbage_bytes, stall_cycles,
        cut_bytes, host_frames, resets;
} vd_sim_fault_stats;
void vd_sim_get_fault_stats(const vd_sim *sim, vd_sim_fault_stats *out);

#ifdef __cplusplus
}
#endif

#endif /* VD_SIM_H */
