/*
 * test_dispatch_session.c - sequencing and the replay cache (firmware/wire/vd_session.c)
 * in front of the real dispatcher and kernel: frames in, encoded frames out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vd_dispatch.h"
#include "vd_frame.h"
#include "vd_regs.h"
#include "vd_session.h"
#include "vidalloc/vd_surface.h"

#define VRAM_SIZE 0x10000u

static uint8_t vram[VRAM_SIZE];
static vd_disp_platform plat;
static vd_frame_decoder in_dec, out_dec;
static uint8_t wire[VD_WIRE_MAX_FRAME];
static uint8_t last_rsp[VD_WIRE_MAX_PAYLOAD];
static vd_wire_hdr last_hdr;

static int setup(void **state)
{
    (void)state;
    memset(&plat, 0, sizeof plat);
    plat.vram_size = VRAM_SIZE;
    plat.vram = vram;
    plat.features = VD_SYSCTL_FEATURES_MEMCTL_MASK | VD_SYSCTL_FEATURES_GPU_MASK;
    plat.fw_version = "test";
    assert_int_equal(vd_disp_init(&plat), STATUS_SUCCESS);
    vd_sess_init();
    vd_frame_decoder_init(&in_dec);
    vd_frame_decoder_init(&out_dec);
    return 0;
}

/*
 * Send one request frame through decoder and session, decode the answer (if any) into
 * last_hdr / last_rsp. Returns 1 when answered, 0 when dropped.
 */
static int send_raw(uint8_t type, uint16_t seq, uint16_t reserved, const void *p, uint16_t len)
{
    size_t n = vd_frame_encode(wire, type, seq, p, len);
    const vd_wire_hdr *h;
    const uint8_t *pl;
    int got = 0;
    assert_true(n > 0);
    if (reserved) { /* rebuild the frame with a non-zero hdr.reserved */
        uint8_t body[VD_WIRE_MAX_BODY];
        vd_wire_hdr hd = {type, VD_WIRE_VERSION, seq, len, reserved};
        memcpy(body, &hd, 8);
        if (len) /* p may be NULL for an empty payload */
            memcpy(body + 8, p, len);
        uint32_t c = vd_crc32c(0, body, 8u + len);
        memcpy(body + 8 + len, &c, 4);
        size_t pos = 1, cp = 0;
        uint8_t code = 1;
        for (size_t i = 0; i < 12u + len; i++) {
            if (body[i] == 0) {
                wire[cp] = code;
                cp = pos++;
                code = 1;
            } else {
                wire[pos++] = body[i];
                code++;
            }
        }
        wire[cp] = code;
        wire[pos++] = 0;
        n = pos;
    }
    for (size_t i = 0; i < n; i++) {
        if (vd_frame_feed(&in_dec, wire[i], &h, &pl)) {
            const uint8_t *out;
            size_t on = vd_sess_on_frame(h, pl, &out);
            for (size_t k = 0; k < on; k++) {
                const vd_wire_hdr *rh;
                const uint8_t *rp;
                if (vd_frame_feed(&out_dec, out[k], &rh, &rp)) {
                    assert_int_equal(k, on - 1); /* exactly one frame, delimiter last */
                    last_hdr = *rh;
                    memcpy(last_rsp, rp, rh->len);
                    got = 1;
                }
            }
            assert_true(on == 0 || got);
        }
    }
    return got;
}

static int send(uint8_t type, uint16_t seq, const void *p, uint16_t len)
{
    return send_raw(type, seq, 0, p, len);
}

static int32_t hr(void)
{
    int32_t v;
    memcpy(&v, last_rsp, 4);
    return v;
}

static uint32_t u32(uint32_t off)
{
    uint32_t v;
    memcpy(&v, last_rsp + off, 4);
    return v;
}

static void hello(uint16_t seq)
{
    vd_wire_hello_req h = {VD_WIRE_VERSION, 0};
    assert_int_equal(send(VD_MSG_HELLO, seq, &h, sizeof h), 1);
    assert_int_equal(last_hdr.type, VD_MSG_HELLO | VD_WIRE_RESPONSE);
    assert_int_equal(last_hdr.seq, seq);
    assert_int_equal(hr(), S_OK);
}

