/* Unit tests for firmware/drivers/uart.c against the mock register file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mock_mmio.h"
#include "vd_regs.h"
#include "vd_uart.h"

#define UART(r) (VD_UART_BASE + VD_UART_##r)

static int setup(void **state)
{
    (void)state;
    mock_mmio_reset();
    mock_uart_attach();
    assert_int_equal(vd_uart_init(VD_UART_BOOT_BAUD), 0);
    return 0;
}

static void test_div_for_baud(void **state)
{
    (void)state;
    assert_int_equal(vd_uart_div_for_baud(115200), 104); /* 12 MHz / 115200 = 104.17 */
    assert_int_equal(vd_uart_div_for_baud(3000000), 4);
    assert_int_equal(vd_uart_div_for_baud(1000000), 12);
    assert_int_equal(vd_uart_div_for_baud(230400), 52); /* 52.08 */
    assert_int_equal(vd_uart_div_for_baud(921600), 13); /* 13.02 */
    assert_int_equal(vd_uart_div_for_baud(1846154), 6); /* 6.4999... rounds down */
    assert_int_equal(vd_uart_div_for_baud(1714286), 7); /* 6.99999... rounds up */
    assert_int_equal(vd_uart_div_for_baud(4000000), 0); /* below DIV_MIN */
    assert_int_equal(vd_uart_div_for_baud(150), 0);     /* above 16 bits */
    assert_int_equal(vd_uart_div_for_baud(0), 0);
}

static void test_init_programs_divider(void **state)
{
    (void)state;
    assert_int_equal(mock_mmio_get(UART(DIV)), vd_uart_div_for_baud(VD_UART_BOOT_BAUD));
    assert_int_equal(mock_mmio_get(UART(CTRL)), 0);
    assert_int_equal(mock_mmio_get(UART(ERR)), VD_UART_ERR_RX_OVERRUN_MASK |
                                                   VD_UART_ERR_FRAMING_MASK |
                                                   VD_UART_ERR_TX_OVERFLOW_MASK);
    assert_int_equal(vd_uart_init(3000000), 0);
    assert_int_equal(mock_mmio_get(UART(DIV)), 4);

    unsigned writes = mock_mmio_writes(UART(DIV));
    assert_int_equal(vd_uart_init(4000000), -1);
    assert_int_equal(mock_mmio_writes(UART(DIV)), writes);
    assert_int_equal(mock_mmio_get(UART(DIV)), 4);
}

static void test_putc_waits_while_tx_full(void **state)
{
    (void)state;
    unsigned before = mock_mmio_reads(UART(STATUS));
    mock_uart_tx_full_for(3);
    vd_uart_putc('A');
    assert_int_equal(mock_mmio_reads(UART(STATUS)) - before, 4); /* 3 full + 1 not */
    assert_int_equal(mock_uart_tx_overflows(), 0);
    assert_string_equal(mock_uart_tx(), "A");
}

static void test_write_sends_bytes_verbatim(void **state)
{
    (void)state;
    vd_uart_write("ab\ncd", 5);
    assert_int_equal(mock_uart_tx_len(), 5);
    assert_memory_equal(mock_uart_tx(), "ab\ncd", 5);
}

static void test_getc_empty(void **state)
{
    (void)state;
    assert_int_equal(vd_uart_getc(), -1);
    assert_int_equal(vd_uart_rx_available(), 0);
    vd_uart_irq_handler(); /* nothing in the FIFO */
    assert_int_equal(vd_uart_getc(), -1);
}

static void test_irq_drains_fifo_into_ring(void **state)
{
    (void)state;
    mock_uart_rx_push("xyz", 3);
    unsigned before = mock_mmio_reads(UART(DATA));
    vd_uart_irq_handler();
    assert_int_equal(mock_mmio_reads(UART(DATA)) - before, 4); /* 3 bytes + EMPTY */
    assert_int_equal(mock_uart_rx_left(), 0);
    assert_int_equal(vd_uart_rx_available(), 3);
    assert_int_equal(vd_uart_getc(), 'x');
    assert_int_equal(vd_uart_getc(), 'y');
    assert_int_equal(vd_uart_getc(), 'z');
    assert_int_equal(vd_uart_getc(), -1);
    assert_int_equal(vd_uart_rx_overflows(), 0);
}

static void test_ring_overflow_is_counted_and_fifo_drained(void **state)
{
    (void)state;
    static uint8_t data[VD_UART_RX_RING_SIZE + 5];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 7u);
    mock_uart_rx_push(data, sizeof data);
    vd_uart_irq_handler();
    assert_int_equal(mock_uart_rx_left(), 0); /* the level IRQ must drop */
    assert_int_equal(vd_uart_rx_available(), VD_UART_RX_RING_SIZE);
    assert_int_equal(vd_uart_rx_overflows(), 5);

    /* Oldest bytes kept, in order; one slot freed takes one more byte. */
    assert_int_equal(vd_uart_getc(), data[0]);
    mock_uart_rx_push("!", 1);
    vd_uart_irq_handler();
    assert_int_equal(vd_uart_rx_overflows(), 5);
    for (size_t i = 1; i < VD_UART_RX_RING_SIZE; i++)
        assert_int_equal(vd_uart_getc(), data[i]);
    assert_int_equal(vd_uart_getc(), '!');
    assert_int_equal(vd_uart_getc(), -1);
}

static void test_ring_wraps(void **state)
{
    (void)state;
    uint8_t next_in = 0, next_out = 0;
    for (int round = 0; round < 3 * (int)VD_UART_RX_RING_SIZE / 100; round++) {
        uint8_t chunk[100];
        for (size_t i = 0; i < sizeof chunk; i++)
            chunk[i] = next_in++;
        mock_uart_rx_push(chunk, sizeof chunk);
        vd_uart_irq_handler();
        int c;
        while ((c = vd_uart_getc()) >= 0)
            assert_int_equal(c, next_out++);
    }
    assert_int_equal(next_in, next_out);
    assert_int_equal(vd_uart_rx_overflows(), 0);
}

static void test_rx_irq_enable(void **state)
{
    (void)state;
    vd_uart_rx_irq_enable(1);
    assert_int_equal(mock_mmio_get(UART(CTRL)), VD_UART_CTRL_RX_IRQ_EN_MASK);
    vd_uart_rx_irq_enable(0);
    assert_int_equal(mock_mmio_get(UART(CTRL)), 0);
}

static void test_take_errors_clears(void **state)
{
    (void)state;
    mock_mmio_set(UART(ERR), VD_UART_ERR_FRAMING_MASK);
    unsigned writes = mock_mmio_writes(UART(ERR));
    assert_int_equal(vd_uart_take_errors(), VD_UART_ERR_FRAMING_MASK);
    assert_int_equal(mock_mmio_writes(UART(ERR)), writes + 1); /* w1c of what was read */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_div_for_baud, setup),
        cmocka_unit_test_setup(test_init_programs_divider, setup),
        cmocka_unit_test_setup(test_putc_waits_while_tx_full, setup),
        cmocka_unit_test_setup(test_write_sends_bytes_verbatim, setup),
        cmocka_unit_test_setup(test_getc_empty, setup),
        cmocka_unit_test_setup(test_irq_drains_fifo_into_ring, setup),
        cmocka_unit_test_setup(test_ring_overflow_is_counted_and_fifo_drained, setup),
        cmocka_unit_test_setup(test_ring_wraps, setup),
        cmocka_unit_test_setup(test_rx_irq_enable, setup),
        cmocka_unit_test_setup(test_take_errors_clears, setup),
    };
    return cmocka_run_group_tests_name("uart", tests, NULL, NULL);
}
