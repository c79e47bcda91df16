/* vidalloc firmware: bring up the UART, print the banner, then echo every received byte.
 * (Later issues replace the echo loop with the request dispatcher.) */
#include <inttypes.h>
#include <stdio.h>

#include "vd_irq.h"
#include "vd_mmio.h"
#include "vd_regs.h"
#include "vd_sysctl.h"
#include "vd_uart.h"
#include "vd_version.h"

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
    printf("ready\n");

    for (;;) {
        uint32_t mask = vd_irq_save();
        if (vd_uart_rx_available() == 0)
            vd_irq_wait(); /* the UART line wakes us even while masked */
        vd_irq_restore(mask); /* the RX handler runs here */

        int c;
        while ((c = vd_uart_getc()) >= 0)
            vd_uart_putc((uint8_t)c);
    }
}
