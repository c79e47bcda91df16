/*
 * tlsf_trace.c - the segment allocator against an exhaustive reference on one shared random
 * trace (make tlsf-trace; not a cmocka test: it prints a figure).
 *
 * The trace: a 64 KiB segment (the board's VRAM), VD_TRACE_OPS operations from a fixed seed
 * (VD_SEED overrides). Each operation draws its random numbers once and hands the same ones
 * to both allocators: allocate (half of the operations) a
 * request of 16 B..1 KiB (half of them), 1..8 KiB (three in ten) or 4..16 KiB (one in
 * five), aligned to 16 B (half), 256 B (a quarter) or 4 KiB (a quarter), FromEnd one in
 * eight; or free the live allocation the drawn index picks in each allocator's own list.
 * The reference is a granule map searched exhaustively: the smallest free run that holds
 * the request with its alignment (bottom-up at the lowest aligned offset, FromEnd at the
 * highest), so it fails only when no hole holds the request. The two states drift apart
 * (their placements differ), so their failure counts differ too; what must be zero is the
 * number of TLSF failures while one of its own free holes could hold the request (checked by
 * brute force over its free blocks after every failure).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd_tlsf.h"

#define SEG        (64u * 1024u)
#define G          VD_TLSF_GRANULE
#define SEG_G      (SEG / G)
#define MAX_LIVE   1024u
#define NBLK       (2u * MAX_LIVE + 2u)
#ifndef VD_TRACE_OPS
#define VD_TRACE_OPS 200000u
#endif

static uint64_t s_rng;

static uint32_t rnd32(void)
{
    /* splitmix64 */
    uint64_t z = (s_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (uint32_t)((z ^ (z >> 31)) >> 32);
}

typedef struct stats {
    uint32_t requests[3], failures[3], avoidable;
} stats;

/* ---- TLSF ---- */
static vd_tlsf s_t;
static vd_tlsf_block s_blk[NBLK];
static uint32_t s_tb[MAX_LIVE], s_to[MAX_LIVE], s_tn;

/* ---- reference: granule map, exhaustive best fit ---- */
static uint8_t s_map[SEG_G]; /* 1 used */
static uint32_t s_ro[MAX_LIVE], s_rn_g[MAX_LIVE], s_rn;

static int run_holds(uint32_t off, uint32_t len, uint32_t n, uint32_t a)
{
    uint32_t s = (off + a - 1u) & ~(a - 1u);
    return s - off <= len && len - (s - off) >= n;
}

static int ref_alloc(uint32_t n, uint32_t a, int from_end, uint32_t *off)
{
    uint32_t i, run = 0, best_len = 0xFFFFFFFFu, best = 0, s;

    for (i = 0; i <= SEG_G; i++) {
        if (i < SEG_G && !s_map[i]) {
            run++;
        } else if (run) {
            if (run < best_len && run_holds(i - run, run, n, a)) {
                best = i - run;
                best_len = run;
            }
            run = 0;
        }
    }
    if (best_len == 0xFFFFFFFFu)
        return 0;
    s = from_end ? ((best + best_len - n) & ~(a - 1u)) : ((best + a - 1u) & ~(a - 1u));
    memset(s_map + s, 1, n);
    *off = s;
    return 1;
}

/* Could any free block of the TLSF hold n granules aligned to a granules? */
static int tlsf_hole_holds(uint32_t n, uint32_t a)
{
    for (uint32_t b = 1; b < NBLK; b++) {
        uint32_t bo, bs;
        if (vd_tlsf_block_info(&s_t, b, &bo, &bs) == 1 && run_holds(bo / G, bs / G, n, a))
            return 1;
    }
    return 0;
}

