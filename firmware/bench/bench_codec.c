/*
 * bench_codec.c - the frame codec (proto/vd_frame.c) alone on the simulated PicoRV32
 * (make bench-codec: the board simulator, a small image, a few seconds).
 *
 * For three frames - an 80-byte ALLOCATE request as host-lib sends it (many zero bytes,
 * so short COBS blocks), 80 random bytes and 1,024 random bytes - it times, with
 * TIMER.MTIME minus the cost of reading it:
 *   decode/byte  vd_frame_feed one byte at a time (the loop vd_link.c used to run)
 *   decode/span  vd_frame_feed_span over the whole frame (what vd_link.c runs now), and
 *                the same frame split into 16-byte spans (a ring drained as bytes arrive)
 *   encode       vd_frame_encode
 * as cycles per byte on the wire (encoded length, delimiter included), and checks that
 * every decode returns the frame. Then vd_crc32c per byte, and the cycles of single
 * instructions (32 in a row; subtract ~7 for the two setup instructions) that the codec's
 * loops are built from: ALU, loads and stores, branches, and shifts, which cost more the
 * farther they shift (no barrel shifter).
 *
 * The line budget at 3 Mbaud and 12 MHz is 40 cycles per byte.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "vd_frame.h"
#include "vd_mmio.h"
#include "vd_regs.h"
#include "vd_timer.h"
#include "vd_uart.h"

static uint32_t s_payload[VD_WIRE_MAX_PAYLOAD / 4]; /* aligned, as vd_session's s_rsp */
static uint8_t s_frame[VD_WIRE_MAX_FRAME];
static uint8_t s_out[VD_WIRE_MAX_FRAME];
static vd_frame_decoder s_dec;
static int s_failed;

/* "12.3" for c / n. */
static void per_byte(char *buf, uint32_t c, uint32_t n)
{
    uint32_t t = (c * 10u + n / 2u) / n;
    sprintf(buf, "%3" PRIu32 ".%" PRIu32, t / 10u, t % 10u);
}

static int check(const vd_wire_hdr *h, const uint8_t *p, uint16_t len)
{
    return h != NULL && h->type == VD_MSG_ALLOCATE && h->seq == 7 && h->len == len &&
           memcmp(p, s_payload, len) == 0;
}

/* The old vd_link.c loop: one call per byte. */
static uint32_t decode_bytes(size_t n, uint16_t len)
{
    const vd_wire_hdr *h = NULL;
    const uint8_t *p = NULL;
    const uint8_t *q = s_frame, *e = s_frame + n;
    int got = 0;
    vd_frame_decoder_init(&s_dec);
    uint32_t t0 = NOW();
    while (q != e)
        if (vd_frame_feed(&s_dec, *q++, &h, &p))
            got++;
    uint32_t t1 = NOW();
    if (got != 1 || !check(h, p, len)) {
        printf("decode/byte FAILED (%d frames)\n", got);
        s_failed = 1;
    }
    return timed(t0, t1);
}

#ifdef VD_FRAME_HAVE_SPAN
/* vd_link.c's loop: spans of at most `chunk` bytes, each fed until a frame completes. */
static uint32_t decode_span(size_t n, uint16_t len, size_t chunk)
{
    const vd_wire_hdr *h = NULL, *got_h = NULL;
    const uint8_t *p = NULL, *got_p = NULL;
    const uint8_t *q = s_frame, *e = s_frame + n;
    int got = 0;
    vd_frame_decoder_init(&s_dec);
    uint32_t t0 = NOW();
    while (q != e) {
        size_t k = (size_t)(e - q) < chunk ? (size_t)(e - q) : chunk;
        q += vd_frame_feed_span(&s_dec, q, k, &h, &p);
        if (h) {
            got++;
            got_h = h;
            got_p = p;
        }
    }
    uint32_t t1 = NOW();
    if (got != 1 || !check(got_h, got_p, len)) {
        printf("decode/span FAILED (%d frames)\n", got);
        s_failed = 1;
    }
    return timed(t0, t1);
}
#endif

static void bench_frame(const char *what, uint16_t len)
{
    char a[16], b[16], c[16], d[16];
    size_t n = vd_frame_encode(s_frame, VD_MSG_ALLOCATE, 7, s_payload, len);
    uint32_t t0 = NOW();
    size_t m = vd_frame_encode(s_out, VD_MSG_ALLOCATE, 7, s_payload, len);
    uint32_t t1 = NOW();
    uint32_t ce = timed(t0, t1);
    if (m != n || memcmp(s_out, s_frame, n) != 0) {
        printf("encode FAILED\n");
        s_failed = 1;
    }
    per_byte(a, decode_bytes(n, len), (uint32_t)n);
#ifdef VD_FRAME_HAVE_SPAN
    per_byte(b, decode_span(n, len, n), (uint32_t)n);
    per_byte(c, decode_span(n, len, 16), (uint32_t)n);
#else
    strcpy(b, "  -");
    strcpy(c, "  -");
#endif
    per_byte(d, ce, (uint32_t)n);
    printf("| %-14s | %4u | %4u | %s | %s | %s | %s |\n", what, (unsigned)len, (unsigned)n, a,
           b, c, d);
}

