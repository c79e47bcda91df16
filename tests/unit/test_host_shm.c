/* host-lib's shared-memory PCIe bus (pcie_bus_shm.c) end to end through vidalloc_open
 * ("sim?link=pcie&shm=/NAME"), against a fake simulator: a thread of this test that owns a
 * POSIX shared-memory object laid out as sim/vd_pcie_shm.h says, takes the MMIO requests
 * from its ring, hands them to the mock device of pcie_mock.c (whose host memory is the
 * shared memory's), completes them through rsp_done and counts MSIs in msi_count, waking
 * the host through the futex words. Also: the owner claim (free, in use, taken over from a
 * dead host), a simulator that stops or disappears, a foreign object. */
#define _GNU_SOURCE /* syscall */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pcie_mock.h"
#include "vd_pcie_shm.h"

#define HDR_SIZE 4096u
#define MEM_SIZE (1u << 20)

static char g_name[64];
static char g_uri[128];
static vd_pcie_shm_hdr *g_shm;
static pthread_t g_sim;
static int g_sim_running;
static volatile int g_sim_quit;

static void wake(uint32_t *w) { syscall(SYS_futex, w, FUTEX_WAKE, 1 << 30, NULL, NULL, 0); }

/* The fake simulator: the root-complex side of the MMIO ring. */
static void *sim_thread(void *arg)
{
    (void)arg;
    vd_pcie_shm_hdr *h = g_shm;
    while (!g_sim_quit) {
        uint32_t head = __atomic_load_n(&h->req_head, __ATOMIC_ACQUIRE);
        uint32_t tail = h->req_tail;
        if (head == tail) { /* the simulator looks at req_head now and then, as here */
            usleep(20);
            continue;
        }
        vd_pcie_shm_req r = h->req[tail % VD_PCIE_SHM_REQS];
        h->req_tail = tail + 1;
        uint32_t v = 0;
        if (r.op == VD_PCIE_SHM_READ) {
            h->rsp_ok[tail % VD_PCIE_SHM_REQS] = mock_mmio_read32(r.offset, &v) == 0;
            h->rsp_data[tail % VD_PCIE_SHM_REQS] = v;
        } else {
            mock_mmio_write32(r.offset, r.data);
            mock_run_device(); /* a doorbell: the device fetches and answers */
        }
        __atomic_store_n(&h->rsp_done, tail + 1, __ATOMIC_RELEASE);
        wake(&h->rsp_done);
        if (__atomic_load_n(&h->msi_count, __ATOMIC_RELAXED) != mock.msi) {
            __atomic_store_n(&h->msi_count, mock.msi, __ATOMIC_RELEASE);
            wake(&h->msi_count);
        }
    }
    return NULL;
}

static void start_sim(void)
{
    g_sim_quit = 0;
    assert_int_equal(pthread_create(&g_sim, NULL, sim_thread, NULL), 0);
    g_sim_running = 1;
}

static void stop_sim(void)
{
    if (!g_sim_running)
        return;
    g_sim_quit = 1;
    wake(&g_shm->req_head);
    pthread_join(g_sim, NULL);
    g_sim_running = 0;
}

