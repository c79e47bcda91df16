/* test_kernel_vidmm.c - video memory manager: placement, residency, statistics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vd_vidmm.h"

#define VRAM 65536u

static DXGK_SEGMENTDESCRIPTOR seg;
/* The kernel's records (VidMm places the record it is handed). */
static vd_vidmm_alloc rec[8];

static int setup(void **state)
{
    (void)state;
    memset(&seg, 0, sizeof(seg));
    seg.BaseAddress.QuadPart = 0;
    seg.CpuTranslatedAddress.QuadPart = 0x10000000;
    seg.Size = VRAM;
    seg.CommitLimit = VRAM;
    seg.Flags.Value = DXGK_SEGMENTFLAG_CPUVISIBLE;
    memset(rec, 0, sizeof(rec));
    assert_int_equal(vd_vidmm_init(&seg), STATUS_SUCCESS);
    return 0;
}

static DXGK_ALLOCATIONINFO vram_info(uint32_t size, uint32_t align)
{
    DXGK_ALLOCATIONINFO ai;
    memset(&ai, 0, sizeof(ai));
    ai.Size = size;
    ai.Alignment = align;
    ai.SupportedReadSegmentSet = VD_SEGMENT_SET_VRAM;
    ai.SupportedWriteSegmentSet = VD_SEGMENT_SET_VRAM;
    ai.PreferredSegment.SegmentId0 = VD_SEGMENT_ID_VRAM;
    return ai;
}

static void test_init(void **state)
{
    DXGK_SEGMENTDESCRIPTOR bad = seg;
    vd_vidmm_stats s;

    (void)state;
    assert_int_equal(vd_vidmm_segment()->Size, VRAM);
    assert_int_equal(vd_vidmm_segment()->CpuTranslatedAddress.QuadPart, 0x10000000);
    vd_vidmm_get_stats(&s);
    assert_int_equal(s.vram.total_bytes, VRAM);
    assert_int_equal(s.vram.free_bytes, VRAM);
    assert_int_equal(s.vram_allocations, 0);
    assert_int_equal(vd_vidmm_init(NULL), STATUS_INVALID_PARAMETER);
    bad.Size = 0;
    assert_int_equal(vd_vidmm_init(&bad), STATUS_INVALID_PARAMETER);
    bad.Size = 1000; /* not a multiple of 16 */
    assert_int_equal(vd_vidmm_init(&bad), STATUS_INVALID_PARAMETER);
}

static void test_vram_placement(void **state)
{
    DXGK_ALLOCATIONINFO a = vram_info(1000, 64), b = vram_info(512, 256);
    const vd_vidmm_alloc *r;
    vd_vidmm_stats s;

    (void)state;
    assert_int_equal(vd_vidmm_place(&rec[3], &a), STATUS_SUCCESS);
    r = &rec[3];
    assert_int_not_equal(r->residency, VD_RESIDENCY_NONE);
    assert_int_equal(r->residency, VD_RESIDENCY_VRAM);
    assert_int_equal(r->segment, VD_SEGMENT_ID_VRAM);
    assert_int_equal(r->size, 1000);
    assert_int_equal(r->align_log2, 6);
    assert_int_equal(r->backing, VD_VIDMM_BACKING_NONE);
    assert_int_equal(vd_vidmm_offset(&rec[3]), 0);
    /* FromEndOfSegment flag -> top of the segment */
    b.Flags.FromEndOfSegment = 1;
    assert_int_equal(vd_vidmm_place(&rec[4], &b), STATUS_SUCCESS);
    assert_int_equal(vd_vidmm_offset(&rec[4]), VRAM - 512);
    assert_int_equal(rec[4].placement & VD_VIDMM_PLACE_FROM_END, VD_VIDMM_PLACE_FROM_END);
    vd_vidmm_get_stats(&s);
    assert_int_equal(s.vram_allocations, 2);
    assert_int_equal(s.vram.used_bytes, 1008 + 512);
    /* the same id twice */
    assert_int_equal(vd_vidmm_place(&rec[3], &a), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_vidmm_release(&rec[3]), STATUS_SUCCESS);
    assert_int_equal(rec[3].residency, VD_RESIDENCY_NONE);
    assert_int_equal(vd_vidmm_offset(&rec[3]), 0xFFFFFFFFu);
    assert_int_equal(vd_vidmm_release(&rec[3]), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_vidmm_release(&rec[4]), STATUS_SUCCESS);
    vd_vidmm_get_stats(&s);
    assert_int_equal(s.vram.free_bytes, VRAM);
    assert_int_equal(s.vram.free_blocks, 1);
    assert_int_equal(vd_tlsf_check(vd_vidmm_tlsf()), 0);
}

