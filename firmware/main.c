/* vidalloc firmware: bring up the UART, start the graphics kernel on VRAM, print the banner,
 * then serve the wire protocol (firmware/wire/) forever. */
#include <inttypes.h>
#include <stdio.h>

#include "vd_dispatch.h"
#include "vd_irq.h"
#include "vd_link.h"
#include "vd_mmio.h"
#include "vd_regs.h"
#include "vd_sysctl.h"
#include "vd_uart.h"
#include "vd_version.h"

static vd_disp_platform s_platform;

static void print_banner(void)
{
    uint32_t id = vd_sysctl_id();
    uint32_t ver = vd_sysctl_version();
    uint32_t cause = vd_sysctl_take_reset_cause();

    printf("vidalloc firmware %s\n", vd_fw_version);
    printf("soc %c%c%c%c rtl %" PRIu32 ".%" PRIu32 ".%" PRIu32 " clk %" PRIu32
           " Hz fw_ram %" PRIu32 " vram %" PRIu32 " reset%s%s%s%s\n",
           (char)(id >> 24), (char)(id >> 16), (char)(id >> 8), (char)id,
           VD_FIELD_GET(ver, VD_SYSCTL_VERSION_MAJOR), VD_FIELD_GET(ver, VD_SYSCTL_VERSION_MINOR),
           VD_FIELD_GET(ver, VD_SYSCTL_VERSION_PATCH), vd_sysctl_clk_hz(),
           vd_sysctl_fw_ram_size(), vd_sysctl_vram_size(),
           (cause & VD_SYSCTL_RESET_CAUSE_POR_MASK) ? " por" : "",
           (cause & VD_SYSCTL_RESET_CAUSE_SOFT_MASK) ? " soft" : "",
           (cause & VD_SYSCTL_RESET_CAUSE_TRAP_MASK) ? " trap" : "", cause ? "" : " none");
}

int main(void)
{
    vd_uart_init(VD_UART_BOOT_BAUD);
    vd_irq_enable(VD_IRQ_EBREAK);
    vd_irq_enable(VD_IRQ_BUSERR);
    vd_irq_enable(VD_IRQ_UART);
    vd_uart_rx_irq_enable(1);

    print_banner();

    s_platform.soc_id = vd_sysctl_id();
    s_platform.soc_version = vd_sysctl_version();
    s_platform.clk_hz = vd_sysctl_clk_hz();
    s_platform.vram_size = vd_sysctl_vram_size();
    s_platform.vram_cpu_base = VD_VRAM_BASE;
    s_platform.vram = (uint8_t *)(uintptr_t)VD_VRAM_BASE;
    s_platform.fw_version = vd_fw_version;
    s_platform.fw_stats = vd_link_get_stats;
    vd_ntstatus_t st = vd_disp_init(&s_platform);
    if (!NT_SUCCESS(st)) {
        printf("kernel: init failed 0x%08" PRIx32 "\n", (uint32_t)st);
        fflush(stdout);
        vd_uart_flush();
        return 1;
    }
    printf("ready\n");
    fflush(stdout);

    vd_link_run();
}
