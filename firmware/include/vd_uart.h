/* vd_uart: the UART block (spec/regs/uart.toml). Polled transmit, interrupt-driven receive
 * into a software ring (the IRQ handler drains the RX FIFO; the main loop reads the ring). */
#ifndef VD_UART_H
#define VD_UART_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes. The wire transport needs VD_WIRE_WINDOW maximum frames (2 x 1042) on top of the
 * hardware FIFO, plus slack for the host's resync delimiters; any size works (no mask). */
#define VD_UART_RX_RING_SIZE 2112u

/* DIV for a baud rate: VD_CLK_HZ / baud rounded to nearest; 0 if out of DIV's range. */
uint32_t vd_uart_div_for_baud(uint32_t baud);

/* Program the divider, clear errors and the RX ring, disable interrupts.
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
/* IRQ handler: drain the RX FIFO into the ring (LEVEL.RX bytes per burst, then DATA until
 * EMPTY); bytes that find the ring full are read, dropped and counted. */
void vd_uart_irq_handler(void);

/* Queue len bytes, filling the TX FIFO in bursts: one LEVEL read per burst instead of a
 * STATUS read per byte. Blocks until the last byte is queued. */
void vd_uart_write_burst(const void *buf, size_t len);

/* Zero-copy receive: *p = the oldest unread byte, returns how many follow it contiguously
 * in the ring (0 when empty); vd_uart_rx_consume(n) then releases n of them. */
size_t vd_uart_rx_span(const uint8_t **p);
void vd_uart_rx_consume(size_t n);

/* RX interrupt cost: handler runs, bytes moved, cycles spent (TIMER.MTIME), since init. */
typedef struct vd_uart_rx_stats {
    uint32_t irqs, bytes, cycles;
} vd_uart_rx_stats;
void vd_uart_get_rx_stats(vd_uart_rx_stats *s);

/* Next received byte, or -1 if the ring is empty. Never blocks. */
int vd_uart_getc(void);
size_t vd_uart_rx_available(void);
/* Bytes lost because the ring was full. */
uint32_t vd_uart_rx_overflows(void);
/* Read and clear the hardware's sticky ERR flags (VD_UART_ERR_*_MASK). */
uint32_t vd_uart_take_errors(void);

#ifdef __cplusplus
}
#endif

#endif /* VD_UART_H */
