/* bench_util.h - what the on-CPU benches (bench_alloc.c, bench_codec.c) share: timestamps
 * from TIMER.MTIME with the cost of reading it taken off, and a fixed-seed xorshift so
 * every run measures the same requests. Each bench is one translation unit. */
#ifndef VD_BENCH_UTIL_H
#define VD_BENCH_UTIL_H

#include <stdint.h>

#include "vd_timer.h"

/* The core the bench image runs on (its firmware build: docs/cpu.md). */
#if defined(VD_CPU_VEXRISCV)
#define BENCH_CPU "VexRiscv (the sim target's core)"
#else
#define BENCH_CPU "PicoRV32"
#endif

/* A volatile load straight from the register: the cheapest possible timestamp. */
#define NOW() vd_timer_now()

static uint32_t s_overhead; /* cycles of one NOW() pair, subtracted by timed() */
static uint32_t s_rng = 0x2545F491u;

static uint32_t rnd(void)
{
    uint32_t x = s_rng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return s_rng = x;
}

static void measure_overhead(void)
{
    uint32_t best = 0xFFFFFFFFu;
    for (int i = 0; i < 32; i++) {
        uint32_t t0 = NOW();
        uint32_t t1 = NOW();
        if (t1 - t0 < best)
            best = t1 - t0;
    }
    s_overhead = best;
}

/* Cycles between two NOW()s, less the timer read itself. */
static uint32_t timed(uint32_t t0, uint32_t t1)
{
    uint32_t d = t1 - t0;
    return d > s_overhead ? d - s_overhead : 0;
}

#endif /* VD_BENCH_UTIL_H */
