/*
 * framer_vectors.c - test vectors for tests/rtl/framer/tb_vd_framer.v, made by the software
 * codec (proto/vd_frame.c, compiled natively): the RTL framer must agree with it bit for bit.
 *
 * Receive: one byte stream of good frames (every shape of COBS block: payload lengths
 * around 0, 254 and 1024, zeros, 0xFF, random, sparse), the same frames with a bit flipped,
 * cut short, oversize bodies, bad headers with a right CRC, garbage and empty delimiters.
 * vd_frame_feed decodes the stream byte by byte: the bodies of the frames it accepts, in
 * order, and its drop count are what the RTL must produce.
 * Transmit: frame bodies (header + payload) and vd_frame_encode's bytes for each.
 *
 * Usage: framer_vectors OUTDIR. Writes OUTDIR/framer_{rx_in,rx_exp,rx_exp_len,tx_body,
 * tx_body_len,tx_exp,tx_exp_len}.hex (one hex value a line, for $readmemh) and
 * framer_vec.vh (the counts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd_frame.h"

#define MAX_STREAM (1u << 20)

static uint8_t s_in[MAX_STREAM];
static size_t s_in_n;
static uint32_t s_rng = 12345u;

static uint32_t rnd(void)
{
    s_rng = s_rng * 1103515245u + 12345u;
    return s_rng >> 8;
}

static void put(const uint8_t *p, size_t n)
{
    if (s_in_n + n > MAX_STREAM) {
        fprintf(stderr, "framer_vectors: stream too long\n");
        exit(1);
    }
    memcpy(s_in + s_in_n, p, n);
    s_in_n += n;
}

static void fill(uint8_t *p, size_t n, int pattern)
{
    for (size_t i = 0; i < n; i++) {
        switch (pattern) {
        case 0: p[i] = 0; break;
        case 1: p[i] = 0xFF; break;
        case 2: p[i] = (uint8_t)rnd(); break;
        default: p[i] = (rnd() % 8u == 0) ? (uint8_t)rnd() : 0; break; /* sparse */
        }
    }
}

/* COBS of an arbitrary body plus delimiter (for bodies vd_frame_encode will not make). */
static size_t cobs(uint8_t *out, const uint8_t *in, size_t n)
{
    size_t code_at = 0, o = 1;
    for (size_t i = 0; i < n; i++) {
        if (in[i] == 0) {
            out[code_at] = (uint8_t)(o - code_at);
            code_at = o++;
            continue;
        }
        out[o++] = in[i];
        if (o - code_at == 255) {
            out[code_at] = 0xFF;
            code_at = o++;
        }
    }
    out[code_at] = (uint8_t)(o - code_at);
    out[o++] = 0;
    return o;
}

/* A body with a right CRC over the given header fields and payload. */
static size_t body(uint8_t *b, uint8_t type, uint8_t version, uint16_t len_field,
                   const uint8_t *pl, size_t n)
{
    b[0] = type;
    b[1] = version;
    b[2] = 0x34;
    b[3] = 0x12;
    b[4] = (uint8_t)len_field;
    b[5] = (uint8_t)(len_field >> 8);
    b[6] = 0;
    b[7] = 0;
    memcpy(b + 8, pl, n);
    uint32_t crc = vd_crc32c(0, b, 8 + n);
    for (int i = 0; i < 4; i++)
        b[8 + n + i] = (uint8_t)(crc >> (8 * i));
    return 8 + n + 4;
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/framer_%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    return f;
}