static void test_direction0(void **state)
{
    DXGK_ALLOCATIONINFO a = vram_info(100, 16);

    (void)state;
    a.PreferredSegment.Direction0 = 1; /* without the flag */
    assert_int_equal(vd_vidmm_place(&rec[0], &a), STATUS_SUCCESS);
    assert_int_equal(vd_vidmm_offset(&rec[0]), VRAM - 112);
}

static void test_sysmem(void **state)
{
    DXGK_ALLOCATIONINFO a = vram_info(4096, 16);
    vd_vidmm_stats s;
    const vd_vidmm_alloc *r;

    (void)state;
    a.SupportedReadSegmentSet = a.SupportedWriteSegmentSet = 0;
    a.Flags.ExistingSysMem = 1;
    a.Flags.CpuVisible = 1;
    a.VdSystemMem = 0x7FFF12345000ull;
    assert_int_equal(vd_vidmm_place(&rec[1], &a), STATUS_SUCCESS);
    r = &rec[1];
    assert_int_equal(r->residency, VD_RESIDENCY_SYSMEM);
    assert_int_equal(r->segment, 0);
    assert_int_equal(r->backing, VD_VIDMM_BACKING_RUNTIME);
    assert_int_equal(vd_vidmm_offset(&rec[1]), 0xFFFFFFFFu);
    vd_vidmm_get_stats(&s);
    assert_int_equal(s.vram.used_bytes, 0); /* no VRAM used */
    assert_int_equal(s.sysmem_allocations, 1);
    assert_int_equal(s.sysmem_bytes, 4096);
    assert_int_equal(vd_vidmm_release(&rec[1]), STATUS_SUCCESS);
    vd_vidmm_get_stats(&s);
    assert_int_equal(s.sysmem_allocations, 0);
    assert_int_equal(s.sysmem_bytes, 0);
    /* ExistingSysMem without a system address, or an address without the flag */
    a.VdSystemMem = 0;
    assert_int_equal(vd_vidmm_place(&rec[1], &a), STATUS_INVALID_PARAMETER);
    a = vram_info(64, 16);
    a.VdSystemMem = 0x1000;
    assert_int_equal(vd_vidmm_place(&rec[1], &a), STATUS_INVALID_PARAMETER);
}

static void test_rejects(void **state)
{
    DXGK_ALLOCATIONINFO a = vram_info(64, 16);

    (void)state;
    assert_int_equal(vd_vidmm_place(NULL, &a), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_vidmm_place(&rec[0], NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_vidmm_release(NULL), STATUS_INVALID_PARAMETER);
    assert_int_equal(vd_vidmm_offset(NULL), 0xFFFFFFFFu);
    a.SupportedWriteSegmentSet = 0; /* no segment can hold it */
    assert_int_equal(vd_vidmm_place(&rec[0], &a), STATUS_INVALID_PARAMETER);
    a = vram_info(64, 24); /* alignment not a power of two */
    assert_int_equal(vd_vidmm_place(&rec[0], &a), STATUS_INVALID_PARAMETER);
    a = vram_info(0, 16);
    assert_int_equal(vd_vidmm_place(&rec[0], &a), STATUS_INVALID_PARAMETER);
    a = vram_info(VRAM + 16, 16);
    assert_int_equal(vd_vidmm_place(&rec[0], &a), STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    assert_int_equal(rec[0].residency, VD_RESIDENCY_NONE);
}

static void test_out_of_vram(void **state)
{
    DXGK_ALLOCATIONINFO a = vram_info(VRAM / 4, 16);
    uint32_t i;
    vd_vidmm_stats s0, s1;

    (void)state;
    for (i = 0; i < 4; i++)
        assert_int_equal(vd_vidmm_place(&rec[i], &a), STATUS_SUCCESS);
    vd_vidmm_get_stats(&s0);
    a.Size = 16;
    assert_int_equal(vd_vidmm_place(&rec[4], &a), STATUS_GRAPHICS_NO_VIDEO_MEMORY);
    assert_int_equal(rec[4].residency, VD_RESIDENCY_NONE);
    vd_vidmm_get_stats(&s1);
    assert_memory_equal(&s0, &s1, sizeof(s0));
    assert_int_equal(vd_vidmm_release(&rec[2]), STATUS_SUCCESS);
    assert_int_equal(vd_vidmm_place(&rec[4], &a), STATUS_SUCCESS);
    assert_int_equal(vd_vidmm_offset(&rec[4]), 2 * (VRAM / 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init, setup),
        cmocka_unit_test_setup(test_vram_placement, setup),
        cmocka_unit_test_setup(test_direction0, setup),
        cmocka_unit_test_setup(test_sysmem, setup),
        cmocka_unit_test_setup(test_rejects, setup),
        cmocka_unit_test_setup(test_out_of_vram, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