static int setup(void **state)
{
    (void)state;
    snprintf(g_name, sizeof g_name, "/vidalloc-test-%d", (int)getpid());
    snprintf(g_uri, sizeof g_uri, "sim?link=pcie&shm=%s", g_name);
    shm_unlink(g_name);
    int fd = shm_open(g_name, O_RDWR | O_CREAT | O_EXCL, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, HDR_SIZE + MEM_SIZE), 0);
    void *m = mmap(NULL, HDR_SIZE + MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    assert_true(m != MAP_FAILED);
    g_shm = m;
    g_shm->magic = VD_PCIE_SHM_MAGIC;
    g_shm->version = VD_PCIE_SHM_VERSION;
    g_shm->hdr_size = HDR_SIZE;
    g_shm->host_mem_size = MEM_SIZE;
    g_shm->host_bus_base = VD_PCIE_SHM_HOST_BUS;
    g_shm->bar0_size = VD_PCIE_BAR0_SIZE;
    g_shm->clk_hz = 12000000;
    g_shm->sim_pid = (uint32_t)getpid();
    g_shm->state = VD_PCIE_SHM_RUNNING;
    mock_reset(4096, 8192);
    free(mock.mem);
    mock.mem = (uint8_t *)m + HDR_SIZE;
    mock.mem_external = 1;
    mock.mem_size = MEM_SIZE;
    mock.mem_bus = VD_PCIE_SHM_HOST_BUS;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    stop_sim();
    mock_free();
    munmap(g_shm, HDR_SIZE + MEM_SIZE);
    shm_unlink(g_name);
    return 0;
}

static HANDLE open_ok(void)
{
    HANDLE h = NULL;
    HRESULT hr = vidalloc_open(g_uri, NULL, &h, NULL);
    if (FAILED(hr))
        fail_msg("open %s: %s: %s", g_uri, vidalloc_hresult_name(hr), vidalloc_last_error());
    return h;
}

static D3DKMT_HANDLE allocate(HANDLE h, HRESULT want)
{
    vd_surface_desc desc;
    vidalloc_buffer_desc(&desc, 64, 0);
    D3DDDI_ALLOCATIONINFO info = {0};
    info.pPrivateDriverData = &desc;
    info.PrivateDriverDataSize = sizeof desc;
    D3DDDICB_ALLOCATE a = {0};
    a.NumAllocations = 1;
    a.pAllocationInfo = &info;
    assert_int_equal(vidalloc_allocate_cb(h, &a), want);
    return info.hAllocation;
}

/* A whole session over the shared memory: HELLO, allocations, a lock read and written by
 * DMA through the bounce area, close (CTRL = 0, the claim given back). */
static void test_shm_session(void **state)
{
    (void)state;
    start_sim();
    HANDLE h = open_ok();
    assert_int_equal(g_shm->owner_pid, (uint32_t)getpid());
    vidalloc_info in;
    assert_int_equal(vidalloc_get_info(h, &in), S_OK);
    assert_string_equal(in.transport, "sim-pcie");
    for (int i = 0; i < 20; i++)
        allocate(h, S_OK);
    D3DKMT_HANDLE a = allocate(h, S_OK);
    uint32_t base = (a - 0x40000001u) * mock.alloc_size;
    D3DDDICB_LOCK l = {0};
    l.hAllocation = a;
    assert_int_equal(vidalloc_lock_cb(h, &l), S_OK);
    const uint8_t *p = l.pData;
    for (uint32_t i = 0; i < mock.alloc_size; i++)
        assert_int_equal(p[i], mock_pattern(base + i));
    D3DDDICB_UNLOCK u = {0};
    u.NumAllocations = 1;
    u.phAllocations = &a;
    assert_int_equal(vidalloc_unlock_cb(h, &u), S_OK);
    assert_int_equal(mock.dma_reads, 1);
    assert_int_equal(mock.dma_writes, 1);
    assert_int_equal(vidalloc_close(h), S_OK);
    assert_int_equal(g_shm->owner_pid, 0);
    /* close's CTRL = 0 is a posted write: wait (bounded) until the simulator thread has
     * taken every request before looking at what it did. */
    for (int i = 0; i < 2000 && __atomic_load_n(&g_shm->rsp_done, __ATOMIC_ACQUIRE) !=
                                    __atomic_load_n(&g_shm->req_head, __ATOMIC_ACQUIRE); i++)
        usleep(1000);
    assert_int_equal(mock.enabled, 0);
}

