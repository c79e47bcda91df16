/*
 * test_kernel_tlsf_model.c - randomized TLSF test against a reference model.
 *
 * Thousands of random allocate/free sequences (random sizes, alignments, FromEnd,
 * segment sizes, bad frees) checked against a granule ownership map: no overlap, inside
 * the segment, alignment kept, FromEnd takes the top when the top is free, statistics
 * equal to the model's, failures only when no free hole can hold the request with its
 * alignment (brute force over the model's free runs and over the allocator's own free
 * blocks after every failed allocation),
 * descriptors never run out with a 2N+2 pool (2N+1 and the sentinel), and everything coalesces back to one
 * free block. Seed: VD_SEED (default fixed), sequences: VD_TLSF_MODEL_SEQS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vd_tlsf.h"

#define MAX_LIVE  512u
#define NBLK      (2u * MAX_LIVE + 2u) /* 2N+1 blocks and the sentinel */
#define MAX_GRAN  (1u << 16) /* 1 MiB segments */
#define G         VD_TLSF_GRANULE

static uint64_t rng_state;
static unsigned long long seed;
static uint32_t cur_seq, cur_op;

static uint64_t rnd64(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n) /* 0 .. n-1 */
{
    return n ? (uint32_t)(rnd64() % n) : 0;
}

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            print_error("tlsf model: seed=%llu seq=%u op=%u: %s (line %d)\n", seed,      \
                        cur_seq, cur_op, #cond, __LINE__);                                 \
            fail();                                                                        \
        }                                                                                  \
    } while (0)

typedef struct live_alloc {
    uint32_t block, off_g, n_g;
} live_alloc;

static vd_tlsf t;
static vd_tlsf_block blocks[NBLK];
static uint16_t owner[MAX_GRAN]; /* 0 free, else index into live[] + 1 */
static live_alloc live[MAX_LIVE];
static uint32_t nlive, seg_g;
static uint32_t failures; /* failed allocations checked by brute force */

static void ref_mark(uint32_t off, uint32_t n, uint16_t v)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        owner[off + i] = v;
}

/* Free runs of the model: count, largest, total. */
static void ref_runs(uint32_t *count, uint32_t *largest, uint32_t *total)
{
    uint32_t i, run = 0;
    *count = *largest = *total = 0;
    for (i = 0; i <= seg_g; i++) {
        if (i < seg_g && owner[i] == 0) {
            run++;
        } else if (run) {
            (*count)++;
            *total += run;
            if (run > *largest)
                *largest = run;
            run = 0;
        }
    }
}

/* Does a free run [off, off + len) hold n granules at an offset that is a multiple of a? */
static int run_holds(uint32_t off, uint32_t len, uint32_t n, uint32_t a)
{
    uint32_t s = (off + a - 1u) & ~(a - 1u);
    return s >= off && s - off <= len && len - (s - off) >= n;
}

/* Brute force: any free hole of the model, or any free block the allocator lists, that can
 * hold n granules aligned to a granules. */
static int any_hole_holds(uint32_t n, uint32_t a)
{
    uint32_t i, run = 0, b;

    for (i = 0; i <= seg_g; i++) {
        if (i < seg_g && owner[i] == 0) {
            run++;
        } else if (run) {
            if (run_holds(i - run, run, n, a))
                return 1;
            run = 0;
        }
    }
    for (b = 1; b < NBLK; b++) {
        uint32_t bo, bs;
        if (vd_tlsf_block_info(&t, b, &bo, &bs) == 1 && run_holds(bo / G, bs / G, n, a))
            return 2;
    }
    return 0;
}

static uint32_t top_run(void)
{
    uint32_t i = seg_g;
    while (i > 0 && owner[i - 1] == 0)
        i--;
    return seg_g - i;
}

/* Smallest size of the class the allocator's rounded search starts at. */
static uint32_t search_class_min(uint32_t need)
{
    uint32_t f, r;
    if (need < VD_TLSF_SL_COUNT)
        return need;
    r = need + (1u << (vd_fls32(need) - VD_TLSF_SL_LOG2)) - 1u;
    f = vd_fls32(r);
    return (r >> (f - VD_TLSF_SL_LOG2)) << (f - VD_TLSF_SL_LOG2);
}

