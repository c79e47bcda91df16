/*
 * vd_pcie_shm.h - the simulated PCIe link between vidalloc-sim and a host process: one
 * POSIX shared-memory object (shm_open) that the simulator creates with `--pcie NAME` and
 * host-lib maps (`sim?link=pcie`). Written once, included by sim/ and host-lib.
 *
 * It holds the simulated host memory (what the device reaches by DMA, at bus address
 * host_bus_base) and the MMIO path to BAR0. A plain mapping cannot trap a load or store, so
 * MMIO travels as messages: the host appends a vd_pcie_shm_req to `req` and advances
 * req_head; the simulator's root-complex model takes requests in order, turns each into a
 * MWr32 / MRd32 TLP to BAR0 and, for a read, stores the completion's data in rsp_data
 * and advances rsp_done (a futex word). Every MSI the endpoint sends increments msi_count
 * (a futex word) and wakes the host, so nobody polls. Futexes are process-shared (no
 * FUTEX_PRIVATE_FLAG).
 *
 * What the simulator does (sim/pcie_shm.cpp, docs/pcie.md): it looks at req_head every 64
 * simulated cycles without ever sleeping (a futex wake on req_head is not needed); it
 * completes requests in order and rsp_done counts all of them, writes included (a write is
 * done once its TLP is on the link), so rsp_done >= i + 1 means request i and every one
 * before it are done; it publishes `cycles` at the same pace. The host keeps at most
 * VD_PCIE_SHM_REQS requests beyond rsp_done.
 *
 * One host at a time: owner_pid is claimed with a compare-and-swap from 0, or taken over
 * when the process it names is gone (a host killed mid-request); the new host restarts the
 * queues (vd_queue.h), so nothing of the old one is executed twice or left half done.
 */
#ifndef VD_PCIE_SHM_H
#define VD_PCIE_SHM_H

#include <stdint.h>

#define VD_PCIE_SHM_MAGIC    0x43504456u /* "VDPC" little-endian */
#define VD_PCIE_SHM_VERSION  1u
#define VD_PCIE_SHM_REQS     64u         /* MMIO requests in flight (a power of two) */
#define VD_PCIE_SHM_HOST_BUS 0x40000000u /* default bus address of host memory byte 0 */
#define VD_PCIE_SHM_HOST_MEM (8u << 20)  /* default host memory bytes */

enum vd_pcie_shm_op {
    VD_PCIE_SHM_READ  = 1, /* MRd32 of one DW at BAR0 + offset */
    VD_PCIE_SHM_WRITE = 2, /* MWr32 of one DW (posted: nothing comes back) */
};

enum vd_pcie_shm_state {
    VD_PCIE_SHM_STARTING = 0, /* the simulator has not enumerated the endpoint yet */
    VD_PCIE_SHM_RUNNING  = 1, /* enumerated: BAR0 answers */
    VD_PCIE_SHM_STOPPED  = 2, /* the simulator exited (or its CPU trapped) */
};

typedef struct vd_pcie_shm_req {
    uint32_t op;       /* enum vd_pcie_shm_op */
    uint32_t offset;   /* BAR0 byte offset, a multiple of 4 */
    uint32_t data;     /* write data */
    uint32_t reserved;
} vd_pcie_shm_req;

typedef struct vd_pcie_shm_hdr {
    uint32_t magic;           /* VD_PCIE_SHM_MAGIC */
    uint32_t version;         /* VD_PCIE_SHM_VERSION */
    uint32_t hdr_size;        /* host memory starts this many bytes into the mapping */
    uint32_t host_mem_size;   /* bytes of host memory */
    uint32_t host_bus_base;   /* bus address of host memory's first byte */
    uint32_t bar0_size;       /* BAR0 bytes (VD_PCIE_BAR0_SIZE) */
    uint32_t clk_hz;          /* the simulated clock (cycles -> time) */
    uint32_t sim_pid;         /* the simulator's process */
    uint32_t state;           /* enum vd_pcie_shm_state (futex word: woken on change) */
    uint32_t owner_pid;       /* the attached host, 0 = none (compare-and-swap) */
    uint32_t req_head;        /* host: requests appended (free-running) */
    uint32_t req_tail;        /* simulator: requests taken (free-running) */
    uint32_t rsp_done;        /* simulator: requests completed (futex word) */
    uint32_t msi_count;       /* simulator: MSIs received (futex word) */
    uint64_t cycles;          /* simulator: cycles run (updated as it services the link) */
    uint32_t rsp_data[VD_PCIE_SHM_REQS]; /* read data of request i at [i % REQS] */
    uint32_t rsp_ok[VD_PCIE_SHM_REQS];   /* 1: successful completion, 0: UR/CA/timeout */
    vd_pcie_shm_req req[VD_PCIE_SHM_REQS];
} vd_pcie_shm_hdr;

/* The fields shared between processes are accessed with the __atomic builtins
 * (acquire/release); the layout is plain so C and C++ include it alike. */

#endif /* VD_PCIE_SHM_H */
