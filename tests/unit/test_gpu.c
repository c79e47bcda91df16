/*
 * test_gpu.c - firmware/drivers/gpu.c and memctl.c on the mock register file: what each
 * call writes, the IRQ handlers (record only, mask the level source) and their routing
 * through vd_irq_dispatch (lines IRQ_GPU 6 and IRQ_MEMCTL 5).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mock_mmio.h"
#include "vd_gpu.h"
#include "vd_irq.h"
#include "vd_memctl.h"
#include "vd_regs.h"

#define GPU(r) (VD_GPU_BASE + VD_GPU_##r)
#define MC(r) (VD_MEMCTL_BASE + VD_MEMCTL_##r)

/* Records the order of CTRL writes. */
static uint32_t ctrl_log[8];
static unsigned ctrl_n;
static void log_ctrl(uint32_t addr, uint32_t v, void *ctx)
{
    (void)addr;
    (void)ctx;
    if (ctrl_n < 8)
        ctrl_log[ctrl_n++] = v;
}

/* INT_STATUS as w1c. */
static uint32_t int_status;
static uint32_t rd_int(uint32_t addr, void *ctx)
{
    (void)addr;
    (void)ctx;
    return int_status;
}
static void wr_int(uint32_t addr, uint32_t v, void *ctx)
{
    (void)addr;
    (void)ctx;
    int_status &= ~v;
}

static int setup(void **state)
{
    (void)state;
    mock_mmio_reset();
    ctrl_n = 0;
    int_status = 0;
    mock_mmio_on_write(GPU(CTRL), log_ctrl, NULL);
    mock_mmio_on_read(GPU(INT_STATUS), rd_int, NULL);
    mock_mmio_on_write(GPU(INT_STATUS), wr_int, NULL);
    (void)vd_gpu_take_events();
    return 0;
}

static void test_init_programs_ring(void **state)
{
    (void)state;
    int_status = VD_GPU_EV_ALL;
    vd_gpu_init(0xFC00, 1024, 24000000, 7, 1);
    assert_int_equal(ctrl_n, 2);
    assert_int_equal(ctrl_log[0], VD_GPU_CTRL_RESET_MASK); /* stopped before the ring changes */
    assert_int_equal(ctrl_log[1], VD_GPU_CTRL_ENABLE_MASK);
    assert_int_equal(mock_mmio_get(GPU(RING_BASE)), 0xFC00);
    assert_int_equal(mock_mmio_get(GPU(RING_SIZE)), 1024);
    assert_int_equal(mock_mmio_get(GPU(RING_HEAD)), 0);
    assert_int_equal(mock_mmio_get(GPU(RING_TAIL)), 0);
    assert_int_equal(mock_mmio_get(GPU(FENCE)), 7);
    assert_int_equal(mock_mmio_get(GPU(WDT_LIMIT)), 24000000);
    assert_int_equal(mock_mmio_get(GPU(INT_EN)), VD_GPU_EV_ALL);
    assert_int_equal(int_status, 0);

    /* Without enable (adapter removed): reset, programmed, left stopped. */
    ctrl_n = 0;
    vd_gpu_init(0, 64, 0x1FFFFFFF, 0, 0);
    assert_int_equal(ctrl_n, 1);
    assert_int_equal(ctrl_log[0], VD_GPU_CTRL_RESET_MASK);
    assert_int_equal(mock_mmio_get(GPU(WDT_LIMIT)), 0x0FFFFFFF); /* 28-bit field */
}

static void test_registers(void **state)
{
    (void)state;
    mock_mmio_set(GPU(STATUS), 0xFFFFFFF0u | VD_GPU_STATE_HANG);
    assert_int_equal(vd_gpu_state(), VD_GPU_STATE_HANG);
    mock_mmio_set(GPU(RING_HEAD), 0x40);
    assert_int_equal(vd_gpu_head(), 0x40);
    vd_gpu_doorbell(0x90);
    assert_int_equal(mock_mmio_get(GPU(RING_TAIL)), 0x90);
    assert_int_equal(vd_gpu_tail(), 0x90);
    vd_gpu_set_fence(5);
    assert_int_equal(vd_gpu_fence(), 5);
    vd_gpu_set_wdt(1234);
    assert_int_equal(mock_mmio_get(GPU(WDT_LIMIT)), 1234);
    mock_mmio_set(GPU(WDT_COUNT), 0xF0000010u);
    assert_int_equal(vd_gpu_wdt_count(), 0x10);
    vd_gpu_reset();
    vd_gpu_enable();
    assert_int_equal(ctrl_log[0], VD_GPU_CTRL_RESET_MASK);
    assert_int_equal(ctrl_log[1], VD_GPU_CTRL_ENABLE_MASK);
    int_status = VD_GPU_EV_FAULT | VD_GPU_EV_FENCE;
    assert_int_equal(vd_gpu_int_status(), VD_GPU_EV_FAULT | VD_GPU_EV_FENCE);
    vd_gpu_int_clear(VD_GPU_EV_FENCE);
    assert_int_equal(int_status, VD_GPU_EV_FAULT);
}