static void check_stats(void)
{
    vd_tlsf_stats s;
    uint32_t runs, largest, total, fr, lf, frag;

    CHECK(vd_tlsf_check(&t) == 0);
    vd_tlsf_get_stats(&t, &s);
    ref_runs(&runs, &largest, &total);
    CHECK(s.total_bytes == seg_g * G);
    CHECK(s.free_bytes == total * G);
    CHECK(s.used_bytes == (seg_g - total) * G);
    CHECK(s.free_blocks == runs);
    CHECK(s.used_blocks == nlive);
    CHECK(s.largest_free_bytes == largest * G);
    CHECK(s.spare_descriptors == NBLK - 1 - runs - nlive);
    fr = total;
    lf = largest;
    while (fr >= (1u << 22)) {
        fr >>= 1;
        lf >>= 1;
    }
    frag = fr ? 1000u - (uint32_t)((uint64_t)lf * 1000u / fr) : 0u;
    CHECK(s.fragmentation_permille == frag);
    CHECK(frag <= 1000u);
}

static uint32_t pick_size(void)
{
    uint32_t seg = seg_g * G;
    switch (rnd(20)) {
    case 0: case 1: return 1 + rnd(16);         /* tiny */
    case 2: return seg / 2 + rnd(seg);          /* often too big */
    case 3: case 4: return 1 + rnd(seg / 4);    /* large */
    default: return 1 + rnd(seg / 64 + 64);     /* typical */
    }
}

static uint32_t pick_align(void)
{
    uint32_t r = rnd(4);
    if (r < 2)
        return 0;
    return 1u << rnd(13); /* 1 .. 4096 */
}

static void do_alloc(void)
{
    uint32_t size = pick_size(), align = pick_align(), from_end = rnd(5) == 0;
    uint32_t n = (size + G - 1) / G;
    uint32_t a = align > G ? align / G : 1u;
    uint32_t block = 0xDEAD, off = 0xDEAD, i, top;
    vd_ntstatus_t st;

    if (nlive >= MAX_LIVE)
        return;
    top = from_end ? top_run() : 0u;
    st = vd_tlsf_alloc(&t, size, align, from_end ? VD_TLSF_FROM_END : 0u, &block, &off);
    CHECK(st != STATUS_NO_MEMORY); /* 2N+2 descriptors never run out */
    CHECK(st != STATUS_INVALID_PARAMETER);
    if (st == STATUS_SUCCESS) {
        uint32_t og = off / G;
        CHECK(off % G == 0);
        CHECK(align == 0 || off % align == 0);
        CHECK(og + n <= seg_g && og + n > og);
        for (i = 0; i < n; i++)
            CHECK(owner[og + i] == 0); /* no overlap */
        if (from_end && top >= n && ((seg_g - n) & ~(a - 1u)) >= seg_g - top)
            CHECK(og == ((seg_g - n) & ~(a - 1u))); /* free top: highest aligned spot */
        {
            uint32_t bo, bs;
            CHECK(vd_tlsf_block_info(&t, block, &bo, &bs) == 0);
            CHECK(bo == off && bs == n * G);
        }
        live[nlive].block = block;
        live[nlive].off_g = og;
        live[nlive].n_g = n;
        nlive++;
        ref_mark(og, n, (uint16_t)nlive);
    } else {
        uint32_t runs, largest, total;
        CHECK(st == STATUS_GRAPHICS_NO_VIDEO_MEMORY);
        CHECK(block == 0xDEAD && off == 0xDEAD);
        ref_runs(&runs, &largest, &total);
        if (n <= seg_g) {
            /* the rounded search would have found any block of this class or above */
            CHECK(largest < search_class_min(n + a - 1u));
            if (from_end)
                CHECK(!(top >= n && ((seg_g - n) & ~(a - 1u)) >= seg_g - top));
        }
        CHECK(any_hole_holds(n, a) == 0); /* "no space" is true when it is said */
        failures++;
    }
}

