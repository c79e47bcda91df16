/* Unit tests for firmware/drivers/uart.c against the mock register file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mock_mmio.h"
#include "vd_mmio.h"
#include "vd_regs.h"
#include "vd_uart.h"

#define UART(r) (VD_UART_BASE + VD_UART_##r)

static uint32_t rx_irq(uint32_t thresh, uint32_t timeout)
{
    return VD_FIELD_PREP(VD_UART_RX_IRQ_THRESH, thresh) |
           VD_FIELD_PREP(VD_UART_RX_IRQ_TIMEOUT, timeout);
}

/* LEVEL.RX for the mock UART (its model has no LEVEL): the bytes left to drain, at most
 * level_cap; level_arrive more bytes "arrive" after each read, as on the wire. */
static size_t level_cap;
static const uint8_t *arrive_src;
static size_t arrive_left, level_arrive;

static uint32_t level_read(uint32_t addr, void *ctx)
{
    (void)addr;
    (void)ctx;
    size_t n = mock_uart_rx_left();
    if (n > level_cap)
        n = level_cap;
    size_t a = arrive_left < level_arrive ? arrive_left : level_arrive;
    if (a) {
        mock_uart_rx_push(arrive_src, a);
        arrive_src += a;
        arrive_left -= a;
    }
    return VD_FIELD_PREP(VD_UART_LEVEL_RX, n);
}

static void attach_level(size_t cap)
{
    level_cap = cap;
    arrive_src = NULL;
    arrive_left = level_arrive = 0;
    mock_mmio_on_read(UART(LEVEL), level_read, NULL);
}

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
    /* a target at another clock (the iCEBreaker's 24 MHz): SYSCTL.CLK_HZ is what counts */
    mock_mmio_set(VD_SYSCTL_BASE + VD_SYSCTL_CLK_HZ, 24000000u);
    assert_int_equal(vd_uart_div_for_baud(3000000), 8);
    assert_int_equal(vd_uart_div_for_baud(115200), 208); /* 208.33 */
    assert_int_equal(vd_uart_div_for_baud(6000000), 4);
}

