/* test_kernel_tlsf.c - TLSF segment allocator: placement, alignment, coalescing, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vd_tlsf.h"

#define SEG  65536u
#define NBLK 64u

static vd_tlsf t;
static vd_tlsf_block blocks[NBLK];

static int setup(void **state)
{
    (void)state;
    assert_int_equal(vd_tlsf_init(&t, blocks, NBLK, SEG), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_check(&t), 0);
    return 0;
}

static uint32_t ref_fls(uint32_t x)
{
    uint32_t r = 0;
    while (x >>= 1)
        r++;
    return r;
}

static void test_bit_search(void **state)
{
    uint32_t i, x = 0x12345678u;

    (void)state;
    for (i = 0; i < 32; i++) {
        assert_int_equal(vd_fls32(1u << i), i);
        assert_int_equal(vd_ffs32(1u << i), i);
        assert_int_equal(vd_fls32((1u << i) | 1u), i);
        assert_int_equal(vd_ffs32(0x80000000u | (1u << i)), i);
    }
    for (i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        assert_int_equal(vd_fls32(x | 1u), ref_fls(x | 1u));
        assert_int_equal(vd_ffs32(x | 0x80000000u), ref_fls((x | 0x80000000u) & (0u - (x | 0x80000000u))));
    }
}

static void test_init_errors(void **state)
{
    vd_tlsf x;

    (void)state;
    assert_int_equal(vd_tlsf_init(&x, blocks, NBLK, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_tlsf_init(&x, blocks, NBLK, 1000), STATUS_INVALID_PARAMETER); /* not x16 */
    assert_int_equal(vd_tlsf_init(&x, blocks, 0, SEG), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_tlsf_init(&x, blocks, 1, SEG), STATUS_INVALID_PARAMETER); /* sentinel only */
    assert_int_equal(vd_tlsf_init(&x, NULL, NBLK, SEG), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_tlsf_init(&x, blocks, NBLK, VD_TLSF_MAX_SEGMENT + 16u), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_tlsf_init(&x, blocks, NBLK, VD_TLSF_MAX_SEGMENT), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_check(&x), 0);
}

static void test_sequential_and_rounding(void **state)
{
    uint32_t b[4], off[4];
    vd_tlsf_stats s;

    (void)state;
    assert_int_equal(vd_tlsf_alloc(&t, 1, 0, 0, &b[0], &off[0]), STATUS_SUCCESS);
    assert_int_equal(off[0], 0);
    assert_int_equal(vd_tlsf_alloc(&t, 17, 0, 0, &b[1], &off[1]), STATUS_SUCCESS);
    assert_int_equal(off[1], 16); /* 1 byte took one 16-byte granule */
    assert_int_equal(vd_tlsf_alloc(&t, 32, 16, 0, &b[2], &off[2]), STATUS_SUCCESS);
    assert_int_equal(off[2], 48); /* 17 bytes took two granules */
    vd_tlsf_get_stats(&t, &s);
    assert_int_equal(s.used_bytes, 16 + 32 + 32);
    assert_int_equal(s.free_bytes, SEG - 80);
    assert_int_equal(s.used_blocks, 3);
    assert_int_equal(s.free_blocks, 1);
    assert_int_equal(s.largest_free_bytes, SEG - 80);
    assert_int_equal(s.fragmentation_permille, 0);
    assert_int_equal(vd_tlsf_check(&t), 0);
}

static void test_alignment(void **state)
{
    uint32_t b0, o0, b1, o1, b2, o2, st;
    uint32_t off, size;

    (void)state;
    assert_int_equal(vd_tlsf_alloc(&t, 16, 0, 0, &b0, &o0), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&t, 100, 256, 0, &b1, &o1), STATUS_SUCCESS);
    assert_int_equal(o1, 256);
    /* the padding [16,256) is a free block of its own */
    st = (uint32_t)vd_tlsf_block_info(&t, b0, &off, &size);
    assert_int_equal(st, 0);
    assert_int_equal(size, 16);
    assert_int_equal(vd_tlsf_alloc(&t, 200, 0, 0, &b2, &o2), STATUS_SUCCESS);
    assert_int_equal(o2, 16); /* fills the padding hole (good fit) */
    assert_int_equal(vd_tlsf_alloc(&t, 16, 4096, 0, &b2, &o2), STATUS_SUCCESS);
    assert_int_equal(o2 % 4096, 0);
    assert_int_equal(vd_tlsf_check(&t), 0);
    /* bad alignments */
    assert_int_equal(vd_tlsf_alloc(&t, 16, 3, 0, &b2, &o2), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_tlsf_alloc(&t, 16, 48, 0, &b2, &o2), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_tlsf_alloc(&t, 16, 0x80000000u, 0, &b2, &o2),
                     VD_TLSF_MAX_SEGMENT < 0x80000000u ? STATUS_INVALID_PARAMETER : STATUS_SUCCESS);
}

