/*
 * bench_qlink.c - the PCIe queue link's own cycles (firmware/wire/vd_qlink.c) on the
 * simulated PicoRV32 (make bench-qlink: the board simulator, a few seconds), before the
 * endpoint RTL exists.
 *
 * vd_qlink.c and pcie.c are compiled here with -DVD_MMIO_MOCK, and the PCIE block is this
 * file's register array (every other address goes to the real register: TIMER.MTIME is
 * the cycle counter). Its DMA engine completes at once and copies nothing: the records are
 * put where the fetch would put them before each batch, so fetch and send cycles are the
 * CPU's side only (programming, the BUSY poll, the shadow block, registers, MSI), not the
 * transfer. Every MMIO access costs one call more than on the board: the cost of one call
 * is measured and printed, and taken off the per-request figures for the 2 accesses a
 * request makes (the exec timestamps). The dispatcher is a stand-in answering 20 bytes
 * (an ALLOCATE response's size) at once, so `exec` is its call only.
 *
 * Printed per batch size: cycles per request of the link itself (fetch + build + send,
 * from the link's own q_* counters, less the stand-in), and the batch's total.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "vd_dispatch.h"
#include "vd_mmio.h"
#include "vd_pcie.h"
#include "vd_qlink.h"
#include "vd_regs.h"
#include "vd_uart.h"

#define REGS_WORDS (0x140u / 4u)
static uint32_t s_regs[REGS_WORDS];       /* the PCIE block */
static uint32_t s_buf[VD_PCIE_BUF_SIZE / 4]; /* PCIE_BUF */
static uint32_t s_calls;

uint32_t vd_mock_mmio_read32(uint32_t addr)
{
    s_calls++;
    if (addr - VD_PCIE_BASE < sizeof s_regs)
        return s_regs[(addr - VD_PCIE_BASE) / 4u];
    return *(volatile uint32_t *)(uintptr_t)addr;
}

void vd_mock_mmio_write32(uint32_t addr, uint32_t value)
{
    s_calls++;
    if (addr - VD_PCIE_BASE < sizeof s_regs) {
        uint32_t i = (addr - VD_PCIE_BASE) / 4u;
        if (addr == VD_PCIE_BASE + VD_PCIE_IRQ_STATUS)
            s_regs[i] &= ~value; /* w1c */
        else if (addr != VD_PCIE_BASE + VD_PCIE_DMA_CTRL && addr != VD_PCIE_BASE + VD_PCIE_CMD)
            s_regs[i] = value; /* DMA_STATUS stays 0: done, no error */
        return;
    }
    *(volatile uint32_t *)(uintptr_t)addr = value;
}

#define R(reg) s_regs[VD_PCIE_##reg / 4u]

/* The dispatcher stand-in: an ALLOCATE-sized answer. */
uint32_t vd_disp_execute(const vd_disp_link *link, uint8_t type, const uint8_t *req, uint32_t len,
                         uint8_t *rsp)
{
    (void)link;
    (void)type;
    (void)len;
    uint32_t *r = (uint32_t *)(void *)rsp;
    r[0] = 0;
    r[1] = ((const uint32_t *)(const void *)req)[0];
    r[2] = 1;
    r[3] = 0;
    r[4] = 0x40;
    return 20;
}

static void event(uint32_t bits)
{
    R(IRQ_STATUS) |= bits;
    vd_pcie_irq_handler();
}

/* One batch of k 88-byte ALLOCATE records (as host-lib sends one surface). */
static void batch(uint32_t k, vd_wire_fw_stats *d, uint32_t *total)
{
    vd_wire_fw_stats a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    for (uint32_t i = 0; i < k; i++) {
        uint32_t *rec = s_buf + (VD_QLINK_SQ_OFF + i * 88u) / 4u;
        rec[0] = VD_MSG_ALLOCATE | VD_WIRE_VERSION << 8 | i << 16;
        rec[1] = 80;
        for (uint32_t w = 2; w < 22; w++)
            rec[w] = w;
    }
    R(CQ_HEAD) = R(CQ_TAIL); /* the host has consumed everything */
    R(SQ_TAIL) = R(SQ_HEAD) + 88u * k;
    vd_qlink_get_stats(&a);
    uint32_t t0 = NOW();
    event(VD_PCIE_EV_SQ);
    (void)vd_qlink_service();
    uint32_t t1 = NOW();
    vd_qlink_get_stats(&b);
    *total = timed(t0, t1);
    d->q_requests = b.q_requests - a.q_requests;
    d->q_fetch_cycles = b.q_fetch_cycles - a.q_fetch_cycles;
    d->q_exec_cycles = b.q_exec_cycles - a.q_exec_cycles;
    d->q_build_cycles = b.q_build_cycles - a.q_build_cycles;
    d->q_send_cycles = b.q_send_cycles - a.q_send_cycles;
}

