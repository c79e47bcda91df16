/*
 * pcie_inproc: the simulator's root-complex model against the real endpoint RTL, in
 * process (vd_sim.h), no firmware needed: enumeration, BAR0 ID / VERSION / FEATURES,
 * SCRATCH written and read back, an error completion for a read outside BAR0, and the MMIO
 * read round trip in cycles. Also the simulator's speed with and without MMIO traffic.
 * With --queue (and the firmware) also the DMA paths through the firmware's queue link
 * (vd_queue.h): rings in host memory, HELLO records fetched by DMA reads (completions
 * split at the RCB), responses and the shadow block written by DMA, one MSI per batch
 * (VD_SIM_RUN_UNTIL_MSI); the doorbell-to-MSI time in cycles.
 *   pcie_inproc [--firmware IMG [--queue]] [--expect-none] [--mps N] [--mrrs N]
 *               [--latency CYCLES] [--tx-stall N]
 *   (--expect-none: a SoC without the endpoint; the others: vd_sim_config's link
 *   parameters, e.g. the smallest payloads, a slow host and tx back-pressure)
 * Exit status 0 when every check passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vd_regs.h"
#include "vd_sim.h"
#include "vidalloc/vd_queue.h"
#include "vidalloc/vd_status.h"

static int failures;
#define CHECK(cond, ...)                                     \
    do {                                                     \
        if (!(cond)) {                                       \
            failures++;                                      \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);      \
            printf(__VA_ARGS__);                             \
            printf("\n");                                    \
        }                                                    \
    } while (0)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the figure survives a busy machine */
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Run until the firmware's UART says "ready" (it has booted; the queue link is set up). */
static int wait_ready(vd_sim *sim) {
    char seen[4096];
    size_t n = 0;
    while (vd_sim_cycles(sim) < 40000000u && !vd_sim_trapped(sim)) {
        vd_sim_run(sim, 100000, 0);
        n += vd_sim_uart_pop(sim, seen + n, sizeof seen - 1 - n);
        seen[n] = 0;
        if (strstr(seen, "ready")) return 0;
        if (n > sizeof seen - 64) n = 0;
    }
    return -1;
}

