/* host-lib's PCIe queue link (queue.c, transport_pcie.c, the client's message path,
 * alloc.c's DMA) against the mock device of pcie_mock.c, which parses and produces the
 * records of vd_queue.h on its own: record, pad and wrap encoding both ways, the window of
 * 32, response matching, CQ_HEAD doorbells, the queue restart at attach, a stopped or
 * silent board -> D3DDDIERR_DEVICEREMOVED, lock contents by DMA in chunks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pcie_mock.h"

static HANDLE g_h;
static vd_surface_desc g_desc;

static int setup(void **state)
{
    (void)state;
    mock_reset(1u << 20, 8192);
    g_h = NULL;
    vidalloc_buffer_desc(&g_desc, 64, 0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (g_h)
        vidalloc_close(g_h);
    g_h = NULL;
    mock_free();
    return 0;
}

static void open_ok(void)
{
    HRESULT hr = mock_open_device(&g_h);
    if (FAILED(hr))
        fail_msg("open: %s: %s", vidalloc_hresult_name(hr), vidalloc_last_error());
}

static unsigned count_type(uint8_t type)
{
    unsigned n = 0;
    for (unsigned i = 0; i < mock.nreqs; i++)
        n += mock.reqs[i].type == type;
    return n;
}

/* n ALLOCATE calls of one allocation each, pipelined; their handles must come back. */
static void allocate_n(unsigned n, uint32_t privsize_step)
{
    D3DDDICB_ALLOCATE *calls = calloc(n, sizeof *calls);
    D3DDDI_ALLOCATIONINFO *info = calloc(n, sizeof *info);
    HRESULT *res = calloc(n, sizeof *res);
    uint8_t *priv = calloc(1, 800);
    assert_non_null(calls);
    assert_non_null(info);
    assert_non_null(res);
    assert_non_null(priv);
    for (unsigned i = 0; i < n; i++) {
        info[i].pPrivateDriverData = &g_desc;
        info[i].PrivateDriverDataSize = sizeof g_desc;
        calls[i].NumAllocations = 1;
        calls[i].pAllocationInfo = &info[i];
        /* Resource private data of varying size: records of many lengths. */
        uint32_t ps = privsize_step ? (i * privsize_step) % 800 : 0;
        calls[i].pPrivateDriverData = ps ? priv : NULL;
        calls[i].PrivateDriverDataSize = ps;
    }
    unsigned before = mock.nreqs;
    uint32_t first = mock.next_alloc;
    HRESULT hr = vidalloc_allocate_batch(g_h, calls, n, res);
    if (FAILED(hr))
        fail_msg("batch: %s: %s", vidalloc_hresult_name(hr), vidalloc_last_error());
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(res[i], S_OK);
        assert_int_equal(info[i].hAllocation, 0x40000001u + (first + i) % MOCK_ALLOCS);
    }
    /* In order, each once, with the size it was encoded with. */
    assert_int_equal(mock.nreqs - before, n);
    for (unsigned i = 0; i < n; i++) {
        const mock_req *r = &mock.reqs[before + i];
        assert_int_equal(r->type, VD_MSG_ALLOCATE);
        assert_int_equal(r->seq, (uint16_t)(mock.reqs[before].seq + i));
        size_t len;
        assert_int_equal(vd_check_allocate(&calls[i], 8, &len), S_OK);
        assert_int_equal(r->len, len);
    }
    free(calls);
    free(info);
    free(res);
    free(priv);
}

/* ---------------------------------------------------------------- start-up */