static void test_from_end(void **state)
{
    uint32_t b0, o0, b1, o1, b2, o2;
    vd_tlsf_stats s;

    (void)state;
    assert_int_equal(vd_tlsf_alloc(&t, 1000, 0, VD_TLSF_FROM_END, &b0, &o0), STATUS_SUCCESS);
    assert_int_equal(o0, SEG - 1008);
    assert_int_equal(vd_tlsf_alloc(&t, 1000, 256, VD_TLSF_FROM_END, &b1, &o1), STATUS_SUCCESS);
    assert_int_equal(o1, (SEG - 1008 - 1008) & ~255u); /* highest aligned spot */
    assert_int_equal(vd_tlsf_alloc(&t, 64, 0, 0, &b2, &o2), STATUS_SUCCESS);
    assert_int_equal(o2, 0); /* bottom-up allocations stay at the bottom */
    assert_int_equal(vd_tlsf_check(&t), 0);
    /* freeing the top block and allocating from the end lands at the top again */
    assert_int_equal(vd_tlsf_free(&t, b0, o0), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&t, 500, 0, VD_TLSF_FROM_END, &b0, &o0), STATUS_SUCCESS);
    assert_int_equal(o0, SEG - 512);
    vd_tlsf_get_stats(&t, &s);
    assert_int_equal(s.used_blocks, 3);
    assert_int_equal(vd_tlsf_check(&t), 0);
}

static void test_from_end_not_top(void **state)
{
    uint32_t btop, otop, b, o, bh, oh;

    (void)state;
    /* occupy the top, leave a hole in the middle: FromEnd carves from the hole's top */
    assert_int_equal(vd_tlsf_alloc(&t, SEG - 4096, 0, 0, &bh, &oh), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&t, 4096, 0, 0, &btop, &otop), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_free(&t, bh, oh), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&t, 1024, 0, VD_TLSF_FROM_END, &b, &o), STATUS_SUCCESS);
    assert_int_equal(o, SEG - 4096 - 1024);
    assert_int_equal(vd_tlsf_check(&t), 0);
}

static void test_bad_free(void **state)
{
    uint32_t b, o, b2, o2;
    vd_tlsf_stats s0, s1;

    (void)state;
    assert_int_equal(vd_tlsf_alloc(&t, 100, 0, 0, &b, &o), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&t, 100, 0, 0, &b2, &o2), STATUS_SUCCESS);
    vd_tlsf_get_stats(&t, &s0);
    assert_int_equal(vd_tlsf_free(&t, b, o + 16), STATUS_INVALID_PARAMETER);  /* inside */
    assert_int_equal(vd_tlsf_free(&t, b, o + 1), STATUS_INVALID_PARAMETER);   /* unaligned */
    assert_int_equal(vd_tlsf_free(&t, b, o2), STATUS_INVALID_PARAMETER);      /* other block's */
    assert_int_equal(vd_tlsf_free(&t, NBLK, 0), STATUS_INVALID_PARAMETER);    /* bad id */
    assert_int_equal(vd_tlsf_free(&t, 0, 0), STATUS_INVALID_PARAMETER);       /* sentinel */
    assert_int_equal(vd_tlsf_free(&t, 0xFFFFu, 0), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_tlsf_free(&t, NBLK - 1, 0), STATUS_INVALID_PARAMETER); /* spare */
    {
        /* the free remainder's descriptor */
        uint32_t i, freeid = NBLK;
        for (i = 0; i < NBLK; i++)
            if (vd_tlsf_block_info(&t, i, NULL, NULL) == 1)
                freeid = i;
        assert_true(freeid < NBLK);
        assert_int_equal(vd_tlsf_free(&t, freeid, 224), STATUS_INVALID_PARAMETER);
    }
    vd_tlsf_get_stats(&t, &s1);
    assert_memory_equal(&s0, &s1, sizeof(s0));
    assert_int_equal(vd_tlsf_check(&t), 0);
    assert_int_equal(vd_tlsf_free(&t, b, o), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_free(&t, b, o), STATUS_INVALID_PARAMETER); /* double free */
    assert_int_equal(vd_tlsf_check(&t), 0);
}