int main(void)
{
    static const char *const names[3] = {"16 B", "256 B", "4 KiB"};
    const char *e = getenv("VD_SEED");
    stats ts, rs;
    uint32_t op;

    memset(&ts, 0, sizeof ts);
    memset(&rs, 0, sizeof rs);
    s_rng = e ? strtoull(e, NULL, 0) : 0x5644414Cull;
    if (vd_tlsf_init(&s_t, s_blk, NBLK, SEG) != STATUS_SUCCESS) {
        printf("tlsf-trace: init failed\n");
        return 1;
    }
    printf("tlsf-trace: %u operations, 64 KiB segment, seed %s\n", VD_TRACE_OPS, e ? e : "fixed");
    for (op = 0; op < VD_TRACE_OPS; op++) {
        uint32_t r0 = rnd32(), r1 = rnd32(), r2 = rnd32(), r3 = rnd32();
        int alloc = (r0 & 1u) != 0; /* a free with nothing live does nothing */
        if (alloc) {
            uint32_t kind = r1 % 10u, size, ak = r2 & 3u, align, n, a, blk, off;
            int from_end = ((r2 >> 2) & 7u) == 0;
            size = kind < 5 ? 16u + r3 % 1009u : kind < 8 ? 1024u + r3 % 7169u : 4096u + r3 % 12289u;
            ak = ak < 2 ? 0 : ak - 1u; /* 0: 16 B, 1: 256 B, 2: 4 KiB */
            align = ak == 0 ? 16u : ak == 1 ? 256u : 4096u;
            n = (size + G - 1u) / G;
            a = align / G;
            if (s_tn < MAX_LIVE) {
                ts.requests[ak]++;
                if (vd_tlsf_alloc(&s_t, size, align, from_end ? VD_TLSF_FROM_END : 0u, &blk, &off) ==
                    STATUS_SUCCESS) {
                    s_tb[s_tn] = blk;
                    s_to[s_tn++] = off;
                } else {
                    ts.failures[ak]++;
                    if (tlsf_hole_holds(n, a))
                        ts.avoidable++;
                }
            }
            if (s_rn < MAX_LIVE) {
                rs.requests[ak]++;
                if (ref_alloc(n, a, from_end, &off)) {
                    s_ro[s_rn] = off;
                    s_rn_g[s_rn++] = n;
                } else {
                    rs.failures[ak]++;
                }
            }
        } else {
            if (s_tn) {
                uint32_t k = r1 % s_tn;
                if (vd_tlsf_free(&s_t, s_tb[k], s_to[k]) != STATUS_SUCCESS) {
                    printf("tlsf-trace: free failed\n");
                    return 1;
                }
                s_tn--;
                s_tb[k] = s_tb[s_tn];
                s_to[k] = s_to[s_tn];
            }
            if (s_rn) {
                uint32_t k = r1 % s_rn;
                memset(s_map + s_ro[k], 0, s_rn_g[k]);
                s_rn--;
                s_ro[k] = s_ro[s_rn];
                s_rn_g[k] = s_rn_g[s_rn];
            }
        }
    }
    if (vd_tlsf_check(&s_t) != 0) {
        printf("tlsf-trace: vd_tlsf_check failed\n");
        return 1;
    }
    printf("| alignment | requests (TLSF / ref) | TLSF failures | reference failures |\n");
    printf("|-----------|-----------------------|---------------|--------------------|\n");
    uint32_t tt = 0, tr = 0, ft = 0, fr = 0;
    for (int k = 0; k < 3; k++) {
        printf("| %-9s | %9u / %9u | %6u (%4.1f %%) | %7u (%4.1f %%) |\n", names[k], ts.requests[k],
               rs.requests[k], ts.failures[k],
               ts.requests[k] ? 100.0 * ts.failures[k] / ts.requests[k] : 0.0, rs.failures[k],
               rs.requests[k] ? 100.0 * rs.failures[k] / rs.requests[k] : 0.0);
        tt += ts.requests[k];
        tr += rs.requests[k];
        ft += ts.failures[k];
        fr += rs.failures[k];
    }
    printf("| all       | %9u / %9u | %6u (%4.1f %%) | %7u (%4.1f %%) |\n", tt, tr, ft,
           100.0 * ft / tt, fr, 100.0 * fr / tr);
    printf("TLSF failures / reference failures: %.2f; TLSF failures while one of its free holes "
           "could hold the request: %u\n", fr ? (double)ft / fr : 0.0, ts.avoidable);
    return ts.avoidable != 0;
}