static void test_start_programs_queues(void **state)
{
    (void)state;
    mock.ready_lag = 5; /* the firmware takes a while: the host polls STATUS */
    open_ok();
    /* CTRL = 0 first, then the doorbells zeroed and the ring registers, then ENABLE. */
    assert_true(mock.nwrites >= 9);
    assert_int_equal(mock.writes[0].offset, VD_PCIE_CTRL);
    assert_int_equal(mock.writes[0].value, 0);
    uint32_t seen = 0;
    unsigned enable_at = 0;
    for (unsigned i = 1; i < mock.nwrites && !enable_at; i++) {
        if (mock.writes[i].offset == VD_PCIE_CTRL) {
            assert_int_equal(mock.writes[i].value, VD_PCIE_CTRL_ENABLE_MASK);
            enable_at = i;
        } else {
            seen |= 1u << (mock.writes[i].offset / 4);
        }
    }
    assert_true(enable_at > 0);
    uint32_t want = 1u << (VD_PCIE_SQ_TAIL / 4) | 1u << (VD_PCIE_CQ_HEAD / 4) |
                    1u << (VD_PCIE_SQ_BASE / 4) | 1u << (VD_PCIE_SQ_SIZE / 4) |
                    1u << (VD_PCIE_CQ_BASE / 4) | 1u << (VD_PCIE_CQ_SIZE / 4) |
                    1u << (VD_PCIE_SHADOW / 4) | 1u << (VD_PCIE_HOST_WIN_BASE / 4) |
                    1u << (VD_PCIE_HOST_WIN_SIZE / 4);
    assert_int_equal(seen, want);
    /* The layout: shadow, SQ, CQ, bounce, all inside the window over all host memory. */
    assert_int_equal(mock.win_base, mock.mem_bus);
    assert_int_equal(mock.win_size, mock.mem_size);
    assert_int_equal(mock.shadow, mock.mem_bus);
    assert_int_equal(mock.sq_base, mock.mem_bus + 0x1000u);
    assert_int_equal(mock.sq_size, 0x10000u);
    assert_int_equal(mock.cq_base, mock.sq_base + mock.sq_size);
    assert_true(mock.cq_size >= VD_QUEUE_MIN_CQ);
    /* HELLO and OPEN_DEVICE went over the queues, and the window is the depth. */
    assert_int_equal(count_type(VD_MSG_HELLO), 1);
    assert_int_equal(count_type(VD_MSG_OPEN_DEVICE), 1);
    vidalloc_info in;
    assert_int_equal(vidalloc_get_info(g_h, &in), S_OK);
    assert_string_equal(in.transport, "mock-pcie");
    assert_int_equal(in.window, VD_QUEUE_DEPTH);
    assert_int_equal(in.frames_sent, 2);
    assert_int_equal(in.frames_received, 2);
}

static void test_config_error(void **state)
{
    (void)state;
    mock.config_error = 1;
    HRESULT hr = mock_open_device(&g_h);
    assert_int_equal(hr, E_FAIL);
    assert_null(g_h);
    assert_non_null(strstr(vidalloc_last_error(), "CONFIG_ERROR"));
    assert_int_equal(mock.nreqs, 0);
}

static void test_not_ready_times_out(void **state)
{
    (void)state;
    mock.ready_lag = 1000000; /* a firmware that never serves the queues */
    HRESULT hr = mock_open_device(&g_h);
    assert_int_equal(hr, E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "READY"));
}

/* A firmware that boots after the host's ENABLE never saw it: the host enables again
 * while it waits for READY. */
static void test_enable_again_while_booting(void **state)
{
    (void)state;
    mock.deaf_enables = 3;
    open_ok();
    assert_int_equal(mock.enables, 4);
    allocate_n(2, 0);
}

/* A host killed mid-request left records behind and the queues enabled: the next attach
 * stops them first (the device drops them), so they are never executed. */
