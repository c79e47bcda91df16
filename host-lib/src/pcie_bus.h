/*
 * pcie_bus.h - what the queue link (queue.c, transport_pcie.c) needs from a PCIe function,
 * and nothing of the protocol: 32-bit MMIO to BAR0, host memory the device reaches by DMA
 * (a CPU pointer, its bus address, its size), a wait for the next MSI that sleeps rather
 * than polls, a clock, close. Not installed.
 *
 * Backends:
 *   shm     (pcie_bus_shm.c)    vidalloc-sim --pcie NAME: the simulator's shared memory
 *                               (sim/vd_pcie_shm.h); MMIO as messages, futex wake-ups
 *   inproc  (pcie_bus_inproc.c) the simulator linked in (vd_sim.h): deterministic
 * A board with a PCIe hard block would add a `vfio` backend here (VFIO_DEVICE_GET_REGION_INFO
 * + mmap of BAR0, a DMA buffer mapped with VFIO_IOMMU_MAP_DMA at an IOVA that becomes
 * mem_bus, the MSI as an eventfd from VFIO_DEVICE_SET_IRQS waited on with poll): the same
 * ops, nothing above them changes. docs/host-lib.md, "The PCIe link".
 */
#ifndef VD_PCIE_BUS_H
#define VD_PCIE_BUS_H

#include <stdint.h>

#include "vd_host.h"

typedef struct vd_pcie_bus vd_pcie_bus;
struct vd_sim_pcie_stats;

typedef struct vd_pcie_bus_ops {
    const char *name;
    /* MRd of one DW at BAR0 + offset: 0 with *value, or -1 after vd_fail (an error
     * completion, no completion, the link lost: D3DDDIERR_DEVICEREMOVED). */
    int (*mmio_read32)(vd_pcie_bus *b, uint32_t offset, uint32_t *value);
    /* Posted MWr of one DW: ordered after every host-memory store before it. 0 or -1. */
    int (*mmio_write32)(vd_pcie_bus *b, uint32_t offset, uint32_t value);
    /* MSIs received so far (wrapping). */
    uint32_t (*msi_count)(vd_pcie_bus *b);
    /* Sleep until msi_count() != seen or timeout_us of bus time pass: 1 an MSI came,
     * 0 timeout, -1 the link is lost (vd_fail, D3DDDIERR_DEVICEREMOVED). Also the way
     * time passes while the host polls a register (inproc: the board only runs here). */
    int (*wait_msi)(vd_pcie_bus *b, uint32_t seen, uint64_t timeout_us);
    uint64_t (*now_us)(vd_pcie_bus *b);
    void (*close)(vd_pcie_bus *b);
} vd_pcie_bus_ops;

struct vd_pcie_bus {
    const vd_pcie_bus_ops *ops;
    void *priv;
    uint8_t *mem;           /* host memory the device reaches (the DMA region) */
    uint32_t mem_bus;       /* its bus address */
    uint32_t mem_size;      /* its bytes */
    uint32_t slowdown;      /* bus time per real time of the board (as vd_transport's) */
    uint64_t (*cycles)(vd_pcie_bus *b); /* inproc: simulated cycles; else NULL */
    /* inproc: the root-complex model's figures (vd_sim_pcie_get_stats); else NULL. */
    int (*sim_stats)(vd_pcie_bus *b, struct vd_sim_pcie_stats *out);
};

/* Attach to the shared memory `name` of a running vidalloc-sim --pcie: map it, wait at most
 * timeout_us for the endpoint to be enumerated, claim it (owner_pid). proc: the simulator
 * when this process spawned it (its exit is noticed at once), else NULL. 0, or -1 after
 * vd_fail (E_FAIL). */
struct vd_sim_proc;
int vd_pcie_bus_shm_open(vd_pcie_bus *b, const char *name, struct vd_sim_proc *proc,
                         uint64_t timeout_us);

/* The simulator linked into this process, created with cfg (firmware, trace, host_mem). 0,
 * or -1 after vd_fail (not linked in, no PCIe endpoint on this SoC, cannot create). */
struct vd_sim_config;
int vd_pcie_bus_inproc_open(vd_pcie_bus *b, const struct vd_sim_config *cfg);

/*
 * The claim on a shared link (vd_pcie_shm_hdr.owner_pid): compare-and-swap self into
 * *owner from 0, or from a process that no longer exists (kill(pid, 0) fails with ESRCH:
 * a host killed mid-request), so one host at a time drives the queues. Returns 0 claimed a
 * free link, 1 took it over from the dead process *prev, -1 in use by the live process
 * *prev (this one included: one device per link).
 */
int vd_pcie_shm_claim(uint32_t *owner, uint32_t self, uint32_t *prev);
/* Give the claim back (only when it is still self's). */
void vd_pcie_shm_release(uint32_t *owner, uint32_t self);

