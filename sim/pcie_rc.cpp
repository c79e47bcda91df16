// The root-complex model (pcie_rc.h): TLP encoding and decoding, configuration space,
// completions for DMA reads, host memory, MSIs.
#include "pcie_rc.h"

#include <cstring>

#include "vd_regs.h"

namespace {

// DW0[31:24] (Fmt, Type) of the TLPs used here (PCIe base specification, 2.2.1).
constexpr uint32_t kMRd32 = 0x00, kMWr32 = 0x40, kCpl = 0x0A, kCplD = 0x4A;
constexpr uint32_t kStatusSC = 0, kStatusUR = 1;
// After reset the endpoint's ID register is read once: an endpoint that does not answer
// within this many cycles is absent (a target built with HAS_PCIE=0). Not before cycle 64:
// the SoC's reset lasts power-on reset (8 cycles) + SYSCTL's 16, and a beat offered during
// reset is lost (the endpoint's ready is not gated by it).
constexpr uint64_t kProbeAt = 64, kProbeTimeout = 2000;

unsigned dc_code(unsigned bytes) {  // Device Control encoding of MPS / MRRS
    unsigned c = 0;
    while (c < 5 && (128u << c) < bytes) c++;
    return c;
}

// Bytes before the first enabled byte / after the last one, of a byte-enable nibble.
unsigned lead(unsigned be) { return be & 1 ? 0 : be & 2 ? 1 : be & 4 ? 2 : be & 8 ? 3 : 4; }
unsigned trail(unsigned be) { return be & 8 ? 0 : be & 4 ? 1 : be & 2 ? 2 : be & 1 ? 3 : 4; }

}  // namespace

void PcieRc::start(Vvd_soc *top) {
    // Enumeration as a real root complex does it, in configuration space (which belongs to
    // the model): BAR0 sized by writing all ones (it reads back ~(VD_PCIE_BAR0_SIZE - 1)),
    // then assigned; Command = memory space | bus master; the MSI capability programmed and
    // enabled; Device Control's MPS and MRRS. What the endpoint's logic sees of it is the
    // sideband, constant from here on.
    cfg_.bar0_base &= ~(VD_PCIE_BAR0_SIZE - 1u);
    top->pcie_cfg_bar0_i = cfg_.bar0_base;
    top->pcie_cfg_bus_master_i = 1;
    top->pcie_cfg_mps_i = dc_code(cfg_.mps);
    top->pcie_cfg_mrrs_i = dc_code(cfg_.mrrs);
    top->pcie_cfg_req_id_i = cfg_.ep_id;
    top->pcie_cfg_msi_en_i = 1;
    top->pcie_cfg_msi_addr_i = cfg_.msi_addr;
    top->pcie_cfg_msi_data_i = cfg_.msi_data;
    top->pcie_rx_valid_i = 0;
    top->pcie_tx_ready_i = 1;  // the root complex takes everything unless testing back-pressure
    if (cfg_.rcb < 4) cfg_.rcb = 64;

    // The probe: BAR0's ID, once reset is over.
    Tlp t{{kMRd32 << 24 | 1u, uint32_t(cfg_.rc_id) << 16 | 0x0Fu, cfg_.bar0_base + VD_PCIE_ID},
          kProbeAt, 0, true};
    push_host(std::move(t), true, 0);
    probe_seq_ = pending_.back().seq;
    enum_ = ENUM_PENDING;
    update_idle();
}

void PcieRc::push_host(Tlp &&t, bool read, uint64_t cookie) {
    Pending p;
    p.cookie = cookie;
    p.seq = seq_++;
    p.read = read;
    p.tag = next_tag_;
    if (read) {
        t.dw[1] |= uint32_t(next_tag_) << 8;
        next_tag_ = uint8_t(next_tag_ + 1);
    }
    t.seq = p.seq;
    t.host = true;
    pending_.push_back(p);
    if (enum_ == ENUM_ABSENT) {        // nothing answers: fail at once, as a master abort
        pending_.back().finished = true;
        pending_.back().data = 0xFFFFFFFFu;
        if (read) stats_.mmio_errors++;
        retire();
        return;
    }
    host_q_.push_back(std::move(t));
    idle_ = false;
}

void PcieRc::mmio_write(uint32_t offset, uint32_t value, uint64_t cookie) {
    stats_.mmio_writes++;
    Tlp t{{kMWr32 << 24 | 1u, uint32_t(cfg_.rc_id) << 16 | 0x0Fu, cfg_.bar0_base + (offset & ~3u), value},
          0, 0, true};
    push_host(std::move(t), false, cookie);
}

void PcieRc::mmio_read(uint32_t offset, uint64_t cookie) {
    stats_.mmio_reads++;
    Tlp t{{kMRd32 << 24 | 1u, uint32_t(cfg_.rc_id) << 16 | 0x0Fu, cfg_.bar0_base + (offset & ~3u)},
          0, 0, true};
    push_host(std::move(t), true, cookie);
}

