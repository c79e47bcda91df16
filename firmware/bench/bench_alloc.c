/*
 * bench_alloc.c - allocation benchmark on the simulated PicoRV32 (make bench-alloc).
 *
 * For N = 10, 1,000 and 10,000 live allocations (random sizes 16..1039 bytes, 1 in 4
 * aligned to 256, 1 in 8 from the end of the segment; fixed seed; a 16 MiB segment, whose
 * contents are never touched: the allocator's metadata is out of band), it frees a random
 * live allocation and allocates a new one, BENCH_SAMPLES times, timing each call with
 * TIMER.MTIME minus the measured cost of reading it. Printed: p50 / p99 / max cycles,
 * for the segment allocator alone (vd_tlsf) and for the whole pfnAllocateCb path
 * (vd_kernel_allocate / vd_kernel_deallocate: miniport, handles, vidmm, TLSF).
 *
 * It also times the wire receive path per byte: the UART RX interrupt handler draining a
 * full 512-byte hardware FIFO (filled from the simulator's stdin before main), and the
 * frame decoder (vd_frame_feed_span, including the CRC check) over a maximum-size frame.
 *
 * Built with VD_BENCH_STAGES and VD_KERNEL_PROFILE (make bench-alloc BENCH_ONLY=stages, which
 * plain make bench-alloc runs after its own image) it runs only the kernel rows, each followed
 * by the cycles of vd_kernel_allocate's stages from the kernel's stamps (vd_kernel.h).
 *
 * Built with VD_BENCH_TLSF_ONLY (make bench-alloc BENCH_ONLY=tlsf) it runs the vd_tlsf
 * rows only, and splits each of them by request kind: plain (16-byte alignment, bottom-up),
 * aligned (256), FromEnd and FromEnd + aligned; a free is filed under the kind of the
 * allocation it frees.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "bench_util.h"
#include "vd_frame.h"
#include "vd_kernel.h"
#include "vd_mmio.h"
#include "vd_regs.h"
#include "vd_timer.h"
#include "vd_tlsf.h"
#include "vd_uart.h"

#ifndef VD_BENCH_TLSF_ONLY
#define VD_BENCH_TLSF_ONLY 0
#endif
#ifndef VD_BENCH_STAGES
#define VD_BENCH_STAGES 0
#endif
#ifndef VD_BENCH_MAX_LIVE
#define VD_BENCH_MAX_LIVE 10000
#endif
#define BENCH_SAMPLES 2000u
#define BENCH_SEGMENT (16u << 20)

static vd_tlsf s_tlsf;
static vd_tlsf_block s_blocks[2 * VD_BENCH_MAX_LIVE + 2];
static uint32_t s_live_a[VD_BENCH_MAX_LIVE]; /* TLSF: block id; kernel: handle */
static uint32_t s_live_b[VD_BENCH_MAX_LIVE]; /* TLSF: offset */
static uint32_t s_alloc_cyc[BENCH_SAMPLES];
static uint32_t s_free_cyc[BENCH_SAMPLES];
static uint8_t s_alloc_kind[BENCH_SAMPLES]; /* bit 0 aligned, bit 1 FromEnd */
static uint8_t s_free_kind[BENCH_SAMPLES];
static uint8_t s_live_kind[VD_BENCH_MAX_LIVE];
static uint32_t s_tmp[BENCH_SAMPLES];
#if VD_BENCH_STAGES
/* Cycles of each stage of vd_kernel_allocate (vd_kernel.h, VD_KERNEL_PROF_STAMPS) per sample. */
#define BENCH_STAGES (VD_KERNEL_PROF_STAMPS - 1)
static uint32_t s_stage[BENCH_STAGES][BENCH_SAMPLES];
static uint32_t s_stage_k; /* the sample kernel_alloc files its stages under */
#endif

/* Uniform-enough index below n (n <= 65536) without a divide. */
static uint32_t rnd_below(uint32_t n)
{
    return ((rnd() & 0xFFFFu) * n) >> 16;
}

typedef struct req {
    uint32_t size, align, flags;
} req;

static req rnd_req(void)
{
    uint32_t r = rnd();
    req q;
    q.size = 16u + (r & 1023u);
    q.align = ((r >> 10) & 3u) == 0 ? 256u : 16u;
    q.flags = ((r >> 12) & 7u) == 0 ? VD_TLSF_FROM_END : 0u;
    return q;
}

static void sort(uint32_t *a, uint32_t n)
{
    static const uint32_t gaps[] = {701, 301, 132, 57, 23, 10, 4, 1}; /* Ciura */
    for (uint32_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        uint32_t gap = gaps[g];
        for (uint32_t i = gap; i < n; i++) {
            uint32_t v = a[i], j = i;
            while (j >= gap && a[j - gap] > v) {
                a[j] = a[j - gap];
                j -= gap;
            }
            a[j] = v;
        }
    }
}