/* An ALLOCATE request as host-lib builds it: one allocation, a 32-byte surface desc. */
static void make_allocate(void)
{
    static const uint32_t words[20] = {
        1, 1, 0, 0, 0, 0,                   /* allocate_req: hDevice, Num, hResource, priv, rsv */
        0, 0, 0, 0, 32, 0,                  /* allocinfo: pSystemMem, VidPn, Flags, priv, rsv */
        1, 32, 0, 0x21, 640, 480, 0x4000, 0 /* vd_surface_desc-like */
    };
    memcpy(s_payload, words, sizeof words);
}

static void bench_crc(void)
{
    char a[16];
    for (uint32_t i = 0; i < VD_WIRE_MAX_PAYLOAD / 4; i++)
        s_payload[i] = rnd();
    uint32_t t0 = NOW();
    uint32_t c = vd_crc32c(0, s_payload, VD_WIRE_MAX_PAYLOAD);
    uint32_t t1 = NOW();
    per_byte(a, timed(t0, t1), VD_WIRE_MAX_PAYLOAD);
    printf("vd_crc32c, 1024 aligned bytes: %s cycles/byte (crc %08" PRIx32 ")\n", a, c);
    t0 = NOW();
    c = vd_crc32c(0, (const uint8_t *)s_payload + 1, 255);
    t1 = NOW();
    per_byte(a, timed(t0, t1), 255);
    printf("vd_crc32c, 255 unaligned bytes: %s cycles/byte (crc %08" PRIx32 ")\n", a, c);
}


/* Cycles of single instructions: 32 in a row, timed. */
#define REP8(x) x x x x x x x x
#define REP32(x) REP8(x) REP8(x) REP8(x) REP8(x)
static void bench_insns(void)
{
    uint32_t t0, t1;
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("addi t0, t0, 1\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "addi", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("xor t0, t0, t1\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "xor", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("andi t0, t0, 255\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "andi", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("slli t0, t1, 2\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "slli 2", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("srli t0, t1, 6\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "srli 6", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("srli t0, t1, 8\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "srli 8", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("srli t0, t1, 14\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "srli 14", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("srli t0, t1, 22\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "srli 22", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("srli t0, t1, 24\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "srli 24", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("lw t0, 0(sp)\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "lw", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("lbu t0, 0(sp)\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "lbu", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("sw t1, 0(sp)\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "sw", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("sb t1, 0(sp)\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "sb", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("beqz t2, 1f\n1:\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "beqz nt", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("bnez t2, 1f\n1:\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "bnez tk", timed(t0, t1));
    t0 = NOW();
    __asm__ volatile("li t1, 0x12345678\n li t2, 1\n" REP32("j 1f\n1:\n") ::: "t0", "t1", "t2", "memory");
    t1 = NOW();
    printf("  %-8s %3" PRIu32 "/32\n", "j", timed(t0, t1));
}

int main(void)
{
    vd_uart_init(VD_UART_BOOT_BAUD);
    measure_overhead();
    (void)vd_crc32c(0, "", 0); /* a lazily built CRC table is built here, untimed */
    printf("bench-codec: " BENCH_CPU ", cycles per byte on the wire (TIMER.MTIME minus %" PRIu32
           "); line budget at 3 Mbaud: 40\n", s_overhead);
    printf("| %-14s | %4s | %4s | %5s | %5s | %5s | %5s |\n", "frame", "len", "wire", "d/byt",
           "d/spn", "d/s16", "enc");
    printf("|----------------|------|------|-------|-------|-------|-------|\n");
    make_allocate();
    bench_frame("ALLOCATE", 80);
    for (uint32_t i = 0; i < VD_WIRE_MAX_PAYLOAD / 4; i++)
        s_payload[i] = rnd();
    bench_frame("random", 80);
    bench_frame("random", VD_WIRE_MAX_PAYLOAD);
    memset(s_payload, 0, sizeof s_payload);
    bench_frame("zeros", VD_WIRE_MAX_PAYLOAD);
    memset(s_payload, 0xA5, sizeof s_payload);
    bench_frame("no zeros", VD_WIRE_MAX_PAYLOAD);
    bench_crc();
    bench_insns();
    printf("bench-codec %s\n", s_failed ? "FAILED" : "done");
    fflush(stdout);
    vd_uart_flush();
    for (;;)
        ;
}