int main(int argc, char **argv)
{
    static uint8_t pl[2048], frame[4096], b[4096];
    static const size_t lens[] = {0,   1,   2,   3,   4,   5,   7,   8,   12,  16,  80,
                                  241, 242, 245, 246, 247, 250, 253, 254, 255, 256, 500,
                                  501, 502, 503, 1000, 1012, 1013, 1014, 1020, 1023, 1024};
    const size_t nlens = sizeof lens / sizeof lens[0];
    if (argc != 2) {
        fprintf(stderr, "usage: framer_vectors OUTDIR\n");
        return 2;
    }
    const char *dir = argv[1];

    /* ------------------------------------------------------------ receive stream */
    static const uint8_t banner[] = "vidalloc firmware\r\nready\r\n";
    static const uint8_t zeros[3] = {0, 0, 0};
    static const uint8_t lone[2] = {0x01, 0x00};
    put(zeros, 1);
    put(banner, sizeof banner - 1);
    put(zeros, 1);
    for (int pat = 0; pat < 4; pat++) {
        for (size_t k = 0; k < nlens; k++) {
            size_t n = lens[k];
            fill(pl, n, pat);
            size_t m = vd_frame_encode(frame, (uint8_t)(0x10 + pat), (uint16_t)k, pl, (uint16_t)n);
            put(frame, m); /* good */
            if ((k + (size_t)pat) % 3 == 0) { /* a bit flipped anywhere but the delimiter */
                memcpy(b, frame, m);
                size_t at = rnd() % (m - 1);
                b[at] ^= (uint8_t)(1u << (rnd() % 8u));
                put(b, m);
            }
            if ((k + (size_t)pat) % 4 == 1) { /* cut short: a delimiter mid-frame */
                size_t cut = 1 + rnd() % (m - 2);
                put(frame, cut);
                put(zeros, 1);
            }
            if (k % 5 == 2)
                put(zeros, 3);
        }
    }
    /* oversize: a payload of 1025 and 1100 with a right CRC, and a long run of 0x55 */
    for (size_t n = 1025; n <= 1100; n += 75) {
        fill(pl, n, 2);
        size_t bn = body(b, 0x10, 1, (uint16_t)n, pl, n);
        put(frame, cobs(frame, b, bn));
    }
    memset(b, 0x55, 3000);
    put(b, 3000);
    put(zeros, 1);
    /* bad headers with a right CRC: version, len field, too short */
    fill(pl, 40, 2);
    put(frame, cobs(frame, b, body(b, 0x10, 2, 40, pl, 40)));
    put(frame, cobs(frame, b, body(b, 0x10, 1, 41, pl, 40)));
    put(frame, cobs(frame, b, body(b, 0x10, 1, 0x0428, pl, 40)));
    put(frame, cobs(frame, b, body(b, 0x10, 1, 0x8028, pl, 40)));
    put(frame, cobs(frame, b, 5)); /* 5 bytes of body */
    put(lone, 2);                  /* code 1, empty body: not a frame, not counted */
    /* a body of exactly the maximum ending in a full block, and a good frame after all */
    fill(pl, 1024, 1);
    put(frame, vd_frame_encode(frame, 0x20, 7, pl, 1024));
    fill(pl, 20, 3);
    put(frame, vd_frame_encode(frame, 0x21, 8, pl, 20));

    /* The software decoder over the stream, byte by byte. */
    static vd_frame_decoder dec;
    vd_frame_decoder_init(&dec);
    FILE *fin = open_out(dir, "rx_in.hex");
    FILE *fexp = open_out(dir, "rx_exp.hex");
    FILE *flen = open_out(dir, "rx_exp_len.hex");
    size_t good = 0, exp_bytes = 0;
    for (size_t i = 0; i < s_in_n; i++) {
        const vd_wire_hdr *h;
        const uint8_t *p;
        fprintf(fin, "%02x\n", s_in[i]);
        if (vd_frame_feed(&dec, s_in[i], &h, &p)) {
            size_t n = VD_WIRE_HDR_SIZE + h->len + VD_WIRE_CRC_SIZE;
            for (size_t j = 0; j < n; j++)
                fprintf(fexp, "%02x\n", dec.body[j]);
            fprintf(flen, "%03x\n", (unsigned)n);
            good++;
            exp_bytes += n;
        }
    }
    fclose(fin);
    fclose(fexp);
    fclose(flen);

    /* ------------------------------------------------------------ transmit */
    FILE *ftb = open_out(dir, "tx_body.hex");
    FILE *ftbl = open_out(dir, "tx_body_len.hex");
    FILE *fte = open_out(dir, "tx_exp.hex");
    FILE *ftel = open_out(dir, "tx_exp_len.hex");
    size_t ntx = 0, tx_body_bytes = 0, tx_exp_bytes = 0;
    for (int pat = 0; pat < 4; pat++) {
        for (size_t k = 0; k < nlens; k++) {
            size_t n = lens[k];
            if (pat != 2 && n > 256 && n < 1000)
                continue; /* keep the bench short: random covers the middle */
            fill(pl, n, pat);
            size_t m = vd_frame_encode(frame, (uint8_t)(0x90 + pat), (uint16_t)(k * 7), pl,
                                       (uint16_t)n);
            /* the body the firmware hands over: the header as vd_frame_encode builds it */
            b[0] = (uint8_t)(0x90 + pat);
            b[1] = VD_WIRE_VERSION;
            b[2] = (uint8_t)(k * 7);
            b[3] = (uint8_t)((k * 7) >> 8);
            b[4] = (uint8_t)n;
            b[5] = (uint8_t)(n >> 8);
            b[6] = b[7] = 0;
            memcpy(b + 8, pl, n);
            for (size_t j = 0; j < 8 + n; j++)
                fprintf(ftb, "%02x\n", b[j]);
            fprintf(ftbl, "%03x\n", (unsigned)(8 + n));
            for (size_t j = 0; j < m; j++)
                fprintf(fte, "%02x\n", frame[j]);
            fprintf(ftel, "%03x\n", (unsigned)m);
            ntx++;
            tx_body_bytes += 8 + n;
            tx_exp_bytes += m;
        }
    }
    fclose(ftb);
    fclose(ftbl);
    fclose(fte);
    fclose(ftel);

    FILE *fvh = open_out(dir, "vec.vh");
    fprintf(fvh, "// Generated by tests/rtl/framer/framer_vectors.c from proto/vd_frame.c.\n");
    fprintf(fvh, "`define RX_IN_N %zu\n`define RX_GOOD_N %zu\n`define RX_EXP_BYTES %zu\n",
            s_in_n, good, exp_bytes);
    fprintf(fvh, "`define RX_DROPPED %u\n", (unsigned)dec.dropped);
    fprintf(fvh, "`define TX_N %zu\n`define TX_BODY_BYTES %zu\n`define TX_EXP_BYTES %zu\n", ntx,
            tx_body_bytes, tx_exp_bytes);
    fclose(fvh);
    printf("framer_vectors: rx %zu bytes, %zu good frames, %u dropped; tx %zu frames\n", s_in_n,
           good, (unsigned)dec.dropped, ntx);
    return 0;
}
