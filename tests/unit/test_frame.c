/* test_frame.c - the frame codec (proto/vd_frame.c): CRC-32C, COBS round trips, corruption,
 * resynchronisation, oversize and malformed frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vd_frame.h"

static vd_frame_decoder dec;
static uint8_t out[VD_WIRE_MAX_FRAME];

/* Feed bytes; returns the number of frames completed, the last one in *hdr / *payload. */
static int feed_all(const uint8_t *p, size_t n, const vd_wire_hdr **hdr, const uint8_t **payload)
{
    int frames = 0;
    for (size_t i = 0; i < n; i++)
        frames += vd_frame_feed(&dec, p[i], hdr, payload);
    return frames;
}

static int setup(void **state)
{
    (void)state;
    vd_frame_decoder_init(&dec);
    return 0;
}

static void test_crc32c_vectors(void **state)
{
    (void)state;
    assert_int_equal(vd_crc32c(0, "123456789", 9), 0xE3069283u);
    assert_int_equal(vd_crc32c(0, "", 0), 0);
    /* Pieces chain: crc(a | b) == crc(crc(a), b). */
    assert_int_equal(vd_crc32c(vd_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
    static const uint8_t zeros[32];
    assert_int_equal(vd_crc32c(0, zeros, 32), 0x8A9136AAu); /* RFC 3720 B.4 */
}

static void round_trip(const uint8_t *payload, uint16_t len, uint16_t seq)
{
    size_t n = vd_frame_encode(out, 0x10, seq, payload, len);
    assert_true(n > 0 && n <= VD_WIRE_MAX_FRAME);
    for (size_t i = 0; i + 1 < n; i++)
        assert_int_not_equal(out[i], 0); /* COBS: the only zero is the delimiter */
    assert_int_equal(out[n - 1], 0);
    const vd_wire_hdr *h = NULL;
    const uint8_t *p = NULL;
    assert_int_equal(feed_all(out, n, &h, &p), 1);
    assert_int_equal(h->type, 0x10);
    assert_int_equal(h->version, VD_WIRE_VERSION);
    assert_int_equal(h->seq, seq);
    assert_int_equal(h->len, len);
    assert_int_equal(h->reserved, 0);
    if (len)
        assert_memory_equal(p, payload, len);
}

static void test_round_trips(void **state)
{
    (void)state;
    static uint8_t buf[VD_WIRE_MAX_PAYLOAD];
    static const uint16_t sizes[] = {0, 1, 2, 241, 242, 253, 254, 255, 500, 507, 508, 509,
                                     1000, 1023, 1024};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        memset(buf, 0, sizeof buf);
        round_trip(buf, sizes[s], (uint16_t)s); /* all zeros */
        memset(buf, 0xFF, sizeof buf);
        round_trip(buf, sizes[s], 0xFFFF); /* no zeros: longest COBS */
        for (size_t i = 0; i < sizes[s]; i++)
            buf[i] = (uint8_t)(rand() & (i % 3 ? 0xFF : 0x01));
        round_trip(buf, sizes[s], 0x8000);
    }
    /* Worst case fits VD_WIRE_MAX_FRAME exactly. */
    memset(buf, 0xFF, sizeof buf);
    assert_true(vd_frame_encode(out, 1, 0xFFFF, buf, VD_WIRE_MAX_PAYLOAD) <= VD_WIRE_MAX_FRAME);
    assert_int_equal(dec.dropped, 0);
}

static void test_oversize_payload_not_encoded(void **state)
{
    (void)state;
    static uint8_t buf[VD_WIRE_MAX_PAYLOAD + 1];
    assert_int_equal(vd_frame_encode(out, 1, 0, buf, VD_WIRE_MAX_PAYLOAD + 1), 0);
}

static void test_every_single_bit_flip_is_dropped(void **state)
{
    (void)state;
    uint8_t payload[40];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 37u);
    size_t n = vd_frame_encode(out, 0x20, 5, payload, sizeof payload);
    for (size_t i = 0; i + 1 < n; i++) {
        for (int b = 0; b < 8; b++) {
            uint8_t bad[VD_WIRE_MAX_FRAME];
            memcpy(bad, out, n);
            bad[i] ^= (uint8_t)(1u << b);
            const vd_wire_hdr *h;
            const uint8_t *p;
            vd_frame_decoder_init(&dec);
            /* A flip to 0 splits the frame in two; neither half may pass. */
            assert_int_equal(feed_all(bad, n, &h, &p), 0);
            /* The decoder is back in sync for the next frame. */
            assert_int_equal(feed_all(out, n, &h, &p), 1);
            assert_int_equal(h->seq, 5);
        }
    }
}

