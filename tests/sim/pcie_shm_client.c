/*
 * pcie_shm_client: a minimal host for `vidalloc-sim --pcie NAME` (sim/vd_pcie_shm.h): maps
 * the shared memory, waits for RUNNING on the state futex, claims the link, reads BAR0 ID /
 * VERSION / FEATURES, writes and reads SCRATCH, and times MMIO reads (simulated cycles and
 * wall clock). Every wait is a futex wait, no polling.
 *   pcie_shm_client NAME [READS]
 * Exit status 0 when every check passes. An example of the protocol for host-lib as well.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "vd_pcie_shm.h"
#include "vd_regs.h"

static vd_pcie_shm_hdr *h;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Sleep while *word == seen (or 1 s passes); process-shared futex. */
static void futex_wait(uint32_t *word, uint32_t seen) {
    struct timespec ts = {1, 0};
    syscall(SYS_futex, word, FUTEX_WAIT, seen, &ts, NULL, 0);
}

static int stopped(void) { return __atomic_load_n(&h->state, __ATOMIC_ACQUIRE) == VD_PCIE_SHM_STOPPED; }

/* Append one request without waiting for it (room is there: the caller keeps count). */
static uint32_t post(uint32_t op, uint32_t offset, uint32_t data) {
    uint32_t i = h->req_head;
    vd_pcie_shm_req *r = &h->req[i % VD_PCIE_SHM_REQS];
    r->op = op;
    r->offset = offset;
    r->data = data;
    r->reserved = 0;
    __atomic_store_n(&h->req_head, i + 1, __ATOMIC_RELEASE);
    return i;
}

/* One request; for a read, waits for its completion. 0 ok, -1 error completion, -2 the
 * simulator stopped. */
static int request(uint32_t op, uint32_t offset, uint32_t data, uint32_t *out) {
    uint32_t i = h->req_head;  /* only this process writes it */
    /* At most VD_PCIE_SHM_REQS in flight: wait for room. */
    for (;;) {
        uint32_t done = __atomic_load_n(&h->rsp_done, __ATOMIC_ACQUIRE);
        if (i - done < VD_PCIE_SHM_REQS) break;
        if (stopped()) return -2;
        futex_wait(&h->rsp_done, done);
    }
    vd_pcie_shm_req *r = &h->req[i % VD_PCIE_SHM_REQS];
    r->op = op;
    r->offset = offset;
    r->data = data;
    r->reserved = 0;
    __atomic_store_n(&h->req_head, i + 1, __ATOMIC_RELEASE);
    if (op != VD_PCIE_SHM_READ) return 0;
    for (;;) {
        uint32_t done = __atomic_load_n(&h->rsp_done, __ATOMIC_ACQUIRE);
        if ((int32_t)(done - (i + 1)) >= 0) break;
        if (stopped()) return -2;
        futex_wait(&h->rsp_done, done);
    }
    *out = h->rsp_data[i % VD_PCIE_SHM_REQS];
    return h->rsp_ok[i % VD_PCIE_SHM_REQS] ? 0 : -1;
}

