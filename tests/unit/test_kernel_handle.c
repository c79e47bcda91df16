/* test_kernel_handle.c - D3DKMT_HANDLE tables: format, exhaustion, staleness, wrap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vd_handle.h"

#define CAP 4
static uint16_t slot[CAP], nxt[CAP];
static vd_handle_table t;

static int setup(void **state)
{
    (void)state;
    vd_handle_init(&t, VD_HANDLE_TYPE_ALLOCATION, slot, nxt, CAP);
    return 0;
}

static void test_format_and_exhaustion(void **state)
{
    uint32_t h[CAP], idx = 0, extra = 0xDEADBEEFu;
    int i, j;

    (void)state;
    for (i = 0; i < CAP; i++) {
        assert_int_equal(vd_handle_alloc(&t, &h[i], &idx), STATUS_SUCCESS);
        assert_int_not_equal(h[i], 0);
        assert_int_equal(VD_HANDLE_TYPE_OF(h[i]), VD_HANDLE_TYPE_ALLOCATION);
        assert_int_equal(VD_HANDLE_INDEX_OF(h[i]), idx);
        assert_int_equal(vd_handle_lookup(&t, h[i]), (int32_t)idx);
        assert_int_equal(vd_handle_of_index(&t, idx), h[i]);
        for (j = 0; j < i; j++)
            assert_int_not_equal(h[i], h[j]);
    }
    assert_int_equal(vd_handle_live(&t), CAP);
    assert_int_equal(vd_handle_alloc(&t, &extra, &idx), STATUS_NO_MEMORY);
    assert_int_equal(extra, 0xDEADBEEFu); /* untouched */
    assert_int_equal(vd_handle_live(&t), CAP);
}

static void test_bad_handles(void **state)
{
    uint32_t h = 0, idx = 0, forged;

    (void)state;
    assert_int_equal(vd_handle_alloc(&t, &h, &idx), STATUS_SUCCESS);
    assert_int_equal(vd_handle_lookup(&t, 0), -1);
    assert_int_equal(vd_handle_lookup(&t, 0xFFFFFFFFu), -1);
    /* same index and generation, resource type tag: rejected by an allocation table */
    forged = (h & ~(3u << VD_HANDLE_TYPE_SHIFT)) | (VD_HANDLE_TYPE_RESOURCE << VD_HANDLE_TYPE_SHIFT);
    assert_int_equal(vd_handle_lookup(&t, forged), -1);
    assert_int_equal(vd_handle_free(&t, forged), STATUS_INVALID_PARAMETER);
    /* index out of range */
    assert_int_equal(vd_handle_lookup(&t, (h & ~VD_HANDLE_INDEX_MASK) | CAP), -1);
    /* wrong generation */
    assert_int_equal(vd_handle_lookup(&t, h + (1u << VD_HANDLE_GEN_SHIFT)), -1);
    /* a free slot */
    assert_int_equal(vd_handle_lookup(&t, (h & ~VD_HANDLE_INDEX_MASK) | 1u), -1);
    assert_int_equal(vd_handle_of_index(&t, 1), 0);
    assert_int_equal(vd_handle_of_index(&t, CAP + 5), 0);
}

static void test_stale_after_free(void **state)
{
    uint32_t h = 0, h2 = 0, idx = 0, i;

    (void)state;
    assert_int_equal(vd_handle_alloc(&t, &h, &idx), STATUS_SUCCESS);
    assert_int_equal(vd_handle_free(&t, h), STATUS_SUCCESS);
    assert_int_equal(vd_handle_live(&t), 0);
    assert_int_equal(vd_handle_lookup(&t, h), -1);
    assert_int_equal(vd_handle_free(&t, h), STATUS_INVALID_PARAMETER); /* double free */
    /* FIFO reuse: the freed slot comes back last; every new handle differs from h */
    for (i = 0; i < CAP; i++) {
        assert_int_equal(vd_handle_alloc(&t, &h2, &idx), STATUS_SUCCESS);
        assert_int_not_equal(h2, h);
    }
    assert_int_equal(idx, VD_HANDLE_INDEX_OF(h)); /* the slot of h, reused last */
    assert_int_equal(vd_handle_lookup(&t, h), -1);
    assert_int_equal(vd_handle_lookup(&t, h2), (int32_t)idx);
}

static void test_generation_wrap(void **state)
{
    uint16_t s1[1], n1[1];
    vd_handle_table one;
    uint32_t first = 0, prev, h = 0, idx = 0, i;

    (void)state;
    vd_handle_init(&one, VD_HANDLE_TYPE_RESOURCE, s1, n1, 1);
    assert_int_equal(vd_handle_alloc(&one, &first, &idx), STATUS_SUCCESS);
    assert_int_equal(vd_handle_free(&one, first), STATUS_SUCCESS);
    prev = first;
    for (i = 1; i < (1u << VD_HANDLE_GEN_BITS); i++) {
        assert_int_equal(vd_handle_alloc(&one, &h, &idx), STATUS_SUCCESS);
        assert_int_not_equal(h, 0);
        assert_int_equal(VD_HANDLE_TYPE_OF(h), VD_HANDLE_TYPE_RESOURCE);
        assert_int_equal(VD_HANDLE_GEN_OF(h), i);
        assert_int_equal(vd_handle_lookup(&one, prev), -1); /* the previous one is stale */
        assert_int_equal(vd_handle_lookup(&one, first), -1);
        assert_int_equal(vd_handle_free(&one, h), STATUS_SUCCESS);
        prev = h;
    }
    /* 2^14 frees of the slot: the generation wraps to 0 and the first value returns */
    assert_int_equal(vd_handle_alloc(&one, &h, &idx), STATUS_SUCCESS);
    assert_int_equal(VD_HANDLE_GEN_OF(h), 0);
    assert_int_equal(h, first);
    assert_int_not_equal(h, 0);
    assert_int_equal(vd_handle_lookup(&one, prev), -1);
}

static void test_empty_table(void **state)
{
    vd_handle_table none;
    uint32_t h = 0, idx = 0;

    (void)state;
    vd_handle_init(&none, VD_HANDLE_TYPE_DEVICE, NULL, NULL, 0);
    assert_int_equal(vd_handle_alloc(&none, &h, &idx), STATUS_NO_MEMORY);
    assert_int_equal(vd_handle_lookup(&none, 0xC0000000u), -1);
}

static void test_device_tag(void **state)
{
    uint16_t s1[2], n1[2];
    vd_handle_table d;
    uint32_t h = 0, idx = 0;

    (void)state;
    vd_handle_init(&d, VD_HANDLE_TYPE_DEVICE, s1, n1, 2);
    assert_int_equal(vd_handle_alloc(&d, &h, &idx), STATUS_SUCCESS);
    assert_int_equal(VD_HANDLE_TYPE_OF(h), VD_HANDLE_TYPE_DEVICE);
    assert_int_equal(vd_handle_lookup(&t, h), -1); /* not an allocation handle */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_format_and_exhaustion, setup),
        cmocka_unit_test_setup(test_bad_handles, setup),
        cmocka_unit_test_setup(test_stale_after_free, setup),
        cmocka_unit_test(test_generation_wrap),
        cmocka_unit_test(test_empty_table),
        cmocka_unit_test_setup(test_device_tag, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
