/* vd_irq: routes the CPU's IRQ lines to their handlers (either CPU: start/start.S hands over
 * the same bitmask).
 *
 * Runs in IRQ context with every line masked by the CPU. UART drains RX; GPU, MEMCTL and PCIE
 * only record their events (the main loop's idle hook and the submission path act on them).
 * Traps (ebreak/ecall/illegal instruction, bus error) are reported with polled UART writes straight to the registers, not
 * through newlib (whose state the trap may have interrupted), then the handler executes
 * ebreak: inside the IRQ handler that halts the CPU with its trap output high.
 */
#include "vd_irq.h"

#include "vd_cpu.h"
#include "vd_gpu.h"
#include "vd_memctl.h"
#include "vd_mmio.h"
#include "vd_pcie.h"
#include "vd_regs.h"
#include "vd_uart.h"

volatile uint32_t vd_irq_return_addr;

#define RV_EBREAK 0x00100073u
#define RV_ECALL 0x00000073u

static void trap_puts(const char *s)
{
    while (*s) {
        while (vd_mmio_read32(VD_UART_BASE + VD_UART_STATUS) & VD_UART_STATUS_TX_FULL_MASK)
            ;
        vd_mmio_write32(VD_UART_BASE + VD_UART_DATA, (uint8_t)*s++);
    }
}

static void trap_puthex(uint32_t v)
{
    char buf[11] = "0x";
    for (int i = 0; i < 8; i++)
        buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xFu];
    buf[10] = '\0';
    trap_puts(buf);
}

static const char *ebreak_cause(uint32_t ret)
{
    /* The return address points after the trapping instruction; read it only if it lies in
     * FW_RAM. */
    uint32_t pc = ret - 4u;
    if ((ret & 3u) || pc - VD_FW_RAM_BASE >= VD_FW_RAM_SIZE) /* wraps below the base */
        return "illegal instruction";
#ifdef VD_MMIO_MOCK
    return "ebreak";
#else
    uint32_t insn = *(const volatile uint32_t *)(uintptr_t)pc;
    if (insn == RV_EBREAK)
        return "ebreak";
    if (insn == RV_ECALL)
        return "ecall";
    return "illegal instruction";
#endif
}

static _Noreturn void trap(const char *cause)
{
    trap_puts("TRAP: ");
    trap_puts(cause);
    trap_puts(" at ");
    trap_puthex(vd_irq_return_addr);
    trap_puts("\r\n");
    while (!(vd_mmio_read32(VD_UART_BASE + VD_UART_STATUS) & VD_UART_STATUS_TX_IDLE_MASK))
        ;
    vd_cpu_halt();
}

void vd_irq_dispatch(uint32_t pending)
{
    if (pending & (1u << VD_IRQ_EBREAK))
        trap(ebreak_cause(vd_irq_return_addr));
    if (pending & (1u << VD_IRQ_BUSERR))
        trap("bus error");
    if (pending & (1u << VD_IRQ_UART)) {
        vd_uart_irq_handler();
        pending &= ~(1u << VD_IRQ_UART);
    }
    /* GPU and memory controller: record only; the main loop recovers (vd_render_poll). */
    if (pending & (1u << VD_IRQ_GPU)) {
        vd_gpu_irq_handler();
        pending &= ~(1u << VD_IRQ_GPU);
    }
    if (pending & (1u << VD_IRQ_MEMCTL)) {
        vd_memctl_irq_handler();
        pending &= ~(1u << VD_IRQ_MEMCTL);
    }
    /* PCIe doorbells and CTRL: recorded for the queue link (unmasked only when the SoC has
     * the endpoint). */
    if (pending & (1u << VD_IRQ_PCIE)) {
        vd_pcie_irq_handler();
        pending &= ~(1u << VD_IRQ_PCIE);
    }
    if (pending) {
        /* No handler: mask the lines (so they cannot storm) and say so once. */
        uint32_t mask = vd_cpu_maskirq(VD_CPU_IRQ_ALL);
        /* retirq restores nothing: the mask written here stays in force after return. */
        vd_cpu_maskirq(mask | pending);
        trap_puts("irq: no handler, masked ");
        trap_puthex(pending);
        trap_puts("\r\n");
    }
}

void vd_irq_enable(unsigned line)
{
    uint32_t mask = vd_cpu_maskirq(VD_CPU_IRQ_ALL);
    vd_cpu_maskirq(mask & ~(1u << line));
}

void vd_irq_disable(unsigned line)
{
    uint32_t mask = vd_cpu_maskirq(VD_CPU_IRQ_ALL);
    vd_cpu_maskirq(mask | (1u << line));
}

uint32_t vd_irq_save(void)
{
    return vd_cpu_maskirq(VD_CPU_IRQ_ALL);
}

void vd_irq_restore(uint32_t mask)
{
    vd_cpu_maskirq(mask);
}

void vd_irq_wait(void)
{
    (void)vd_cpu_waitirq();
}