static void do_free(void)
{
    uint32_t k = rnd(nlive);
    live_alloc la = live[k];

    CHECK(vd_tlsf_free(&t, la.block, la.off_g * G) == STATUS_SUCCESS);
    ref_mark(la.off_g, la.n_g, 0);
    /* move the last live entry into slot k */
    nlive--;
    if (k != nlive) {
        live[k] = live[nlive];
        ref_mark(live[k].off_g, live[k].n_g, (uint16_t)(k + 1));
    }
}

static void do_bad_free(void)
{
    vd_tlsf_stats s0, s1;
    uint32_t b, o;

    vd_tlsf_get_stats(&t, &s0);
    if (nlive && rnd(2)) {
        live_alloc la = live[rnd(nlive)];
        b = la.block;
        o = la.off_g * G + (rnd(2) ? G * (1 + rnd(la.n_g)) : 1 + rnd(G - 1));
    } else {
        /* a descriptor that is not a live allocation, or out of range */
        b = rnd(NBLK + 10);
        o = rnd(seg_g) * G;
        if (b < NBLK && vd_tlsf_block_info(&t, b, NULL, NULL) == 0)
            return; /* happens to be live: skip */
    }
    CHECK(vd_tlsf_free(&t, b, o) == STATUS_INVALID_PARAMETER);
    vd_tlsf_get_stats(&t, &s1);
    CHECK(memcmp(&s0, &s1, sizeof(s0)) == 0);
}

static void run_sequence(void)
{
    static const uint32_t segs[] = {1024, 4096, 16384, 65536, 65536, 262144};
    uint32_t seg = segs[rnd(sizeof(segs) / sizeof(segs[0]))];
    uint32_t ops = 50 + rnd(400), every, fill_bias = 30 + rnd(60);
    vd_tlsf_stats s;

    seg_g = seg / G;
    every = 4u + seg_g / 1024u; /* full model comparison every few ops */
    memset(owner, 0, seg_g * sizeof(owner[0]));
    nlive = 0;
    CHECK(vd_tlsf_init(&t, blocks, NBLK, seg) == STATUS_SUCCESS);
    for (cur_op = 0; cur_op < ops; cur_op++) {
        uint32_t r = rnd(100);
        if (r < 5)
            do_bad_free();
        else if (nlive == 0 || r < fill_bias)
            do_alloc();
        else
            do_free();
        if (cur_op % every == 0)
            check_stats();
    }
    check_stats();
    while (nlive)
        do_free();
    check_stats();
    vd_tlsf_get_stats(&t, &s);
    CHECK(s.free_blocks == 1 && s.largest_free_bytes == seg && s.used_bytes == 0);
    CHECK(s.spare_descriptors == NBLK - 2);
}

static void test_model(void **state)
{
    const char *e = getenv("VD_SEED");
    const char *n = getenv("VD_TLSF_MODEL_SEQS");
    uint32_t nseq = n ? (uint32_t)strtoul(n, NULL, 0) : 2000u;

    (void)state;
    seed = e ? strtoull(e, NULL, 0) : 0x5644414Cull;
    printf("tlsf model: seed=%llu sequences=%u (set VD_SEED / VD_TLSF_MODEL_SEQS to change)\n",
           seed, nseq);
    rng_state = seed;
    for (cur_seq = 0; cur_seq < nseq; cur_seq++)
        run_sequence();
    printf("tlsf model: %u failed allocations, each checked: no free hole held the request\n",
           failures);
    CHECK(failures > 0); /* the trace reaches full segments */
}

