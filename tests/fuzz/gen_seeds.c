/*
 * gen_seeds.c - writes the seed corpora of the fuzz targets: valid request sequences
 * (HELLO, OPEN_DEVICE, ALLOCATE with and without a resource, LOCK, WRITE, READ, DMA_READ,
 * DMA_WRITE, UNLOCK,
 * every QUERY, RENDER (patched FILL, null rendering), FENCE, ESCAPE, DEALLOCATE, a HANG
 * and its timeout, CLOSE_DEVICE) in each target's input format, and for fuzz_qlink the same
 * requests as submission records over rings of several sizes (wraps, pad records, a full
 * completion ring, a bad header, a lying doorbell, a restart).
 *   gen_seeds <dir>     writes <dir>/fuzz_dispatch/, <dir>/fuzz_frame/, <dir>/fuzz_qlink/
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vd_dispatch.h"
#include "vd_kernel.h"
#include "vidalloc/vd_surface.h"

static uint8_t d_buf[8192], f_buf[8192], q_buf[8192];
static size_t d_len, f_len, q_len;
static uint16_t seq;

/* fuzz_qlink's operations (fuzz_qlink.c) */
#define Q_RECORD   0
#define Q_REPEAT   2
#define Q_MANGLE   3
#define Q_DOORBELL 4
#define Q_LIE      6
#define Q_RESTART  7

static void put(uint8_t type, const void *p, size_t len)
{
    d_buf[d_len++] = type;
    d_buf[d_len++] = (uint8_t)len;
    d_buf[d_len++] = (uint8_t)(len >> 8);
    memcpy(d_buf + d_len, p, len);
    d_len += len;
    uint8_t h[6] = {type, (uint8_t)seq, (uint8_t)(seq >> 8), (uint8_t)len, (uint8_t)(len >> 8), 0};
    memcpy(f_buf + f_len, h, 6);
    f_len += 6;
    memcpy(f_buf + f_len, p, len);
    f_len += len;
    /* a record; the doorbell every fourth one (batches of several records) */
    q_buf[q_len++] = Q_RECORD;
    memcpy(q_buf + q_len, d_buf + d_len - len - 3, len + 3);
    q_len += len + 3;
    if (seq % 4 == 3)
        q_buf[q_len++] = Q_DOORBELL;
    seq++;
}

static void save(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(p, 1, n, f) != n) {
        perror(path);
        return;
    }
    fclose(f);
}

/* The handles a fresh kernel hands out first (vd_handle.h: type | generation | slot). */
#define DEV0   0xC0000000u
#define ALLOC0 0x40000000u
#define RES0   0x80000000u

