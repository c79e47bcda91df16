// The root complex in front of the SoC's PCIe endpoint (docs/pcie.md, "Simulator: the
// root-complex model"): configuration space (BAR0, bus mastering, MSI, MPS/MRRS, requester
// ID) driven onto the pcie_cfg_*_i sideband, the host's MMIO as MWr32/MRd32 TLPs on
// pcie_rx_*, completions for the endpoint's DMA reads (split at the read completion
// boundary, after a latency), DMA writes into host memory and MSIs from pcie_tx_*.
//
// Driven once per clock by SimBoard::step() (and vidalloc-sim's inlined loop):
//   clk=0, eval, pre_edge()   sample both streams as the edge will see them
//   clk=1, eval, post_edge()  act on what moved, drive the next rx beat
// Both are a compare or two while nothing is in flight (the SoC runs at millions of
// cycles per second). Host memory is the caller's (a buffer, or the shared mapping).
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include "Vvd_soc.h"

struct PcieRcConfig {
    uint32_t bar0_base = 0xF0000000u;   // assigned at enumeration (a multiple of BAR0's size)
    uint32_t msi_addr = 0xFEE00000u;    // the x86 MSI window
    uint16_t msi_data = 0x4041u;
    uint16_t ep_id = 0x0100u;           // the endpoint: bus 1, device 0, function 0
    uint16_t rc_id = 0x0000u;           // the root port's own requester / completer ID
    unsigned mps = 256;                 // Max Payload Size, bytes (128..4096, power of two)
    unsigned mrrs = 512;                // Max Read Request Size, bytes (same)
    unsigned rcb = 64;                  // read completion boundary: completions split here
    unsigned cpl_latency = 64;          // cycles from a DMA read request to its first completion
    unsigned mmio_timeout = 50000;      // cycles before an MMIO read completes as an error
    unsigned tx_stall_every = 0;        // test back-pressure: tx_ready low 1 cycle in N (0 = never)
};

struct PcieRcStats {
    uint64_t mmio_reads = 0, mmio_writes = 0, mmio_errors = 0;
    uint64_t mmio_rt_total = 0, mmio_rt_min = 0, mmio_rt_max = 0;  // read round trips, cycles
    uint64_t dma_read_reqs = 0, dma_read_bytes = 0, dma_write_bytes = 0;
    uint64_t completions = 0, ur = 0, msi = 0, dropped = 0;
};

class PcieRc {
public:
    // Result of one host MMIO request (rsp_ok == false: UR/CA completion or timeout).
    struct Done {
        uint64_t cookie;
        uint32_t data;
        bool ok;
    };
    enum Enum { ENUM_PENDING, ENUM_PRESENT, ENUM_ABSENT };

    void configure(const PcieRcConfig &cfg) { cfg_ = cfg; }
    const PcieRcConfig &config() const { return cfg_; }
    void set_host_mem(uint8_t *mem, uint32_t size, uint32_t bus_base) {
        mem_ = mem;
        mem_size_ = size;
        mem_base_ = bus_base;
    }
    uint8_t *host_mem() const { return mem_; }
    uint32_t host_mem_size() const { return mem_size_; }
    uint32_t host_bus_base() const { return mem_base_; }

    // Enumerate (configuration space, sideband) before the first clock; the endpoint's
    // presence is then probed with a read of BAR0's ID once reset is over.
    void start(Vvd_soc *top);
    Enum enumeration() const { return enum_; }

    // Host MMIO. Requests are answered in order through done(); a write is done once its
    // TLP is on the link. cookie is the caller's (the shm ring index, or a counter).
    void mmio_write(uint32_t offset, uint32_t value, uint64_t cookie);
    void mmio_read(uint32_t offset, uint64_t cookie);
    void mmio_invalid(uint64_t cookie);  // a request that cannot be sent: done as an error
    std::deque<Done> &done() { return done_; }
    // Something for the host since clear_news(): a request done or an MSI (vidalloc-sim
    // publishes at once instead of at its next look at the ring).
    bool news() const { return news_; }
    void clear_news() { news_ = false; }
    bool mmio_idle() const { return host_q_.empty() && pending_.empty(); }

    uint64_t msi_count() const { return stats_.msi; }
    const PcieRcStats &stats() const { return stats_; }
    bool used() const { return stats_.mmio_reads + stats_.mmio_writes > 0; }

    // cycle: the number of the edge about to happen (SimBoard::cycles() + 1).
    inline void pre_edge(Vvd_soc *top, uint64_t cycle) {
        if (!(rx_valid_ | top->pcie_tx_valid_o)) return;
        sample(top, cycle);
    }
    // cycle: the edge just taken (SimBoard::cycles()).
    inline void post_edge(Vvd_soc *top, uint64_t cycle) {
        if (idle_) return;
        act(top, cycle);
    }

private:
    struct Tlp {
        std::vector<uint32_t> dw;  // header DWs then data DWs (docs/pcie.md, beat layout)
        uint64_t ready;            // cycle from which it may go
        uint64_t seq;              // host requests: the Pending entry it belongs to
        bool host;
    };
    struct Pending {               // a host request not yet done
        uint64_t cookie, seq;
        uint64_t sent = 0;         // cycle its first beat went out (0: not yet)
        uint8_t tag = 0;
        bool read, finished = false, ok = false;
        uint32_t data = 0;
    };

    void sample(Vvd_soc *top, uint64_t cycle);
    void act(Vvd_soc *top, uint64_t cycle);
    void drive(Vvd_soc *top);
    void push_host(Tlp &&t, bool read, uint64_t cookie);
    void tx_tlp(uint64_t cycle);
    void dma_read(const uint32_t *h, uint64_t cycle);
    void dma_write(const uint32_t *h, size_t ndw);
    void host_cpl(const uint32_t *h, size_t ndw, uint64_t cycle);
    void retire();
    void update_idle() {
        idle_ = !rx_valid_ && !rx_fired_ && host_q_.empty() && cpl_q_.empty() && pending_.empty() &&
                !cfg_.tx_stall_every;
    }

    PcieRcConfig cfg_;
    PcieRcStats stats_;
    Enum enum_ = ENUM_PENDING;
    uint8_t *mem_ = nullptr;
    uint32_t mem_size_ = 0, mem_base_ = 0;

    std::deque<Tlp> host_q_, cpl_q_;   // to the endpoint: host requests, DMA completions
    std::deque<Pending> pending_;      // host requests in order
    std::deque<Done> done_;
    Tlp cur_;                          // the TLP on pcie_rx_* (when rx_valid_)
    size_t cur_beat_ = 0;
    uint8_t rx_valid_ = 0;
    bool idle_ = true, rx_fired_ = false, news_ = false;
    std::vector<uint32_t> tx_;         // the TLP being received from pcie_tx_*
    uint8_t next_tag_ = 0;
    uint64_t seq_ = 0, probe_seq_ = ~0ull;
    unsigned stall_n_ = 0;
};
