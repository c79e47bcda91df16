/* Unit tests for firmware/drivers/irq.c: routing, traps, unknown lines, masking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "mock_mmio.h"
#include "vd_cpu.h"
#include "vd_irq.h"
#include "vd_regs.h"
#include "vd_uart.h"

static int setup(void **state)
{
    (void)state;
    mock_mmio_reset();
    mock_uart_attach();
    vd_uart_init(VD_UART_BOOT_BAUD);
    return 0;
}

static void test_enable_disable_lines(void **state)
{
    (void)state;
    vd_irq_enable(VD_IRQ_UART);
    vd_irq_enable(VD_IRQ_EBREAK);
    assert_int_equal(mock_cpu_irq_mask(), ~((1u << VD_IRQ_UART) | (1u << VD_IRQ_EBREAK)));
    vd_irq_disable(VD_IRQ_UART);
    assert_int_equal(mock_cpu_irq_mask(), ~(1u << VD_IRQ_EBREAK));

    uint32_t saved = vd_irq_save();
    assert_int_equal(mock_cpu_irq_mask(), VD_CPU_IRQ_ALL);
    vd_irq_restore(saved);
    assert_int_equal(mock_cpu_irq_mask(), ~(1u << VD_IRQ_EBREAK));
}

static void test_uart_line_runs_rx_handler(void **state)
{
    (void)state;
    mock_uart_rx_push("hi", 2);
    vd_irq_dispatch(1u << VD_IRQ_UART);
    assert_int_equal(vd_uart_getc(), 'h');
    assert_int_equal(vd_uart_getc(), 'i');
    assert_int_equal(mock_uart_tx_len(), 0);
    assert_int_equal(mock_cpu_irq_mask(), VD_CPU_IRQ_ALL); /* untouched */
}

static void test_unknown_line_masked_and_reported(void **state)
{
    (void)state;
    vd_irq_enable(VD_IRQ_TIMER);
    vd_irq_enable(VD_IRQ_UART);
    vd_irq_dispatch((1u << VD_IRQ_TIMER) | (1u << VD_IRQ_UART));
    assert_true(mock_cpu_irq_mask() & (1u << VD_IRQ_TIMER));
    assert_false(mock_cpu_irq_mask() & (1u << VD_IRQ_UART));
    assert_string_equal(mock_uart_tx(), "irq: no handler, masked 0x00000010\r\n");
}

static void expect_trap(uint32_t pending, uint32_t ret, const char *msg)
{
    jmp_buf halted;
    mock_cpu_halt_jmp = &halted;
    vd_irq_return_addr = ret;
    if (setjmp(halted) == 0) {
        vd_irq_dispatch(pending);
        fail_msg("trap did not halt");
    }
    assert_string_equal(mock_uart_tx(), msg);
    assert_int_equal(mock_cpu_halts(), 1);
}

static void test_ebreak_traps(void **state)
{
    (void)state;
    expect_trap(1u << VD_IRQ_EBREAK, 0x1234, "TRAP: ebreak at 0x00001234\r\n");
}

static void test_bad_return_address_is_illegal_instruction(void **state)
{
    (void)state;
    expect_trap(1u << VD_IRQ_EBREAK, VD_FW_RAM_BASE + VD_FW_RAM_SIZE + 8,
                "TRAP: illegal instruction at 0x00010008\r\n");
}

static void test_bus_error_traps(void **state)
{
    (void)state;
    expect_trap(1u << VD_IRQ_BUSERR, 0xabc0, "TRAP: bus error at 0x0000abc0\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_enable_disable_lines, setup),
        cmocka_unit_test_setup(test_uart_line_runs_rx_handler, setup),
        cmocka_unit_test_setup(test_unknown_line_masked_and_reported, setup),
        cmocka_unit_test_setup(test_ebreak_traps, setup),
        cmocka_unit_test_setup(test_bad_return_address_is_illegal_instruction, setup),
        cmocka_unit_test_setup(test_bus_error_traps, setup),
    };
    return cmocka_run_group_tests_name("irq", tests, NULL, NULL);
}