static void test_restart_at_attach(void **state)
{
    (void)state;
    open_ok();
    mock.mute = 1; /* the device holds on to what comes next */
    D3DDDI_ALLOCATIONINFO info = {0};
    info.pPrivateDriverData = &g_desc;
    info.PrivateDriverDataSize = sizeof g_desc;
    D3DDDICB_ALLOCATE a = {0};
    a.NumAllocations = 1;
    a.pAllocationInfo = &info;
    assert_int_equal(vidalloc_allocate_cb(g_h, &a), D3DDDIERR_DEVICEREMOVED);
    assert_int_not_equal(mock.sq_tail_reg, mock.sq_head); /* still in the ring */
    unsigned executed = mock.nreqs;
    /* The "killed" host's device is closed without a word to the device (the link is dead). */
    assert_int_equal(vidalloc_close(g_h), S_OK);
    g_h = NULL;
    assert_int_equal(mock.enabled, 0); /* even the close said CTRL = 0 */
    mock.mute = 0;
    mock.enabled = 1; /* as if that had not reached it: the next attach must stop it */
    mock.status = VD_PCIE_STATUS_READY_MASK;
    mock.nwrites = 0;
    open_ok();
    assert_int_equal(mock.writes[0].offset, VD_PCIE_CTRL);
    assert_int_equal(mock.writes[0].value, 0);
    assert_int_equal(mock.enables, 2);
    /* The old ALLOCATE never ran; the new session starts with HELLO. */
    assert_int_equal(mock.reqs[executed].type, VD_MSG_HELLO);
    assert_int_equal(count_type(VD_MSG_ALLOCATE), 0);
    allocate_n(3, 0);
}

/* ---------------------------------------------------------------- records */

/* A small submission ring wraps every few records: pad records at its end, every record
 * whole, zero-padded, in order, exactly once (the mock asserts each). */
static void test_sq_pad_and_wrap(void **state)
{
    (void)state;
    mock_sq_size = VD_QUEUE_MIN_RING; /* 4 KiB */
    open_ok();
    allocate_n(300, 37);
    assert_true(mock.sq_pads >= 10);
    /* The host never ran more than the ring ahead of the device. */
    assert_int_equal(count_type(VD_MSG_ALLOCATE), 300);
}

/* Large responses wrap the completion ring: the host skips the device's pad records and
 * reads every record whole. */
static void test_cq_pad_and_wrap(void **state)
{
    (void)state;
    open_ok();
    mock.query_len = 1003; /* 1032-byte records: 64 KiB is no multiple of them */
    uint8_t buf[1024];
    for (unsigned k = 0; k < 200; k++) {
        UINT size = 0;
        HRESULT hr = vidalloc_query_handle_data(g_h, 0x40000001u, 0, buf, sizeof buf, &size);
        assert_int_equal(hr, S_OK);
        assert_int_equal(size, 1003);
        uint16_t seq = mock.reqs[mock.nreqs - 1].seq;
        for (uint32_t i = 0; i < 1003; i++)
            assert_int_equal(buf[i], mock_pattern(i + seq));
    }
    assert_true(mock.cq_pads >= 2);
}

/* ---------------------------------------------------------------- window, matching */

static void test_window_is_queue_depth(void **state)
{
    (void)state;
    open_ok();
    allocate_n(100, 0);
    /* 32 in flight at once, never 33. */
    assert_int_equal(mock.max_pending, VD_QUEUE_DEPTH);
}

static void test_window_from_hello(void **state)
{
    (void)state;
    mock.hello_window = 5;
    open_ok();
    mock.max_pending = 0;
    allocate_n(40, 0);
    assert_int_equal(mock.max_pending, 5);
}

/* Responses to nothing outstanding, and a response with the right seq but the wrong type,
 * are ignored: each request gets its own answer. */
static void test_response_matching(void **state)
{
    (void)state;
    open_ok();
    mock.stray = 1;
    allocate_n(70, 0);
    mock.stray = 0;
    allocate_n(3, 0);
}

/* CQ_HEAD frees completion space: written after the records are consumed (never ahead of
 * what the device produced: the mock asserts it), once per batch rather than per record,
 * and at the end it equals the device's tail. */