void PcieRc::mmio_invalid(uint64_t cookie) {
    Pending p;
    p.cookie = cookie;
    p.seq = seq_++;
    p.read = true;
    p.finished = true;
    p.data = 0xFFFFFFFFu;
    pending_.push_back(p);
    retire();
}

// Before the edge: what both streams will hand over at it.
void PcieRc::sample(Vvd_soc *top, uint64_t cycle) {
    if (rx_valid_ && top->pcie_rx_ready_o) {
        rx_fired_ = true;
        idle_ = false;
    }
    if (top->pcie_tx_valid_o && top->pcie_tx_ready_i) {
        if (top->pcie_tx_first_o) tx_.clear();
        uint64_t d = top->pcie_tx_dat_o;
        tx_.push_back(uint32_t(d));
        if (top->pcie_tx_be_o & 0xF0) tx_.push_back(uint32_t(d >> 32));
        if (top->pcie_tx_last_o) tx_tlp(cycle);
    }
}

// A whole TLP from the endpoint.
void PcieRc::tx_tlp(uint64_t cycle) {
    const uint32_t *h = tx_.data();
    size_t n = tx_.size();
    if (n < 3) {
        stats_.dropped++;
        return;
    }
    uint32_t ft = h[0] >> 24;
    if (ft == kMRd32) dma_read(h, cycle);
    else if (ft == kMWr32) dma_write(h, n);
    else if (ft == kCplD || ft == kCpl) host_cpl(h, n, cycle);
    else stats_.dropped++;  // 64-bit addressing, messages: this host has 32-bit memory only
    if (!pending_.empty() || !cpl_q_.empty()) idle_ = false;
}

// MRd32 from the endpoint: CplDs from host memory, split at the read completion boundary,
// or one UR completion when any byte is outside host memory.
void PcieRc::dma_read(const uint32_t *h, uint64_t cycle) {
    unsigned len = h[0] & 0x3FF ? h[0] & 0x3FF : 1024;
    uint32_t rid_tag = h[1] & 0xFFFFFF00u;  // requester ID and tag, echoed in DW2
    unsigned fbe = h[1] & 0xF, lbe = (h[1] >> 4) & 0xF;
    uint32_t addr = h[2] & ~3u;
    uint32_t first = addr + lead(fbe);
    uint32_t bytes = len * 4 - lead(fbe) - (len == 1 ? trail(fbe) : trail(lbe));
    if (len == 1 && fbe == 0) bytes = 1;  // a zero-length read still completes with one DW
    uint64_t ready = cycle + cfg_.cpl_latency;
    uint32_t cpl_id = uint32_t(cfg_.rc_id) << 16;
    stats_.dma_read_reqs++;
    uint64_t off = uint64_t(addr) - mem_base_;
    if (addr < mem_base_ || off + len * 4ull > mem_size_) {
        stats_.ur++;
        cpl_q_.push_back(Tlp{{kCpl << 24, cpl_id | kStatusUR << 13 | (bytes & 0xFFF), rid_tag}, ready, 0, false});
        return;
    }
    stats_.dma_read_bytes += bytes;
    // One CplD per RCB-aligned piece; Byte Count is what remains, Lower Address the piece's
    // first byte (PCIe base specification, 2.3.1.1).
    uint32_t a = addr, end = addr + len * 4;
    bool head = true;
    while (a < end) {
        uint32_t stop = (a / cfg_.rcb + 1) * cfg_.rcb;
        if (stop > end) stop = end;
        unsigned ndw = (stop - a) / 4;
        uint32_t la = head ? first : a;
        Tlp t{{kCplD << 24 | (ndw & 0x3FF), cpl_id | kStatusSC << 13 | (bytes & 0xFFF),
               rid_tag | (la & 0x7F)}, ready, 0, false};
        t.dw.resize(3 + ndw);
        std::memcpy(&t.dw[3], mem_ + (a - mem_base_), ndw * 4);  // little-endian data DWs
        cpl_q_.push_back(std::move(t));
        bytes -= stop - (head ? first : a);
        head = false;
        a = stop;
        stats_.completions++;
    }
}

// MWr32 from the endpoint: an MSI (to the MSI address) or DMA data for host memory.
void PcieRc::dma_write(const uint32_t *h, size_t n) {
    unsigned len = h[0] & 0x3FF ? h[0] & 0x3FF : 1024;
    unsigned fbe = h[1] & 0xF, lbe = (h[1] >> 4) & 0xF;
    uint32_t addr = h[2] & ~3u;
    if (n < 3 + size_t(len)) {
        stats_.dropped++;
        return;
    }
    if (addr == cfg_.msi_addr) {
        // Counted even with other data: the host only learns "the device signalled".
        stats_.msi++;
        news_ = true;
        return;
    }
    uint64_t off = uint64_t(addr) - mem_base_;
    if (addr < mem_base_ || off + len * 4ull > mem_size_) {
        stats_.dropped++;  // posted: nothing to answer (a real host would log an error)
        return;
    }
    uint8_t *p = mem_ + off;
    for (unsigned i = 0; i < len; i++) {
        unsigned be = i == 0 ? fbe : i == len - 1 ? lbe : 0xF;
        uint32_t v = h[3 + i];
        if (be == 0xF) {
            std::memcpy(p + 4 * i, &v, 4);
            stats_.dma_write_bytes += 4;
        } else {
            for (unsigned b = 0; b < 4; b++)
                if (be >> b & 1) {
                    p[4 * i + b] = uint8_t(v >> (8 * b));
                    stats_.dma_write_bytes++;
                }
        }
    }
}

