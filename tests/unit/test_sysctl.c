/* Unit tests for firmware/drivers/sysctl.c and timer.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mock_mmio.h"
#include "vd_regs.h"
#include "vd_sysctl.h"
#include "vd_timer.h"

#define SYSCTL(r) (VD_SYSCTL_BASE + VD_SYSCTL_##r)

static int setup(void **state)
{
    (void)state;
    mock_mmio_reset();
    return 0;
}

static void test_reset_cause_read_and_clear(void **state)
{
    (void)state;
    uint32_t cause = VD_SYSCTL_RESET_CAUSE_POR_MASK | VD_SYSCTL_RESET_CAUSE_TRAP_MASK;
    mock_mmio_set(SYSCTL(RESET_CAUSE), cause);
    assert_int_equal(vd_sysctl_take_reset_cause(), cause);
    assert_int_equal(mock_mmio_writes(SYSCTL(RESET_CAUSE)), 1);
    assert_int_equal(mock_mmio_get(SYSCTL(RESET_CAUSE)), cause); /* the w1c write */

    mock_mmio_set(SYSCTL(RESET_CAUSE), 0);
    assert_int_equal(vd_sysctl_take_reset_cause(), 0);
    assert_int_equal(mock_mmio_writes(SYSCTL(RESET_CAUSE)), 1); /* nothing to clear */
}

static void test_identification(void **state)
{
    (void)state;
    mock_mmio_set(SYSCTL(ID), VD_SOC_ID);
    mock_mmio_set(SYSCTL(VERSION), VD_SOC_VERSION);
    mock_mmio_set(SYSCTL(CLK_HZ), VD_CLK_HZ);
    mock_mmio_set(SYSCTL(FEATURES), VD_SYSCTL_FEATURES_UART_MASK | VD_SYSCTL_FEATURES_GPU_MASK);
    assert_int_equal(vd_sysctl_features(), VD_SYSCTL_FEATURES_UART_MASK | VD_SYSCTL_FEATURES_GPU_MASK);
    assert_int_equal(vd_sysctl_id(), VD_SOC_ID);
    assert_int_equal(vd_sysctl_version(), VD_SOC_VERSION);
    assert_int_equal(vd_sysctl_clk_hz(), VD_CLK_HZ);
}

static uint32_t mtime;
static uint32_t tick(uint32_t addr, void *ctx)
{
    (void)addr;
    (void)ctx;
    return mtime += 5;
}

static void test_timer_delay_wraps(void **state)
{
    (void)state;
    mtime = 0xFFFFFFF0u; /* crosses 2^32 during the wait */
    mock_mmio_on_read(VD_TIMER_BASE + VD_TIMER_MTIME, tick, NULL);
    vd_timer_delay_us(2); /* 24 cycles: SYSCTL.CLK_HZ reads 0 here, the default 12 MHz */
    uint32_t waited = mtime - 0xFFFFFFF5u;
    assert_true(waited >= 24 && waited < 24 + 10);
}

static void test_timer_delay_follows_clock(void **state)
{
    (void)state;
    mtime = 0;
    mock_mmio_set(VD_SYSCTL_BASE + VD_SYSCTL_CLK_HZ, 24000000u); /* the iCEBreaker's PLL */
    mock_mmio_on_read(VD_TIMER_BASE + VD_TIMER_MTIME, tick, NULL);
    vd_timer_delay_us(2); /* 48 cycles */
    uint32_t waited = mtime - 5u;
    assert_true(waited >= 48 && waited < 48 + 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_reset_cause_read_and_clear, setup),
        cmocka_unit_test_setup(test_identification, setup),
        cmocka_unit_test_setup(test_timer_delay_wraps, setup),
        cmocka_unit_test_setup(test_timer_delay_follows_clock, setup),
    };
    return cmocka_run_group_tests_name("sysctl", tests, NULL, NULL);
}
