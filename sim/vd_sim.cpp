// vd_sim.h: the C library face of SimBoard (board.h).
#include "vd_sim.h"

#include <cstdio>
#include <new>
#include <vector>

#include "board.h"
#include "vd_pcie_shm.h"
#include "vd_regs.h"

struct vd_sim {
    SimBoard board;
    unsigned clocks_per_bit;
    bool trapped = false;
    std::vector<uint8_t> host_mem;  // PCIe host memory: a plain buffer in this process
    uint64_t next_cookie = 0;
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
    if (cfg && cfg->uart_faults && cfg->uart_faults[0]) {
        UartFaultConfig f;
        std::string e;
        if (!UartBridge::parse_faults(cfg->uart_faults, f, e)) {
            if (err) std::snprintf(err, errlen, "faults: %s", e.c_str());
            delete sim;
            return nullptr;
        }
        sim->board.uart().set_faults(f);
    }
    PcieRcConfig rc;
    if (cfg && cfg->pcie_mps) rc.mps = cfg->pcie_mps;
    if (cfg && cfg->pcie_mrrs) rc.mrrs = cfg->pcie_mrrs;
    if (cfg && cfg->pcie_cpl_latency) rc.cpl_latency = cfg->pcie_cpl_latency;
    if (cfg && cfg->pcie_tx_stall) rc.tx_stall_every = cfg->pcie_tx_stall < 2 ? 2 : cfg->pcie_tx_stall;
    for (unsigned v : {rc.mps, rc.mrrs})
        if (v < 128 || v > 4096 || (v & (v - 1))) {
            if (err) std::snprintf(err, errlen, "pcie_mps and pcie_mrrs must be powers of two, 128..4096");
            delete sim;
            return nullptr;
        }
    uint32_t mem = cfg && cfg->host_mem ? cfg->host_mem : VD_PCIE_SHM_HOST_MEM;
    try {
        sim->host_mem.assign(mem, 0);
    } catch (const std::bad_alloc &) {
        if (err) std::snprintf(err, errlen, "out of memory for %u bytes of host memory", mem);
        delete sim;
        return nullptr;
    }
    sim->board.pcie().configure(rc);
    sim->board.pcie().set_host_mem(sim->host_mem.data(), mem, VD_PCIE_SHM_HOST_BUS);
    sim->board.start(cfg && cfg->trace ? cfg->trace : "");
    if (!sim->board.enumerate()) sim->trapped = true;
    return sim;
}

extern "C" void vd_sim_destroy(vd_sim *sim) { delete sim; }

extern "C" uint64_t vd_sim_run(vd_sim *sim, uint64_t max_cycles, unsigned flags) {
    if (sim->trapped) return 0;
    UartBridge &uart = sim->board.uart();
    bool until_tx = flags & VD_SIM_RUN_UNTIL_TX, until_msi = flags & VD_SIM_RUN_UNTIL_MSI;
    const PcieRc &rc = sim->board.pcie();
    uint64_t msi0 = rc.msi_count();
    uint64_t n = 0;
    while (n < max_cycles) {
        if (until_tx && uart.has_output()) break;
        if (until_msi && rc.msi_count() != msi0) break;
        n++;
        if (!sim->board.step()) {
            sim->trapped = true;
            break;
        }
        if (uart.take_reset()) sim->board.reset();
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

// ---- PCIe: the host side of the root-complex model, in this process.

extern "C" uint8_t *vd_sim_pcie_host_mem(vd_sim *sim, uint32_t *size, uint32_t *bus_base) {
    const PcieRc &rc = sim->board.pcie();
    if (size) *size = rc.host_mem_size();
    if (bus_base) *bus_base = rc.host_bus_base();
    return rc.host_mem();
}

// Writes are done once on the link; their entries are dropped here (reads wait for theirs).
static void drop_done(PcieRc &rc) { rc.done().clear(); }

extern "C" void vd_sim_pcie_write32(vd_sim *sim, uint32_t offset, uint32_t value) {
    PcieRc &rc = sim->board.pcie();
    drop_done(rc);
    rc.mmio_write(offset, value, sim->next_cookie++);
}

extern "C" int vd_sim_pcie_read32(vd_sim *sim, uint32_t offset, uint32_t *value, uint64_t max_cycles) {
    PcieRc &rc = sim->board.pcie();
    drop_done(rc);
    uint64_t me = sim->next_cookie++;
    rc.mmio_read(offset, me);
    for (uint64_t n = 0;; n++) {
        auto &done = rc.done();
        while (!done.empty()) {
            PcieRc::Done d = done.front();
            done.pop_front();
            if (d.cookie != me) continue;
            if (value) *value = d.data;
            return d.ok ? 0 : -1;
        }
        if (n >= max_cycles || sim->trapped) break;
        if (!sim->board.step()) sim->trapped = true;
    }
    if (value) *value = 0xFFFFFFFFu;
    return -1;
}

extern "C" uint64_t vd_sim_pcie_msi_count(const vd_sim *sim) { return sim->board.pcie().msi_count(); }
extern "C" int vd_sim_has_pcie(const vd_sim *sim) {
    return sim->board.pcie().enumeration() == PcieRc::ENUM_PRESENT;
}

extern "C" void vd_sim_pcie_get_stats(const vd_sim *sim, vd_sim_pcie_stats *out) {
    const PcieRcStats &s = sim->board.pcie().stats();
    out->mmio_reads = s.mmio_reads;
    out->mmio_writes = s.mmio_writes;
    out->mmio_errors = s.mmio_errors;
    out->mmio_rt_min = s.mmio_rt_min;
    out->mmio_rt_max = s.mmio_rt_max;
    out->mmio_rt_total = s.mmio_rt_total;
    out->dma_read_reqs = s.dma_read_reqs;
    out->dma_read_bytes = s.dma_read_bytes;
    out->dma_write_bytes = s.dma_write_bytes;
    out->completions = s.completions;
    out->ur = s.ur;
    out->msi = s.msi;
    out->dropped = s.dropped;
}

extern "C" void vd_sim_get_fault_stats(const vd_sim *sim, vd_sim_fault_stats *out) {
    const UartFaultStats &f = sim->board.uart().fault_stats();
    out->corrupted = f.corrupted;
    out->dropped = f.dropped;
    out->duplicated = f.duplicated;
    out->garbage_bursts = f.garbage_bursts;
    out->garbage_bytes = f.garbage_bytes;
    out->stall_cycles = f.stall_cycles;
    out->cut_bytes = f.cut_bytes;
    out->host_frames = f.host_frames;
    out->resets = f.resets;
}
