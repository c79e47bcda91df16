/*
 * `inproc`: the simulated board linked into this process (libvidalloc_sim.a, vd_sim.h).
 * Nothing runs unless the library waits for bytes, so a session is deterministic, and
 * every timeout counts simulated cycles. The vd_sim functions are weak references: a
 * program that does not link the simulator gets a clear error for `inproc` only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd_host.h"
#include "vd_sim.h"

#pragma weak vd_sim_create
#pragma weak vd_sim_destroy
#pragma weak vd_sim_run
#pragma weak vd_sim_uart_push
#pragma weak vd_sim_uart_pop
#pragma weak vd_sim_cycles
#pragma weak vd_sim_clk_hz
#pragma weak vd_sim_trapped
#pragma weak vd_sim_get_fault_stats

typedef struct inproc_priv {
    vd_sim *sim;
    uint32_t clk_hz;
} inproc_priv;

static uint64_t inproc_cycles(vd_transport *t)
{
    inproc_priv *p = t->priv;
    return vd_sim_cycles(p->sim);
}

static uint64_t inproc_now_us(vd_transport *t)
{
    inproc_priv *p = t->priv;
    return vd_sim_cycles(p->sim) * 1000000u / p->clk_hz;
}

static uint64_t inproc_line_faults(vd_transport *t)
{
    inproc_priv *p = t->priv;
    vd_sim_fault_stats f;
    vd_sim_get_fault_stats(p->sim, &f);
    return f.corrupted + f.dropped + f.duplicated + f.garbage_bursts + (f.stall_cycles ? 1 : 0) +
           (f.cut_bytes ? 1 : 0) + f.resets;
}

static int inproc_open(vd_transport *t, const vd_uri *u)
{
    static const char *const keys[] = {"fw", "baud", "trace", "link", NULL};
    uint32_t baud;
    char faults[1024];
    if (vd_uri_check_keys_faults(u, keys) || vd_uri_get_u32(u, "baud", VD_DEFAULT_BAUD, &baud) ||
        vd_uri_faults(u, faults, sizeof faults))
        return -1;
    if (!vd_sim_create) {
        vd_fail(E_FAIL, "inproc: this program was linked without the simulator library "
                "(libvidalloc_sim.a, see docs/host-lib.md)");
        return -1;
    }
    const char *fw = vd_uri_get_or_env(u, "fw", "VIDALLOC_FW_IMG", VD_DEFAULT_FW_IMG);
    inproc_priv *p = calloc(1, sizeof *p);
    if (!p) {
        vd_fail(E_OUTOFMEMORY, "out of memory");
        return -1;
    }
    t->priv = p;
    char err[256];
    vd_sim_config cfg = {.firmware = fw, .baud = baud, .trace = vd_uri_get(u, "trace"),
                         .uart_faults = faults};
    p->sim = vd_sim_create(&cfg, err, sizeof err);
    if (!p->sim) {
        vd_fail(E_FAIL, "inproc: %s", err);
        return -1;
    }
    p->clk_hz = vd_sim_clk_hz();
    t->baud = baud;
    t->slowdown = 1;
    t->boots = 1;
    t->cycles = inproc_cycles;
    t->line_faults = inproc_line_faults;
    return 0;
}

static int inproc_send(vd_transport *t, const uint8_t *data, size_t len)
{
    inproc_priv *p = t->priv;
    vd_sim_uart_push(p->sim, data, len);
    return 0;
}

static long inproc_recv(vd_transport *t, uint8_t *buf, size_t cap, uint64_t timeout_us)
{
    inproc_priv *p = t->priv;
    size_t n = vd_sim_uart_pop(p->sim, buf, cap);
    if (n)
        return (long)n;
    uint64_t cycles = timeout_us * p->clk_hz / 1000000u;
    if (cycles == 0)
        cycles = 1;
    vd_sim_run(p->sim, cycles, VD_SIM_RUN_UNTIL_TX);
    if (vd_sim_trapped(p->sim)) {
        vd_fail(D3DDDIERR_DEVICEREMOVED, "inproc: the simulated CPU trapped at cycle %llu",
                (unsigned long long)vd_sim_cycles(p->sim));
        return -1;
    }
    return (long)vd_sim_uart_pop(p->sim, buf, cap);
}

static void inproc_close(vd_transport *t)
{
    inproc_priv *p = t->priv;
    if (!p)
        return;
    if (p->sim)
        vd_sim_destroy(p->sim);
    free(p);
    t->priv = NULL;
}

const vd_transport_ops vd_transport_inproc = {
    .name = "inproc",
    .open = inproc_open,
    .send = inproc_send,
    .recv = inproc_recv,
    .now_us = inproc_now_us,
    .close = inproc_close,
};