int main(int argc, char **argv)
{
    char dd[400], fd[400], qd[400];
    if (argc != 2)
        return 2;
    snprintf(dd, sizeof dd, "%s/fuzz_dispatch", argv[1]);
    snprintf(fd, sizeof fd, "%s/fuzz_frame", argv[1]);
    snprintf(qd, sizeof qd, "%s/fuzz_qlink", argv[1]);
    mkdir(argv[1], 0777);
    mkdir(dd, 0777);
    mkdir(fd, 0777);
    mkdir(qd, 0777);
    q_buf[q_len++] = 0x00; /* configuration: 4 KiB rings */
    vd_wire_hello_req hello = {VD_WIRE_VERSION, 0};
    put(VD_MSG_HELLO, &hello, sizeof hello);
    put(VD_MSG_OPEN_DEVICE, NULL, 0);

    vd_surface_desc d;
    memset(&d, 0, sizeof d);
    d.Version = 1;
    d.Size = 32;
    d.ByteSize = 256;
    d.Usage = VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE;
    uint8_t a[256];
    vd_wire_allocate_req ar = {DEV0, 1, 0, 0, 0};
    vd_wire_allocinfo ai = {0, 0, 0, 32, 0};
    memcpy(a, &ar, 24);
    memcpy(a + 24, &ai, 24);
    memcpy(a + 48, &d, 32);
    put(VD_MSG_ALLOCATE, a, 80);
    /* a resource with private data and two surfaces */
    vd_wire_allocate_req rr = {DEV0, 2, 0x55, 4, 0};
    memcpy(a, &rr, 24);
    memcpy(a + 24, "priv", 4);
    d.Format = D3DDDIFMT_A8R8G8B8;
    d.ByteSize = 0;
    d.Width = 16;
    d.Height = 8;
    memcpy(a + 28, &ai, 24);
    memcpy(a + 52, &d, 32);
    memcpy(a + 84, &ai, 24);
    memcpy(a + 108, &d, 32);
    put(VD_MSG_ALLOCATE, a, 140);

    vd_wire_lock_req l = {DEV0, ALLOC0, 0, 0};
    put(VD_MSG_LOCK, &l, sizeof l);
    uint8_t w[16 + 12];
    vd_wire_rw_req rw = {DEV0, ALLOC0, 4, 10};
    memcpy(w, &rw, 16);
    memcpy(w + 16, "0123456789\0\0", 12);
    put(VD_MSG_WRITE, w, sizeof w);
    put(VD_MSG_READ, &rw, sizeof rw);
    /* DMA both ways inside the fuzz link's host window (fuzz_common.h). */
    vd_wire_dma_req dq = {DEV0, ALLOC0, 0, 64, 0x40000100u, 0};
    put(VD_MSG_DMA_READ, &dq, sizeof dq);
    put(VD_MSG_DMA_WRITE, &dq, sizeof dq);
    put(VD_MSG_UNLOCK, &l, sizeof l);
    for (uint32_t q = 1; q <= 7; q++) {
        vd_wire_query_req qr = {q, q == 5 || q == 7 ? 0 : (q == 2 ? RES0 : ALLOC0 + 1),
                                q == 1 ? 1u : 0u, 0};
        put(VD_MSG_QUERY, &qr, sizeof qr);
    }
    /* RENDER: FILL 64 bytes at ALLOC0 + 16, DST patched; entry 0 the NULL allocation. */
    uint8_t r[128];
    uint32_t cmd[4] = {1, 0, 0xA5A5A5A5u, 64};
    vd_wire_render_req rq = {DEV0, 0, 16, 2, 1, 0};
    vd_wire_alloc_list al[2] = {{0, 0}, {ALLOC0, 1}};
    vd_wire_patch_location pl = {1, 0, 0, 16, 4, 0};
    memcpy(r, &rq, 24);
    memcpy(r + 24, cmd, 16);
    memcpy(r + 40, al, 16);
    memcpy(r + 56, &pl, 24);
    put(VD_MSG_RENDER, r, 80);
    vd_wire_fence_req fq = {DEV0, 1};
    put(VD_MSG_FENCE, &fq, sizeof fq);
    rq.Flags = 0x8; /* NullRendering */
    memcpy(r, &rq, 24);
    put(VD_MSG_RENDER, r, 80);
    vd_wire_escape_req eq = {VD_ESCAPE_SET_TDR, 100000, 0, 0};
    put(VD_MSG_ESCAPE, &eq, sizeof eq);
    eq.code = VD_ESCAPE_GPU_STATE;
    eq.arg0 = 0;
    put(VD_MSG_ESCAPE, &eq, sizeof eq);

    uint8_t dl[20];
    vd_wire_deallocate_req dr = {DEV0, 1, 0};
    uint32_t h = ALLOC0;
    memcpy(dl, &dr, 16);
    memcpy(dl + 16, &h, 4);
    put(VD_MSG_DEALLOCATE, dl, 20);
    vd_wire_deallocate_req dr2 = {DEV0, 0, 0x55};
    put(VD_MSG_DEALLOCATE, &dr2, 16);
    /* A hang: the watchdog fires, the device is removed. */
    uint32_t hang[4] = {4, 0, 0, 0};
    vd_wire_render_req hq = {DEV0, 0, 16, 0, 0, 0};
    memcpy(r, &hq, 24);
    memcpy(r + 24, hang, 16);
    put(VD_MSG_RENDER, r, 40);
    put(VD_MSG_RENDER, r, 40); /* waits for the hung one: the timeout, DEVICEREMOVED */
    fq.fence = 3;
    put(VD_MSG_FENCE, &fq, sizeof fq);
    put(VD_MSG_FENCE, &fq, sizeof fq);
    vd_wire_device_req c = {DEV0};
    put(VD_MSG_CLOSE_DEVICE, &c, 4);

    q_buf[q_len++] = Q_DOORBELL;

    save(dd, "session", d_buf, d_len);
    save(fd, "session", f_buf, f_len);
    save(qd, "session", q_buf, q_len);
    /* the same session with a retransmission and a corrupted frame */
    memcpy(f_buf + f_len, f_buf, 6 + 8);
    f_len += 14;
    save(fd, "session-retry", f_buf, f_len);
    f_buf[5] = 0x13;
    save(fd, "session-corrupt", f_buf, f_len);

    /* Within the fuzzers' 2 KiB inputs: 4 KiB rings, a QUERY repeated 300 times (both
     * rings wrap, pad records, the completion ring fills up); 8 KiB rings, 1 KiB WRITEs
     * eight times with one doorbell (a batch beyond PCIE_BUF's 4 KiB, records cut by its
     * end); a completion ring held full by a lying doorbell, a bad version in a header, a
     * restart with 16 KiB rings. */
    uint8_t wrap[] = {0x00, Q_RECORD, VD_MSG_QUERY, 16, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                      0, 0, 0, 0, Q_REPEAT, 0xFF, Q_REPEAT, 0x2B, Q_DOORBELL};
    save(qd, "wrap", wrap, sizeof wrap);
    size_t n = 0;
    q_buf[n++] = 0x05;
    q_buf[n++] = Q_RECORD;
    q_buf[n++] = VD_MSG_WRITE;
    q_buf[n++] = 0x00;
    q_buf[n++] = 0x04; /* 1024 bytes */
    memset(q_buf + n, 0, 1024);
    memcpy(q_buf + n, &rw, 16);
    n += 1024;
    uint8_t tail[] = {Q_REPEAT, 7, Q_DOORBELL, Q_LIE, 0x81, Q_RECORD, VD_MSG_HELLO, 4, 0,
                      VD_WIRE_VERSION, 0, 0, 0, Q_MANGLE, 1, 0x02, Q_DOORBELL, Q_RESTART,
                      0x0A << 3, Q_RECORD, VD_MSG_HELLO, 4, 0, VD_WIRE_VERSION, 0, 0, 0,
                      Q_REPEAT, 40, Q_DOORBELL};
    memcpy(q_buf + n, tail, sizeof tail);
    save(qd, "faults", q_buf, n + sizeof tail);
    return 0;
}