static void report(const char *what, uint32_t live, uint32_t *cyc)
{
    sort(cyc, BENCH_SAMPLES);
    printf("| %-22s | %6" PRIu32 " | %5" PRIu32 " | %5" PRIu32 " | %6" PRIu32 " |\n", what, live,
           cyc[BENCH_SAMPLES / 2], cyc[(BENCH_SAMPLES * 99u) / 100u], cyc[BENCH_SAMPLES - 1]);
}

static uint8_t kind_of(const req *q)
{
    return (uint8_t)((q->align > 16u ? 1u : 0u) | (q->flags & VD_TLSF_FROM_END ? 2u : 0u));
}

/* The samples of each request kind (before report() sorts them all). */
static void report_kinds(uint32_t live, const uint32_t *cyc, const uint8_t *kind)
{
    static const char *const names[4] = {"plain", "aligned", "end", "end+aligned"};
    for (uint32_t k = 0; k < 4; k++) {
        uint32_t n = 0;
        for (uint32_t i = 0; i < BENCH_SAMPLES; i++)
            if (kind[i] == k)
                s_tmp[n++] = cyc[i];
        if (n == 0)
            continue;
        sort(s_tmp, n);
        printf("|   %-11s %5" PRIu32 "x | %6" PRIu32 " | %5" PRIu32 " | %5" PRIu32 " | %6" PRIu32
               " |\n", names[k], n, live, s_tmp[n / 2], s_tmp[(n * 99u) / 100u], s_tmp[n - 1]);
    }
}

static int bench_tlsf(uint32_t live)
{
    uint32_t i, k;
    if (!NT_SUCCESS(vd_tlsf_init(&s_tlsf, s_blocks, 2 * VD_BENCH_MAX_LIVE + 2, BENCH_SEGMENT)))
        return -1;
    for (i = 0; i < live; i++) {
        req q = rnd_req();
        if (!NT_SUCCESS(vd_tlsf_alloc(&s_tlsf, q.size, q.align, q.flags, &s_live_a[i], &s_live_b[i])))
            return -2;
        s_live_kind[i] = kind_of(&q);
    }
    for (k = 0; k < BENCH_SAMPLES; k++) {
        uint32_t j = rnd_below(live);
        req q = rnd_req();
        uint32_t t0 = NOW();
        vd_ntstatus_t st = vd_tlsf_free(&s_tlsf, s_live_a[j], s_live_b[j]);
        uint32_t t1 = NOW();
        if (!NT_SUCCESS(st))
            return -3;
        s_free_cyc[k] = timed(t0, t1);
        s_free_kind[k] = s_live_kind[j];
        s_alloc_kind[k] = s_live_kind[j] = kind_of(&q);
        t0 = NOW();
        st = vd_tlsf_alloc(&s_tlsf, q.size, q.align, q.flags, &s_live_a[j], &s_live_b[j]);
        t1 = NOW();
        if (!NT_SUCCESS(st))
            return -4;
        s_alloc_cyc[k] = timed(t0, t1);
    }
    if (vd_tlsf_check(&s_tlsf) != 0)
        return -5;
    if (VD_BENCH_TLSF_ONLY)
        report_kinds(live, s_alloc_cyc, s_alloc_kind);
    report("vd_tlsf_alloc", live, s_alloc_cyc);
    if (VD_BENCH_TLSF_ONLY)
        report_kinds(live, s_free_cyc, s_free_kind);
    report("vd_tlsf_free", live, s_free_cyc);
    return 0;
}

/*
 * The exhaustive fallback's worst case: f free holes of one class (20 granules at 32k + 2,
 * between used blocks, the rest of the segment used), none of which holds 8 granules aligned
 * to 32 (512 bytes): the request walks every hole and fails. f = the board's bound (128
 * allocations: at most 129 free blocks) and more.
 */