static void test_init_programs_divider(void **state)
{
    (void)state;
    assert_int_equal(mock_mmio_get(UART(DIV)), vd_uart_div_for_baud(VD_UART_BOOT_BAUD));
    assert_int_equal(mock_mmio_get(UART(CTRL)), 0);
    /* Ring empty: THRESH 1, so the first byte wakes the reader. */
    assert_int_equal(mock_mmio_get(UART(RX_IRQ)), rx_irq(1, VD_UART_RX_TIMEOUT));
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

static void test_irq_drains_level_bursts(void **state)
{
    (void)state;
    static uint8_t data[301];
    attach_level(VD_UART_FIFO_DEPTH);
    uint8_t next = 0;
    size_t out = 0, total = 0;
    /* Odd burst sizes: the 4-at-a-time copy, its remainder and the ring wrap. */
    for (int round = 0; round < 30; round++) {
        size_t n = (size_t)(round * 37 % 301) + 1;
        for (size_t i = 0; i < n; i++)
            data[i] = next++;
        mock_uart_rx_push(data, n);
        total += n;
        unsigned before = mock_mmio_reads(UART(DATA));
        vd_uart_irq_handler();
        assert_int_equal(mock_mmio_reads(UART(DATA)) - before, n); /* no EMPTY read needed */
        assert_int_equal(mock_uart_rx_left(), 0);
        int c;
        while ((c = vd_uart_getc()) >= 0) {
            assert_int_equal(c, (uint8_t)out);
            out++;
        }
    }
    assert_int_equal(out, total);
    assert_int_equal(vd_uart_rx_overflows(), 0);
}

static void test_irq_stops_below_threshold(void **state)
{
    (void)state;
    static uint8_t burst[40], more[40];
    memset(burst, 'a', sizeof burst);
    memset(more, 'b', sizeof more);
    vd_uart_rx_irq_config(16, 20);
    attach_level(VD_UART_FIFO_DEPTH);
    /* 3 bytes arrive per LEVEL read while the handler drains: once the first 16 are moved,
     * 6 wait, below THRESH: it returns (the level line is low). */
    mock_uart_rx_push(burst, 16);
    arrive_src = more;
    arrive_left = sizeof more;
    level_arrive = 3;
    vd_uart_irq_handler();
    assert_int_equal(vd_uart_rx_available(), 16);
    assert_int_equal(mock_uart_rx_left(), 6);
    /* 20 per read: still at THRESH after each burst, so it goes on until below. */
    level_arrive = 20;
    vd_uart_irq_handler();
    assert_true(vd_uart_rx_available() > 16 + 6);
    assert_true(mock_uart_rx_left() < 16);
    assert_int_equal(arrive_left, 0);
    /* The reader collects the rest itself, without an interrupt. */
    level_arrive = 0;
    const uint8_t *p;
    size_t avail = 16 + sizeof more;
    size_t got = 0;
    while (got < avail) {
        size_t n = vd_uart_rx_span(&p);
        assert_true(n > 0);
        vd_uart_rx_consume(n);
        got += n;
    }
    assert_int_equal(mock_uart_rx_left(), 0);
    assert_int_equal(vd_uart_rx_span(&p), 0);
}

static void test_trigger_follows_the_ring(void **state)
{
    (void)state;
    vd_uart_rx_irq_config(16, 20);
    assert_int_equal(mock_mmio_get(UART(RX_IRQ)), rx_irq(1, 20)); /* ring empty: armed */
    attach_level(VD_UART_FIFO_DEPTH);
    mock_uart_rx_push("hello", 5);
    vd_uart_irq_handler();
    assert_int_equal(mock_mmio_get(UART(RX_IRQ)), rx_irq(16, 20)); /* work to do */
    unsigned writes = mock_mmio_writes(UART(RX_IRQ));
    assert_int_equal(vd_uart_getc(), 'h');
    mock_uart_rx_push("!", 1); /* collected by the reader, no interrupt */
    for (const char *s = "ello!"; *s; s++)
        assert_int_equal(vd_uart_getc(), *s);
    assert_int_equal(mock_mmio_writes(UART(RX_IRQ)), writes); /* no write while busy */
    assert_int_equal(vd_uart_getc(), -1);
    assert_int_equal(mock_mmio_get(UART(RX_IRQ)), rx_irq(1, 20)); /* empty: armed again */
    assert_int_equal(mock_mmio_writes(UART(RX_IRQ)), writes + 1);
    assert_int_equal(vd_uart_getc(), -1);
    assert_int_equal(mock_mmio_writes(UART(RX_IRQ)), writes + 1);

    /* Fields clipped; 0 acts as 1. */
    vd_uart_rx_irq_config(0x12345, 99);
    assert_int_equal(mock_mmio_get(UART(RX_IRQ)),
                     rx_irq(1, VD_UART_RX_IRQ_TIMEOUT_MASK >> VD_UART_RX_IRQ_TIMEOUT_LSB));
    mock_uart_rx_push("x", 1);
    vd_uart_irq_handler();
    assert_int_equal(mock_mmio_get(UART(RX_IRQ)),
                     rx_irq(VD_UART_RX_IRQ_THRESH_MASK >> VD_UART_RX_IRQ_THRESH_LSB,
                            VD_UART_RX_IRQ_TIMEOUT_MASK >> VD_UART_RX_IRQ_TIMEOUT_LSB));
    vd_uart_rx_irq_config(0, 0);
    assert_int_equal(mock_mmio_get(UART(RX_IRQ)), rx_irq(1, 0)); /* 1 byte still in the ring */
    assert_int_equal(vd_uart_getc(), 'x');
}

static void test_reader_masks_irqs_while_draining(void **state)
{
    (void)state;
    attach_level(VD_UART_FIFO_DEPTH);
    mock_uart_rx_push("ab", 2);
    uint32_t mask = mock_cpu_irq_mask();
    const uint8_t *p;
    assert_int_equal(vd_uart_rx_span(&p), 2);
    assert_memory_equal(p, "ab", 2);
    assert_int_equal(mock_cpu_irq_mask(), mask); /* restored */
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
        cmocka_unit_test_setup(test_irq_drains_level_bursts, setup),
        cmocka_unit_test_setup(test_irq_stops_below_threshold, setup),
        cmocka_unit_test_setup(test_trigger_follows_the_ring, setup),
        cmocka_unit_test_setup(test_reader_masks_irqs_while_draining, setup),
        cmocka_unit_test_setup(test_take_errors_clears, setup),
    };
    return cmocka_run_group_tests_name("uart", tests, NULL, NULL);
}
