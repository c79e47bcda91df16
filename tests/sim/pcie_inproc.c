/*
 * pcie_inproc: the simulator's root-complex model against the real endpoint RTL, in
 * process (vd_sim.h), no firmware needed: enumeration, BAR0 ID / VERSION / FEATURES,
 * SCRATCH written and read back, an error completion for a read outside BAR0, and the MMIO
 * read round trip in cycles. Also the simulator's speed with and without MMIO traffic.
 *   pcie_inproc [--firmware IMG] [--expect-none]   (--expect-none: a SoC without the endpoint)
 * Exit status 0 when every check passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vd_regs.h"
#include "vd_sim.h"

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
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    vd_sim_config cfg;
    memset(&cfg, 0, sizeof cfg);
    int expect_none = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--firmware") && i + 1 < argc) cfg.firmware = argv[++i];
        else if (!strcmp(argv[i], "--expect-none")) expect_none = 1;
        else {
            fprintf(stderr, "usage: %s [--firmware IMG] [--expect-none]\n", argv[0]);
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

    printf("pcie_inproc: enumerated in %llu cycles, FEATURES %08x; MMIO read round trip "
           "%.1f cycles (min %llu, max %llu); %.2f M cycles/s idle, %.2f M cycles/s with reads "
           "back to back: %s\n",
           (unsigned long long)enum_cycles, features, rt, (unsigned long long)s1.mmio_rt_min,
           (unsigned long long)s1.mmio_rt_max, idle_rate / 1e6, busy_rate / 1e6,
           failures ? "FAILED" : "ok");
    vd_sim_destroy(sim);
    return failures != 0;
}