static int bench_tlsf_no_hole(uint32_t f)
{
    uint32_t i, b, o, t0, t1, best = 0xFFFFFFFFu;
    vd_ntstatus_t st = STATUS_SUCCESS;

    if (!NT_SUCCESS(vd_tlsf_init(&s_tlsf, s_blocks, 2 * VD_BENCH_MAX_LIVE + 2, BENCH_SEGMENT)))
        return -1;
    for (i = 0; i < f; i++) {
        if (!NT_SUCCESS(vd_tlsf_alloc(&s_tlsf, 2 * 16, 0, 0, &b, &o)) ||
            !NT_SUCCESS(vd_tlsf_alloc(&s_tlsf, 20 * 16, 0, 0, &s_live_a[i], &s_live_b[i])) ||
            !NT_SUCCESS(vd_tlsf_alloc(&s_tlsf, 10 * 16, 0, 0, &b, &o)))
            return -2;
    }
    if (!NT_SUCCESS(vd_tlsf_alloc(&s_tlsf, BENCH_SEGMENT - f * 32u * 16u, 0, 0, &b, &o)))
        return -3;
    for (i = 0; i < f; i++)
        if (!NT_SUCCESS(vd_tlsf_free(&s_tlsf, s_live_a[i], s_live_b[i])))
            return -4;
    for (i = 0; i < 3; i++) {
        t0 = NOW();
        st = vd_tlsf_alloc(&s_tlsf, 8 * 16, 512, 0, &b, &o);
        t1 = NOW();
        if (timed(t0, t1) < best)
            best = timed(t0, t1);
    }
    if (st != STATUS_GRAPHICS_NO_VIDEO_MEMORY || vd_tlsf_check(&s_tlsf) != 0)
        return -5;
    printf("vd_tlsf_alloc, no hole holds it: walks %" PRIu32 " free blocks of its classes in %" PRIu32
           " cycles (%" PRIu32 " per block)\n", f, best, best / f);
    return 0;
}

/* One buffer allocation through pfnAllocateCb's kernel side. */
static vd_ntstatus_t kernel_alloc(uint32_t dev, uint32_t *h)
{
    static vd_surface_desc d;
    static vd_kernel_allocinfo ai;
    static vd_kernel_allocate_args a;
    uint32_t r = rnd();
    d = vd_surface_buffer(16u + (r & 1023u), ((r >> 10) & 3u) == 0 ? VD_SURFACE_USAGE_RENDERTARGET
                                                                    : VD_SURFACE_USAGE_CPU_WRITE);
    memset(&ai, 0, sizeof ai);
    ai.pPrivateDriverData = &d;
    ai.PrivateDriverDataSize = sizeof d;
    memset(&a, 0, sizeof a);
    a.NumAllocations = 1;
    a.pAllocationInfo = &ai;
    uint32_t t0 = NOW();
    vd_ntstatus_t st = vd_kernel_allocate(dev, &a);
    uint32_t t1 = NOW();
    *h = ai.hAllocation;
    s_alloc_cyc[0] = timed(t0, t1); /* the caller files it */
#if VD_BENCH_STAGES
    for (uint32_t i = 0; i < BENCH_STAGES; i++)
        s_stage[i][s_stage_k] = timed(vd_kernel_prof[i], vd_kernel_prof[i + 1]);
#endif
    return st;
}

static int bench_kernel(uint32_t live)
{
    uint32_t dev, i, k;
    if (!NT_SUCCESS(vd_kernel_init(VD_VRAM_BASE, BENCH_SEGMENT)) ||
        !NT_SUCCESS(vd_kernel_open_device(&dev)))
        return -1;
    for (i = 0; i < live; i++)
        if (!NT_SUCCESS(kernel_alloc(dev, &s_live_a[i])))
            return -2;
    static uint32_t acyc[BENCH_SAMPLES];
    for (k = 0; k < BENCH_SAMPLES; k++) {
        uint32_t j = rnd_below(live);
        vd_kernel_deallocate_args da = {0, 1, &s_live_a[j]};
        uint32_t t0 = NOW();
        vd_ntstatus_t st = vd_kernel_deallocate(dev, &da);
        uint32_t t1 = NOW();
        if (!NT_SUCCESS(st))
            return -3;
        s_free_cyc[k] = timed(t0, t1);
#if VD_BENCH_STAGES
        s_stage_k = k;
#endif
        if (!NT_SUCCESS(kernel_alloc(dev, &s_live_a[j])))
            return -4;
        acyc[k] = s_alloc_cyc[0];
    }
    report("vd_kernel_allocate", live, acyc);
    report("vd_kernel_deallocate", live, s_free_cyc);
#if VD_BENCH_STAGES
    {
        static const char *const names[BENCH_STAGES] = {
            "  checks", "  miniport input", "  DdiCreateAllocation", "  handle",
            "  vidmm + TLSF place", "  commit + outputs"};
        for (uint32_t j = 0; j < BENCH_STAGES; j++)
            report(names[j], live, s_stage[j]);
    }
#endif
    return 0;
}