static uint32_t alloc_stats(uint16_t seq)
{
    vd_wire_query_req q = {VD_QUERY_SEGMENT_STATS, 0, 0, 0};
    assert_int_equal(send(VD_MSG_QUERY, seq, &q, sizeof q), 1);
    return u32(16 + 4 * 5);
}

static uint16_t build_alloc(uint8_t *buf, uint32_t dev)
{
    vd_wire_allocate_req a = {dev, 2, 0, 0, 0};
    vd_wire_allocinfo w = {0, 0, 0, 32, 0};
    vd_surface_desc d;
    memset(&d, 0, sizeof d);
    d.Version = 1;
    d.Size = 32;
    d.ByteSize = 100;
    uint16_t off = 0;
    memcpy(buf, &a, sizeof a);
    off += sizeof a;
    for (int i = 0; i < 2; i++) {
        memcpy(buf + off, &w, sizeof w);
        off += sizeof w;
        memcpy(buf + off, &d, sizeof d);
        off += sizeof d;
    }
    return off;
}

static void test_nothing_before_hello(void **state)
{
    (void)state;
    /* Outside a session (a reset board) a request is answered VD_WIRE_E_NO_SESSION, seq and
     * type echoed, and nothing is executed. */
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 0, NULL, 0), 1);
    assert_int_equal(last_hdr.type, VD_MSG_OPEN_DEVICE | VD_WIRE_RESPONSE);
    assert_int_equal(last_hdr.seq, 0);
    assert_int_equal(last_hdr.len, 4);
    assert_int_equal(hr(), VD_WIRE_E_NO_SESSION);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 1, NULL, 0), 1);
    assert_int_equal(hr(), VD_WIRE_E_NO_SESSION);
    hello(1000);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 1001, NULL, 0), 1);
    assert_int_equal(last_hdr.type, VD_MSG_OPEN_DEVICE | VD_WIRE_RESPONSE);
    assert_int_equal(hr(), S_OK);
    vd_sess_stats s;
    vd_sess_get_stats(&s);
    assert_int_equal(s.no_session, 2);
    assert_int_equal(s.dropped, 0);
    assert_int_equal(s.executed, 2);
}

/* SYNC: outside sequencing, in or out of a session; the token and the expected seq. */
static void test_sync(void **state)
{
    (void)state;
    vd_wire_sync_req q = {0, 0};
    vd_wire_sync_rsp r;
    assert_int_equal(send(VD_MSG_SYNC, 77, &q, sizeof q), 1);
    assert_int_equal(last_hdr.type, VD_MSG_SYNC | VD_WIRE_RESPONSE);
    assert_int_equal(last_hdr.seq, 77);
    assert_int_equal(last_hdr.len, sizeof r);
    memcpy(&r, last_rsp, sizeof r);
    assert_int_equal(r.hr, VD_WIRE_E_NO_SESSION);
    assert_int_equal(r.session, 0);

    hello(500);
    assert_int_equal(send(VD_MSG_SYNC, 9, &q, sizeof q), 1);
    memcpy(&r, last_rsp, sizeof r);
    assert_int_equal(r.hr, S_OK);
    assert_int_not_equal(r.session, 0);
    assert_int_equal(r.expected, 501);
    assert_int_equal(r.executed, 1);
    uint32_t token = r.session;

    /* The session goes on: SYNC changed nothing (seq 501 is still the next one). */
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 501, NULL, 0), 1);
    assert_int_equal(hr(), S_OK);
    q.session = token;
    assert_int_equal(send(VD_MSG_SYNC, 10, &q, sizeof q), 1);
    memcpy(&r, last_rsp, sizeof r);
    assert_int_equal(r.hr, S_OK);
    assert_int_equal(r.session, token);
    assert_int_equal(r.expected, 502);
    /* A replay of 501 still works: the cache was not touched by SYNC. */
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 501, NULL, 0), 1);
    assert_int_equal(hr(), S_OK);

    /* Another token: not this session. Bad shapes: E_INVALIDARG. */
    q.session = token ^ 0x100u;
    assert_int_equal(send(VD_MSG_SYNC, 11, &q, sizeof q), 1);
    memcpy(&r, last_rsp, sizeof r);
    assert_int_equal(r.hr, VD_WIRE_E_NO_SESSION);
    assert_int_equal(r.session, token);
    assert_int_equal(send(VD_MSG_SYNC, 12, &q, 4), 1);
    assert_int_equal(hr(), E_INVALIDARG);
    q.reserved = 1;
    assert_int_equal(send(VD_MSG_SYNC, 13, &q, sizeof q), 1);
    assert_int_equal(hr(), E_INVALIDARG);

    /* A new HELLO: a new token. */
    hello(2000);
    q.session = 0;
    q.reserved = 0;
    assert_int_equal(send(VD_MSG_SYNC, 14, &q, sizeof q), 1);
    memcpy(&r, last_rsp, sizeof r);
    assert_int_not_equal(r.session, token);
    assert_int_equal(r.expected, 2001);
}