/* A long-lived heap at the target's scale: 1,000 live allocations, steady churn. */
static void test_steady_state_1000(void **state)
{
    static vd_tlsf_block big[2 * 1000 + 2];
    static uint32_t bl[1000], of[1000];
    vd_tlsf tt;
    uint32_t i, k;

    (void)state;
    rng_state = seed ^ 0xABCDEFull;
    CHECK(vd_tlsf_init(&tt, big, 2 * 1000 + 2, 1u << 20) == STATUS_SUCCESS);
    for (i = 0; i < 1000; i++)
        CHECK(vd_tlsf_alloc(&tt, 16 + rnd(900), rnd(2) ? 0 : 64, rnd(8) == 0, &bl[i], &of[i]) ==
              STATUS_SUCCESS);
    for (k = 0; k < 200000; k++) {
        i = rnd(1000);
        CHECK(vd_tlsf_free(&tt, bl[i], of[i]) == STATUS_SUCCESS);
        CHECK(vd_tlsf_alloc(&tt, 16 + rnd(900), rnd(2) ? 0 : 64, rnd(8) == 0, &bl[i], &of[i]) ==
              STATUS_SUCCESS);
    }
    CHECK(vd_tlsf_check(&tt) == 0);
    for (i = 0; i < 1000; i++)
        CHECK(vd_tlsf_free(&tt, bl[i], of[i]) == STATUS_SUCCESS);
    CHECK(vd_tlsf_check(&tt) == 0);
}

/*
 * The case the two-head fallback missed: two free holes of 20 granules (one class), where
 * only the one behind its list's head can hold an 8-granule request aligned to 32 granules.
 * Layout (granules): X [0,4) H1 [4,24) U [24,30) H2 [30,50) V [50,256); H2 freed, then H1,
 * which heads the list. H1 holds no multiple of 32 with 8 granules after it, H2 holds 32.
 * The search starts above class_of(8 + 31 - 1), and the old fallback looked only at the
 * heads of class_of(39) and class_of(8): both empty.
 */
static void test_aligned_hole_behind_head(void **state)
{
    static vd_tlsf_block bl[16];
    static const uint32_t sizes[5] = {4, 20, 6, 20, 206};
    vd_tlsf tt;
    uint32_t b[5], o[5], blk = 0xDEAD, off = 0xDEAD, i;

    (void)state;
    CHECK(vd_tlsf_init(&tt, bl, 16, 256 * G) == STATUS_SUCCESS);
    for (i = 0; i < 5; i++)
        CHECK(vd_tlsf_alloc(&tt, sizes[i] * G, 0, 0, &b[i], &o[i]) == STATUS_SUCCESS);
    CHECK(o[1] == 4 * G && o[3] == 30 * G && o[4] == 50 * G);
    CHECK(vd_tlsf_free(&tt, b[3], o[3]) == STATUS_SUCCESS);
    CHECK(vd_tlsf_free(&tt, b[1], o[1]) == STATUS_SUCCESS);
    /* Aligned to 64 granules: no hole holds it (nothing changes), from either end. */
    CHECK(vd_tlsf_alloc(&tt, 8 * G, 64 * G, 0, &blk, &off) == STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    CHECK(vd_tlsf_alloc(&tt, 8 * G, 64 * G, VD_TLSF_FROM_END, &blk, &off) ==
          STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    CHECK(blk == 0xDEAD && off == 0xDEAD && vd_tlsf_check(&tt) == 0);
    /* Aligned to 32 granules: H2, behind the head. */
    CHECK(vd_tlsf_alloc(&tt, 8 * G, 32 * G, 0, &blk, &off) == STATUS_SUCCESS);
    CHECK(off == 32 * G);
    CHECK(vd_tlsf_check(&tt) == 0);
    CHECK(vd_tlsf_free(&tt, blk, off) == STATUS_SUCCESS);
    /* From the end: the highest multiple of 32 in H2 with room, 32 again (42 > 50 - 8). */
    CHECK(vd_tlsf_alloc(&tt, 8 * G, 32 * G, VD_TLSF_FROM_END, &blk, &off) == STATUS_SUCCESS);
    CHECK(off == 32 * G);
    CHECK(vd_tlsf_check(&tt) == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model),
        cmocka_unit_test(test_steady_state_1000),
        cmocka_unit_test(test_aligned_hole_behind_head),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
