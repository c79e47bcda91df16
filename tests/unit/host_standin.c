/* The scripted firmware stand-in behind a mock transport (host_standin.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host_standin.h"

standin board;

static uint32_t completed(void)
{
    uint32_t c = 0;
    if (board.hang)
        return 0;
    for (uint32_t f = 1; f <= board.next_fence; f++)
        if (board.done_at[f] <= board.now_us)
            c = f;
    return c;
}

static uint32_t ring_used(void)
{
    uint32_t used = 0, c = completed();
    for (uint32_t f = c + 1; f <= board.next_fence; f++)
        used += board.ring_bytes[f];
    return used;
}

static void check_tdr(void)
{
    if (board.hang && !board.removed && board.now_us - board.hang_since >= board.tdr_us)
        board.removed = 1;
}

static void queue_rx(const uint8_t *frame, size_t n)
{
    assert_true(n > 0 && board.rx_len + n <= sizeof board.rx);
    memcpy(board.rx + board.rx_len, frame, n);
    board.rx_len += n;
}

static void respond(uint8_t type, uint16_t seq, const void *rsp, size_t len)
{
    uint8_t frame[VD_WIRE_MAX_FRAME];
    size_t n = vd_frame_encode(frame, type | VD_WIRE_RESPONSE, seq, rsp, (uint16_t)len);
    if (type == VD_MSG_RENDER && board.hold_us) {
        memcpy(board.held, frame, n);
        board.held_len = n;
        board.release_at = board.now_us + board.hold_us;
        board.hold_us = 0;
        return;
    }
    queue_rx(frame, n);
}

static void release_held(void)
{
    if (board.held_len && board.now_us >= board.release_at) {
        queue_rx(board.held, board.held_len);
        board.held_len = 0;
    }
}

static int is_open(uint32_t hdev)
{
    for (unsigned i = 0; i < STANDIN_MAX_DEVS; i++)
        if (hdev && board.open_devs[i] == hdev)
            return 1;
    return 0;
}

static void set_open(uint32_t hdev, int open)
{
    for (unsigned i = 0; i < STANDIN_MAX_DEVS; i++) {
        if (open ? board.open_devs[i] == 0 : board.open_devs[i] == hdev) {
            board.open_devs[i] = open ? hdev : 0;
            return;
        }
    }
    fail_msg("stand-in: too many devices open");
}

/* HELLO: the board's identity, features and limits (all of them, or a firmware from before
 * features and limits: the first VD_WIRE_HELLO_RSP_V1_SIZE bytes). */
static size_t hello(uint8_t *rsp)
{
    vd_wire_hello_rsp h;
    memset(&h, 0, sizeof h);
    h.hr = S_OK;
    h.wire_version = VD_WIRE_VERSION;
    h.max_payload = VD_WIRE_MAX_PAYLOAD;
    h.window = VD_WIRE_WINDOW;
    h.soc_id = 0x56444131u;
    h.soc_version = 0x00010000u;
    h.clk_hz = board.clk_hz;
    h.vram_size = board.vram_size;
    memcpy(h.fw_version, "stand-in", 9);
    h.features = board.features;
    h.max_allocs_per_call = board.max_allocs_per_call;
    h.max_allocations = board.max_allocations;
    h.max_resources = board.max_resources;
    h.max_devices = board.max_devices;
    memcpy(rsp, &h, sizeof h);
    if (board.hello_len)
        return board.hello_len;
    return board.hello_legacy ? VD_WIRE_HELLO_RSP_V1_SIZE : sizeof h;
}

/* ALLOCATE: handles for every allocation (no placement; the kernel's checks are the
 * firmware's, tested there), the per-call limit as the firmware applies it. */
static size_t allocate(const uint8_t *p, uint8_t *rsp, int32_t *hr)
{
    vd_wire_allocate_req q;
    memcpy(&q, p, sizeof q);
    vd_wire_allocate_rsp r = {S_OK, 0, 0, 0};
    if (board.removed)
        r.hr = D3DDDIERR_DEVICEREMOVED;
    else if (!is_open(q.hDevice) || q.NumAllocations == 0 ||
             q.NumAllocations > board.max_allocs_per_call)
        r.hr = E_INVALIDARG;
    *hr = r.hr;
    if (FAILED(r.hr))
        return 16;
    r.hKMResource = q.hResource ? 0x80000001u : 0;
    r.NumAllocations = q.NumAllocations;
    memcpy(rsp, &r, sizeof r);
    for (uint32_t k = 0; k < q.NumAllocations; k++) {
        uint32_t h = 0x40000000u + ++board.next_alloc;
        memcpy(rsp + sizeof r + 4 * k, &h, 4);
    }
    return sizeof r + 4u * q.NumAllocations;
}