static int failures;
#define CHECK(cond, ...)                                              \
    do {                                                              \
        if (!(cond)) {                                                \
            failures++;                                               \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);               \
            printf(__VA_ARGS__);                                      \
            printf("\n");                                             \
        }                                                             \
    } while (0)

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s NAME [READS]\n", argv[0]);
        return 2;
    }
    char name[256];
    snprintf(name, sizeof name, "%s%s", argv[1][0] == '/' ? "" : "/", argv[1]);
    int reads = argc > 2 ? atoi(argv[2]) : 1000;
    int fd = shm_open(name, O_RDWR, 0);
    if (fd < 0) {
        printf("FAIL shm_open %s: %s\n", name, strerror(errno));
        return 1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || (size_t)st.st_size < sizeof(vd_pcie_shm_hdr)) {
        printf("FAIL %s: too small\n", name);
        return 1;
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        printf("FAIL mmap: %s\n", strerror(errno));
        return 1;
    }
    h = p;
    if (__atomic_load_n(&h->magic, __ATOMIC_ACQUIRE) != VD_PCIE_SHM_MAGIC || h->version != VD_PCIE_SHM_VERSION) {
        printf("FAIL magic %08x version %u\n", h->magic, h->version);
        return 1;
    }
    CHECK(h->hdr_size >= sizeof(vd_pcie_shm_hdr) && h->hdr_size + (uint64_t)h->host_mem_size <= (uint64_t)st.st_size,
          "hdr_size %u host_mem_size %u in %lld bytes", h->hdr_size, h->host_mem_size, (long long)st.st_size);
    CHECK(h->bar0_size == VD_PCIE_BAR0_SIZE && h->clk_hz == VD_CLK_HZ, "bar0_size %x clk_hz %u", h->bar0_size, h->clk_hz);
    for (uint32_t s; (s = __atomic_load_n(&h->state, __ATOMIC_ACQUIRE)) == VD_PCIE_SHM_STARTING;)
        futex_wait(&h->state, s);
    if (stopped()) {
        printf("FAIL the simulator stopped\n");
        return 1;
    }
    /* Claim the link: from 0, or from a host that is gone. */
    uint32_t me = (uint32_t)getpid(), owner = 0;
    while (!__atomic_compare_exchange_n(&h->owner_pid, &owner, me, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        if (kill((pid_t)owner, 0) == 0 || errno != ESRCH) {
            printf("FAIL the link is owned by live process %u\n", owner);
            return 1;
        }
    }

    uint32_t v = 0;
    CHECK(request(VD_PCIE_SHM_READ, VD_PCIE_ID, 0, &v) == 0 && v == VD_SOC_ID, "ID %08x", v);
    CHECK(request(VD_PCIE_SHM_READ, VD_PCIE_VERSION, 0, &v) == 0 && v == VD_SOC_VERSION, "VERSION %08x", v);
    CHECK(request(VD_PCIE_SHM_READ, VD_PCIE_FEATURES, 0, &v) == 0 && (v & VD_SYSCTL_FEATURES_PCIE_MASK),
          "FEATURES %08x", v);
    uint32_t pattern = 0x5EED0000u ^ me;
    CHECK(request(VD_PCIE_SHM_WRITE, VD_PCIE_SCRATCH, pattern, &v) == 0, "write");
    CHECK(request(VD_PCIE_SHM_READ, VD_PCIE_SCRATCH, 0, &v) == 0 && v == pattern, "SCRATCH %08x, wrote %08x", v, pattern);
    CHECK(request(VD_PCIE_SHM_READ, VD_PCIE_BAR0_SIZE, 0, &v) == -1, "a read beyond BAR0 succeeded: %08x", v);

    /* Pipelined: a full ring of write/read pairs and an unknown op, then one wait. Reads
     * see the write before them (posted writes and reads stay in order); the unknown op
     * completes as an error in its place. */
    {
        uint32_t first = h->req_head, last = first;
        for (uint32_t k = 0; k < VD_PCIE_SHM_REQS / 2 - 1; k++) {
            post(VD_PCIE_SHM_WRITE, VD_PCIE_SCRATCH, 0xC0DE0000u + k);
            last = post(VD_PCIE_SHM_READ, VD_PCIE_SCRATCH, 0);
        }
        uint32_t bad = post(99, 0, 0);
        last = post(VD_PCIE_SHM_WRITE, VD_PCIE_SCRATCH, pattern);
        for (;;) {
            uint32_t done = __atomic_load_n(&h->rsp_done, __ATOMIC_ACQUIRE);
            if ((int32_t)(done - (last + 1)) >= 0 || stopped()) break;
            futex_wait(&h->rsp_done, done);
        }
        for (uint32_t k = 0; k < VD_PCIE_SHM_REQS / 2 - 1; k++) {
            uint32_t i = first + 2 * k + 1;
            CHECK(h->rsp_ok[i % VD_PCIE_SHM_REQS] && h->rsp_data[i % VD_PCIE_SHM_REQS] == 0xC0DE0000u + k,
                  "pipelined read %u: ok %u data %08x", k, h->rsp_ok[i % VD_PCIE_SHM_REQS],
                  h->rsp_data[i % VD_PCIE_SHM_REQS]);
        }
        CHECK(!h->rsp_ok[bad % VD_PCIE_SHM_REQS], "an unknown op completed ok");
    }

    uint64_t c0 = __atomic_load_n(&h->cycles, __ATOMIC_RELAXED);
    double t0 = now();
    for (int i = 0; i < reads && !failures; i++)
        CHECK(request(VD_PCIE_SHM_READ, VD_PCIE_SCRATCH, 0, &v) == 0 && v == pattern, "read %d: %08x", i, v);
    double dt = now() - t0;
    uint64_t dc = __atomic_load_n(&h->cycles, __ATOMIC_RELAXED) - c0;

    __atomic_store_n(&h->owner_pid, 0, __ATOMIC_RELEASE);
    printf("pcie_shm_client: %d MMIO reads over shared memory: %.1f simulated cycles and %.1f us "
           "each (the simulator at %.2f M cycles/s meanwhile): %s\n",
           reads, (double)dc / reads, dt * 1e6 / reads, dt > 0 ? dc / dt / 1e6 : 0.0,
           failures ? "FAILED" : "ok");
    return failures != 0;
}