/* ---- the queue link over a bus (queue.c): vd_queue.h's host side ----
 * Host memory, which host-lib lays out (HOST_WIN covers all of it):
 *   + 0x0000             the shadow block (16 bytes; the rest of the page unused)
 *   + 0x1000             the submission ring (sq_size, 64 KiB by default)
 *   + 0x1000 + sq_size   the completion ring (64 KiB: >= VD_QUEUE_MIN_CQ, a power of two)
 *   + bounce_off ..      the bounce area for DMA_READ / DMA_WRITE, to the end (4 KiB
 *                        multiple); 8 MiB of simulated host memory leaves 8 MiB - 132 KiB */
#define VD_QH_SHADOW_OFF 0x0u
#define VD_QH_SQ_OFF     0x1000u

typedef struct vd_queue_host {
    vd_pcie_bus *bus;
    uint32_t sq_off, sq_size, cq_off, cq_size, shadow_off;
    uint32_t bounce_off, bounce_size, win_size;
    uint32_t sq_tail;       /* producer count of the submission ring */
    uint32_t sq_rung;       /* the last SQ_TAIL written */
    uint32_t cq_head;       /* consumer count of the completion ring */
    uint32_t cq_rung;       /* the last CQ_HEAD written */
    int started;
} vd_queue_host;

/* Lay the queues out in bus's host memory; sq_size 0 = the default (tests use smaller
 * submission rings). 0, or -1 after vd_fail (too little host memory, misaligned). */
int vd_queue_layout(vd_queue_host *q, vd_pcie_bus *bus, uint32_t sq_size);
/* (Re)start the queues (vd_queue.h "Start-up and restart"): check ID, CTRL = 0 and wait for
 * STATUS.READY to drop, zero the shadow block, the counts and the doorbells (SQ_TAIL,
 * CQ_HEAD), program the ring registers and the DMA window, CTRL = ENABLE, poll STATUS until
 * READY, writing ENABLE again every 20 ms of board time (a firmware still booting drops
 * the event). CONFIG_ERROR, timeout: -1. */
int vd_queue_start(vd_queue_host *q, uint64_t timeout_us);
/* Write one request record (a pad record first when it would cross the ring's end), then
 * the SQ_TAIL doorbell; waits for ring space at most timeout_us. 0 or -1 (vd_fail). */
int vd_queue_send(vd_queue_host *q, const vd_wire_hdr *hdr, const uint8_t *payload,
                  uint64_t timeout_us);
/* vd_queue_send without the doorbell: a group of requests is posted, then vd_queue_ring
 * writes SQ_TAIL once for all (one MWr, one wake-up of the firmware). vd_queue_post rings
 * by itself before it waits for ring space, vd_queue_recv before it waits for an MSI. */
int vd_queue_post(vd_queue_host *q, const vd_wire_hdr *hdr, const uint8_t *payload,
                  uint64_t timeout_us);
int vd_queue_ring(vd_queue_host *q);
/* The next response record (pad records skipped) into hdr and payload
 * (VD_WIRE_MAX_PAYLOAD bytes), sleeping on the MSI; CQ_HEAD is written once the records
 * the shadow block announced are consumed. 1, 0 timeout, -1 link lost or a corrupt ring. */
int vd_queue_recv(vd_queue_host *q, vd_wire_hdr *hdr, uint8_t *payload, uint64_t timeout_us);
/* CTRL = 0 (best effort): the firmware drops the queues. */
void vd_queue_stop(vd_queue_host *q);

/* ---- the queue link as a transport (transport_pcie.c) ----
 * sim?link=pcie and inproc?link=pcie open their bus and call vd_pcie_transport_open; the
 * unit tests do the same with a mock bus. The other functions are the ops. */
typedef int (*vd_pcie_bus_open_fn)(vd_pcie_bus *b, const vd_uri *u, void *ctx);
int vd_pcie_transport_open(vd_transport *t, const vd_uri *u, vd_pcie_bus_open_fn open_bus,
                           void *ctx, uint32_t sq_size);
int vd_pcie_transport_start(vd_transport *t, uint64_t timeout_us);
int vd_pcie_transport_send(vd_transport *t, const vd_wire_hdr *hdr, const uint8_t *payload);
int vd_pcie_transport_post(vd_transport *t, const vd_wire_hdr *hdr, const uint8_t *payload);
int vd_pcie_transport_flush(vd_transport *t);
int vd_pcie_transport_recv(vd_transport *t, vd_wire_hdr *hdr, uint8_t *payload,
                           uint64_t timeout_us);
uint64_t vd_pcie_transport_now(vd_transport *t);
void vd_pcie_transport_close(vd_transport *t);
/* The simulator's root-complex figures of an open pcie transport: 0, or -1 when its bus
 * has none (not inproc). */
int vd_pcie_transport_sim_stats(vd_transport *t, struct vd_sim_pcie_stats *out);
/* The queues of an open pcie transport (tests). */
vd_queue_host *vd_pcie_transport_queues(vd_transport *t);

#endif /* VD_PCIE_BUS_H */
