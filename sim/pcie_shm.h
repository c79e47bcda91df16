// vidalloc-sim --pcie NAME: the root-complex model's far end in a POSIX shared-memory
// object (vd_pcie_shm.h), so a host process maps host memory and reaches BAR0 through the
// request ring. The simulator side only: create, service every few dozen cycles, stop.
#pragma once
#include <cstdint>
#include <string>

#include "pcie_rc.h"
#include "vd_pcie_shm.h"

class PcieShmLink {
public:
    ~PcieShmLink() { stop(); }
    // Create NAME (refusing one a live simulator still serves) with host_mem bytes of host
    // memory, fill the header (state STARTING) and hand the memory to the model.
    bool create(const std::string &name, uint32_t host_mem, PcieRc &rc, std::string &err);
    // Take new requests, publish completions, MSIs and cycles; wake the futexes that moved.
    // When idle this is one atomic load and two compares (besides the cycle store).
    inline void service(PcieRc &rc, uint64_t cycles) {
        __atomic_store_n(&h_->cycles, cycles, __ATOMIC_RELAXED);
        if (__atomic_load_n(&h_->req_head, __ATOMIC_ACQUIRE) != tail_ || rc.news()) work(rc);
    }
    // Enumeration finished with the endpoint there: state RUNNING.
    void running();
    // State STOPPED (wakes every waiter), unmap, unlink. Idempotent.
    void stop();
    bool active() const { return h_ != nullptr; }

private:
    void work(PcieRc &rc);
    vd_pcie_shm_hdr *h_ = nullptr;
    size_t map_bytes_ = 0;
    std::string name_;
    uint32_t tail_ = 0;
    uint64_t msi_ = 0;
};
