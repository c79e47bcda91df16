/*
 * The `inproc` PCIe bus: the simulator linked into this process (vd_sim.h). The board runs
 * only inside wait_msi and a BAR0 read, so a session is deterministic and time is simulated
 * cycles. The vd_sim functions are weak references, as in transport_inproc.c: a program
 * without the simulator library gets a clear error for inproc only.
 */
#include <stdlib.h>
#include <string.h>

#include "pcie_bus.h"
#include "vd_host.h"
#include "vd_sim.h"

#pragma weak vd_sim_create
#pragma weak vd_sim_destroy
#pragma weak vd_sim_run
#pragma weak vd_sim_uart_pop
#pragma weak vd_sim_cycles
#pragma weak vd_sim_clk_hz
#pragma weak vd_sim_trapped
#pragma weak vd_sim_has_pcie
#pragma weak vd_sim_pcie_host_mem
#pragma weak vd_sim_pcie_write32
#pragma weak vd_sim_pcie_read32
#pragma weak vd_sim_pcie_msi_count
#pragma weak vd_sim_pcie_get_stats

typedef struct inproc_bus {
    vd_sim *sim;
    uint32_t clk_hz;
} inproc_bus;

static int trapped(inproc_bus *p)
{
    if (!vd_sim_trapped(p->sim))
        return 0;
    vd_fail(D3DDDIERR_DEVICEREMOVED, "inproc: the simulated CPU trapped at cycle %llu",
            (unsigned long long)vd_sim_cycles(p->sim));
    return 1;
}

/* The firmware's UART output (its banner) goes nowhere on this link: drop it so the
 * simulator's queue does not grow. */
static void drain_uart(inproc_bus *p)
{
    uint8_t sink[256];
    while (vd_sim_uart_pop(p->sim, sink, sizeof sink))
        ;
}

static int inproc_read32(vd_pcie_bus *b, uint32_t offset, uint32_t *value)
{
    inproc_bus *p = b->priv;
    /* A completion takes a few hundred cycles; 100 ms of board time means it never comes. */
    if (vd_sim_pcie_read32(p->sim, offset, value, p->clk_hz / 10u) < 0) {
        if (!trapped(p))
            vd_fail(D3DDDIERR_DEVICEREMOVED, "inproc: BAR0 read of 0x%03x: error completion "
                    "or none within 100 ms", offset);
        return -1;
    }
    return trapped(p) ? -1 : 0;
}

static int inproc_write32(vd_pcie_bus *b, uint32_t offset, uint32_t value)
{
    inproc_bus *p = b->priv;
    vd_sim_pcie_write32(p->sim, offset, value);
    return 0;
}

static uint32_t inproc_msi_count(vd_pcie_bus *b)
{
    inproc_bus *p = b->priv;
    return (uint32_t)vd_sim_pcie_msi_count(p->sim);
}

static int inproc_wait_msi(vd_pcie_bus *b, uint32_t seen, uint64_t timeout_us)
{
    inproc_bus *p = b->priv;
    if ((uint32_t)vd_sim_pcie_msi_count(p->sim) != seen)
        return 1;
    uint64_t cycles = timeout_us * p->clk_hz / 1000000u;
    vd_sim_run(p->sim, cycles ? cycles : 1, VD_SIM_RUN_UNTIL_MSI);
    drain_uart(p);
    if (trapped(p))
        return -1;
    return (uint32_t)vd_sim_pcie_msi_count(p->sim) != seen;
}

static uint64_t inproc_now_us(vd_pcie_bus *b)
{
    inproc_bus *p = b->priv;
    return vd_sim_cycles(p->sim) * 1000000u / p->clk_hz;
}

static uint64_t inproc_cycles(vd_pcie_bus *b)
{
    inproc_bus *p = b->priv;
    return vd_sim_cycles(p->sim);
}

static void inproc_close(vd_pcie_bus *b)
{
    inproc_bus *p = b->priv;
    if (!p)
        return;
    if (p->sim)
        vd_sim_destroy(p->sim);
    free(p);
    b->priv = NULL;
}

static int inproc_sim_stats(vd_pcie_bus *b, vd_sim_pcie_stats *out)
{
    inproc_bus *p = b->priv;
    if (!p || !p->sim || !vd_sim_pcie_get_stats)
        return -1;
    vd_sim_pcie_get_stats(p->sim, out);
    return 0;
}

static const vd_pcie_bus_ops inproc_ops = {
    .name = "inproc",
    .mmio_read32 = inproc_read32,
    .mmio_write32 = inproc_write32,
    .msi_count = inproc_msi_count,
    .wait_msi = inproc_wait_msi,
    .now_us = inproc_now_us,
    .close = inproc_close,
};

int vd_pcie_bus_inproc_open(vd_pcie_bus *b, const vd_sim_config *cfg)
{
    memset(b, 0, sizeof *b);
    b->ops = &inproc_ops;
    if (!vd_sim_create) {
        vd_fail(E_FAIL, "inproc: this program was linked without the simulator library "
                "(libvidalloc_sim.a, see docs/host-lib.md)");
        return -1;
    }
    if (!vd_sim_pcie_host_mem || !vd_sim_has_pcie) {
        vd_fail(E_FAIL, "inproc: the simulator library linked in has no PCIe model (older "
                "libvidalloc_sim.a)");
        return -1;
    }
    inproc_bus *p = calloc(1, sizeof *p);
    if (!p) {
        vd_fail(E_OUTOFMEMORY, "out of memory");
        return -1;
    }
    b->priv = p;
    char err[256];
    p->sim = vd_sim_create(cfg, err, sizeof err);
    if (!p->sim) {
        vd_fail(E_FAIL, "inproc: %s", err);
        return -1;
    }
    if (!vd_sim_has_pcie(p->sim)) {
        vd_fail(E_FAIL, "inproc: this SoC has no PCIe endpoint (a target without PCIE; "
                "use link=uart)");
        return -1;
    }
    p->clk_hz = vd_sim_clk_hz();
    b->mem = vd_sim_pcie_host_mem(p->sim, &b->mem_size, &b->mem_bus);
    b->slowdown = 1;
    b->cycles = inproc_cycles;
    b->sim_stats = inproc_sim_stats;
    return 0;
}
