/* mock_mmio: see mock_mmio.h. */
#include "mock_mmio.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vd_cpu.h"
#include "vd_mmio.h"
#include "vd_regs.h"

#define MAX_REGS 64

struct reg {
    uint32_t addr;
    uint32_t value;
    unsigned reads, writes;
    mock_mmio_read_fn on_read;
    void *read_ctx;
    mock_mmio_write_fn on_write;
    void *write_ctx;
};

static struct reg regs[MAX_REGS];
static unsigned nregs;

static uint32_t cpu_mask = VD_CPU_IRQ_ALL;
static uint32_t cpu_pending;
static unsigned cpu_waits;
static unsigned cpu_halts;
jmp_buf *mock_cpu_halt_jmp;

static struct reg *lookup(uint32_t addr, int create)
{
    if ((addr & 3u) || addr - VD_PERIPH_BASE >= VD_PERIPH_SIZE)
        fail_msg("MMIO access to 0x%08x: not a register", (unsigned)addr);
    for (unsigned i = 0; i < nregs; i++)
        if (regs[i].addr == addr)
            return &regs[i];
    if (!create)
        return NULL;
    if (nregs == MAX_REGS)
        fail_msg("mock_mmio: more than %d registers", MAX_REGS);
    regs[nregs] = (struct reg){.addr = addr};
    return &regs[nregs++];
}

void mock_mmio_reset(void)
{
    memset(regs, 0, sizeof regs);
    nregs = 0;
    cpu_mask = VD_CPU_IRQ_ALL;
    cpu_pending = 0;
    cpu_waits = 0;
    cpu_halts = 0;
    mock_cpu_halt_jmp = NULL;
}

void mock_mmio_set(uint32_t addr, uint32_t value) { lookup(addr, 1)->value = value; }

uint32_t mock_mmio_get(uint32_t addr)
{
    struct reg *r = lookup(addr, 0);
    return r ? r->value : 0;
}

void mock_mmio_on_read(uint32_t addr, mock_mmio_read_fn fn, void *ctx)
{
    struct reg *r = lookup(addr, 1);
    r->on_read = fn;
    r->read_ctx = ctx;
}

void mock_mmio_on_write(uint32_t addr, mock_mmio_write_fn fn, void *ctx)
{
    struct reg *r = lookup(addr, 1);
    r->on_write = fn;
    r->write_ctx = ctx;
}

unsigned mock_mmio_reads(uint32_t addr)
{
    struct reg *r = lookup(addr, 0);
    return r ? r->reads : 0;
}

unsigned mock_mmio_writes(uint32_t addr)
{
    struct reg *r = lookup(addr, 0);
    return r ? r->writes : 0;
}

uint32_t vd_mock_mmio_read32(uint32_t addr)
{
    struct reg *r = lookup(addr, 1);
    r->reads++;
    if (r->on_read)
        r->value = r->on_read(addr, r->read_ctx);
    return r->value;
}

void vd_mock_mmio_write32(uint32_t addr, uint32_t value)
{
    struct reg *r = lookup(addr, 1);
    r->writes++;
    r->value = value;
    if (r->on_write)
        r->on_write(addr, value, r->write_ctx);
}

/* ---- CPU ---------------------------------------------------------------------------- */

uint32_t vd_mock_cpu_maskirq(uint32_t new_mask)
{
    uint32_t old = cpu_mask;
    cpu_mask = new_mask;
    return old;
}

uint32_t vd_mock_cpu_waitirq(void)
{
    cpu_waits++;
    return cpu_pending;
}

_Noreturn void vd_mock_cpu_halt(void)
{
    cpu_halts++;
    if (mock_cpu_halt_jmp)
        longjmp(*mock_cpu_halt_jmp, 1);
    fail_msg("CPU halted (ebreak) with no mock_cpu_halt_jmp set");
    abort();
}

uint32_t mock_cpu_irq_mask(void) { return cpu_mask; }
void mock_cpu_set_pending(uint32_t pending) { cpu_pending = pending; }
unsigned mock_cpu_waits(void) { return cpu_waits; }
unsigned mock_cpu_halts(void) { return cpu_halts; }

/* ---- UART model --------------------------------------------------------------------- */

#define UART(r) (VD_UART_BASE + VD_UART_##r)

static struct {
    uint8_t rx[4096];
    size_t rx_len, rx_pos;
    char tx[8192];
    size_t tx_len;
    unsigned full_reads;
    unsigned overflows;
} uart;

static uint32_t uart_status(uint32_t addr, void *ctx)
{
    (void)addr;
    (void)ctx;
    uint32_t s = 0;
    if (uart.full_reads) {
        uart.full_reads--;
        s |= VD_UART_STATUS_TX_FULL_MASK;
    } else {
        s |= VD_UART_STATUS_TX_EMPTY_MASK | VD_UART_STATUS_TX_IDLE_MASK;
    }
    if (uart.rx_pos == uart.rx_len)
        s |= VD_UART_STATUS_RX_EMPTY_MASK;
    return s;
}

static uint32_t uart_data_read(uint32_t addr, void *ctx)
{
    (void)addr;
    (void)ctx;
    if (uart.rx_pos == uart.rx_len)
        return VD_UART_DATA_EMPTY_MASK;
    return uart.rx[uart.rx_pos++];
}

static void uart_data_write(uint32_t addr, uint32_t value, void *ctx)
{
    (void)addr;
    (void)ctx;
    if (uart.full_reads) { /* the driver wrote without seeing TX_FULL clear */
        uart.overflows++;
        return;
    }
    if (uart.tx_len + 1 >= sizeof uart.tx)
        fail_msg("mock UART: TX capture full");
    uart.tx[uart.tx_len++] = (char)(value & VD_UART_DATA_BYTE_MASK);
    uart.tx[uart.tx_len] = '\0';
}

void mock_uart_attach(void)
{
    memset(&uart, 0, sizeof uart);
    mock_mmio_on_read(UART(STATUS), uart_status, NULL);
    mock_mmio_on_read(UART(DATA), uart_data_read, NULL);
    mock_mmio_on_write(UART(DATA), uart_data_write, NULL);
}

void mock_uart_rx_push(const void *data, size_t len)
{
    if (uart.rx_pos == uart.rx_len)
        uart.rx_pos = uart.rx_len = 0;
    if (len > sizeof uart.rx - uart.rx_len)
        fail_msg("mock UART: RX queue full");
    memcpy(&uart.rx[uart.rx_len], data, len);
    uart.rx_len += len;
}

size_t mock_uart_rx_left(void) { return uart.rx_len - uart.rx_pos; }
const char *mock_uart_tx(void) { return uart.tx; }
size_t mock_uart_tx_len(void) { return uart.tx_len; }
void mock_uart_tx_clear(void) { uart.tx_len = 0; uart.tx[0] = '\0'; }
void mock_uart_tx_full_for(unsigned status_reads) { uart.full_reads = status_reads; }
unsigned mock_uart_tx_overflows(void) { return uart.overflows; }
