/* vd_uart: UART driver. Transmit is polled; receive is moved from the hardware FIFO into a
 * ring by the IRQ handler, or by the reader itself (vd_uart_rx_span, with IRQs masked), and
 * read by the main loop. */
#include "vd_uart.h"

#include "vd_cpu.h"
#include "vd_mmio.h"
#include "vd_regs.h"
#include "vd_timer.h"

#define REG(r) (VD_UART_BASE + VD_UART_##r)
#define RX_LEVEL_MASK (VD_UART_LEVEL_RX_MASK >> VD_UART_LEVEL_RX_LSB)
#define FREG(r) (VD_FRAMER_BASE + VD_FRAMER_##r)

/* Indices wrap at the ring size by compare (no mask, so no power-of-two waste); the byte
 * counters run free, so full and empty are told apart without a spare slot. */
static uint8_t rx_ring[VD_UART_RX_RING_SIZE];
static volatile uint32_t rx_head; /* producer (IRQ handler, or reader with IRQs masked) */
static volatile uint32_t rx_in;   /* producer: bytes ever stored */
static volatile uint32_t rx_tail; /* reader only: next read index */
static volatile uint32_t rx_out;  /* reader only: bytes ever taken */
static volatile uint32_t rx_overflows;
/* RX_IRQ: THRESH is 1 while the ring is empty (the reader sleeps: wake at the first byte)
 * and rx_busy_thresh while the reader works through bytes (it collects new ones itself). */
static uint32_t rx_busy_thresh = 1; /* vd_uart_rx_irq_config(); 0 counts as 1 */
static uint32_t rx_timeout;         /* RX_IRQ.TIMEOUT */
static uint32_t rx_thresh;          /* THRESH last written; 0 = not yet */
static vd_uart_rx_stats rx_stats;
/* The framer's buffer once vd_uart_framer_start ran (NULL: bytes go through the ring). */
static uint32_t *framer_buf;