static void test_repeated_allocate_replays_and_allocates_once(void **state)
{
    (void)state;
    uint8_t buf[256];
    hello(7);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 8, NULL, 0), 1);
    uint32_t dev = u32(4);
    uint16_t n = build_alloc(buf, dev);
    assert_int_equal(send(VD_MSG_ALLOCATE, 9, buf, n), 1);
    assert_int_equal(hr(), S_OK);
    uint32_t h0 = u32(16), h1 = u32(20);
    /* The same seq again (the response was lost): same handles, nothing allocated. */
    for (int k = 0; k < 3; k++) {
        memset(last_rsp, 0, sizeof last_rsp);
        assert_int_equal(send(VD_MSG_ALLOCATE, 9, buf, n), 1);
        assert_int_equal(last_hdr.seq, 9);
        assert_int_equal(hr(), S_OK);
        assert_int_equal(u32(16), h0);
        assert_int_equal(u32(20), h1);
    }
    assert_int_equal(alloc_stats(10), 2);
    /* Both of the last two responses are replayable (the window is 2)... */
    assert_int_equal(send(VD_MSG_ALLOCATE, 9, buf, n), 1);
    assert_int_equal(u32(16), h0);
    assert_int_equal(alloc_stats(10), 2);
    /* ...but not older ones, nor a cached seq under another type. */
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 11, NULL, 0), 1);
    assert_int_equal(send(VD_MSG_ALLOCATE, 9, buf, n), 0);
    assert_int_equal(send(VD_MSG_ALLOCATE, 11, buf, n), 0);
    assert_int_equal(alloc_stats(12), 2);
    vd_sess_stats s;
    vd_sess_get_stats(&s);
    assert_int_equal(s.replayed, 5);
    assert_int_equal(s.dropped, 2);
}

static void test_out_of_order_dropped(void **state)
{
    (void)state;
    hello(0xFFFE);
    /* expected is 0xFFFF: 0 (ahead), 5 and 0xFFFD (not cached) are dropped */
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 0, NULL, 0), 0);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 5, NULL, 0), 0);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 0xFFFD, NULL, 0), 0);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 0xFFFF, NULL, 0), 1);
    /* seq wraps to 0 */
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 0, NULL, 0), 1);
    assert_int_equal(last_hdr.seq, 0);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 2, NULL, 0), 0);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 1, NULL, 0), 1);
    /* Only three devices exist: the dropped requests executed nothing. */
    vd_wire_query_req q = {VD_QUERY_SEGMENT_STATS, 0, 0, 0};
    assert_int_equal(send(VD_MSG_QUERY, 2, &q, sizeof q), 1);
    assert_int_equal(u32(16 + 4 * 7), 3);
}