static void test_cq_head_doorbell(void **state)
{
    (void)state;
    open_ok();
    unsigned w0 = mock.cq_head_writes, b0 = mock.batches;
    allocate_n(100, 0);
    unsigned writes = mock.cq_head_writes - w0, batches = mock.batches - b0;
    assert_true(writes >= 1);
    assert_true(writes <= batches);
    assert_int_equal(mock.cq_head_reg, mock.cq_tail);
    /* The doorbell carries the consumer count. */
    uint32_t last = 0;
    for (unsigned i = 0; i < mock.nwrites; i++)
        if (mock.writes[i].offset == VD_PCIE_CQ_HEAD)
            last = mock.writes[i].value;
    assert_int_equal(last, mock.cq_tail);
}

/* ---------------------------------------------------------------- link loss */

static void test_stopped_board_is_device_removed(void **state)
{
    (void)state;
    open_ok();
    mock.stopped = 1;
    D3DDDI_ALLOCATIONINFO info = {0};
    info.pPrivateDriverData = &g_desc;
    info.PrivateDriverDataSize = sizeof g_desc;
    D3DDDICB_ALLOCATE a = {0};
    a.NumAllocations = 1;
    a.pAllocationInfo = &info;
    assert_int_equal(vidalloc_allocate_cb(g_h, &a), D3DDDIERR_DEVICEREMOVED);
    assert_non_null(strstr(vidalloc_last_error(), "stopped"));
    /* Every later call too, without touching the bus. */
    assert_int_equal(vidalloc_allocate_cb(g_h, &a), D3DDDIERR_DEVICEREMOVED);
    assert_non_null(strstr(vidalloc_last_error(), "lost"));
}

static void test_silent_board_times_out(void **state)
{
    (void)state;
    open_ok();
    mock.mute = 1;
    uint64_t t0 = mock.now_us;
    vd_wire_segment_stats st;
    assert_int_equal(vidalloc_query_segment_stats(g_h, &st), D3DDDIERR_DEVICEREMOVED);
    assert_non_null(strstr(vidalloc_last_error(), "no response"));
    /* The byte stream's patience: 9 x 100 ms of board time. */
    uint64_t waited = mock.now_us - t0;
    assert_true(waited >= 900000u);
    assert_true(waited < 1000000u);
}

/* A request that waits for the GPU gets the GPU wait's patience (2 TdrDelay + ...). */
static void test_gpu_wait_patience(void **state)
{
    (void)state;
    open_ok();
    mock.mute = 1;
    uint64_t t0 = mock.now_us;
    UINT h = 0x40000001u;
    D3DDDICB_DEALLOCATE d = {0};
    d.NumAllocations = 1;
    d.HandleList = &h;
    assert_int_equal(vidalloc_deallocate_cb(g_h, &d), D3DDDIERR_DEVICEREMOVED);
    assert_true(mock.now_us - t0 >= 2u * VD_TDR_DELAY_SECONDS * 1000000u);
}

static void test_debug_fault_refused(void **state)
{
    (void)state;
    open_ok();
    assert_int_equal(vidalloc_debug_fault(g_h, VIDALLOC_FAULT_DROP_TX, 0), E_FAIL);
    assert_non_null(strstr(vidalloc_last_error(), "no frames"));
}

/* ---------------------------------------------------------------- DMA */