uint32_t vd_uart_div_for_baud(uint32_t baud)
{
    if (baud == 0)
        return 0;
    uint32_t clk = vd_timer_clk_hz();
    uint32_t div = (clk + baud / 2u) / baud;
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
    vd_uart_rx_irq_config(VD_UART_RX_THRESH, VD_UART_RX_TIMEOUT);
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

static void rx_set_thresh(uint32_t thresh)
{
    if (thresh == rx_thresh)
        return;
    rx_thresh = thresh;
    vd_mmio_write32(REG(RX_IRQ), VD_FIELD_PREP(VD_UART_RX_IRQ_THRESH, thresh) |
                                     VD_FIELD_PREP(VD_UART_RX_IRQ_TIMEOUT, rx_timeout));
}

void vd_uart_rx_irq_config(uint32_t thresh, uint32_t timeout_bits)
{
    uint32_t tmax = VD_UART_RX_IRQ_THRESH_MASK >> VD_UART_RX_IRQ_THRESH_LSB;
    uint32_t omax = VD_UART_RX_IRQ_TIMEOUT_MASK >> VD_UART_RX_IRQ_TIMEOUT_LSB;
    uint32_t m = vd_cpu_maskirq(VD_CPU_IRQ_ALL);
    rx_busy_thresh = thresh == 0 ? 1u : thresh > tmax ? tmax : thresh;
    rx_timeout = timeout_bits > omax ? omax : timeout_bits;
    rx_thresh = 0;
    rx_set_thresh(rx_in == rx_out ? 1u : rx_busy_thresh);
    vd_cpu_maskirq(m);
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
 * The hot path at 3 Mbaud (a byte every 40 cycles): move n bytes (LEVEL.RX says they are
 * there) from the FIFO to the ring. The inner loop is load, store, step, compare, with no
 * EMPTY test and no ring arithmetic per byte. Producer side of the ring: call from the IRQ
 * handler or with IRQs masked. Not inlined: both callers share one copy (FW_RAM is tight; a
 * call per burst, not per byte).
 */
static __attribute__((noinline)) void rx_drain(uint32_t n)
{
    uint32_t head = rx_head;
    uint32_t in = rx_in;
    uint32_t room = VD_UART_RX_RING_SIZE - (in - rx_out);

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
        for (uint8_t *e4 = p + (k & ~3u); p != e4; p += 4) { /* 4 per step: fewer branches */
            p[0] = (uint8_t)vd_mmio_read32(REG(DATA));
            p[1] = (uint8_t)vd_mmio_read32(REG(DATA));
            p[2] = (uint8_t)vd_mmio_read32(REG(DATA));
            p[3] = (uint8_t)vd_mmio_read32(REG(DATA));
        }
        while (p != e)
            *p++ = (uint8_t)vd_mmio_read32(REG(DATA));
        head += k;
        if (head == VD_UART_RX_RING_SIZE)
            head = 0;
        in += k;
        room -= k;
        n -= k;
    }
    rx_head = head;
    rx_in = in;
}

/* No LEVEL (the host unit test's register model) or a spurious wake-up: DATA until EMPTY. */
static void rx_drain_data(void)
{
    for (;;) {
        uint32_t d = vd_mmio_read32(REG(DATA));
        if (d & VD_UART_DATA_EMPTY_MASK)
            break;
        if (rx_in - rx_out == VD_UART_RX_RING_SIZE) {
            rx_overflows++;
            continue;
        }
        uint32_t head = rx_head;
        rx_ring[head] = (uint8_t)d;
        rx_head = head + 1 == VD_UART_RX_RING_SIZE ? 0 : head + 1;
        rx_in++;
    }
}

/*
 * The interrupt comes at the first byte after the ring ran empty (THRESH 1), then only when
 * rx_busy_thresh bytes wait or on the idle timeout: the reader collects what arrives while it
 * decodes (vd_uart_rx_span), without an interrupt entry per burst. The handler drains what
 * LEVEL reports and goes on while the FIFO is still at rx_busy_thresh; what arrives meanwhile
 * is below it, so the level-triggered line is low on return.
 */
void vd_uart_irq_handler(void)
{
    if (framer_buf != NULL) { /* a frame woke the main loop: disarm (vd_uart_frame_wait) */
        vd_mmio_write32(FREG(CTRL), VD_FRAMER_CTRL_EN_MASK);
        rx_stats.irqs++;
        return;
    }
    uint32_t t0 = vd_timer_now();
    uint32_t start = rx_in;
    uint32_t n = vd_mmio_read32(REG(LEVEL)) & RX_LEVEL_MASK;

    if (n == 0)
        rx_drain_data();
    while (n) {
        rx_drain(n);
        n = vd_mmio_read32(REG(LEVEL)) & RX_LEVEL_MASK;
        if (n < rx_busy_thresh)
            break;
    }
    if (rx_in != rx_out)
        rx_set_thresh(rx_busy_thresh);
    rx_stats.irqs++;
    rx_stats.bytes += rx_in - start;
    rx_stats.cycles += vd_timer_now() - t0;
}

/*
 * The reader's side: move what waits in the FIFO into the ring (IRQs masked: one producer at
 * a time), then set the trigger: THRESH 1 when the ring is empty (the caller may sleep next,
 * and the next byte must wake it), rx_busy_thresh while there is work. Returns the bytes in
 * the ring.
 */
static uint32_t rx_collect(void)
{
    uint32_t m = vd_cpu_maskirq(VD_CPU_IRQ_ALL);
    uint32_t n = vd_mmio_read32(REG(LEVEL)) & RX_LEVEL_MASK;
    if (n) {
        uint32_t t0 = vd_timer_now();
        uint32_t start = rx_in;
        rx_drain(n);
        rx_stats.bytes += rx_in - start;
        rx_stats.cycles += vd_timer_now() - t0;
    }
    uint32_t avail = rx_in - rx_out;
    rx_set_thresh(avail ? rx_busy_thresh : 1u);
    vd_cpu_maskirq(m);
    return avail;
}

size_t vd_uart_rx_span(const uint8_t **p)
{
    uint32_t avail = rx_collect();
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

/* ------------------------------------------------------------ framing in hardware */

void vd_uart_framer_start(void)
{
    /* The UART's own interrupts off first: from here the handler only acknowledges the
     * framer's (harmless if one comes in between). */
    vd_mmio_write32(REG(CTRL), 0);
    framer_buf = (uint32_t *)(uintptr_t)VD_FRAMER_BUF_BASE;
    vd_mmio_write32(FREG(CTRL), VD_FRAMER_CTRL_EN_MASK); /* interrupt armed by frame_wait */
}

int vd_uart_frame_wait(void)
{
    /* Clear FRAME first, then look: a frame stored after the clear sets it again, so
     * arming cannot miss one; a frame already served cannot wake the sleep. */
    vd_mmio_write32(FREG(IRQ), VD_FRAMER_IRQ_FRAME_MASK);
    if (vd_mmio_read32(FREG(RX)) & VD_FRAMER_RX_COUNT_MASK)
        return 1;
    vd_mmio_write32(FREG(CTRL), VD_FRAMER_CTRL_EN_MASK | VD_FRAMER_CTRL_IRQ_EN_MASK);
    return 0;
}

void vd_uart_frame_send(const void *body, size_t len)
{
    const uint32_t *s = body;
    uint32_t *d = framer_buf + VD_FRAMER_TX_OFFSET / 4u;
    uint32_t *e = d + ((len + 3u) >> 2);
    while (vd_mmio_read32(FREG(TX)) & VD_FRAMER_TX_BUSY_MASK)
        ;
    while (d != e) /* FRAMER_BUF is memory: plain stores */
        *d++ = *s++;
    vd_mmio_write32(FREG(TX), VD_FIELD_PREP(VD_FRAMER_TX_LEN, len));
}
