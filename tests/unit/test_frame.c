/* test_frame.c - the frame codec (proto/vd_frame.c): CRC-32C, COBS round trips, corruption,
 * resynchronisation, oversize and malformed frames; vd_frame_feed_span against
 * vd_frame_feed on the same streams. */
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

/* Bit-at-a-time CRC-32C: the reference for the table-driven one. */
static uint32_t crc_ref(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc & 1u) ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
    }
    return ~crc;
}

static void test_crc32c_every_length_and_alignment(void **state)
{
    (void)state;
    static uint8_t buf[600];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)rand();
    for (size_t off = 0; off < 4; off++)
        for (size_t len = 0; len + off <= sizeof buf; len += (len < 40 ? 1 : 37))
            assert_int_equal(vd_crc32c(0x1234u, buf + off, len), crc_ref(0x1234u, buf + off, len));
}

/* Feed in spans of the given sizes (cycled); returns frames, the last in *hdr / *payload. */
static int feed_spans(vd_frame_decoder *d, const uint8_t *p, size_t n, const size_t *sizes,
                      size_t nsizes, const vd_wire_hdr **hdr, const uint8_t **payload)
{
    int frames = 0;
    size_t s = 0;
    while (n) {
        size_t k = sizes[s++ % nsizes];
        if (k > n)
            k = n;
        const vd_wire_hdr *h;
        const uint8_t *pl;
        size_t used = vd_frame_feed_span(d, p, k, &h, &pl);
        assert_true(used <= k);
        if (h) {
            frames++;
            *hdr = h;
            *payload = pl;
        } else {
            assert_int_equal(used, k);
            assert_null(h);
        }
        p += used;
        n -= used;
    }
    return frames;
}

static void test_round_trip_every_length(void **state)
{
    (void)state;
    static uint8_t buf[VD_WIRE_MAX_PAYLOAD];
    static uint8_t ref[VD_WIRE_MAX_FRAME];
    static vd_frame_decoder sd;
    static const size_t whole[] = {VD_WIRE_MAX_FRAME};
    static const size_t odd[] = {1, 7, 3, 64, 2, 255, 5};
    for (int pat = 0; pat < 4; pat++) {
        for (uint32_t len = 0; len <= VD_WIRE_MAX_PAYLOAD; len++) {
            for (uint32_t i = 0; i < len; i++)
                buf[i] = pat == 0 ? 0 : pat == 1 ? 0xFF : pat == 2 ? (uint8_t)rand()
                                                             : (uint8_t)(rand() % 3 ? 0 : rand());
            uint16_t seq = (uint16_t)(len * 31u + (uint32_t)pat);
            /* The payload at an odd address too: the CRC's unaligned head. */
            const uint8_t *src = buf;
            static uint8_t shifted[VD_WIRE_MAX_PAYLOAD + 1];
            if (len & 1) {
                memcpy(shifted + 1, buf, len);
                src = shifted + 1;
            }
            size_t n = vd_frame_encode(out, 0x15, seq, src, (uint16_t)len);
            assert_true(n > 0 && n <= VD_WIRE_MAX_FRAME);
            /* Byte for byte what the byte-at-a-time encoder wrote. */
            uint8_t body[VD_WIRE_MAX_BODY];
            vd_wire_hdr hd = {0x15, VD_WIRE_VERSION, seq, (uint16_t)len, 0};
            memcpy(body, &hd, sizeof hd);
            memcpy(body + 8, buf, len);
            uint32_t c = crc_ref(0, body, 8 + len);
            memcpy(body + 8 + len, &c, 4);
            size_t rn = encode_body(body, 12 + len, ref);
            assert_int_equal(n, rn);
            assert_memory_equal(out, ref, n);
            /* Decoded one byte at a time, whole, and in odd spans. */
            const vd_wire_hdr *h = NULL;
            const uint8_t *p = NULL;
            vd_frame_decoder_init(&dec);
            assert_int_equal(feed_all(out, n, &h, &p), 1);
            assert_int_equal(h->seq, seq);
            assert_int_equal(h->len, len);
            if (len)
                assert_memory_equal(p, buf, len);
            for (int w = 0; w < 2; w++) {
                vd_frame_decoder_init(&sd);
                h = NULL;
                assert_int_equal(feed_spans(&sd, out, n, w ? odd : whole,
                                            w ? sizeof odd / sizeof odd[0] : 1, &h, &p), 1);
                assert_int_equal(h->type, 0x15);
                assert_int_equal(h->seq, seq);
                assert_int_equal(h->len, len);
                if (len)
                    assert_memory_equal(p, buf, len);
                assert_int_equal(sd.dropped, 0);
            }
        }
    }
}

/* One stream of good, corrupted, truncated, oversize frames and junk: the span decoder
 * (in spans of every size from 1 up, and mixed with single bytes) sees exactly the frames
 * and drops the byte-at-a-time decoder sees. */
