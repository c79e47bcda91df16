/*
 * The PCIe link as a message transport: a vd_pcie_bus (pcie_bus_shm.c, pcie_bus_inproc.c)
 * and the queues on it (queue.c). `sim?link=pcie` spawns vidalloc-sim with --pcie (or
 * attaches to a running one: shm=/NAME), `inproc?link=pcie` links the simulator in.
 * Whole messages, no framing; the client (client.c) keeps up to VD_QUEUE_DEPTH in flight.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pcie_bus.h"
#include "vd_host.h"
#include "vd_pcie_shm.h"
#include "vd_sim.h"

/* The simulator runs the board slower than real time (as with its pty). */
#define VD_SIM_PCIE_SLOWDOWN 20u
/* Waiting for the simulator to start and enumerate, wall µs. */
#define VD_SIM_START_US 30000000u

typedef struct pcie_priv {
    vd_pcie_bus bus;        /* first: sim_bus_open finds the rest from it */
    vd_queue_host q;
    vd_sim_proc sim;        /* sim?link=pcie without shm=: the simulator we spawned */
    char shm[256];          /* the shared memory we had it create (unlinked at close) */
} pcie_priv;

static pcie_priv *priv(vd_transport *t) { return t->priv; }

vd_queue_host *vd_pcie_transport_queues(vd_transport *t) { return &priv(t)->q; }

int vd_pcie_transport_sim_stats(vd_transport *t, vd_sim_pcie_stats *out)
{
    vd_pcie_bus *b = &priv(t)->bus;
    return b->sim_stats ? b->sim_stats(b, out) : -1;
}

int vd_pcie_transport_open(vd_transport *t, const vd_uri *u, vd_pcie_bus_open_fn open_bus,
                           void *ctx, uint32_t sq_size)
{
    pcie_priv *p = calloc(1, sizeof *p);
    if (!p) {
        vd_fail(E_OUTOFMEMORY, "out of memory");
        return -1;
    }
    p->sim.out = p->sim.err = -1;
    t->priv = p;
    if (open_bus(&p->bus, u, ctx) || vd_queue_layout(&p->q, &p->bus, sq_size))
        return -1;
    t->slowdown = p->bus.slowdown ? p->bus.slowdown : 1u;
    t->boots = 0;          /* start() waits for the firmware instead of a banner */
    t->window = VD_QUEUE_DEPTH;
    /* The window past the rings: the first half the bounce area (lock contents), the rest
     * system memory for pSystemMem (sysmem.c), both whole pages. */
    uint32_t bounce = (p->q.bounce_size / 2u) & ~0xFFFu;
    t->dma_mem = p->bus.mem + p->q.bounce_off;
    t->dma_bus = p->bus.mem_bus + p->q.bounce_off;
    t->dma_size = bounce;
    t->sys_mem = t->dma_mem + bounce;
    t->sys_bus = t->dma_bus + bounce;
    t->sys_size = p->q.bounce_size - bounce;
    /* Blocks are page-aligned for the CPU too (the in-process simulator's host memory is a
     * plain buffer, not a mapping). */
    uint32_t skew = (uint32_t)(-(uintptr_t)t->sys_mem & 0xFFFu);
    t->sys_mem += skew;
    t->sys_bus += skew;
    t->sys_size = (t->sys_size - skew) & ~0xFFFu;
    return 0;
}

int vd_pcie_transport_start(vd_transport *t, uint64_t timeout_us)
{
    return vd_queue_start(&priv(t)->q, timeout_us);
}

/* Ring space is there whenever the client keeps to the depth; this much is a stuck board. */
static uint64_t send_patience(vd_transport *t) { return 10000000u * (uint64_t)t->slowdown; }

int vd_pcie_transport_send(vd_transport *t, const vd_wire_hdr *hdr, const uint8_t *payload)
{
    return vd_queue_send(&priv(t)->q, hdr, payload, send_patience(t));
}

int vd_pcie_transport_post(vd_transport *t, const vd_wire_hdr *hdr, const uint8_t *payload)
{
    return vd_queue_post(&priv(t)->q, hdr, payload, send_patience(t));
}

int vd_pcie_transport_flush(vd_transport *t)
{
    return vd_queue_ring(&priv(t)->q);
}

int vd_pcie_transport_recv(vd_transport *t, vd_wire_hdr *hdr, uint8_t *payload,
                           uint64_t timeout_us)
{
    return vd_queue_recv(&priv(t)->q, hdr, payload, timeout_us);
}

uint64_t vd_pcie_transport_now(vd_transport *t)
{
    vd_pcie_bus *b = &priv(t)->bus;
    return b->ops->now_us(b);
}

void vd_pcie_transport_close(vd_transport *t)
{
    pcie_priv *p = t->priv;
    if (!p)
        return;
    if (p->bus.ops && p->bus.priv) {
        vd_queue_stop(&p->q); /* an attached simulator stays; a new host restarts anyway */
        p->bus.ops->close(&p->bus);
    }
    vd_sim_stop(&p->sim);
    if (p->shm[0])
        shm_unlink(p->shm); /* in case the simulator did not get to it */
    free(p);
    t->priv = NULL;
}

/* ---- sim?link=pcie ---- */