// A completion for one of the host's MMIO reads.
void PcieRc::host_cpl(const uint32_t *h, size_t n, uint64_t cycle) {
    uint8_t tag = uint8_t(h[2] >> 8);
    unsigned status = (h[1] >> 13) & 7;
    for (Pending &p : pending_) {
        if (!p.read || p.finished || p.tag != tag || !p.sent) continue;
        p.finished = true;
        p.ok = status == kStatusSC && (h[0] >> 24) == kCplD && n >= 4;
        p.data = p.ok ? h[3] : 0xFFFFFFFFu;
        uint64_t rt = cycle - p.sent;
        if (p.seq != probe_seq_) {
            if (!p.ok) stats_.mmio_errors++;
            stats_.mmio_rt_total += rt;
            if (!stats_.mmio_rt_min || rt < stats_.mmio_rt_min) stats_.mmio_rt_min = rt;
            if (rt > stats_.mmio_rt_max) stats_.mmio_rt_max = rt;
        }
        retire();
        return;
    }
    stats_.dropped++;  // unexpected (a read that already timed out)
}

// Finished requests leave in order; the probe decides whether an endpoint is there.
void PcieRc::retire() {
    while (!pending_.empty() && pending_.front().finished) {
        Pending &p = pending_.front();
        if (p.seq == probe_seq_) {
            enum_ = p.ok ? ENUM_PRESENT : ENUM_ABSENT;
            probe_seq_ = ~0ull;
        } else {
            done_.push_back(Done{p.cookie, p.data, p.read ? p.ok : true});
            news_ = true;
        }
        pending_.pop_front();
    }
}

// After the edge: advance the rx stream, pick the next TLP, time out lost reads.
void PcieRc::act(Vvd_soc *top, uint64_t cycle) {
    bool changed = false;
    if (rx_fired_) {
        rx_fired_ = false;
        cur_beat_++;
        if (cur_beat_ * 2 >= cur_.dw.size()) {  // the whole TLP went
            rx_valid_ = 0;
            changed = true;
            if (cur_.host) {
                for (Pending &p : pending_)
                    if (p.seq == cur_.seq) {
                        if (!p.read) p.finished = true;  // posted: done once on the link
                        break;
                    }
                retire();
            }
        } else {
            changed = true;
        }
    }
    if (!rx_valid_) {
        // Whichever queue's head became ready first; the host's requests win a tie.
        bool h = !host_q_.empty() && host_q_.front().ready <= cycle;
        bool c = !cpl_q_.empty() && cpl_q_.front().ready <= cycle;
        if (h && c) h = host_q_.front().ready <= cpl_q_.front().ready;
        if (h || c) {
            std::deque<Tlp> &q = h ? host_q_ : cpl_q_;
            cur_ = std::move(q.front());
            q.pop_front();
            cur_beat_ = 0;
            rx_valid_ = 1;
            changed = true;
            if (cur_.host)
                for (Pending &p : pending_)
                    if (p.seq == cur_.seq) {
                        p.sent = cycle;
                        break;
                    }
        }
    }
    if (changed) drive(top);
    if (cfg_.tx_stall_every) top->pcie_tx_ready_i = ++stall_n_ % cfg_.tx_stall_every != 0;

    // The oldest request decides timeouts (reads complete in order).
    if (!pending_.empty()) {
        Pending &p = pending_.front();
        uint64_t limit = p.seq == probe_seq_ ? kProbeTimeout : cfg_.mmio_timeout;
        if (p.sent && cycle - p.sent > limit) {
            p.finished = true;
            p.ok = false;
            p.data = 0xFFFFFFFFu;
            if (p.seq == probe_seq_) {
                // Absent: withdraw everything (nothing will ever take it).
                rx_valid_ = 0;
                drive(top);
                host_q_.clear();
                retire();
                for (Pending &q : pending_) {
                    q.finished = true;
                    q.data = 0xFFFFFFFFu;
                }
            } else {
                stats_.mmio_errors++;
            }
            retire();
        }
    }
    update_idle();
}

void PcieRc::drive(Vvd_soc *top) {
    top->pcie_rx_valid_i = rx_valid_;
    if (!rx_valid_) return;
    size_t i = cur_beat_ * 2, n = cur_.dw.size();
    uint64_t d = cur_.dw[i];
    bool two = i + 1 < n;
    if (two) d |= uint64_t(cur_.dw[i + 1]) << 32;
    top->pcie_rx_dat_i = d;
    top->pcie_rx_be_i = two ? 0xFF : 0x0F;
    top->pcie_rx_first_i = cur_beat_ == 0;
    top->pcie_rx_last_i = i + 2 >= n;
}