static void test_span_matches_bytes(void **state)
{
    (void)state;
    static uint8_t stream[64 * VD_WIRE_MAX_FRAME];
    static uint8_t payload[VD_WIRE_MAX_PAYLOAD];
    static uint16_t seqs[256];
    static vd_frame_decoder a, b;
    size_t n = 0;
    srand(1234);
    for (int f = 0; f < 60; f++) {
        int kind = rand() % 8;
        uint16_t len = (uint16_t)(rand() % 5 == 0 ? (unsigned)rand() % (VD_WIRE_MAX_PAYLOAD + 1)
                                                  : (unsigned)rand() % 120);
        for (uint16_t i = 0; i < len; i++)
            payload[i] = (uint8_t)(rand() % 4 ? rand() : 0);
        size_t m = vd_frame_encode(stream + n, 0x10, (uint16_t)f, payload, len);
        if (kind == 1) /* corrupt a byte (maybe into a delimiter) */
            stream[n + (size_t)rand() % (m - 1)] ^= (uint8_t)(1u << (rand() % 8));
        else if (kind == 2) /* truncated: the delimiter comes early */
            m = 1 + (size_t)rand() % (m - 1), stream[n + m - 1] = 0;
        else if (kind == 3) { /* oversize: a long run with no delimiter, then one */
            memset(stream + n, 0x77, VD_WIRE_MAX_FRAME + 5);
            m = VD_WIRE_MAX_FRAME + 6;
            stream[n + m - 1] = 0;
        } else if (kind == 4) { /* junk, then the frame without a leading delimiter */
            stream[n++] = 0x42;
            stream[n++] = 0x03;
            m = vd_frame_encode(stream + n, 0x10, (uint16_t)f, payload, len);
        } else if (kind == 5) { /* extra delimiters */
            stream[n + m++] = 0;
            stream[n + m++] = 0;
        }
        n += m;
    }
    assert_true(n <= sizeof stream);

    int fa = 0;
    vd_frame_decoder_init(&a);
    for (size_t i = 0; i < n; i++) {
        const vd_wire_hdr *h;
        const uint8_t *p;
        if (vd_frame_feed(&a, stream[i], &h, &p)) {
            assert_true(fa < 256);
            seqs[fa++] = h->seq;
            assert_int_equal(p, (const uint8_t *)h + VD_WIRE_HDR_SIZE);
        }
    }
    assert_true(fa > 10);
    assert_true(a.dropped > 5);

    for (size_t span = 1; span <= 1100; span += span < 20 ? 1 : 97) {
        for (int mix = 0; mix < 2; mix++) {
            int fb = 0;
            size_t i = 0, round = 0;
            vd_frame_decoder_init(&b);
            while (i < n) {
                const vd_wire_hdr *h = NULL;
                const uint8_t *p;
                if (mix && (round++ % 3) == 0) { /* mixed with single bytes */
                    if (!vd_frame_feed(&b, stream[i++], &h, &p))
                        h = NULL;
                } else {
                    size_t k = n - i < span ? n - i : span;
                    i += vd_frame_feed_span(&b, stream + i, k, &h, &p);
                }
                if (h) {
                    assert_true(fb < fa);
                    assert_int_equal(h->seq, seqs[fb]);
                    fb++;
                }
            }
            assert_int_equal(fb, fa);
            assert_int_equal(b.dropped, a.dropped);
        }
    }
}

static void test_span_oversize_and_resync(void **state)
{
    (void)state;
    static uint8_t big[VD_WIRE_MAX_BODY * 3];
    static vd_frame_decoder sd;
    const vd_wire_hdr *h;
    const uint8_t *p;
    vd_frame_decoder_init(&sd);
    /* A body of exactly VD_WIRE_MAX_BODY + 1 bytes in long blocks, no zeros. */
    memset(big, 0x55, sizeof big);
    for (size_t i = 0; i < sizeof big; i += 255)
        big[i] = 0xFF;
    assert_int_equal(vd_frame_feed_span(&sd, big, sizeof big, &h, &p), sizeof big);
    assert_null(h);
    assert_int_equal(sd.dropped, 0);
    uint8_t zero = 0;
    assert_int_equal(vd_frame_feed_span(&sd, &zero, 1, &h, &p), 1);
    assert_int_equal(sd.dropped, 1);
    /* A body of zeros one past the limit (runs of 0x01 codes). */
    static uint8_t ones[VD_WIRE_MAX_BODY + 3];
    memset(ones, 0x01, sizeof ones);
    ones[sizeof ones - 1] = 0;
    assert_int_equal(vd_frame_feed_span(&sd, ones, sizeof ones, &h, &p), sizeof ones);
    assert_null(h);
    assert_int_equal(sd.dropped, 2);
    /* Two frames in one span: it stops after the first, the rest gives the second. */
    size_t n1 = vd_frame_encode(big, 0x02, 1, "xy", 2);
    size_t n2 = vd_frame_encode(big + n1, 0x02, 2, NULL, 0);
    size_t used = vd_frame_feed_span(&sd, big, n1 + n2, &h, &p);
    assert_int_equal(used, n1);
    assert_non_null(h);
    assert_int_equal(h->seq, 1);
    assert_memory_equal(p, "xy", 2);
    assert_int_equal(vd_frame_feed_span(&sd, big + n1, n2, &h, &p), n2);
    assert_non_null(h);
    assert_int_equal(h->seq, 2);
    assert_int_equal(sd.dropped, 2);
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
        cmocka_unit_test_setup(test_crc32c_every_length_and_alignment, setup),
        cmocka_unit_test_setup(test_round_trip_every_length, setup),
        cmocka_unit_test_setup(test_span_matches_bytes, setup),
        cmocka_unit_test_setup(test_span_oversize_and_resync, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