static void lock_check_unlock(uint32_t expect_max_chunk)
{
    D3DDDI_ALLOCATIONINFO info = {0};
    info.pPrivateDriverData = &g_desc;
    info.PrivateDriverDataSize = sizeof g_desc;
    D3DDDICB_ALLOCATE a = {0};
    a.NumAllocations = 1;
    a.pAllocationInfo = &info;
    assert_int_equal(vidalloc_allocate_cb(g_h, &a), S_OK);
    uint32_t base = (info.hAllocation - 0x40000001u) * mock.alloc_size;

    D3DDDICB_LOCK l = {0};
    l.hAllocation = info.hAllocation;
    HRESULT hr = vidalloc_lock_cb(g_h, &l);
    if (FAILED(hr))
        fail_msg("lock: %s: %s", vidalloc_hresult_name(hr), vidalloc_last_error());
    uint8_t *p = l.pData;
    for (uint32_t i = 0; i < mock.alloc_size; i++)
        if (p[i] != mock_pattern(base + i))
            fail_msg("byte %u read 0x%02x, VRAM has 0x%02x", i, p[i], mock_pattern(base + i));
    assert_true(mock.dma_reads >= 1);
    assert_int_equal(mock.dma_max_len, expect_max_chunk);
    /* DMA only inside the bounce area (never the rings or the shadow block). */
    assert_true(mock.dma_lo >= mock.cq_base + mock.cq_size);
    assert_true(mock.dma_hi <= mock.mem_bus + mock.mem_size);
    for (uint32_t i = 0; i < mock.alloc_size; i++)
        p[i] = (uint8_t)~i;
    D3DDDICB_UNLOCK u = {0};
    u.NumAllocations = 1;
    u.phAllocations = &info.hAllocation;
    assert_int_equal(vidalloc_unlock_cb(g_h, &u), S_OK);
    assert_true(mock.dma_writes >= 1);
    for (uint32_t i = 0; i < mock.alloc_size; i++)
        if (mock.vram[base + i] != (uint8_t)~i)
            fail_msg("VRAM byte %u is 0x%02x after unlock", i, mock.vram[base + i]);
}

/* 2.5 MiB + 6 bytes: DMA chunks of VD_WIRE_MAX_DMA (1 MiB), the rest, and the last 2
 * bytes (not a multiple of 4) by READ / WRITE. */
static void test_dma_chunks(void **state)
{
    (void)state;
    mock_reset(8u << 20, (5u << 19) + 6u);
    open_ok();
    lock_check_unlock(VD_WIRE_MAX_DMA);
    assert_int_equal(mock.dma_reads, 3);
    assert_int_equal(mock.dma_writes, 3);
    assert_int_equal(mock.reads, 1);
    assert_int_equal(mock.writes_rw, 1);
}

/* Host memory smaller than the allocation: chunks as large as the bounce area (half of
 * what the rings leave; the other half is system memory, sysmem.c), in several runs, each
 * chunk of a run at its own place. */
static void test_dma_small_bounce(void **state)
{
    (void)state;
    mock_reset(256u << 10, 300000u);
    open_ok();
    uint32_t bounce = (((256u << 10) - 0x1000u - 0x10000u - 0x10000u) / 2u) & ~0xFFFu;
    lock_check_unlock(bounce);
    assert_int_equal(mock.dma_reads, (300000u + bounce - 1) / bounce);
    assert_int_equal(mock.reads, 0);
}

static void test_dma_error(void **state)
{
    (void)state;
    open_ok();
    mock.dma_hr = E_INVALIDARG;
    D3DDDI_ALLOCATIONINFO info = {0};
    info.pPrivateDriverData = &g_desc;
    info.PrivateDriverDataSize = sizeof g_desc;
    D3DDDICB_ALLOCATE a = {0};
    a.NumAllocations = 1;
    a.pAllocationInfo = &info;
    assert_int_equal(vidalloc_allocate_cb(g_h, &a), S_OK);
    D3DDDICB_LOCK l = {0};
    l.hAllocation = info.hAllocation;
    assert_int_equal(vidalloc_lock_cb(g_h, &l), E_INVALIDARG);
    assert_non_null(strstr(vidalloc_last_error(), "reading the contents"));
    assert_int_equal(mock.dma_reads, 0);
    /* The lock was released again. */
    assert_int_equal(mock.reqs[mock.nreqs - 1].type, VD_MSG_UNLOCK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_start_programs_queues, setup, teardown),
        cmocka_unit_test_setup_teardown(test_config_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_ready_times_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enable_again_while_booting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restart_at_attach, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sq_pad_and_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cq_pad_and_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_is_queue_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_window_from_hello, setup, teardown),
        cmocka_unit_test_setup_teardown(test_response_matching, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cq_head_doorbell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopped_board_is_device_removed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_silent_board_times_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpu_wait_patience, setup, teardown),
        cmocka_unit_test_setup_teardown(test_debug_fault_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_small_bounce, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dma_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
