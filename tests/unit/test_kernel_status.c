/* test_kernel_status.c - NTSTATUS/HRESULT values and the kernel -> runtime mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "vidalloc/vd_status.h"
#include "vidalloc/vd_surface.h"

static void test_exact_values(void **state)
{
    (void)state;
    assert_int_equal((uint32_t)STATUS_SUCCESS, 0x00000000u);
    assert_int_equal((uint32_t)STATUS_INVALID_PARAMETER, 0xC000000Du);
    assert_int_equal((uint32_t)STATUS_NO_MEMORY, 0xC0000017u);
    assert_int_equal((uint32_t)STATUS_GRAPHICS_DRIVER_MISMATCH, 0xC01E0009u);
    assert_int_equal((uint32_t)STATUS_GRAPHICS_NO_VIDEO_MEMORY, 0xC01E0100u);
    assert_int_equal((uint32_t)STATUS_DEVICE_REMOVED, 0xC00002B6u);
    assert_int_equal((uint32_t)S_OK, 0x00000000u);
    assert_int_equal((uint32_t)E_INVALIDARG, 0x80070057u);
    assert_int_equal((uint32_t)E_OUTOFMEMORY, 0x8007000Eu);
    assert_int_equal((uint32_t)E_FAIL, 0x80004005u);
    assert_int_equal((uint32_t)D3DERR_OUTOFVIDEOMEMORY, 0x8876017Cu);
    assert_int_equal((uint32_t)D3DDDIERR_DEVICEREMOVED, 0x88760870u);
    assert_int_equal((uint32_t)D3DERR_WASSTILLDRAWING, 0x8876021Cu);
    assert_int_equal((uint32_t)D3DERR_NOTAVAILABLE, 0x8876086Au);
    assert_int_equal((uint32_t)D3DDDIERR_INVALIDHANDLE, 0x88760873u);
    assert_int_equal((uint32_t)D3DDDIERR_INVALIDUSERBUFFER, 0x88760879u);
    assert_int_equal((uint32_t)D3DDDIERR_CANTRENDERLOCKEDALLOCATION, 0xC0262111u);
    assert_true(NT_SUCCESS(STATUS_SUCCESS));
    assert_false(NT_SUCCESS(STATUS_NO_MEMORY));
    assert_true(FAILED(E_INVALIDARG));
    assert_true(SUCCEEDED(S_OK));
}

static void test_mapping(void **state)
{
    (void)state;
    assert_int_equal(vd_status_to_hresult(STATUS_SUCCESS), S_OK);
    assert_int_equal(vd_status_to_hresult(STATUS_INVALID_PARAMETER), E_INVALIDARG);
    assert_int_equal(vd_status_to_hresult(STATUS_NO_MEMORY), E_OUTOFMEMORY);
    assert_int_equal(vd_status_to_hresult(STATUS_GRAPHICS_NO_VIDEO_MEMORY), D3DERR_OUTOFVIDEOMEMORY);
    assert_int_equal(vd_status_to_hresult(STATUS_DEVICE_REMOVED), D3DDDIERR_DEVICEREMOVED);
    /* anything else */
    assert_int_equal(vd_status_to_hresult(STATUS_GRAPHICS_DRIVER_MISMATCH), E_FAIL);
    assert_int_equal(vd_status_to_hresult(STATUS_NOT_SUPPORTED), E_FAIL);
    assert_int_equal(vd_status_to_hresult((vd_ntstatus_t)0xC0000001), E_FAIL);
    assert_int_equal(vd_status_to_hresult((vd_ntstatus_t)0x00000103), E_FAIL); /* STATUS_PENDING */
}

static void test_surface_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(vd_surface_desc), 32);
    assert_int_equal(offsetof(vd_surface_desc, Version), 0);
    assert_int_equal(offsetof(vd_surface_desc, Size), 2);
    assert_int_equal(offsetof(vd_surface_desc, Format), 4);
    assert_int_equal(offsetof(vd_surface_desc, Width), 8);
    assert_int_equal(offsetof(vd_surface_desc, Height), 12);
    assert_int_equal(offsetof(vd_surface_desc, ByteSize), 16);
    assert_int_equal(offsetof(vd_surface_desc, Usage), 20);
    assert_int_equal(offsetof(vd_surface_desc, RefreshRateNumerator), 24);
    assert_int_equal(offsetof(vd_surface_desc, RefreshRateDenominator), 28);
    assert_int_equal(D3DDDIFMT_UNKNOWN, 0);
    assert_int_equal(D3DDDIFMT_A8R8G8B8, 21);
    assert_int_equal(D3DDDIFMT_X8R8G8B8, 22);
    assert_int_equal(D3DDDIFMT_R5G6B5, 23);
    assert_int_equal(D3DDDIFMT_A8, 28);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_values),
        cmocka_unit_test(test_mapping),
        cmocka_unit_test(test_surface_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