/* The simulator says it stopped: the next call is D3DDDIERR_DEVICEREMOVED at once. */
static void test_shm_stopped(void **state)
{
    (void)state;
    start_sim();
    HANDLE h = open_ok();
    stop_sim();
    __atomic_store_n(&g_shm->state, VD_PCIE_SHM_STOPPED, __ATOMIC_RELEASE);
    wake(&g_shm->state);
    allocate(h, D3DDDIERR_DEVICEREMOVED);
    assert_non_null(strstr(vidalloc_last_error(), "STOPPED"));
    assert_int_equal(vidalloc_close(h), S_OK);
    assert_int_equal(g_shm->owner_pid, 0);
}

/* A dead pid that is not ours to reap: a child that exited and was waited for. */
static uint32_t dead_pid(void)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return (uint32_t)pid;
}

/* The simulator died without a word (a SIGKILL leaves state RUNNING). */
static void test_shm_simulator_gone(void **state)
{
    (void)state;
    start_sim();
    HANDLE h = open_ok();
    stop_sim();
    g_shm->sim_pid = dead_pid();
    allocate(h, D3DDDIERR_DEVICEREMOVED);
    assert_non_null(strstr(vidalloc_last_error(), "is gone"));
    vidalloc_close(h);
}

static void test_shm_owner(void **state)
{
    (void)state;
    start_sim();
    /* A live host holds it: refused, and its claim stays. */
    uint32_t other = (uint32_t)getppid();
    g_shm->owner_pid = other;
    HANDLE h = NULL;
    assert_int_equal(vidalloc_open(g_uri, NULL, &h, NULL), E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "in use by process"));
    assert_int_equal(g_shm->owner_pid, other);
    /* A host that died (mid-request: its queues still enabled, records left): taken over,
     * the queues restarted, nothing of it executed. */
    g_shm->owner_pid = dead_pid();
    mock.enabled = 1;
    mock.status = VD_PCIE_STATUS_READY_MASK;
    h = open_ok();
    assert_int_equal(g_shm->owner_pid, (uint32_t)getpid());
    assert_int_equal(mock.reqs[0].type, VD_MSG_HELLO);
    /* One device per link, this process included. */
    HANDLE h2 = NULL;
    assert_int_equal(vidalloc_open(g_uri, NULL, &h2, NULL), E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "in use"));
    allocate(h, S_OK); /* the refused attach did not disturb the queues */
    assert_int_equal(vidalloc_close(h), S_OK);
    assert_int_equal(g_shm->owner_pid, 0);
}

static void test_claim(void **state)
{
    (void)state;
    uint32_t owner = 0, prev = 99, self = (uint32_t)getpid();
    assert_int_equal(vd_pcie_shm_claim(&owner, self, &prev), 0);
    assert_int_equal(owner, self);
    assert_int_equal(prev, 0);
    assert_int_equal(vd_pcie_shm_claim(&owner, self, &prev), -1);
    vd_pcie_shm_release(&owner, self + 1); /* not its claim: stays */
    assert_int_equal(owner, self);
    vd_pcie_shm_release(&owner, self);
    assert_int_equal(owner, 0);
    owner = (uint32_t)getppid();
    assert_int_equal(vd_pcie_shm_claim(&owner, self, &prev), -1);
    assert_int_equal(prev, (uint32_t)getppid());
    uint32_t dead = dead_pid();
    owner = dead;
    assert_int_equal(vd_pcie_shm_claim(&owner, self, &prev), 1);
    assert_int_equal(prev, dead);
    assert_int_equal(owner, self);
}

static void test_shm_not_a_link(void **state)
{
    (void)state;
    g_shm->magic = 0x12345678u;
    HANDLE h = NULL;
    assert_int_equal(vidalloc_open(g_uri, NULL, &h, NULL), E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "not a vidalloc PCIe link"));
    g_shm->magic = VD_PCIE_SHM_MAGIC;
    g_shm->version = 7;
    assert_int_equal(vidalloc_open(g_uri, NULL, &h, NULL), E_FAIL);
    assert_null(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_shm_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shm_stopped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shm_simulator_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shm_owner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_claim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shm_not_a_link, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
