/* vd_uart: the UART block (spec/regs/uart.toml). Polled transmit, interrupt-driven receive
 * into a software ring (the IRQ handler drains the RX FIFO; the main loop reads the ring). */
#ifndef VD_UART_H
#define VD_UART_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VD_UART_RX_RING_SIZE 1024u /* bytes, a power of two */

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
/* IRQ handler: drain DATA until EMPTY into the ring; bytes that find it full are counted. */
void vd_uart_irq_handler(void);

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