static void test_hello_restarts(void **state)
{
    (void)state;
    uint8_t buf[256];
    hello(100);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 101, NULL, 0), 1);
    uint32_t dev = u32(4);
    uint16_t n = build_alloc(buf, dev);
    assert_int_equal(send(VD_MSG_ALLOCATE, 102, buf, n), 1);
    assert_int_equal(alloc_stats(103), 2);
    /* A new HELLO at any seq: new session, old objects gone, old seqs not replayed. */
    hello(5);
    assert_int_equal(send(VD_MSG_ALLOCATE, 102, buf, n), 0);
    assert_int_equal(send(VD_MSG_QUERY, 103, NULL, 0), 0);
    assert_int_equal(alloc_stats(6), 0);
    /* HELLO is executed even when repeated with the same seq. */
    hello(6);
    hello(6);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 7, NULL, 0), 1);
    assert_int_equal(hr(), S_OK);
    /* A HELLO with another version still restarts the sequence. */
    vd_wire_hello_req h = {99, 0};
    assert_int_equal(send(VD_MSG_HELLO, 50, &h, sizeof h), 1);
    assert_int_equal(hr(), E_FAIL);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 8, NULL, 0), 0);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 51, NULL, 0), 1);
}

static void test_responses_and_reserved(void **state)
{
    (void)state;
    hello(1);
    /* A frame with the response bit is never executed, even at the expected seq. */
    assert_int_equal(send(VD_MSG_OPEN_DEVICE | VD_WIRE_RESPONSE, 2, NULL, 0), 0);
    assert_int_equal(send(VD_MSG_HELLO | VD_WIRE_RESPONSE, 2, NULL, 0), 0);
    /* hdr.reserved != 0: answered E_INVALIDARG, the seq is consumed. */
    assert_int_equal(send_raw(VD_MSG_OPEN_DEVICE, 2, 0x55, NULL, 0), 1);
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(last_hdr.len, 4);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 3, NULL, 0), 1);
    assert_int_equal(hr(), S_OK);
    /* Unknown type at the expected seq: answered E_INVALIDARG with its own type echoed. */
    assert_int_equal(send(0x7E, 4, NULL, 0), 1);
    assert_int_equal(last_hdr.type, 0x7E | VD_WIRE_RESPONSE);
    assert_int_equal(hr(), E_INVALIDARG);
}

static void test_largest_response(void **state)
{
    (void)state;
    hello(1);
    assert_int_equal(send(VD_MSG_OPEN_DEVICE, 2, NULL, 0), 1);
    uint32_t dev = u32(4);
    uint8_t buf[256];
    vd_wire_allocate_req a = {dev, 1, 0, 0, 0};
    vd_wire_allocinfo w = {0, 0, 0, 32, 0};
    vd_surface_desc d;
    memset(&d, 0, sizeof d);
    d.Version = 1;
    d.Size = 32;
    d.ByteSize = 4096;
    d.Usage = VD_SURFACE_USAGE_CPU_READ;
    memcpy(buf, &a, 24);
    memcpy(buf + 24, &w, 24);
    memcpy(buf + 48, &d, 32);
    assert_int_equal(send(VD_MSG_ALLOCATE, 3, buf, 80), 1);
    uint32_t h = u32(16);
    vd_wire_lock_req l = {dev, h, 0, 0};
    assert_int_equal(send(VD_MSG_LOCK, 4, &l, sizeof l), 1);
    vd_wire_rw_req r = {dev, h, 0, VD_WIRE_MAX_CHUNK};
    assert_int_equal(send(VD_MSG_READ, 5, &r, sizeof r), 1);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(last_hdr.len, 8 + VD_WIRE_MAX_CHUNK);
    assert_int_equal(send(VD_MSG_READ, 5, &r, sizeof r), 1); /* replayed whole */
    assert_int_equal(last_hdr.len, 8 + VD_WIRE_MAX_CHUNK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_nothing_before_hello, setup),
        cmocka_unit_test_setup(test_sync, setup),
        cmocka_unit_test_setup(test_repeated_allocate_replays_and_allocates_once, setup),
        cmocka_unit_test_setup(test_out_of_order_dropped, setup),
        cmocka_unit_test_setup(test_hello_restarts, setup),
        cmocka_unit_test_setup(test_responses_and_reserved, setup),
        cmocka_unit_test_setup(test_largest_response, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
