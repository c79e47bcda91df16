/* vidalloc firmware: bring up the UART, start the graphics kernel on VRAM, print the banner,
 * then serve the wire protocol (firmware/wire/) forever: over the UART, and over the PCIe
 * queues when the SoC has the endpoint (SYSCTL.FEATURES.PCIE). */
#include <stdint.h>

#include "vd_dispatch.h"
#include "vd_irq.h"
#include "vd_kernel.h"
#include "vd_mmio.h"
#include "vd_pcie.h"
#include "vd_qlink.h"
#include "vd_regs.h"
#include "vd_serve.h"
#include "vd_sysctl.h"
#include "vd_uart.h"
#include "vd_version.h"

static vd_disp_platform s_platform;
/* The link's idle hook: GPU timeouts and faults handled while no request waits (vd_kernel.h). */
static const vd_link_idle s_idle = {vd_kernel_poll, vd_kernel_events_pending};

/* DMA_READ / DMA_WRITE's data: VRAM <-> host memory through the endpoint (the memory
 * controller's host-DMA port), polled to completion. */
static int pcie_dma(uint32_t host_addr, uint32_t vram_offset, uint32_t length, int to_host)
{
    return (int)vd_pcie_dma(host_addr, VD_VRAM_BASE + vram_offset, length, to_host);
}

/*
 * The banner without stdio: newlib's printf, FILE machinery and its BUFSIZ heap buffer cost
 * about 7.5 KiB of text and 1.4 KiB of heap, more than the board's 64 KiB FW_RAM has left
 * since the GPU submission path (docs/firmware.md, "Memory layout"). Same bytes as before:
 * '\n' goes out as "\r\n".
 */
static void con_puts(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            vd_uart_putc('\r');
        vd_uart_putc((uint8_t)*s);
    }
}

static void con_putu(uint32_t v)
{
    char buf[11];
    int i = 10;

    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0);
    con_puts(&buf[i]);
}

static void con_puthex8(uint32_t v)
{
    char buf[9];

    for (int i = 0; i < 8; i++)
        buf[i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xFu];
    buf[8] = '\0';
    con_puts(buf);
}

static void print_banner(void)
{
    uint32_t id = vd_sysctl_id();
    uint32_t ver = vd_sysctl_version();
    uint32_t cause = vd_sysctl_take_reset_cause();
    char soc[5] = {(char)(id >> 24), (char)(id >> 16), (char)(id >> 8), (char)id, '\0'};

    con_puts("vidalloc firmware ");
    con_puts(vd_fw_version);
    con_puts("\nsoc ");
    con_puts(soc);
    con_puts(" rtl ");
    con_putu(VD_FIELD_GET(ver, VD_SYSCTL_VERSION_MAJOR));
    con_puts(".");
    con_putu(VD_FIELD_GET(ver, VD_SYSCTL_VERSION_MINOR));
    con_puts(".");
    con_putu(VD_FIELD_GET(ver, VD_SYSCTL_VERSION_PATCH));
    con_puts(" clk ");
    con_putu(vd_sysctl_clk_hz());
    con_puts(" Hz fw_ram ");
    con_putu(vd_sysctl_fw_ram_size());
    con_puts(" vram ");
    con_putu(vd_sysctl_vram_size());
    con_puts(" features 0x"); /* SYSCTL.FEATURES: the blocks of this build target */
    con_puthex8(vd_sysctl_features());
    con_puts(" reset");
    con_puts((cause & VD_SYSCTL_RESET_CAUSE_POR_MASK) ? " por" : "");
    con_puts((cause & VD_SYSCTL_RESET_CAUSE_SOFT_MASK) ? " soft" : "");
    con_puts((cause & VD_SYSCTL_RESET_CAUSE_TRAP_MASK) ? " trap" : "");
    con_puts(cause ? "\n" : " none\n");
}

int main(void)
{
    vd_uart_init(VD_UART_BOOT_BAUD);
    vd_irq_enable(VD_IRQ_EBREAK);
    vd_irq_enable(VD_IRQ_BUSERR);
    vd_irq_enable(VD_IRQ_UART);
    /* GPU and memory controller: their handlers only record events (the blocks raise
     * nothing until the first RENDER programs them). */
    vd_irq_enable(VD_IRQ_GPU);
    vd_irq_enable(VD_IRQ_MEMCTL);
    vd_uart_rx_irq_enable(1);

    print_banner();

    s_platform.soc_id = vd_sysctl_id();
    s_platform.soc_version = vd_sysctl_version();
    s_platform.clk_hz = vd_sysctl_clk_hz();
    s_platform.vram_size = vd_sysctl_vram_size();
    /* An SoC from before the FEATURES register reads 0 there: it had every block then. */
    s_platform.features = vd_sysctl_features();
    if (s_platform.features == 0)
        s_platform.features = VD_SYSCTL_FEATURES_LEGACY;
    s_platform.vram_cpu_base = VD_VRAM_BASE;
    s_platform.vram = (uint8_t *)(uintptr_t)VD_VRAM_BASE;
    s_platform.fw_version = vd_fw_version;
    s_platform.fw_stats = vd_serve_get_stats;
    int queue = (s_platform.features & VD_SYSCTL_FEATURES_PCIE_MASK) != 0;
    if (queue) { /* without the endpoint no PCIE register is touched */
        vd_pcie_init();
        vd_qlink_init((uint32_t *)(uintptr_t)VD_PCIE_BUF_BASE, VD_PCIE_BUF_BASE);
        s_platform.dma = pcie_dma;
    }
    vd_ntstatus_t st = vd_disp_init(&s_platform);
    if (!NT_SUCCESS(st)) {
        con_puts("kernel: init failed 0x");
        con_puthex8((uint32_t)st);
        con_puts("\n");
        vd_uart_flush();
        return 1;
    }
    if (queue)
        vd_irq_enable(VD_IRQ_PCIE); /* doorbells and CTRL: recorded for the queue link */
    con_puts("ready\n");

    vd_serve(&s_idle, queue);
}