/* The RX interrupt handler on a full hardware FIFO (bytes from the simulator's stdin). */
static void bench_drain(void)
{
    uint32_t level = 0;
    for (int i = 0; i < 100 && level < VD_UART_FIFO_DEPTH; i++) {
        level = vd_mmio_read32(VD_UART_BASE + VD_UART_LEVEL) & VD_UART_LEVEL_RX_MASK;
        for (volatile int w = 0; w < 2000; w++)
            ;
    }
    if (level == 0) {
        printf("rx drain: no bytes on the UART (pipe some into the simulator's stdin)\n");
        return;
    }
    uint32_t t0 = NOW();
    vd_uart_irq_handler();
    uint32_t t1 = NOW();
    vd_uart_rx_stats s;
    vd_uart_get_rx_stats(&s);
    uint32_t c = timed(t0, t1);
    printf("rx drain (IRQ handler, FIFO full): %" PRIu32 " bytes in %" PRIu32
           " cycles = %" PRIu32 ".%02" PRIu32 " cycles/byte\n",
           s.bytes, c, c / s.bytes, (c % s.bytes) * 100u / s.bytes);
}

/* The decoder loop of vd_link.c over a maximum frame and a typical ALLOCATE frame. */
static void bench_decode(uint16_t len)
{
    static uint8_t payload[VD_WIRE_MAX_PAYLOAD];
    static uint8_t frame[VD_WIRE_MAX_FRAME];
    static vd_frame_decoder dec;
    const vd_wire_hdr *h;
    const uint8_t *p;
    for (uint32_t i = 0; i < len; i++)
        payload[i] = (uint8_t)rnd();
    size_t n = vd_frame_encode(frame, VD_MSG_WRITE, 1, payload, len);
    vd_frame_decoder_init(&dec);
    /* vd_link.c feeds whole spans of the receive ring (here: the whole frame at once;
     * bench-codec also times bytewise and 16-byte spans). */
    uint32_t t0 = NOW();
    size_t used = vd_frame_feed_span(&dec, frame, n, &h, &p);
    uint32_t t1 = NOW();
    int got = used == n && h != NULL;
    uint32_t c = timed(t0, t1);
    uint32_t t2 = NOW();
    size_t m = vd_frame_encode(frame, VD_MSG_WRITE | VD_WIRE_RESPONSE, 1, payload, len);
    uint32_t t3 = NOW();
    uint32_t ce = timed(t2, t3);
    printf("frame decode, %4u-byte payload (%4u on the wire): %s %" PRIu32 " cycles = %" PRIu32
           " cycles/byte; encode %" PRIu32 " cycles = %" PRIu32 " cycles/byte\n",
           (unsigned)len, (unsigned)n, got ? "ok" : "FAILED", c, c / (uint32_t)n, ce,
           ce / (uint32_t)m);
}

int main(void)
{
    vd_uart_init(VD_UART_BOOT_BAUD);
    measure_overhead();
    printf("bench-alloc: " BENCH_CPU ", cycles from TIMER.MTIME minus %" PRIu32
           " (timer read), %u samples, seed fixed, 16 MiB segment\n",
           s_overhead, BENCH_SAMPLES);
    if (VD_BENCH_STAGES)
        printf("stages: vd_kernel_allocate built with its stage stamps (-DVD_KERNEL_PROFILE): each "
               "stage's cycles less one timer read; its total includes the stamps\n");
    if (!VD_BENCH_TLSF_ONLY && !VD_BENCH_STAGES) {
        bench_drain();
        (void)vd_crc32c(0, "", 0); /* the CRC table is built once, at first use */
        bench_decode(VD_WIRE_MAX_PAYLOAD);
        bench_decode(80);
    } else {
        for (uint32_t i = 0; i < VD_WIRE_MAX_PAYLOAD + 80u; i++)
            (void)rnd(); /* what bench_decode draws: the same requests as the full run */
    }
    printf("| %-22s | %6s | %5s | %5s | %6s |\n", "call", "live", "p50", "p99", "max");
    printf("|------------------------|--------|-------|-------|--------|\n");
    static const uint32_t lives[] = {10, 1000, VD_BENCH_MAX_LIVE};
    for (uint32_t i = 0; i < 3 && !VD_BENCH_STAGES; i++) {
        int r = bench_tlsf(lives[i]);
        if (r)
            printf("tlsf bench failed %d at %" PRIu32 " live\n", r, lives[i]);
    }
    static const uint32_t holes[] = {129, 1000};
    for (uint32_t i = 0; i < 2 && !VD_BENCH_STAGES; i++) {
        int r = bench_tlsf_no_hole(holes[i]);
        if (r)
            printf("tlsf no-hole bench failed %d at %" PRIu32 " holes\n", r, holes[i]);
    }
    s_rng = 0x2545F491u; /* the kernel rows draw the same requests with or without the rows above */
    for (uint32_t i = 0; i < 3 && !VD_BENCH_TLSF_ONLY; i++) {
        int r = bench_kernel(lives[i]);
        if (r)
            printf("kernel bench failed %d at %" PRIu32 " live\n", r, lives[i]);
    }
    printf("bench-alloc done\n");
    fflush(stdout);
    vd_uart_flush();
    for (;;)
        ;
}
