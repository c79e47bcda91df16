/*
 * The `shm` PCIe bus: vidalloc-sim --pcie NAME's shared memory (sim/vd_pcie_shm.h). BAR0
 * accesses are requests in its ring; the simulator's root-complex model turns them into
 * TLPs and counts completions in rsp_done. MSIs count up msi_count. Both are futex words,
 * so the host sleeps in the kernel until the simulator wakes it; the sleeps are cut into
 * slices of VD_SHM_SLICE_US only to notice a simulator that died without saying so (a
 * SIGKILL leaves state RUNNING).
 */
#define _GNU_SOURCE /* syscall */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "pcie_bus.h"
#include "vd_host.h"
#include "vd_pcie_shm.h"

#define VD_SHM_SLICE_US 50000u      /* longest sleep before checking the simulator lives */
#define VD_SHM_MMIO_TIMEOUT_US 30000000u /* a BAR0 read unanswered this long: link lost */

typedef struct shm_priv {
    vd_pcie_shm_hdr *h;
    size_t map_size;
    uint32_t self;
    vd_sim_proc *proc;      /* the simulator, when we spawned it */
    char name[256];
} shm_priv;

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint32_t load(const uint32_t *w) { return __atomic_load_n(w, __ATOMIC_ACQUIRE); }

/* Process-shared futex (no FUTEX_PRIVATE_FLAG): the simulator is another process. */
static void futex_wait(uint32_t *w, uint32_t val, uint64_t us)
{
    struct timespec ts = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000};
    syscall(SYS_futex, w, FUTEX_WAIT, val, &ts, NULL, 0);
}