int main(void)
{
    vd_uart_init(VD_UART_BOOT_BAUD);
    measure_overhead();
    (void)rnd; /* bench_util.h's, not needed here */
    /* One extra call per MMIO access: 16 reads of TIMER.MTIME through the shim against
     * 16 plain ones. */
    uint32_t t0 = NOW();
    for (int i = 0; i < 16; i++)
        (void)vd_mock_mmio_read32(VD_TIMER_BASE + VD_TIMER_MTIME);
    uint32_t t1 = NOW();
    for (int i = 0; i < 16; i++)
        (void)*(volatile uint32_t *)(uintptr_t)(VD_TIMER_BASE + VD_TIMER_MTIME);
    uint32_t t2 = NOW();
    uint32_t shim = (t1 - t0) > (t2 - t1) ? ((t1 - t0) - (t2 - t1) + 8u) / 16u : 0;

    vd_pcie_init();
    vd_qlink_init(s_buf, VD_PCIE_BUF_BASE);
    /* Rings large enough that no batch here meets a ring's end. */
    R(SQ_BASE) = 0x80000000u;
    R(SQ_SIZE) = 0x40000;
    R(CQ_BASE) = 0x80040000u;
    R(CQ_SIZE) = 0x40000;
    R(SHADOW) = 0x80080000u;
    R(HOST_WIN_BASE) = 0x80000000u;
    R(HOST_WIN_SIZE) = 0x00100000u;
    R(CTRL) = VD_PCIE_CTRL_ENABLE_MASK;
    event(VD_PCIE_EV_CTRL);
    (void)vd_qlink_service();
    if (!(R(STATUS) & VD_PCIE_STATUS_READY_MASK)) {
        printf("bench-qlink FAILED: not ready (STATUS 0x%" PRIx32 ")\n", R(STATUS));
        return 1;
    }

    printf("bench-qlink: PicoRV32 RV32I, the queue link's own cycles (TIMER.MTIME minus %" PRIu32
           "; one MMIO shim call ~%" PRIu32 " cycles, taken off per request)\n",
           s_overhead, shim);
    printf("| batch | fetch/batch | build/req | send/batch | link/req | stand-in/req | total/batch |\n");
    printf("|-------|-------------|-----------|------------|----------|--------------|-------------|\n");
    static const uint32_t ks[] = {1, 4, 16, 32, 46};
    int failed = 0;
    for (uint32_t j = 0; j < sizeof ks / sizeof ks[0]; j++) {
        vd_wire_fw_stats d;
        uint32_t total, k = ks[j];
        for (int warm = 0; warm < 3; warm++) /* the last of three: wraps and misses settled */
            batch(k, &d, &total);
        if (d.q_requests != k)
            failed = 1;
        uint32_t link = d.q_fetch_cycles + d.q_build_cycles + d.q_send_cycles;
        uint32_t per = (link + k / 2u) / k;
        per = per > 2u * shim ? per - 2u * shim : 0; /* the two exec timestamps */
        printf("| %5" PRIu32 " | %11" PRIu32 " | %9" PRIu32 " | %10" PRIu32 " | %8" PRIu32
               " | %12" PRIu32 " | %11" PRIu32 " |\n",
               k, d.q_fetch_cycles, (d.q_build_cycles + k / 2u) / k, d.q_send_cycles, per,
               (d.q_exec_cycles + k / 2u) / k, total);
    }
    printf("bench-qlink %s\n", failed ? "FAILED" : "done");
    fflush(stdout);
    vd_uart_flush();
    for (;;)
        ;
}
