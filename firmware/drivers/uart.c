/* vd_uart: UART driver. Transmit is polled; receive is drained by the IRQ handler into a
 * single-producer (IRQ) / single-consumer (main loop) ring, so no byte waits on the CPU. */
#include "vd_uart.h"

#include "vd_mmio.h"
#include "vd_regs.h"
#include "vd_timer.h"

#define REG(r) (VD_UART_BASE + VD_UART_##r)
#define RX_LEVEL_MASK (VD_UART_LEVEL_RX_MASK >> VD_UART_LEVEL_RX_LSB)

/* Indices wrap at the ring size by compare (no mask, so no power-of-two waste); the byte
 * counters run free, so full and empty are told apart without a spare slot. */
static uint8_t rx_ring[VD_UART_RX_RING_SIZE];
static volatile uint32_t rx_head; /* IRQ handler only: next write index */
static volatile uint32_t rx_in;   /* IRQ handler only: bytes ever stored */
static volatile uint32_t rx_tail; /* reader only: next read index */
static volatile uint32_t rx_out;  /* reader only: bytes ever taken */
static volatile uint32_t rx_overflows;
static vd_uart_rx_stats rx_stats;

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
    rx_head = rx_in = 0;
    rx_tail = rx_out = 0;
    rx_overflows = 0;
    rx_stats = (vd_uart_rx_stats){0, 0, 0};
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

void vd_uart_write_burst(const void *buf, size_t len)
{
    const uint8_t *p = buf;
    while (len) {
        uint32_t level = VD_FIELD_GET(vd_mmio_read32(REG(LEVEL)), VD_UART_LEVEL_TX);
        uint32_t room = VD_UART_FIFO_DEPTH - level;
        if (room > len)
            room = (uint32_t)len;
        len -= room;
        while (room--)
            vd_mmio_write32(REG(DATA), *p++);
    }
}

/*
 * The hot path at 3 Mbaud (a byte every 40 cycles): LEVEL.RX says how many bytes can be
 * popped, so the inner loop is load, store, step, compare, with no EMPTY test and no ring
 * arithmetic per byte. When LEVEL reads 0 (bytes arriving right now, or the host unit
 * test's register model, which has no LEVEL) it falls back to DATA until EMPTY: the line is
 * level-triggered and must be low when we return.
 */
void vd_uart_irq_handler(void)
{
    uint32_t t0 = vd_timer_now();
    uint32_t head = rx_head;
    uint32_t in = rx_in;
    uint32_t room = VD_UART_RX_RING_SIZE - (in - rx_out);
    uint32_t start = in;

    for (;;) {
        uint32_t n = vd_mmio_read32(REG(LEVEL)) & RX_LEVEL_MASK;
        if (n == 0) {
            uint32_t d = vd_mmio_read32(REG(DATA));
            if (d & VD_UART_DATA_EMPTY_MASK)
                break;
            if (room == 0) {
                rx_overflows++;
                continue;
            }
            rx_ring[head] = (uint8_t)d;
            if (++head == VD_UART_RX_RING_SIZE)
                head = 0;
            in++;
            room--;
            continue;
        }
        while (n) {
            uint32_t k = n;
            if (k > room)
                k = room;
            if (k > VD_UART_RX_RING_SIZE - head)
                k = VD_UART_RX_RING_SIZE - head;
            if (k == 0) { /* ring full: pop and count what does not fit */
                rx_overflows += n;
                while (n--)
                    (void)vd_mmio_read32(REG(DATA));
                break;
            }
            uint8_t *p = &rx_ring[head];
            uint8_t *e = p + k;
            do
                *p++ = (uint8_t)vd_mmio_read32(REG(DATA));
            while (p != e);
            head += k;
            if (head == VD_UART_RX_RING_SIZE)
                head = 0;
            in += k;
            room -= k;
            n -= k;
        }
    }
    rx_head = head;
    rx_in = in;
    rx_stats.irqs++;
    rx_stats.bytes += in - start;
    rx_stats.cycles += vd_timer_now() - t0;
}

size_t vd_uart_rx_span(const uint8_t **p)
{
    uint32_t avail = rx_in - rx_out;
    uint32_t tail = rx_tail;
    uint32_t contig = VD_UART_RX_RING_SIZE - tail;
    *p = &rx_ring[tail];
    return avail < contig ? avail : contig;
}

void vd_uart_rx_consume(size_t n)
{
    uint32_t tail = rx_tail + (uint32_t)n;
    if (tail >= VD_UART_RX_RING_SIZE)
        tail -= VD_UART_RX_RING_SIZE;
    rx_tail = tail;
    rx_out += (uint32_t)n;
}

int vd_uart_getc(void)
{
    const uint8_t *p;
    if (vd_uart_rx_span(&p) == 0)
        return -1;
    int c = *p;
    vd_uart_rx_consume(1);
    return c;
}

size_t vd_uart_rx_available(void)
{
    return rx_in - rx_out;
}

void vd_uart_get_rx_stats(vd_uart_rx_stats *s)
{
    *s = rx_stats;
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