static void test_coalescing(void **state)
{
    uint32_t b[5], o[5], i;
    vd_tlsf_stats s;

    (void)state;
    for (i = 0; i < 5; i++)
        assert_int_equal(vd_tlsf_alloc(&t, 256, 0, 0, &b[i], &o[i]), STATUS_SUCCESS);
    /* free 1 and 3: two holes */
    assert_int_equal(vd_tlsf_free(&t, b[1], o[1]), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_free(&t, b[3], o[3]), STATUS_SUCCESS);
    vd_tlsf_get_stats(&t, &s);
    assert_int_equal(s.free_blocks, 3);
    /* free 2: merges with both neighbours */
    assert_int_equal(vd_tlsf_free(&t, b[2], o[2]), STATUS_SUCCESS);
    vd_tlsf_get_stats(&t, &s);
    assert_int_equal(s.free_blocks, 2);
    assert_int_equal(vd_tlsf_check(&t), 0);
    /* free 4: merges with the hole and the tail */
    assert_int_equal(vd_tlsf_free(&t, b[4], o[4]), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_free(&t, b[0], o[0]), STATUS_SUCCESS);
    vd_tlsf_get_stats(&t, &s);
    assert_int_equal(s.free_blocks, 1);
    assert_int_equal(s.used_blocks, 0);
    assert_int_equal(s.largest_free_bytes, SEG);
    assert_int_equal(s.spare_descriptors, NBLK - 2); /* all but the sentinel and the block */
    assert_int_equal(vd_tlsf_check(&t), 0);
}

