// vd_sim.h: the C library face of SimBoard (board.h).
#include "vd_sim.h"

#include <cstdio>
#include <new>

#include "board.h"
#include "vd_regs.h"

struct vd_sim {
    SimBoard board;
    unsigned clocks_per_bit;
    bool trapped = false;
    explicit vd_sim(unsigned cpb) : board(cpb), clocks_per_bit(cpb) {}
};

extern "C" vd_sim *vd_sim_create(const vd_sim_config *cfg, char *err, size_t errlen) {
    uint32_t baud = cfg && cfg->baud ? cfg->baud : VD_UART_BOOT_BAUD;
    if (VD_CLK_HZ / baud < VD_UART_DIV_MIN) {
        if (err) std::snprintf(err, errlen, "baud must be 1..%u", VD_CLK_HZ / VD_UART_DIV_MIN);
        return nullptr;
    }
    vd_sim *sim = new (std::nothrow) vd_sim(unsigned((VD_CLK_HZ + baud / 2) / baud));
    if (!sim) {
        if (err) std::snprintf(err, errlen, "out of memory");
        return nullptr;
    }
    if (cfg && cfg->firmware) {
        std::string e = sim->board.load_firmware(cfg->firmware, VD_FLASH_FW_OFFSET);
        if (!e.empty()) {
            if (err) std::snprintf(err, errlen, "%s", e.c_str());
            delete sim;
            return nullptr;
        }
    }
    sim->board.start(cfg && cfg->trace ? cfg->trace : "");
    return sim;
}

extern "C" void vd_sim_destroy(vd_sim *sim) { delete sim; }

extern "C" uint64_t vd_sim_run(vd_sim *sim, uint64_t max_cycles, unsigned flags) {
    if (sim->trapped) return 0;
    UartBridge &uart = sim->board.uart();
    bool until_tx = flags & VD_SIM_RUN_UNTIL_TX;
    uint64_t n = 0;
    while (n < max_cycles) {
        if (until_tx && uart.has_output()) break;
        n++;
        if (!sim->board.step()) {
            sim->trapped = true;
            break;
        }
    }
    return n;
}

extern "C" void vd_sim_uart_push(vd_sim *sim, const void *data, size_t len) {
    sim->board.uart().push(static_cast<const uint8_t *>(data), len);
}

extern "C" size_t vd_sim_uart_pop(vd_sim *sim, void *buf, size_t cap) {
    return sim->board.uart().pop(static_cast<uint8_t *>(buf), cap);
}

extern "C" size_t vd_sim_uart_pending(const vd_sim *sim) {
    return sim->board.uart().pending_input();
}

extern "C" uint64_t vd_sim_cycles(const vd_sim *sim) { return sim->board.cycles(); }
extern "C" uint32_t vd_sim_clk_hz(void) { return VD_CLK_HZ; }
extern "C" uint32_t vd_sim_clocks_per_bit(const vd_sim *sim) { return sim->clocks_per_bit; }
extern "C" int vd_sim_trapped(const vd_sim *sim) { return sim->trapped; }
extern "C" uint64_t vd_sim_framing_errors(const vd_sim *sim) {
    return sim->board.uart().framing_errors();
}