static void execute(const vd_wire_hdr *h, const uint8_t *p)
{
    if (h->type == VD_MSG_RENDER && h->seq == board.held_seq) {
        board.dup_frames++; /* a retransmission: replayed once answered, never executed again */
        return;
    }
    if (h->type == VD_MSG_RENDER)
        board.held_seq = h->seq;
    standin_req *r = &board.reqs[board.nreqs < STANDIN_MAX_REQS ? board.nreqs++ : STANDIN_MAX_REQS - 1];
    r->type = h->type;
    r->len = h->len;
    r->at_us = board.now_us;
    memcpy(r->payload, p, h->len);
    board.now_us += 50; /* the request's time on the line and in the firmware */
    check_tdr();
    uint8_t rsp[VD_WIRE_MAX_PAYLOAD];
    memset(rsp, 0, sizeof rsp);
    int32_t hr = S_OK;
    size_t len = 4;
    switch (h->type) {
    case VD_MSG_HELLO:
        len = hello(rsp);
        break;
    case VD_MSG_OPEN_DEVICE: {
        board.opens++;
        vd_wire_open_device_rsp o = {S_OK, 0};
        if (board.adapter_removed) {
            o.hr = D3DDDIERR_DEVICEREMOVED;
        } else {
            board.hdev = o.hDevice = ++board.next_hdev;
            set_open(o.hDevice, 1);
            board.removed = 0;
            board.hang = 0;
        }
        memcpy(rsp, &o, sizeof o);
        len = sizeof o;
        hr = o.hr;
        break;
    }
    case VD_MSG_CLOSE_DEVICE:
        board.closes++;
        assert_true(is_open(vd_get32(p)));
        set_open(vd_get32(p), 0);
        if (vd_get32(p) == board.hdev)
            board.hdev = 0;
        break;
    case VD_MSG_ALLOCATE:
        len = allocate(p, rsp, &hr);
        break;
    case VD_MSG_RENDER: {
        vd_wire_render_req rq;
        memcpy(&rq, p, sizeof rq);
        vd_wire_render_rsp rr = {S_OK, 0};
        uint32_t bytes = rq.CommandLength - rq.CommandOffset;
        unsigned idx = board.renders++;
        if (idx < 16 && board.render_hr_at[idx]) {
            rr.hr = board.render_hr_at[idx];
        } else if (board.removed) {
            rr.hr = D3DDDIERR_DEVICEREMOVED;
        } else if (!is_open(rq.hDevice)) {
            rr.hr = E_INVALIDARG;
        } else if (board.ring_size && ring_used() + bytes > board.ring_size) {
            rr.hr = D3DERR_WASSTILLDRAWING;
            board.ring_full_replies++;
        } else {
            uint32_t f = ++board.next_fence;
            uint64_t start = board.now_us;
            if (f > 1 && board.done_at[f - 1] > start)
                start = board.done_at[f - 1];
            board.done_at[f] = start + board.exec_us;
            board.ring_bytes[f] = bytes;
            rr.fence = f;
        }
        memcpy(rsp, &rr, sizeof rr);
        len = sizeof rr;
        hr = rr.hr;
        break;
    }
    case VD_MSG_FENCE: {
        vd_wire_fence_req fq;
        memcpy(&fq, p, sizeof fq);
        vd_wire_fence_rsp fr = {S_OK, completed(), board.next_fence, 0};
        if (board.removed)
            fr.hr = D3DDDIERR_DEVICEREMOVED;
        else if (!is_open(fq.hDevice))
            fr.hr = E_INVALIDARG;
        else if (fr.completed < fq.fence)
            fr.hr = D3DERR_WASSTILLDRAWING;
        memcpy(rsp, &fr, sizeof fr);
        len = sizeof fr;
        hr = fr.hr;
        break;
    }
    case VD_MSG_ESCAPE: {
        vd_wire_escape_req eq;
        memcpy(&eq, p, sizeof eq);
        vd_wire_escape_rsp er;
        memset(&er, 0, sizeof er);
        if (eq.code == VD_ESCAPE_SET_TDR) {
            board.tdr_delay = eq.arg0 ? eq.arg0 : 24000000u;
            board.tdr_window = eq.arg1 ? eq.arg1 : 720000000u;
            er.value[0] = board.tdr_delay;
            er.value[1] = board.tdr_window;
        } else if (eq.code == VD_ESCAPE_GPU_STATE) {
            vd_wire_gpu_state st = {0};
            st.submitted = board.next_fence;
            st.completed = completed();
            st.ring_free = board.ring_size ? board.ring_size - ring_used() : 4096;
            memcpy(er.value, &st, sizeof st);
        } else {
            er.hr = E_INVALIDARG;
        }
        memcpy(rsp, &er, sizeof er);
        len = sizeof er;
        hr = er.hr;
        break;
    }
    default:
        hr = E_INVALIDARG;
        break;
    }
    memcpy(rsp, &hr, 4);
    respond(h->type, h->seq, rsp, len);
}

