/* vd_uart: the UART block (spec/regs/uart.toml). Polled transmit; receive into a software
 * ring, filled by the IRQ handler and by the reader's own calls (which drain the RX FIFO
 * first), read by the main loop. */
#ifndef VD_UART_H
#define VD_UART_H

#include <stddef.h>
#include <stdint.h>

#include "vd_mmio.h"
#include "vd_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes. The wire transport needs VD_WIRE_WINDOW maximum frames, each after a resync
 * delimiter (2 x 1043), and a SYNC frame: VD_WIRE_RX_BUFFER, the host's budget of unread
 * bytes (statically checked in vd_link.c); any size works (no mask). */
#define VD_UART_RX_RING_SIZE 2112u

/* RX interrupt trigger that vd_uart_init() programs (RX_IRQ, docs/uart.md, measured there).
 * While the ring is empty THRESH is 1: the first byte of a request wakes the CPU at once.
 * While the reader has bytes to work through, THRESH is VD_UART_RX_THRESH: the reader collects
 * what arrives meanwhile itself (vd_uart_rx_span and vd_uart_getc drain the FIFO), so a
 * frame costs one interrupt instead of one per burst; the interrupt only keeps the 512-byte
 * FIFO from overflowing while the reader is busy elsewhere. The idle timeout is off (0): the
 * reader never sleeps with bytes in the FIFO (it sleeps after one of those calls found none,
 * which set THRESH 1), and a timeout would only interrupt a reader that is still decoding. */
#define VD_UART_RX_THRESH 128u
#define VD_UART_RX_TIMEOUT 0u

/* DIV for a baud rate: the clock (vd_timer_clk_hz(), SYSCTL.CLK_HZ) / baud rounded to
 * nearest; 0 if out of DIV's range. */
uint32_t vd_uart_div_for_baud(uint32_t baud);

/* Program the divider and the RX interrupt trigger (VD_UART_RX_THRESH, VD_UART_RX_TIMEOUT),
 * clear errors and the RX ring, disable interrupts.
 * Returns 0, or -1 (nothing changed) if the baud rate cannot be reached. */
int vd_uart_init(uint32_t baud);

/* Blocking transmit: waits while STATUS.TX_FULL. */
void vd_uart_putc(uint8_t c);
void vd_uart_write(const void *buf, size_t len);
void vd_uart_puts(const char *s); /* no newline conversion */
/* Wait until the last stop bit has left (STATUS.TX_IDLE). */
void vd_uart_flush(void);

/* RX interrupt (CTRL.RX_IRQ_EN); the IRQ line itself is unmasked with vd_irq_enable(). */
void vd_uart_rx_irq_enable(int on);
/* RX interrupt trigger while the reader has work: at thresh bytes waiting (0 acts as 1), or
 * after timeout_bits bit periods of idle line with fewer waiting (0: off). While the ring is
 * empty the driver keeps THRESH at 1. Values are clipped to the RX_IRQ fields. */
void vd_uart_rx_irq_config(uint32_t thresh, uint32_t timeout_bits);
/* IRQ handler: drain the RX FIFO into the ring (LEVEL.RX bytes per burst, again while the
 * FIFO is still at the trigger level, so the level interrupt is low on return; DATA until
 * EMPTY if LEVEL reads 0); bytes that find the ring full are read, dropped and counted. */
void vd_uart_irq_handler(void);

/* Queue len bytes, filling the TX FIFO in bursts: one LEVEL read per burst instead of a
 * STATUS read per byte. Blocks until the last byte is queued. */
void vd_uart_write_burst(const void *buf, size_t len);

/* Zero-copy receive: first moves what waits in the RX FIFO into the ring (IRQs masked for
 * that), then *p = the oldest unread byte, returns how many follow it contiguously in the
 * ring (0 when empty); vd_uart_rx_consume(n) then releases n of them. Sleep for input only
 * after this or vd_uart_getc() reported nothing: that call set THRESH to 1, so the next byte
 * raises the interrupt (after one that returned bytes, bytes below VD_UART_RX_THRESH would
 * wait in the FIFO). Not from IRQ context. */
size_t vd_uart_rx_span(const uint8_t **p);
void vd_uart_rx_consume(size_t n);

/* RX cost since init: handler runs, bytes moved from the FIFO to the ring and cycles spent
 * doing it (TIMER.MTIME; the handler's whole body, and the reader's own drains). */
typedef struct vd_uart_rx_stats {
    uint32_t irqs, bytes, cycles;
} vd_uart_rx_stats;
void vd_uart_get_rx_stats(vd_uart_rx_stats *s);

/* Next received byte, or -1 if none. Never blocks. */
int vd_uart_getc(void);
/* Bytes waiting in the ring (the RX FIFO not counted). */
size_t vd_uart_rx_available(void);
/* Bytes lost because the ring was full. */
uint32_t vd_uart_rx_overflows(void);
/* Read and clear the hardware's sticky ERR flags (VD_UART_ERR_*_MASK). */
uint32_t vd_uart_take_errors(void);

/*
 * Framing in hardware (SYSCTL.FEATURES.FRAMER; the FRAMER block, docs/uart.md "Framer"):
 * the framer takes the UART's FIFOs, decodes and checks whole frames into its buffer
 * FRAMER_BUF and encodes the bodies it is given. From
 * vd_uart_framer_start on, the byte calls above (ring, getc, write) are not used for
 * receiving and the UART's RX interrupt is off. The framer's interrupt (on the UART's line)
 * is armed only for a sleep, by vd_uart_frame_wait; vd_uart_irq_handler disarms it. A
 * busy main loop takes no interrupt at all (each entry costs ~400 cycles).
 */
void vd_uart_framer_start(void);
/* The sleep decision (IRQs masked): 1 if a frame waits; else arms the framer's interrupt
 * (the next stored frame raises it) and returns 0. */
int vd_uart_frame_wait(void);
/* The oldest checked frame waiting: its body (header, payload, CRC), 4-byte aligned, in
 * FRAMER_BUF; NULL when none waits. Valid until vd_uart_frame_release(). Inline, as the
 * two below: FW_RAM has no room for their calls. */
static inline const uint8_t *vd_uart_frame_peek(void)
{
    uint32_t rx = vd_mmio_read32(VD_FRAMER_BASE + VD_FRAMER_RX);
    if ((rx & VD_FRAMER_RX_COUNT_MASK) == 0)
        return NULL;
    return (const uint8_t *)(uintptr_t)(VD_FRAMER_BUF_BASE + VD_FIELD_GET(rx, VD_FRAMER_RX_OFFSET));
}
/* Give the oldest frame's slot back to the framer. */
static inline void vd_uart_frame_release(void)
{
    vd_mmio_write32(VD_FRAMER_BASE + VD_FRAMER_RX_POP, 0);
}
/* Send a frame body (header + payload, len bytes, 4-byte aligned; up to 3 bytes past len
 * may be read): waits while the previous frame is still being queued, copies the body into
 * FRAMER_BUF and starts the framer, which adds CRC-32C, COBS and the delimiter. */
void vd_uart_frame_send(const void *body, size_t len);
/* Frames the framer dropped, all causes (FRAMER.DROPPED: 16 bits, wraps). */
static inline uint32_t vd_uart_frame_drops(void)
{
    return vd_mmio_read32(VD_FRAMER_BASE + VD_FRAMER_DROPPED);
}

#ifdef __cplusplus
}
#endif

#endif /* VD_UART_H */