static void test_resync_after_garbage(void **state)
{
    (void)state;
    const vd_wire_hdr *h;
    const uint8_t *p;
    static const uint8_t junk[] = {0x41, 0x42, 0x05, 0x99, 0xFF, 0x13};
    assert_int_equal(feed_all(junk, sizeof junk, &h, &p), 0);
    size_t n = vd_frame_encode(out, 0x01, 9, "abcd", 4);
    /* Without a delimiter the junk swallows the frame; the host's leading 0x00 fixes that. */
    uint8_t zero = 0;
    assert_int_equal(feed_all(&zero, 1, &h, &p), 0);
    assert_int_equal(dec.dropped, 1);
    assert_int_equal(feed_all(out, n, &h, &p), 1);
    assert_memory_equal(p, "abcd", 4);
    /* Runs of delimiters between frames are harmless and not counted. */
    static const uint8_t zeros[5];
    assert_int_equal(feed_all(zeros, sizeof zeros, &h, &p), 0);
    assert_int_equal(dec.dropped, 1);
    assert_int_equal(feed_all(out, n, &h, &p), 1);
}

static void test_oversize_frame_dropped_then_resync(void **state)
{
    (void)state;
    static uint8_t big[VD_WIRE_MAX_BODY * 2];
    memset(big, 0x55, sizeof big);
    const vd_wire_hdr *h;
    const uint8_t *p;
    assert_int_equal(feed_all(big, sizeof big, &h, &p), 0);
    uint8_t zero = 0;
    assert_int_equal(feed_all(&zero, 1, &h, &p), 0);
    assert_int_equal(dec.dropped, 1);
    size_t n = vd_frame_encode(out, 0x02, 1, NULL, 0);
    assert_int_equal(feed_all(out, n, &h, &p), 1);
}

/* Encode a raw body (header + payload + CRC computed over them) as the codec would. */
static size_t encode_body(const uint8_t *body, size_t len, uint8_t *o)
{
    size_t pos = 1, code_pos = 0;
    uint8_t code = 1;
    for (size_t i = 0; i < len; i++) {
        if (body[i] == 0) {
            o[code_pos] = code;
            code_pos = pos++;
            code = 1;
        } else {
            o[pos++] = body[i];
            if (++code == 0xFF) {
                o[code_pos] = code;
                code_pos = pos++;
                code = 1;
            }
        }
    }
    o[code_pos] = code;
    o[pos++] = 0;
    return pos;
}

static void test_bad_header_fields_dropped(void **state)
{
    (void)state;
    uint8_t body[64];
    const vd_wire_hdr *h;
    const uint8_t *p;
    /* version 2, good CRC */
    vd_wire_hdr hd = {1, 2, 0, 4, 0};
    memcpy(body, &hd, 8);
    memcpy(body + 8, "wxyz", 4);
    uint32_t c = vd_crc32c(0, body, 12);
    memcpy(body + 12, &c, 4);
    size_t n = encode_body(body, 16, out);
    assert_int_equal(feed_all(out, n, &h, &p), 0);
    /* len says 5, the body has 4 payload bytes */
    hd.version = VD_WIRE_VERSION;
    hd.len = 5;
    memcpy(body, &hd, 8);
    c = vd_crc32c(0, body, 12);
    memcpy(body + 12, &c, 4);
    n = encode_body(body, 16, out);
    assert_int_equal(feed_all(out, n, &h, &p), 0);
    /* too short to hold a header and CRC */
    n = encode_body(body, 11, out);
    assert_int_equal(feed_all(out, n, &h, &p), 0);
    assert_int_equal(dec.dropped, 3);
    /* the same body, well-formed, passes */
    hd.len = 4;
    memcpy(body, &hd, 8);
    c = vd_crc32c(0, body, 12);
    memcpy(body + 12, &c, 4);
    n = encode_body(body, 16, out);
    assert_int_equal(feed_all(out, n, &h, &p), 1);
}

static void test_back_to_back_frames(void **state)
{
    (void)state;
    static uint8_t stream[3 * VD_WIRE_MAX_FRAME];
    size_t n = 0;
    for (uint16_t s = 0; s < 3; s++)
        n += vd_frame_encode(stream + n, 0x11, s, "0123456789", (uint16_t)(3 + s));
    const vd_wire_hdr *h;
    const uint8_t *p;
    uint16_t seen = 0;
    for (size_t i = 0; i < n; i++)
        if (vd_frame_feed(&dec, stream[i], &h, &p)) {
            assert_int_equal(h->seq, seen);
            assert_int_equal(h->len, 3 + seen);
            seen++;
        }
    assert_int_equal(seen, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_crc32c_vectors, setup),
        cmocka_unit_test_setup(test_round_trips, setup),
        cmocka_unit_test_setup(test_oversize_payload_not_encoded, setup),
        cmocka_unit_test_setup(test_every_single_bit_flip_is_dropped, setup),
        cmocka_unit_test_setup(test_resync_after_garbage, setup),
        cmocka_unit_test_setup(test_oversize_frame_dropped_then_resync, setup),
        cmocka_unit_test_setup(test_bad_header_fields_dropped, setup),
        cmocka_unit_test_setup(test_back_to_back_frames, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
