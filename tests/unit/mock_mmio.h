/* mock_mmio: the host stand-in for the SoC's registers and PicoRV32's IRQ instructions, so
 * firmware drivers built with -DVD_MMIO_MOCK run unchanged in cmocka tests.
 *
 * A register file keyed by address: reads return the last value written (or preset) unless a
 * read hook computes it; writes store the value and call a write hook if one is installed.
 * Every access is counted. An access outside VD_PERIPH_BASE..+VD_PERIPH_SIZE or not 4-byte
 * aligned fails the test.
 *
 * mock_uart_attach() adds a model of the UART's DATA/STATUS registers on top: received bytes
 * to drain, transmitted bytes captured, and STATUS.TX_FULL for a given number of reads.
 */
#ifndef MOCK_MMIO_H
#define MOCK_MMIO_H

#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>

typedef uint32_t (*mock_mmio_read_fn)(uint32_t addr, void *ctx);
typedef void (*mock_mmio_write_fn)(uint32_t addr, uint32_t value, void *ctx);

/* Forget every register, hook and counter; unmask nothing (all IRQs masked, as at reset). */
void mock_mmio_reset(void);
void mock_mmio_set(uint32_t addr, uint32_t value); /* preset without counting a write */
uint32_t mock_mmio_get(uint32_t addr);             /* stored value, not counted */
void mock_mmio_on_read(uint32_t addr, mock_mmio_read_fn fn, void *ctx);
void mock_mmio_on_write(uint32_t addr, mock_mmio_write_fn fn, void *ctx);
unsigned mock_mmio_reads(uint32_t addr);
unsigned mock_mmio_writes(uint32_t addr);

/* CPU: the IRQ mask maskirq sees, the bitmask waitirq returns, and halts. */
uint32_t mock_cpu_irq_mask(void);
void mock_cpu_set_pending(uint32_t pending);
unsigned mock_cpu_waits(void);
/* vd_cpu_halt() longjmps here (with value 1) if set; otherwise the test fails. */
extern jmp_buf *mock_cpu_halt_jmp;
unsigned mock_cpu_halts(void);

/* UART model (install after mock_mmio_reset). */
void mock_uart_attach(void);
void mock_uart_rx_push(const void *data, size_t len); /* bytes waiting in the RX FIFO */
size_t mock_uart_rx_left(void);
const char *mock_uart_tx(void); /* transmitted bytes so far, NUL-terminated */
size_t mock_uart_tx_len(void);
void mock_uart_tx_clear(void);
void mock_uart_tx_full_for(unsigned status_reads); /* STATUS.TX_FULL for the next N reads */
unsigned mock_uart_tx_overflows(void);             /* DATA writes while TX was full */

#endif /* MOCK_MMIO_H */