/* The queue link: HELLO over and over, through DMA and MSIs. */
static void queue_test(vd_sim *sim) {
    uint32_t size, base, v = 0;
    uint8_t *mem = vd_sim_pcie_host_mem(sim, &size, &base);
    const uint32_t sq = 0x0, sq_size = 0x1000, cq = 0x10000, cq_size = 0x10000, sh = 0x20000;
    CHECK(wait_ready(sim) == 0, "the firmware never said ready");
    if (failures) return;
    vd_sim_pcie_write32(sim, VD_PCIE_CTRL, 0);
    vd_sim_pcie_write32(sim, VD_PCIE_SQ_BASE, base + sq);
    vd_sim_pcie_write32(sim, VD_PCIE_SQ_SIZE, sq_size);
    vd_sim_pcie_write32(sim, VD_PCIE_CQ_BASE, base + cq);
    vd_sim_pcie_write32(sim, VD_PCIE_CQ_SIZE, cq_size);
    vd_sim_pcie_write32(sim, VD_PCIE_SHADOW, base + sh);
    vd_sim_pcie_write32(sim, VD_PCIE_HOST_WIN_BASE, base);
    vd_sim_pcie_write32(sim, VD_PCIE_HOST_WIN_SIZE, size);
    vd_sim_pcie_write32(sim, VD_PCIE_CTRL, VD_PCIE_CTRL_ENABLE_MASK);
    for (int i = 0; i < 100 && !(v & VD_PCIE_STATUS_READY_MASK); i++) {
        vd_sim_run(sim, 10000, 0);
        vd_sim_pcie_read32(sim, VD_PCIE_STATUS, &v, 10000);
    }
    CHECK(v == VD_PCIE_STATUS_READY_MASK, "STATUS %08x after ENABLE", v);
    if (failures) return;

    enum { ROUNDS = 20 };
    uint32_t tail = 0, head = 0;
    uint64_t cycles = 0;
    for (uint16_t seq = 1; seq <= ROUNDS && !failures; seq++) {
        vd_wire_hdr hdr = {VD_MSG_HELLO, VD_WIRE_VERSION, seq, sizeof(vd_wire_hello_req), 0};
        vd_wire_hello_req req = {VD_WIRE_VERSION, 0};
        uint32_t at = sq + (tail & (sq_size - 1));
        memcpy(mem + at, &hdr, sizeof hdr);
        memcpy(mem + at + sizeof hdr, &req, sizeof req);
        tail += VD_QUEUE_RECORD_SIZE(sizeof req);
        uint64_t msi = vd_sim_pcie_msi_count(sim);
        vd_sim_pcie_write32(sim, VD_PCIE_SQ_TAIL, tail);
        cycles += vd_sim_run(sim, 2000000, VD_SIM_RUN_UNTIL_MSI);
        CHECK(vd_sim_pcie_msi_count(sim) == msi + 1, "no MSI for HELLO %u", seq);
        vd_queue_shadow shadow;
        memcpy(&shadow, mem + sh, sizeof shadow);
        CHECK(shadow.sq_head == tail && shadow.batches == seq, "shadow sq_head %u batches %u, tail %u",
              shadow.sq_head, shadow.batches, tail);
        vd_wire_hdr rh;
        vd_wire_hello_rsp rsp;
        uint32_t r = cq + (head & (cq_size - 1));
        memcpy(&rh, mem + r, sizeof rh);
        memset(&rsp, 0, sizeof rsp);
        memcpy(&rsp, mem + r + sizeof rh, rh.len < sizeof rsp ? rh.len : sizeof rsp);
        CHECK(rh.type == (VD_MSG_HELLO | VD_WIRE_RESPONSE) && rh.seq == seq && rsp.hr == 0 &&
                  rsp.soc_id == VD_SOC_ID && rsp.soc_version == VD_SOC_VERSION,
              "response type %02x seq %u hr %d soc %08x", rh.type, rh.seq, (int)rsp.hr, rsp.soc_id);
        head += VD_QUEUE_RECORD_SIZE(rh.len);
        CHECK(shadow.cq_tail == head, "shadow cq_tail %u, consumed %u", shadow.cq_tail, head);
        vd_sim_pcie_write32(sim, VD_PCIE_CQ_HEAD, head);
    }
    /* A long record of an unknown type: fetched in MRRS-sized reads on several tags, each
     * answered in RCB pieces; the firmware answers E_INVALIDARG with seq and type echoed. */
    if (!failures) {
        enum { LEN = 1000, TYPE = 0x7E };
        uint16_t seq = ROUNDS + 1;
        vd_wire_hdr hdr = {TYPE, VD_WIRE_VERSION, seq, LEN, 0};
        uint32_t at = sq + (tail & (sq_size - 1));
        if (sq_size - (tail & (sq_size - 1)) < VD_QUEUE_RECORD_SIZE(LEN)) { /* pad to the end */
            vd_wire_hdr pad = {VD_QUEUE_PAD, VD_WIRE_VERSION, 0,
                               (uint16_t)(sq_size - (tail & (sq_size - 1)) - VD_WIRE_HDR_SIZE), 0};
            memcpy(mem + at, &pad, sizeof pad);
            tail += sq_size - (tail & (sq_size - 1));
            at = sq;
        }
        memcpy(mem + at, &hdr, sizeof hdr);
        for (int i = 0; i < LEN; i++) mem[at + sizeof hdr + i] = (uint8_t)(i * 7);
        tail += VD_QUEUE_RECORD_SIZE(LEN);
        uint64_t msi = vd_sim_pcie_msi_count(sim);
        vd_sim_pcie_stats a;
        vd_sim_pcie_get_stats(sim, &a);
        vd_sim_pcie_write32(sim, VD_PCIE_SQ_TAIL, tail);
        vd_sim_run(sim, 2000000, VD_SIM_RUN_UNTIL_MSI);
        CHECK(vd_sim_pcie_msi_count(sim) == msi + 1, "no MSI for the long record");
        vd_wire_hdr rh;
        vd_wire_status_rsp rsp = {0};
        uint32_t r = cq + (head & (cq_size - 1));
        memcpy(&rh, mem + r, sizeof rh);
        memcpy(&rsp, mem + r + sizeof rh, sizeof rsp);
        CHECK(rh.type == (TYPE | VD_WIRE_RESPONSE) && rh.seq == seq && rsp.hr == E_INVALIDARG,
              "long record: response type %02x seq %u hr %08x", rh.type, rh.seq, (unsigned)rsp.hr);
        head += VD_QUEUE_RECORD_SIZE(rh.len);
        vd_sim_pcie_write32(sim, VD_PCIE_CQ_HEAD, head);
        vd_sim_pcie_stats b;
        vd_sim_pcie_get_stats(sim, &b);
        CHECK(b.dma_read_bytes - a.dma_read_bytes >= LEN && b.completions - a.completions >= LEN / 64,
              "long record: %llu bytes in %llu completions",
              (unsigned long long)(b.dma_read_bytes - a.dma_read_bytes),
              (unsigned long long)(b.completions - a.completions));
    }
    CHECK(vd_sim_pcie_read32(sim, VD_PCIE_CPL_ERROR_COUNT, &v, 10000) == 0 && v == 0,
          "CPL_ERROR_COUNT %u", v);
    CHECK(vd_sim_pcie_read32(sim, VD_PCIE_CPL_TIMEOUT_COUNT, &v, 10000) == 0 && v == 0,
          "CPL_TIMEOUT_COUNT %u", v);
    vd_sim_pcie_stats st;
    vd_sim_pcie_get_stats(sim, &st);
    CHECK(st.dma_read_bytes >= ROUNDS * 16u && st.dma_write_bytes > 0 && st.ur == 0 &&
              st.dropped == 0,
          "DMA read %llu written %llu UR %llu dropped %llu", (unsigned long long)st.dma_read_bytes,
          (unsigned long long)st.dma_write_bytes, (unsigned long long)st.ur,
          (unsigned long long)st.dropped);
    printf("pcie_inproc: queue link: %d HELLOs, doorbell to MSI %.0f cycles each; DMA %llu bytes "
           "read in %llu requests (%llu completions), %llu written, %llu MSIs\n",
           ROUNDS, (double)cycles / ROUNDS, (unsigned long long)st.dma_read_bytes,
           (unsigned long long)st.dma_read_reqs, (unsigned long long)st.completions,
           (unsigned long long)st.dma_write_bytes, (unsigned long long)st.msi);
}

