// PcieShmLink (pcie_shm.h): shared memory, the request ring, process-shared futexes.
#include "pcie_shm.h"

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vd_regs.h"

namespace {

// Process-shared (no FUTEX_PRIVATE_FLAG): the waiters are in another process.
void wake(uint32_t *word) { syscall(SYS_futex, word, FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0); }

constexpr size_t kHdrBytes = (sizeof(vd_pcie_shm_hdr) + 4095) & ~size_t(4095);

// An object of this name left by a simulator that is gone (killed) may be replaced; one a
// live simulator serves may not.
bool stale(const std::string &name) {
    int fd = shm_open(name.c_str(), O_RDONLY, 0);
    if (fd < 0) return true;
    struct stat st;
    bool ok = fstat(fd, &st) == 0 && size_t(st.st_size) >= sizeof(vd_pcie_shm_hdr);
    bool dead = true;
    if (ok) {
        void *p = mmap(nullptr, sizeof(vd_pcie_shm_hdr), PROT_READ, MAP_SHARED, fd, 0);
        if (p != MAP_FAILED) {
            auto *h = static_cast<const vd_pcie_shm_hdr *>(p);
            uint32_t pid = __atomic_load_n(&h->sim_pid, __ATOMIC_ACQUIRE);
            uint32_t state = __atomic_load_n(&h->state, __ATOMIC_ACQUIRE);
            dead = h->magic != VD_PCIE_SHM_MAGIC || state == VD_PCIE_SHM_STOPPED || pid == 0 ||
                   (kill(pid_t(pid), 0) != 0 && errno == ESRCH);
            munmap(p, sizeof(vd_pcie_shm_hdr));
        }
    }
    close(fd);
    return dead;
}

}  // namespace

bool PcieShmLink::create(const std::string &name, uint32_t host_mem, PcieRc &rc, std::string &err) {
    name_ = name[0] == '/' ? name : "/" + name;
    if (!stale(name_)) {
        err = "pcie shm " + name_ + " is in use by a running simulator";
        return false;
    }
    shm_unlink(name_.c_str());
    int fd = shm_open(name_.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        err = "shm_open " + name_ + ": " + std::strerror(errno);
        return false;
    }
    map_bytes_ = kHdrBytes + host_mem;
    if (ftruncate(fd, off_t(map_bytes_)) != 0) {
        err = "ftruncate " + name_ + ": " + std::strerror(errno);
        close(fd);
        shm_unlink(name_.c_str());
        return false;
    }
    void *p = mmap(nullptr, map_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        err = "mmap " + name_ + ": " + std::strerror(errno);
        shm_unlink(name_.c_str());
        return false;
    }
    h_ = static_cast<vd_pcie_shm_hdr *>(p);  // ftruncate zeroed it all
    h_->version = VD_PCIE_SHM_VERSION;
    h_->hdr_size = uint32_t(kHdrBytes);
    h_->host_mem_size = host_mem;
    h_->host_bus_base = VD_PCIE_SHM_HOST_BUS;
    h_->bar0_size = VD_PCIE_BAR0_SIZE;
    h_->clk_hz = VD_CLK_HZ;
    h_->sim_pid = uint32_t(getpid());
    h_->state = VD_PCIE_SHM_STARTING;
    __atomic_store_n(&h_->magic, VD_PCIE_SHM_MAGIC, __ATOMIC_RELEASE);  // last: the rest is valid
    rc.set_host_mem(reinterpret_cast<uint8_t *>(p) + kHdrBytes, host_mem, VD_PCIE_SHM_HOST_BUS);
    return true;
}

void PcieShmLink::running() {
    __atomic_store_n(&h_->state, uint32_t(VD_PCIE_SHM_RUNNING), __ATOMIC_RELEASE);
    wake(&h_->state);
}

void PcieShmLink::work(PcieRc &rc) {
    rc.clear_news();
    uint32_t head = __atomic_load_n(&h_->req_head, __ATOMIC_ACQUIRE);
    // At most a ring's worth: a host that overran it has broken the protocol; the entries
    // beyond are not there.
    if (head - tail_ > VD_PCIE_SHM_REQS) tail_ = head - VD_PCIE_SHM_REQS;
    while (tail_ != head) {
        vd_pcie_shm_req r = h_->req[tail_ % VD_PCIE_SHM_REQS];
        if (r.op == VD_PCIE_SHM_READ) rc.mmio_read(r.offset, tail_);
        else if (r.op == VD_PCIE_SHM_WRITE) rc.mmio_write(r.offset, r.data, tail_);
        else rc.mmio_invalid(tail_);
        tail_++;
    }
    __atomic_store_n(&h_->req_tail, tail_, __ATOMIC_RELEASE);

    auto &done = rc.done();
    if (!done.empty()) {
        // Done in request order (the model retires them so).
        uint32_t n = __atomic_load_n(&h_->rsp_done, __ATOMIC_RELAXED);
        while (!done.empty()) {
            const PcieRc::Done &d = done.front();
            uint32_t i = uint32_t(d.cookie);
            h_->rsp_data[i % VD_PCIE_SHM_REQS] = d.data;
            h_->rsp_ok[i % VD_PCIE_SHM_REQS] = d.ok;
            n = i + 1;
            done.pop_front();
        }
        __atomic_store_n(&h_->rsp_done, n, __ATOMIC_RELEASE);
        wake(&h_->rsp_done);
    }
    if (rc.msi_count() != msi_) {
        // Release: the DMA writes before the MSI are in host memory before the count moves.
        msi_ = rc.msi_count();
        __atomic_store_n(&h_->msi_count, uint32_t(msi_), __ATOMIC_RELEASE);
        wake(&h_->msi_count);
    }
}

void PcieShmLink::stop() {
    if (!h_) return;
    __atomic_store_n(&h_->state, uint32_t(VD_PCIE_SHM_STOPPED), __ATOMIC_RELEASE);
    wake(&h_->state);
    wake(&h_->rsp_done);
    wake(&h_->msi_count);
    munmap(h_, map_bytes_);
    h_ = nullptr;
    shm_unlink(name_.c_str());
}