static int mock_send(vd_transport *t, const uint8_t *data, size_t len)
{
    (void)t;
    for (size_t i = 0; i < len; i++) {
        const vd_wire_hdr *h;
        const uint8_t *p;
        if (vd_frame_feed(&board.dec, data[i], &h, &p))
            execute(h, p);
    }
    return 0;
}

static long mock_recv(vd_transport *t, uint8_t *buf, size_t cap, uint64_t timeout_us)
{
    (void)t;
    release_held();
    if (board.rx_pos == board.rx_len && board.held_len && board.release_at - board.now_us < timeout_us) {
        board.now_us = board.release_at; /* the held answer comes before the timeout */
        release_held();
    }
    if (board.rx_pos == board.rx_len) {
        board.now_us += timeout_us; /* nothing comes: the time passes */
        check_tdr();
        return 0;
    }
    size_t n = board.rx_len - board.rx_pos < cap ? board.rx_len - board.rx_pos : cap;
    memcpy(buf, board.rx + board.rx_pos, n);
    board.rx_pos += n;
    if (board.rx_pos == board.rx_len)
        board.rx_pos = board.rx_len = 0;
    return (long)n;
}

static uint64_t mock_now(vd_transport *t)
{
    (void)t;
    return board.now_us;
}

static void mock_close(vd_transport *t) { (void)t; }

static int mock_open(vd_transport *t, const vd_uri *u)
{
    (void)u;
    t->baud = 3000000;
    t->slowdown = 1;
    return 0;
}

const vd_transport_ops standin_ops = {
    .name = "mock", .open = mock_open, .send = mock_send, .recv = mock_recv, .now_us = mock_now, .close = mock_close,
};


void standin_reset(void)
{
    memset(&board, 0, sizeof board);
    vd_frame_decoder_init(&board.dec);
    board.exec_us = 1000;
    board.tdr_us = 20000;
    board.next_hdev = 0x10;
    board.held_seq = -1;
    board.features = VIDALLOC_FEATURE_UART | VIDALLOC_FEATURE_TIMER | VIDALLOC_FEATURE_SPIFLASH |
                     VIDALLOC_FEATURE_MEMCTL | VIDALLOC_FEATURE_GPU;
    board.max_allocs_per_call = VD_KERNEL_MAX_ALLOCS_PER_CALL;
    board.max_allocations = VD_KERNEL_MAX_ALLOCATIONS;
    board.max_resources = VD_KERNEL_MAX_RESOURCES;
    board.max_devices = VD_KERNEL_MAX_DEVICES;
    board.clk_hz = 12000000;
    board.vram_size = 65536;
}

HRESULT standin_try_open(HANDLE *phDevice)
{
    vd_uri u;
    assert_int_equal(vd_uri_parse("mock", &u), 0);
    return vd_device_open(&standin_ops, &u, "mock", NULL, phDevice);
}

HANDLE standin_open(void)
{
    HANDLE h = NULL;
    HRESULT hr = standin_try_open(&h);
    if (FAILED(hr))
        fail_msg("stand-in: open: %s: %s", vidalloc_hresult_name(hr), vidalloc_last_error());
    assert_non_null(h);
    return h;
}

void standin_forget_requests(void)
{
    board.nreqs = 0;
    board.opens = 0;
    board.closes = 0;
}

unsigned standin_count(uint8_t type)
{
    unsigned n = 0;
    for (unsigned i = 0; i < board.nreqs; i++)
        n += board.reqs[i].type == type;
    return n;
}

const standin_req *standin_nth(uint8_t type, unsigned k)
{
    for (unsigned i = 0; i < board.nreqs; i++)
        if (board.reqs[i].type == type && k-- == 0)
            return &board.reqs[i];
    return NULL;
}