int main(int argc, char **argv) {
    vd_sim_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int expect_none = 0, queue = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--firmware") && i + 1 < argc) cfg.firmware = argv[++i];
        else if (!strcmp(argv[i], "--expect-none")) expect_none = 1;
        else if (!strcmp(argv[i], "--queue")) queue = 1;
        else if (!strcmp(argv[i], "--mps") && i + 1 < argc) cfg.pcie_mps = (uint16_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--mrrs") && i + 1 < argc) cfg.pcie_mrrs = (uint16_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--latency") && i + 1 < argc) cfg.pcie_cpl_latency = (uint32_t)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--tx-stall") && i + 1 < argc) cfg.pcie_tx_stall = (uint32_t)atoi(argv[++i]);
        else {
            fprintf(stderr, "usage: %s [--firmware IMG [--queue]] [--expect-none] [--mps N] [--mrrs N] "
                            "[--latency CYCLES] [--tx-stall N]\n", argv[0]);
            return 2;
        }
    }
    char err[256];
    vd_sim *sim = vd_sim_create(&cfg, err, sizeof err);
    if (!sim) {
        printf("FAIL vd_sim_create: %s\n", err);
        return 1;
    }
    uint64_t enum_cycles = vd_sim_cycles(sim);
    uint32_t v = 0;
    if (expect_none) {
        CHECK(!vd_sim_has_pcie(sim), "a SoC without the endpoint reports one");
        CHECK(vd_sim_pcie_read32(sim, VD_PCIE_ID, &v, 1000) == -1 && v == 0xFFFFFFFFu,
              "a read without an endpoint: %08x", v);
        printf("pcie_inproc: no endpoint (found out in %llu cycles): %s\n",
               (unsigned long long)enum_cycles, failures ? "FAILED" : "ok");
        vd_sim_destroy(sim);
        return failures != 0;
    }
    CHECK(vd_sim_has_pcie(sim), "no endpoint found");
    if (failures) return 1;

    uint32_t size = 0, base = 0;
    uint8_t *mem = vd_sim_pcie_host_mem(sim, &size, &base);
    CHECK(mem && size > 0 && base, "host memory %p %u %08x", (void *)mem, size, base);

    CHECK(vd_sim_pcie_read32(sim, VD_PCIE_ID, &v, 10000) == 0 && v == VD_SOC_ID, "ID %08x", v);
    CHECK(vd_sim_pcie_read32(sim, VD_PCIE_VERSION, &v, 10000) == 0 && v == VD_SOC_VERSION,
          "VERSION %08x", v);
    CHECK(vd_sim_pcie_read32(sim, VD_PCIE_FEATURES, &v, 10000) == 0 &&
              (v & VD_SYSCTL_FEATURES_PCIE_MASK),
          "FEATURES %08x without PCIE", v);
    uint32_t features = v;
    vd_sim_pcie_write32(sim, VD_PCIE_SCRATCH, 0xA5C3F00Du);
    CHECK(vd_sim_pcie_read32(sim, VD_PCIE_SCRATCH, &v, 10000) == 0 && v == 0xA5C3F00Du,
          "SCRATCH %08x after writing a5c3f00d", v);
    /* Posted writes then a read: the read returns the last one (ordering). */
    for (uint32_t i = 0; i < 8; i++) vd_sim_pcie_write32(sim, VD_PCIE_SCRATCH, i * 0x01010101u);
    CHECK(vd_sim_pcie_read32(sim, VD_PCIE_SCRATCH, &v, 10000) == 0 && v == 0x07070707u,
          "SCRATCH %08x after 8 writes", v);
    /* Firmware-only offsets read 0 over BAR0; beyond BAR0 is an Unsupported Request. */
    CHECK(vd_sim_pcie_read32(sim, VD_PCIE_BAR0_REGS, &v, 10000) == 0 && v == 0,
          "BAR0 0x%x reads %08x", VD_PCIE_BAR0_REGS, v);
    CHECK(vd_sim_pcie_read32(sim, VD_PCIE_BAR0_SIZE, &v, 10000) == -1 && v == 0xFFFFFFFFu,
          "a read beyond BAR0: %08x", v);
    CHECK(vd_sim_pcie_read32(sim, VD_PCIE_ID, &v, 10000) == 0 && v == VD_SOC_ID,
          "ID after the error %08x", v);

    /* The MMIO read round trip, SCRATCH back to back. */
    vd_sim_pcie_stats s0, s1;
    vd_sim_pcie_get_stats(sim, &s0);
    enum { N = 200 };
    for (int i = 0; i < N; i++) vd_sim_pcie_read32(sim, VD_PCIE_SCRATCH, &v, 10000);
    vd_sim_pcie_get_stats(sim, &s1);
    double rt = (double)(s1.mmio_rt_total - s0.mmio_rt_total) / (s1.mmio_reads - s0.mmio_reads);
    CHECK(s1.mmio_reads - s0.mmio_reads == N && s1.mmio_errors == 1, "reads %llu errors %llu",
          (unsigned long long)(s1.mmio_reads - s0.mmio_reads), (unsigned long long)s1.mmio_errors);

    /* Speed: idle, then with a read always in flight. */
    enum { IDLE = 2000000, BUSY = 500 };
    double t = now();
    vd_sim_run(sim, IDLE, 0);
    double idle_rate = IDLE / (now() - t);
    uint64_t c0 = vd_sim_cycles(sim);
    t = now();
    for (int i = 0; i < BUSY * 10; i++) vd_sim_pcie_read32(sim, VD_PCIE_SCRATCH, &v, 10000);
    double busy_rate = (vd_sim_cycles(sim) - c0) / (now() - t);
    CHECK(!vd_sim_trapped(sim), "the CPU trapped");
    if (queue && cfg.firmware && !failures) queue_test(sim);

    printf("pcie_inproc: enumerated in %llu cycles, FEATURES %08x; MMIO read round trip "
           "%.1f cycles (min %llu, max %llu); speed (CPU time) %.2f M cycles/s idle, %.2f M cycles/s "
           "with reads back to back: %s\n",
           (unsigned long long)enum_cycles, features, rt, (unsigned long long)s1.mmio_rt_min,
           (unsigned long long)s1.mmio_rt_max, idle_rate / 1e6, busy_rate / 1e6,
           failures ? "FAILED" : "ok");
    vd_sim_destroy(sim);
    return failures != 0;
}