static void test_exhaustion(void **state)
{
    uint32_t b, o, b2, o2, i;
    vd_tlsf_stats s0, s1;

    (void)state;
    assert_int_equal(vd_tlsf_alloc(&t, 0, 0, 0, &b, &o), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_tlsf_alloc(&t, SEG + 1, 0, 0, &b, &o), STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    assert_int_equal(vd_tlsf_alloc(&t, 0xFFFFFFFFu, 0, 0, &b, &o), STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    /* the whole segment in one block */
    assert_int_equal(vd_tlsf_alloc(&t, SEG, 0, 0, &b, &o), STATUS_SUCCESS);
    assert_int_equal(o, 0);
    vd_tlsf_get_stats(&t, &s0);
    assert_int_equal(s0.free_bytes, 0);
    assert_int_equal(s0.fragmentation_permille, 0);
    assert_int_equal(vd_tlsf_alloc(&t, 16, 0, 0, &b2, &o2), STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    assert_int_equal(vd_tlsf_alloc(&t, 16, 0, VD_TLSF_FROM_END, &b2, &o2), STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    vd_tlsf_get_stats(&t, &s1);
    assert_memory_equal(&s0, &s1, sizeof(s0));
    assert_int_equal(vd_tlsf_free(&t, b, o), STATUS_SUCCESS);
    /* fill with 4 KiB blocks exactly */
    for (i = 0; i < SEG / 4096; i++)
        assert_int_equal(vd_tlsf_alloc(&t, 4096, 4096, 0, &b, &o), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&t, 1, 0, 0, &b, &o), STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    assert_int_equal(vd_tlsf_check(&t), 0);
}

static void test_descriptor_exhaustion(void **state)
{
    vd_tlsf x;
    vd_tlsf_block few[3]; /* the sentinel, one block, one spare */
    uint32_t b, o;
    vd_tlsf_stats s0, s1;

    (void)state;
    assert_int_equal(vd_tlsf_init(&x, few, 3, 4096), STATUS_SUCCESS);
    vd_tlsf_get_stats(&x, &s0);
    /* one spare descriptor: a split with one fragment works */
    assert_int_equal(vd_tlsf_alloc(&x, 1024, 1024, VD_TLSF_FROM_END, &b, &o), STATUS_SUCCESS);
    assert_int_equal(o, 3072); /* top of the segment: lead fragment only */
    assert_int_equal(vd_tlsf_check(&x), 0);
    assert_int_equal(vd_tlsf_free(&x, b, o), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&x, 16, 1024, 0, &b, &o), STATUS_SUCCESS); /* at 0: trail only */
    assert_int_equal(o, 0);
    assert_int_equal(vd_tlsf_free(&x, b, o), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&x, 64, 0, 0, &b, &o), STATUS_SUCCESS);
    /* no spare left; [64, 4096) is free: a 1024-aligned block needs a lead and a trail */
    {
        uint32_t b2, o2;
        vd_tlsf_get_stats(&x, &s0);
        assert_int_equal(vd_tlsf_alloc(&x, 16, 1024, 0, &b2, &o2), STATUS_NO_MEMORY);
        vd_tlsf_get_stats(&x, &s1);
        assert_memory_equal(&s0, &s1, sizeof(s0));
    }
    assert_int_equal(vd_tlsf_check(&x), 0);
}

static void test_exact_class_fallback(void **state)
{
    uint32_t a, oa, b, ob, c, oc, d, od;

    (void)state;
    /* a 33-granule hole between two used blocks, the rest used: a 33-granule request
     * rounds up to the next class (34..35), which is empty; the hole's own class head fits */
    assert_int_equal(vd_tlsf_alloc(&t, 16, 0, 0, &a, &oa), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&t, 33 * 16, 0, 0, &b, &ob), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&t, SEG - 34 * 16, 0, 0, &c, &oc), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_free(&t, b, ob), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&t, 33 * 16, 0, 0, &d, &od), STATUS_SUCCESS);
    assert_int_equal(od, 16);
    assert_int_equal(vd_tlsf_free(&t, d, od), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_alloc(&t, 33 * 16, 0, VD_TLSF_FROM_END, &d, &od), STATUS_SUCCESS);
    assert_int_equal(od, 16);
    assert_int_equal(vd_tlsf_check(&t), 0);
}

static void test_fragmentation_stat(void **state)
{
    vd_tlsf x;
    vd_tlsf_block bl[16];
    uint32_t b[4], o[4], i;
    vd_tlsf_stats s;

    (void)state;
    assert_int_equal(vd_tlsf_init(&x, bl, 16, 1024), STATUS_SUCCESS);
    for (i = 0; i < 4; i++)
        assert_int_equal(vd_tlsf_alloc(&x, 256, 0, 0, &b[i], &o[i]), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_free(&x, b[0], o[0]), STATUS_SUCCESS);
    assert_int_equal(vd_tlsf_free(&x, b[2], o[2]), STATUS_SUCCESS);
    vd_tlsf_get_stats(&x, &s);
    assert_int_equal(s.total_bytes, 1024);
    assert_int_equal(s.used_bytes, 512);
    assert_int_equal(s.free_bytes, 512);
    assert_int_equal(s.largest_free_bytes, 256);
    assert_int_equal(s.fragmentation_permille, 500);
    assert_int_equal(s.free_blocks, 2);
    assert_int_equal(s.used_blocks, 2);
    assert_int_equal(s.spare_descriptors, 11); /* 16 - sentinel - 4 blocks */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bit_search),
        cmocka_unit_test(test_init_errors),
        cmocka_unit_test_setup(test_sequential_and_rounding, setup),
        cmocka_unit_test_setup(test_alignment, setup),
        cmocka_unit_test_setup(test_from_end, setup),
        cmocka_unit_test_setup(test_from_end_not_top, setup),
        cmocka_unit_test_setup(test_bad_free, setup),
        cmocka_unit_test_setup(test_coalescing, setup),
        cmocka_unit_test_setup(test_exhaustion, setup),
        cmocka_unit_test(test_descriptor_exhaustion),
        cmocka_unit_test_setup(test_exact_class_fallback, setup),
        cmocka_unit_test(test_fragmentation_stat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