int vd_pcie_shm_claim(uint32_t *owner, uint32_t self, uint32_t *prev)
{
    for (;;) {
        uint32_t cur = __atomic_load_n(owner, __ATOMIC_ACQUIRE);
        *prev = cur;
        if (cur == self)
            return -1; /* this process already drives it: one device per link */
        if (cur != 0 && !(kill((pid_t)cur, 0) < 0 && errno == ESRCH))
            return -1; /* alive (or not ours to signal: it exists) */
        if (__atomic_compare_exchange_n(owner, &cur, self, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            return cur ? 1 : 0;
        /* Another host raced us: look again. */
    }
}

void vd_pcie_shm_release(uint32_t *owner, uint32_t self)
{
    uint32_t cur = self;
    __atomic_compare_exchange_n(owner, &cur, 0, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

/* 0 while the simulator serves the link; -1 after vd_fail when it stopped or died. */
static int check_alive(shm_priv *p)
{
    uint32_t state = load(&p->h->state);
    if (state == VD_PCIE_SHM_STOPPED) {
        vd_fail(D3DDDIERR_DEVICEREMOVED, "sim: the simulator stopped (%s state STOPPED)",
                p->name);
        return -1;
    }
    if (p->proc ? !vd_sim_alive(p->proc)
                : (p->h->sim_pid && kill((pid_t)p->h->sim_pid, 0) < 0 && errno == ESRCH)) {
        vd_fail(D3DDDIERR_DEVICEREMOVED, "sim: the simulator (pid %u) is gone", p->h->sim_pid);
        return -1;
    }
    return 0;
}

/* Append one MMIO request; its index (free-running) in *index. */
static int push(shm_priv *p, uint32_t op, uint32_t offset, uint32_t data, uint32_t *index)
{
    vd_pcie_shm_hdr *h = p->h;
    uint32_t head = h->req_head; /* only this process writes it */
    uint64_t deadline = mono_us() + VD_SHM_MMIO_TIMEOUT_US;
    for (;;) {
        uint32_t done = load(&h->rsp_done);
        if (head - done < VD_PCIE_SHM_REQS)
            break;
        if (check_alive(p))
            return -1;
        if (mono_us() >= deadline) {
            vd_fail(D3DDDIERR_DEVICEREMOVED, "sim: the MMIO request ring stays full");
            return -1;
        }
        futex_wait(&h->rsp_done, done, VD_SHM_SLICE_US);
    }
    vd_pcie_shm_req *r = &h->req[head % VD_PCIE_SHM_REQS];
    r->op = op;
    r->offset = offset;
    r->data = data;
    r->reserved = 0;
    /* Release: the request, and every host-memory store before it (a doorbell's records),
     * is visible before the simulator sees req_head move. */
    __atomic_store_n(&h->req_head, head + 1, __ATOMIC_RELEASE);
    /* No futex wake: the simulator never sleeps on req_head, it looks at it every 64
     * cycles (vd_pcie_shm.h), so a wake would only cost a system call per request. */
    *index = head;
    return 0;
}

static int shm_write32(vd_pcie_bus *b, uint32_t offset, uint32_t value)
{
    uint32_t index;
    return push(b->priv, VD_PCIE_SHM_WRITE, offset, value, &index);
}

static int shm_read32(vd_pcie_bus *b, uint32_t offset, uint32_t *value)
{
    shm_priv *p = b->priv;
    vd_pcie_shm_hdr *h = p->h;
    uint32_t index;
    if (push(p, VD_PCIE_SHM_READ, offset, 0, &index))
        return -1;
    uint64_t deadline = mono_us() + VD_SHM_MMIO_TIMEOUT_US;
    for (;;) {
        uint32_t done = load(&h->rsp_done);
        if ((int32_t)(done - (index + 1u)) >= 0)
            break;
        if (check_alive(p))
            return -1;
        if (mono_us() >= deadline) {
            vd_fail(D3DDDIERR_DEVICEREMOVED, "sim: BAR0 read of 0x%03x not answered", offset);
            return -1;
        }
        futex_wait(&h->rsp_done, done, VD_SHM_SLICE_US);
    }
    if (!h->rsp_ok[index % VD_PCIE_SHM_REQS]) {
        vd_fail(D3DDDIERR_DEVICEREMOVED, "sim: BAR0 read of 0x%03x: error completion", offset);
        return -1;
    }
    *value = h->rsp_data[index % VD_PCIE_SHM_REQS];
    return 0;
}

static uint32_t shm_msi_count(vd_pcie_bus *b)
{
    shm_priv *p = b->priv;
    return load(&p->h->msi_count);
}

static int shm_wait_msi(vd_pcie_bus *b, uint32_t seen, uint64_t timeout_us)
{
    shm_priv *p = b->priv;
    uint64_t deadline = mono_us() + timeout_us;
    for (;;) {
        if (load(&p->h->msi_count) != seen)
            return 1;
        if (check_alive(p))
            return -1;
        uint64_t now = mono_us();
        if (now >= deadline)
            return 0;
        uint64_t us = deadline - now;
        futex_wait(&p->h->msi_count, seen, us < VD_SHM_SLICE_US ? us : VD_SHM_SLICE_US);
    }
}

static uint64_t shm_now_us(vd_pcie_bus *b)
{
    (void)b;
    return mono_us();
}

static void shm_close(vd_pcie_bus *b)
{
    shm_priv *p = b->priv;
    if (!p)
        return;
    if (p->h) {
        vd_pcie_shm_release(&p->h->owner_pid, p->self);
        munmap(p->h, p->map_size);
    }
    free(p);
    b->priv = NULL;
}

static const vd_pcie_bus_ops shm_ops = {
    .name = "shm",
    .mmio_read32 = shm_read32,
    .mmio_write32 = shm_write32,
    .msi_count = shm_msi_count,
    .wait_msi = shm_wait_msi,
    .now_us = shm_now_us,
    .close = shm_close,
};

int vd_pcie_bus_shm_open(vd_pcie_bus *b, const char *name, vd_sim_proc *proc,
                         uint64_t timeout_us)
{
    memset(b, 0, sizeof *b);
    b->ops = &shm_ops;
    shm_priv *p = calloc(1, sizeof *p);
    if (!p) {
        vd_fail(E_OUTOFMEMORY, "out of memory");
        return -1;
    }
    b->priv = p;
    p->proc = proc;
    p->self = (uint32_t)getpid();
    snprintf(p->name, sizeof p->name, "%s", name);

    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0) {
        vd_fail(E_FAIL, "sim: cannot open the PCIe shared memory %s: %s", name, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || (size_t)st.st_size < sizeof(vd_pcie_shm_hdr)) {
        close(fd);
        vd_fail(E_FAIL, "sim: %s is too small for a PCIe link", name);
        return -1;
    }
    vd_pcie_shm_hdr hdr;
    if (pread(fd, &hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr || hdr.magic != VD_PCIE_SHM_MAGIC ||
        hdr.version != VD_PCIE_SHM_VERSION || hdr.hdr_size < sizeof hdr ||
        (uint64_t)hdr.hdr_size + hdr.host_mem_size > (uint64_t)st.st_size) {
        close(fd);
        vd_fail(E_FAIL, "sim: %s is not a vidalloc PCIe link of version %u (magic 0x%08x, "
                "version %u)", name, VD_PCIE_SHM_VERSION, hdr.magic, hdr.version);
        return -1;
    }
    p->map_size = (size_t)hdr.hdr_size + hdr.host_mem_size;
    void *m = mmap(NULL, p->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        vd_fail(E_FAIL, "sim: cannot map %s: %s", name, strerror(errno));
        return -1;
    }
    p->h = m;

    /* The simulator enumerates the endpoint first (STARTING -> RUNNING). */
    uint64_t deadline = mono_us() + timeout_us;
    for (;;) {
        uint32_t state = load(&p->h->state);
        if (state == VD_PCIE_SHM_RUNNING)
            break;
        if (check_alive(p)) {
            char why[512]; /* vd_fail must not format from its own buffer */
            snprintf(why, sizeof why, "%s", vidalloc_last_error());
            vd_fail(E_FAIL, "sim: %s: %s", name, why);
            return -1;
        }
        uint64_t now = mono_us();
        if (now >= deadline) {
            vd_fail(E_FAIL, "sim: %s: the simulator did not enumerate the endpoint in time", name);
            return -1;
        }
        uint64_t us = deadline - now;
        futex_wait(&p->h->state, state, us < VD_SHM_SLICE_US ? us : VD_SHM_SLICE_US);
    }

    uint32_t prev;
    int claim = vd_pcie_shm_claim(&p->h->owner_pid, p->self, &prev);
    if (claim < 0) {
        p->self = 0; /* not ours: close must not release it */
        vd_fail(E_FAIL, "sim: %s is in use by process %u (one host at a time)", name, prev);
        return -1;
    }
    /* claim == 1: a host that died mid-request held it; the queue restart drops its work. */
    b->mem = (uint8_t *)m + p->h->hdr_size;
    b->mem_bus = p->h->host_bus_base;
    b->mem_size = p->h->host_mem_size;
    return 0;
}