static void test_gpu_irq_records_and_masks(void **state)
{
    (void)state;
    mock_mmio_set(GPU(INT_EN), VD_GPU_EV_ALL);
    int_status = VD_GPU_EV_FENCE;
    vd_gpu_irq_handler();
    assert_int_equal(int_status, 0); /* FENCE acknowledged */
    assert_int_equal(mock_mmio_get(GPU(INT_EN)), VD_GPU_EV_ALL);
    assert_int_equal(vd_gpu_pending_events(), VD_GPU_EV_FENCE);

    int_status = VD_GPU_EV_TIMEOUT;
    vd_gpu_irq_handler();
    assert_int_equal(int_status, VD_GPU_EV_TIMEOUT); /* kept for recovery */
    assert_int_equal(mock_mmio_get(GPU(INT_EN)), VD_GPU_EV_ALL & ~VD_GPU_EV_TIMEOUT);
    assert_int_equal(vd_gpu_take_events(), VD_GPU_EV_FENCE | VD_GPU_EV_TIMEOUT);
    assert_int_equal(vd_gpu_take_events(), 0);

    /* A masked flag is not an event. */
    int_status = VD_GPU_EV_TIMEOUT | VD_GPU_EV_ERROR;
    vd_gpu_irq_handler();
    assert_int_equal(vd_gpu_take_events(), VD_GPU_EV_ERROR);
    assert_int_equal(mock_mmio_get(GPU(INT_EN)), VD_GPU_EV_FENCE | VD_GPU_EV_FAULT);
}

static void test_memctl_windows(void **state)
{
    (void)state;
    vd_memctl_init();
    assert_int_equal(mock_mmio_get(MC(CMD)), VD_MEMCTL_CMD_WIN_CLEAR_MASK | VD_MEMCTL_CMD_CNT_CLEAR_MASK);
    assert_int_equal(mock_mmio_get(MC(STATUS)), VD_MEMCTL_STATUS_FAULT_MASK); /* w1c written */
    assert_int_equal(mock_mmio_get(MC(CTRL)), VD_MEMCTL_CTRL_IRQ_EN_MASK);

    vd_memctl_win_load(3, 0x1200, 0x340, 1);
    assert_int_equal(mock_mmio_get(MC(WIN_BASE)), 0x1200);
    assert_int_equal(mock_mmio_get(MC(WIN_SIZE)), 0x340);
    assert_int_equal(mock_mmio_get(MC(WIN_CTRL)),
                     3u | VD_MEMCTL_WIN_CTRL_VALID_MASK | VD_MEMCTL_WIN_CTRL_WRITE_MASK);
    vd_memctl_win_load(7, 0, 16, 0);
    assert_int_equal(mock_mmio_get(MC(WIN_CTRL)), 7u | VD_MEMCTL_WIN_CTRL_VALID_MASK);
    unsigned n = mock_mmio_writes(MC(CMD));
    vd_memctl_win_clear();
    assert_int_equal(mock_mmio_writes(MC(CMD)), n + 1);
    assert_int_equal(mock_mmio_get(MC(CMD)), VD_MEMCTL_CMD_WIN_CLEAR_MASK);
    mock_mmio_set(MC(WIN_STATE), 0x0102);
    assert_int_equal(vd_memctl_win_state(), 0x0102);
}

static void test_memctl_fault(void **state)
{
    (void)state;
    uint32_t addr = 0, info = 0;
    vd_memctl_init();
    mock_mmio_set(MC(STATUS), 0);
    assert_int_equal(vd_memctl_fault(&addr, &info), 0);
    mock_mmio_set(MC(STATUS), VD_MEMCTL_STATUS_FAULT_MASK);
    mock_mmio_set(MC(FAULT_ADDR), 0x2004);
    mock_mmio_set(MC(FAULT_INFO), VD_MEMCTL_FAULT_INFO_WRITE_MASK);
    assert_int_equal(vd_memctl_fault(&addr, &info), 1);
    assert_int_equal(addr, 0x2004);
    assert_int_equal(info, VD_MEMCTL_FAULT_INFO_WRITE_MASK);

    vd_memctl_irq_handler(); /* the level line is masked at the source */
    assert_int_equal(mock_mmio_get(MC(CTRL)), 0);
    assert_int_equal(vd_memctl_pending_event(), 1);
    vd_memctl_fault_clear();
    assert_int_equal(mock_mmio_get(MC(CTRL)), VD_MEMCTL_CTRL_IRQ_EN_MASK);
    assert_int_equal(vd_memctl_take_event(), 0);
}

static void test_irq_routing(void **state)
{
    (void)state;
    mock_mmio_set(GPU(INT_EN), VD_GPU_EV_ALL);
    mock_mmio_set(MC(CTRL), VD_MEMCTL_CTRL_IRQ_EN_MASK);
    int_status = VD_GPU_EV_FAULT;
    vd_irq_enable(VD_IRQ_GPU);
    vd_irq_enable(VD_IRQ_MEMCTL);
    vd_irq_dispatch((1u << VD_IRQ_GPU) | (1u << VD_IRQ_MEMCTL));
    assert_int_equal(vd_gpu_take_events(), VD_GPU_EV_FAULT);
    assert_int_equal(vd_memctl_take_event(), 1);
    assert_int_equal(mock_mmio_get(MC(CTRL)), 0);
    /* Both lines have handlers: neither is masked at the CPU. */
    assert_false(mock_cpu_irq_mask() & ((1u << VD_IRQ_GPU) | (1u << VD_IRQ_MEMCTL)));
    assert_int_equal(vd_gpu_irq_count() > 0, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_init_programs_ring, setup),
        cmocka_unit_test_setup(test_registers, setup),
        cmocka_unit_test_setup(test_gpu_irq_records_and_masks, setup),
        cmocka_unit_test_setup(test_memctl_windows, setup),
        cmocka_unit_test_setup(test_memctl_fault, setup),
        cmocka_unit_test_setup(test_irq_routing, setup),
    };
    return cmocka_run_group_tests_name("gpu", tests, NULL, NULL);
}