static int sim_bus_open(vd_pcie_bus *b, const vd_uri *u, void *ctx)
{
    (void)ctx;
    pcie_priv *p = (pcie_priv *)(void *)b; /* the bus is its first member: the spawn's home */
    uint32_t baud;
    if (vd_uri_get_u32(u, "baud", VD_DEFAULT_BAUD, &baud))
        return -1;
    const char *attach = vd_uri_get(u, "shm");
    if (attach) {
        /* A simulator someone else started: attach, take over from a dead host. */
        if (attach[0] != '/') {
            vd_fail(E_INVALIDARG, "device URI: shm=%s: a POSIX shared-memory name starts "
                    "with '/'", attach);
            return -1;
        }
        if (vd_pcie_bus_shm_open(b, attach, NULL, VD_SIM_START_US))
            return -1;
        b->slowdown = VD_SIM_PCIE_SLOWDOWN;
        return 0;
    }
    const char *sim = vd_uri_get_or_env(u, "sim", "VIDALLOC_SIM", VD_DEFAULT_SIM_BIN);
    const char *fw = vd_uri_get_or_env(u, "fw", "VIDALLOC_FW_IMG", VD_DEFAULT_FW_IMG);
    if (access(sim, X_OK) != 0) {
        vd_fail(E_FAIL, "sim: cannot run the simulator %s (%s); build it with `make sim` or set "
                "VIDALLOC_SIM", sim, strerror(errno));
        return -1;
    }
    if (access(fw, R_OK) != 0) {
        vd_fail(E_FAIL, "sim: cannot read the firmware image %s (%s); build it with `make sim` "
                "or set VIDALLOC_FW_IMG", fw, strerror(errno));
        return -1;
    }
    static unsigned n; /* several devices of one process: distinct names */
    snprintf(p->shm, sizeof p->shm, "/vidalloc-%d-%u", (int)getpid(),
             __atomic_fetch_add(&n, 1u, __ATOMIC_RELAXED));
    if (vd_sim_spawn(&p->sim, sim, fw, baud, vd_uri_get(u, "trace"), p->shm))
        return -1;
    char name[256];
    if (vd_sim_wait_line(&p->sim, "vidalloc-sim: pcie shm %255s", name, VD_SIM_START_US)) {
        char tail[512];
        vd_sim_stderr_tail(&p->sim, tail, sizeof tail);
        vd_fail(E_FAIL, "sim: %s did not announce its PCIe link (--pcie %s)%s%s", sim, p->shm,
                tail[0] ? ": " : "", tail);
        return -1;
    }
    if (vd_pcie_bus_shm_open(b, name, &p->sim, VD_SIM_START_US))
        return -1;
    b->slowdown = VD_SIM_PCIE_SLOWDOWN;
    return 0;
}

static int sim_pcie_open(vd_transport *t, const vd_uri *u)
{
    static const char *const keys[] = {"fw", "sim", "baud", "trace", "link", "shm", NULL};
    uint32_t baud;
    if (vd_uri_check_keys(u, keys) || vd_uri_get_u32(u, "baud", VD_DEFAULT_BAUD, &baud))
        return -1;
    if (vd_pcie_transport_open(t, u, sim_bus_open, NULL, 0))
        return -1;
    t->baud = baud; /* the board's UART still runs at it; nothing here depends on it */
    return 0;
}

/* ---- inproc?link=pcie ---- */

static int inproc_bus_open(vd_pcie_bus *b, const vd_uri *u, void *ctx)
{
    (void)ctx;
    uint32_t baud;
    if (vd_uri_get_u32(u, "baud", VD_DEFAULT_BAUD, &baud))
        return -1;
    vd_sim_config cfg = {
        .firmware = vd_uri_get_or_env(u, "fw", "VIDALLOC_FW_IMG", VD_DEFAULT_FW_IMG),
        .baud = baud,
        .trace = vd_uri_get(u, "trace"),
    };
    return vd_pcie_bus_inproc_open(b, &cfg);
}

static uint64_t inproc_pcie_cycles(vd_transport *t)
{
    vd_pcie_bus *b = &priv(t)->bus;
    return b->cycles(b);
}

static int inproc_pcie_open(vd_transport *t, const vd_uri *u)
{
    static const char *const keys[] = {"fw", "baud", "trace", "link", NULL};
    uint32_t baud;
    if (vd_uri_check_keys(u, keys) || vd_uri_get_u32(u, "baud", VD_DEFAULT_BAUD, &baud) ||
        vd_pcie_transport_open(t, u, inproc_bus_open, NULL, 0))
        return -1;
    t->baud = baud; /* the board's UART (its banner); the link does not use it */
    t->cycles = inproc_pcie_cycles;
    return 0;
}

const vd_transport_ops vd_transport_sim_pcie = {
    .name = "sim-pcie",
    .open = sim_pcie_open,
    .now_us = vd_pcie_transport_now,
    .close = vd_pcie_transport_close,
    .start = vd_pcie_transport_start,
    .send_msg = vd_pcie_transport_send,
    .post_msg = vd_pcie_transport_post,
    .flush_msg = vd_pcie_transport_flush,
    .recv_msg = vd_pcie_transport_recv,
};

const vd_transport_ops vd_transport_inproc_pcie = {
    .name = "inproc-pcie",
    .open = inproc_pcie_open,
    .now_us = vd_pcie_transport_now,
    .close = vd_pcie_transport_close,
    .start = vd_pcie_transport_start,
    .send_msg = vd_pcie_transport_send,
    .post_msg = vd_pcie_transport_post,
    .flush_msg = vd_pcie_transport_flush,
    .recv_msg = vd_pcie_transport_recv,
};
