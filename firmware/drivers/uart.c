/* vd_uart: UART driver. Transmit is polled; receive is drained by the IRQ handler into a
 * single-producer (IRQ) / single-consumer (main loop) ring, so no byte waits on the CPU. */
#include "vd_uart.h"

#include "vd_mmio.h"
#include "vd_regs.h"

#define REG(r) (VD_UART_BASE + VD_UART_##r)
#define RING_MASK (VD_UART_RX_RING_SIZE - 1u)

_Static_assert((VD_UART_RX_RING_SIZE & RING_MASK) == 0, "ring size must be a power of two");

static uint8_t rx_ring[VD_UART_RX_RING_SIZE];
static volatile uint32_t rx_head; /* written by the IRQ handler only */
static volatile uint32_t rx_tail; /* written by the reader only */
static volatile uint32_t rx_overflows;

uint32_t vd_uart_div_for_baud(uint32_t baud)
{
    if (baud == 0)
        return 0;
    uint32_t div = (VD_CLK_HZ + baud / 2u) / baud;
    if (div < VD_UART_DIV_MIN || div > (VD_UART_DIV_CLKS_MASK >> VD_UART_DIV_CLKS_LSB))
        return 0;
    return div;
}

int vd_uart_init(uint32_t baud)
{
    uint32_t div = vd_uart_div_for_baud(baud);
    if (div == 0)
        return -1;
    vd_mmio_write32(REG(CTRL), 0);
    vd_uart_flush(); /* do not garble a byte still on the line */
    vd_mmio_write32(REG(DIV), VD_FIELD_PREP(VD_UART_DIV_CLKS, div));
    vd_mmio_write32(REG(ERR), VD_UART_ERR_RX_OVERRUN_MASK | VD_UART_ERR_FRAMING_MASK |
                                  VD_UART_ERR_TX_OVERFLOW_MASK);
    rx_head = 0;
    rx_tail = 0;
    rx_overflows = 0;
    return 0;
}

void vd_uart_putc(uint8_t c)
{
    while (vd_mmio_read32(REG(STATUS)) & VD_UART_STATUS_TX_FULL_MASK)
        ;
    vd_mmio_write32(REG(DATA), c);
}

void vd_uart_write(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len--)
        vd_uart_putc(*p++);
}

void vd_uart_puts(const char *s)
{
    while (*s)
        vd_uart_putc((uint8_t)*s++);
}

void vd_uart_flush(void)
{
    while (!(vd_mmio_read32(REG(STATUS)) & VD_UART_STATUS_TX_IDLE_MASK))
        ;
}

void vd_uart_rx_irq_enable(int on)
{
    uint32_t ctrl = vd_mmio_read32(REG(CTRL));
    if (on)
        ctrl |= VD_UART_CTRL_RX_IRQ_EN_MASK;
    else
        ctrl &= ~VD_UART_CTRL_RX_IRQ_EN_MASK;
    vd_mmio_write32(REG(CTRL), ctrl);
}

void vd_uart_irq_handler(void)
{
    /* Drain everything, even into a full ring: the line is level and stays up otherwise. */
    uint32_t head = rx_head;
    for (;;) {
        uint32_t d = vd_mmio_read32(REG(DATA));
        if (d & VD_UART_DATA_EMPTY_MASK)
            break;
        if (head - rx_tail >= VD_UART_RX_RING_SIZE) {
            rx_overflows++;
            continue;
        }
        rx_ring[head & RING_MASK] = (uint8_t)VD_FIELD_GET(d, VD_UART_DATA_BYTE);
        head++;
    }
    rx_head = head;
}

int vd_uart_getc(void)
{
    uint32_t tail = rx_tail;
    if (tail == rx_head)
        return -1;
    int c = rx_ring[tail & RING_MASK];
    rx_tail = tail + 1;
    return c;
}

size_t vd_uart_rx_available(void)
{
    return rx_head - rx_tail;
}

uint32_t vd_uart_rx_overflows(void)
{
    return rx_overflows;
}

uint32_t vd_uart_take_errors(void)
{
    uint32_t err = vd_mmio_read32(REG(ERR));
    if (err)
        vd_mmio_write32(REG(ERR), err);
    return err;
}
