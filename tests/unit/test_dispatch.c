/*
 * test_dispatch.c - the request decoder and dispatcher (firmware/dispatch/) with the real
 * kernel: every message, and every malformed-length path answered E_INVALIDARG.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "disp_exec.h"
#include "vd_dispatch.h"
#include "vd_kernel.h"
#include "vidalloc/vd_queue.h"

#define VRAM_SIZE 0x10000u

static uint8_t vram[VRAM_SIZE];
static vd_disp_platform plat;
static uint32_t hdev;

static void fake_stats(vd_wire_fw_stats *s)
{
    s->rx_frames = 42;
}

static int setup(void **state)
{
    (void)state;
    memset(&plat, 0, sizeof plat);
    plat.soc_id = 0x5644414C;
    plat.soc_version = 0x000100;
    plat.clk_hz = 12000000;
    plat.vram_size = VRAM_SIZE;
    plat.vram_cpu_base = 0x10000000;
    plat.vram = vram;
    plat.features = VD_SYSCTL_FEATURES_MEMCTL_MASK | VD_SYSCTL_FEATURES_GPU_MASK;
    plat.fw_version = "0.1.0+test-version-string-longer-than-32";
    plat.fw_stats = fake_stats;
    assert_int_equal(vd_disp_init(&plat), STATUS_SUCCESS);
    exec(VD_MSG_OPEN_DEVICE, NULL, 0);
    assert_int_equal(hr(), S_OK);
    hdev = u32(4);
    assert_int_not_equal(hdev, 0);
    return 0;
}


/* Build an ALLOCATE request of n allocations of desc d; returns its length. */
static uint32_t build_alloc(uint32_t dev, uint64_t hres, const void *rpriv, uint32_t rsize,
                            const vd_surface_desc *d, uint32_t n, uint64_t sysmem)
{
    vd_wire_allocate_req a = {dev, n, hres, rsize, 0};
    uint32_t off = 0;
    memcpy(req + off, &a, sizeof a);
    off += sizeof a;
    memset(req + off, 0, VD_WIRE_PAD4(rsize));
    if (rsize)
        memcpy(req + off, rpriv, rsize);
    off += VD_WIRE_PAD4(rsize);
    for (uint32_t i = 0; i < n; i++) {
        vd_wire_allocinfo w = {sysmem, 0, 0, sizeof *d, 0};
        memcpy(req + off, &w, sizeof w);
        off += sizeof w;
        memcpy(req + off, d, sizeof *d);
        off += sizeof *d;
    }
    return off;
}

static uint32_t alloc_buffer(uint32_t bytes, uint32_t usage)
{
    vd_surface_desc d = vd_surface_buffer(bytes, usage);
    exec(VD_MSG_ALLOCATE, req, build_alloc(hdev, 0, NULL, 0, &d, 1, 0));
    assert_int_equal(hr(), S_OK);
    assert_int_equal(rlen, 20);
    return u32(16);
}

static void lock_req(uint8_t type, uint32_t dev, uint32_t h, uint32_t flags)
{
    vd_wire_lock_req l = {dev, h, flags, 0};
    exec(type, &l, sizeof l);
}

static void query(uint32_t what, uint32_t handle, uint32_t arg)
{
    vd_wire_query_req q = {what, handle, arg, 0};
    exec(VD_MSG_QUERY, &q, sizeof q);
}

static void test_hello(void **state)
{
    (void)state;
    vd_wire_hello_req h = {VD_WIRE_VERSION, 0};
    vd_wire_hello_rsp r;
    exec(VD_MSG_HELLO, &h, sizeof h);
    assert_int_equal(rlen, sizeof r);
    memcpy(&r, rsp, sizeof r);
    assert_int_equal(r.hr, S_OK);
    assert_int_equal(r.wire_version, VD_WIRE_VERSION);
    assert_int_equal(r.max_payload, VD_WIRE_MAX_PAYLOAD);
    assert_int_equal(r.window, VD_WIRE_WINDOW);
    assert_int_equal(r.soc_id, 0x5644414C);
    assert_int_equal(r.soc_version, 0x100);
    assert_int_equal(r.clk_hz, 12000000);
    assert_int_equal(r.vram_size, VRAM_SIZE);
    assert_int_equal(r.fw_version[31], 0);
    assert_memory_equal(r.fw_version, "0.1.0+test-version-string-longe", 31);
    /* HELLO restarted the session: the device opened in setup is gone. */
    vd_wire_device_req c = {hdev};
    exec(VD_MSG_CLOSE_DEVICE, &c, sizeof c);
    assert_int_equal(hr(), E_INVALIDARG);

    /* Another wire version: E_FAIL, identity still reported, nothing reset. */
    exec(VD_MSG_OPEN_DEVICE, NULL, 0);
    uint32_t d2 = u32(4);
    h.wire_version = 2;
    exec(VD_MSG_HELLO, &h, sizeof h);
    memcpy(&r, rsp, sizeof r);
    assert_int_equal(r.hr, E_FAIL);
    assert_int_equal(r.wire_version, VD_WIRE_VERSION);
    assert_int_equal(r.soc_id, 0x5644414C);
    c.hDevice = d2;
    exec(VD_MSG_CLOSE_DEVICE, &c, sizeof c);
    assert_int_equal(hr(), S_OK);

    /* Lengths and reserved. */
    h.wire_version = VD_WIRE_VERSION;
    exec(VD_MSG_HELLO, &h, sizeof h - 1);
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(rlen, 4);
    exec(VD_MSG_HELLO, &h, 0);
    assert_int_equal(hr(), E_INVALIDARG);
    memcpy(req, &h, sizeof h);
    exec(VD_MSG_HELLO, req, sizeof h + 4);
    assert_int_equal(hr(), E_INVALIDARG);
    h.reserved = 1;
    exec(VD_MSG_HELLO, &h, sizeof h);
    assert_int_equal(hr(), E_INVALIDARG);
}

static void test_devices(void **state)
{
    (void)state;
    uint32_t z = 0;
    exec(VD_MSG_OPEN_DEVICE, &z, 4); /* OPEN_DEVICE has no payload */
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(u32(4), 0);
    uint32_t devs[VD_MAX_DEVICES] = {hdev};
    for (uint32_t i = 1; i < VD_MAX_DEVICES; i++) {
        exec(VD_MSG_OPEN_DEVICE, NULL, 0);
        assert_int_equal(hr(), S_OK);
        devs[i] = u32(4);
    }
    exec(VD_MSG_OPEN_DEVICE, NULL, 0);
    assert_int_equal(hr(), E_OUTOFMEMORY);
    assert_int_equal(u32(4), 0);

    vd_wire_device_req c = {devs[1]};
    exec(VD_MSG_CLOSE_DEVICE, &c, sizeof c - 1);
    assert_int_equal(hr(), E_INVALIDARG);
    memcpy(req, &c, sizeof c);
    exec(VD_MSG_CLOSE_DEVICE, req, sizeof c + 4);
    assert_int_equal(hr(), E_INVALIDARG);
    exec(VD_MSG_CLOSE_DEVICE, &c, sizeof c);
    assert_int_equal(hr(), S_OK);
    exec(VD_MSG_CLOSE_DEVICE, &c, sizeof c); /* twice */
    assert_int_equal(hr(), E_INVALIDARG);
    c.hDevice = 0;
    exec(VD_MSG_CLOSE_DEVICE, &c, sizeof c);
    assert_int_equal(hr(), E_INVALIDARG);
}

static void test_allocate_and_deallocate(void **state)
{
    (void)state;
    vd_surface_desc d = vd_surface_buffer(1000, VD_SURFACE_USAGE_CPU_READ);
    uint8_t rpriv[7] = {1, 2, 3, 4, 5, 6, 7};
    exec(VD_MSG_ALLOCATE, req, build_alloc(hdev, 0x1234567890ull, rpriv, 7, &d, 3, 0));
    assert_int_equal(hr(), S_OK);
    assert_int_equal(rlen, 16 + 12);
    uint32_t hkm = u32(4);
    assert_int_not_equal(hkm, 0);
    assert_int_equal(u32(8), 3);
    uint32_t h[3] = {u32(16), u32(20), u32(24)};

    /* The resource's private data and children through the handle services. */
    query(VD_QUERY_HANDLE_DATA, hkm, DXGK_HANDLE_RESOURCE);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(u32(4), 3);   /* children */
    assert_int_equal(u32(8), 7);   /* length */
    assert_int_equal(rlen, 16 + 8);
    assert_memory_equal(rsp + 16, rpriv, 7);
    assert_int_equal(rsp[23], 0);  /* padding zeroed */
    for (uint32_t i = 0; i < 3; i++) {
        query(VD_QUERY_CHILD, hkm, i);
        assert_int_equal(hr(), S_OK);
        assert_int_equal(u32(4), h[i]);
        query(VD_QUERY_PARENT, h[i], 0);
        assert_int_equal(u32(4), hkm);
    }
    query(VD_QUERY_CHILD, hkm, 3);
    assert_int_equal(u32(4), 0);

    /* Deallocate one by handle, then the resource (list ignored but still sized). */
    vd_wire_deallocate_req dq = {hdev, 1, 0};
    memcpy(req, &dq, sizeof dq);
    memcpy(req + sizeof dq, &h[1], 4);
    exec(VD_MSG_DEALLOCATE, req, sizeof dq + 4);
    assert_int_equal(hr(), S_OK);
    exec(VD_MSG_DEALLOCATE, req, sizeof dq + 4); /* gone now */
    assert_int_equal(hr(), E_INVALIDARG);
    dq.hResource = 0x1234567890ull;
    dq.NumAllocations = 0;
    exec(VD_MSG_DEALLOCATE, &dq, sizeof dq);
    assert_int_equal(hr(), S_OK);
    query(VD_QUERY_SEGMENT_STATS, 0, 0);
    assert_int_equal(u32(16 + 4 * 5), 0); /* allocations */
    assert_int_equal(u32(16 + 4 * 6), 0); /* resources */
}

static void test_allocate_malformed(void **state)
{
    (void)state;
    vd_surface_desc d = vd_surface_buffer(64, 0);
    uint32_t len = build_alloc(hdev, 0, NULL, 0, &d, 2, 0);
    static uint8_t good[VD_WIRE_MAX_PAYLOAD];
    memcpy(good, req, len);

    /* Every truncation and one extra byte or word. */
    for (uint32_t l = 0; l < len; l++) {
        memcpy(req, good, len);
        exec(VD_MSG_ALLOCATE, req, l);
        assert_int_equal(hr(), E_INVALIDARG);
        assert_int_equal(rlen, 16);
    }
    memcpy(req, good, len);
    exec(VD_MSG_ALLOCATE, req, len + 4);
    assert_int_equal(hr(), E_INVALIDARG);

    /* NumAllocations 0, above the per-call limit, and larger than the payload holds. */
    static const uint32_t counts[] = {0, VD_MAX_ALLOCS_PER_CALL + 1, 3, 0xFFFFFFFFu};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        memcpy(req, good, len);
        memcpy(req + 4, &counts[i], 4);
        exec(VD_MSG_ALLOCATE, req, len);
        assert_int_equal(hr(), E_INVALIDARG);
    }
    /* Resource private data size: too large, and huge (must not wrap the offset). */
    static const uint32_t psizes[] = {VD_MAX_RESOURCE_PRIVDATA + 1, 0xFFFFFFFDu, 4};
    for (size_t i = 0; i < sizeof psizes / sizeof psizes[0]; i++) {
        memcpy(req, good, len);
        memcpy(req + 16, &psizes[i], 4);
        exec(VD_MSG_ALLOCATE, req, len);
        assert_int_equal(hr(), E_INVALIDARG);
    }
    /* Per-allocation private data size: wrong, huge, past the end. */
    static const uint32_t asizes[] = {0, 28, 36, VD_DISP_MAX_ALLOC_PRIVDATA + 4, 0xFFFFFFFCu};
    for (size_t i = 0; i < sizeof asizes / sizeof asizes[0]; i++) {
        memcpy(req, good, len);
        memcpy(req + 24 + 16, &asizes[i], 4);
        exec(VD_MSG_ALLOCATE, req, len);
        assert_int_equal(hr(), E_INVALIDARG);
    }
    /* Reserved fields. */
    memcpy(req, good, len);
    req[20] = 1;
    exec(VD_MSG_ALLOCATE, req, len);
    assert_int_equal(hr(), E_INVALIDARG);
    memcpy(req, good, len);
    req[24 + 20] = 1;
    exec(VD_MSG_ALLOCATE, req, len);
    assert_int_equal(hr(), E_INVALIDARG);
    /* Flags reserved bits and a bad device reach the kernel and are refused there. */
    memcpy(req, good, len);
    req[24 + 12] = 0x04;
    exec(VD_MSG_ALLOCATE, req, len);
    assert_int_equal(hr(), E_INVALIDARG);
    memcpy(req, good, len);
    req[0] ^= 1;
    exec(VD_MSG_ALLOCATE, req, len);
    assert_int_equal(hr(), E_INVALIDARG);
    /* A bad surface version is the miniport's driver mismatch: E_FAIL. */
    memcpy(req, good, len);
    req[24 + 24] = 2;
    exec(VD_MSG_ALLOCATE, req, len);
    assert_int_equal(hr(), E_FAIL);

    /* None of it allocated anything; the good request still works. */
    query(VD_QUERY_SEGMENT_STATS, 0, 0);
    assert_int_equal(u32(16 + 4 * 5), 0);
    memcpy(req, good, len);
    exec(VD_MSG_ALLOCATE, req, len);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(u32(8), 2);
}

static void test_allocate_out_of_video_memory(void **state)
{
    (void)state;
    vd_surface_desc d = vd_surface_buffer(VRAM_SIZE + 16, 0);
    exec(VD_MSG_ALLOCATE, req, build_alloc(hdev, 0, NULL, 0, &d, 1, 0));
    assert_int_equal(hr(), D3DERR_OUTOFVIDEOMEMORY);
    assert_int_equal(rlen, 16);
    assert_int_equal(u32(8), 0);
}

static void test_deallocate_malformed(void **state)
{
    (void)state;
    uint32_t h = alloc_buffer(64, 0);
    vd_wire_deallocate_req dq = {hdev, 1, 0};
    memcpy(req, &dq, sizeof dq);
    memcpy(req + sizeof dq, &h, 4);
    for (uint32_t l = 0; l < sizeof dq + 4; l++) {
        exec(VD_MSG_DEALLOCATE, req, l);
        assert_int_equal(hr(), E_INVALIDARG);
    }
    exec(VD_MSG_DEALLOCATE, req, sizeof dq + 8);
    assert_int_equal(hr(), E_INVALIDARG);
    static const uint32_t counts[] = {0, 2, 0x40000001u, 0xFFFFFFFFu};
    for (size_t i = 0; i < 4; i++) {
        memcpy(req + 4, &counts[i], 4);
        exec(VD_MSG_DEALLOCATE, req, sizeof dq + 4);
        assert_int_equal(hr(), E_INVALIDARG);
    }
    /* A repeated handle frees nothing. */
    dq.NumAllocations = 2;
    memcpy(req, &dq, sizeof dq);
    memcpy(req + sizeof dq, &h, 4);
    memcpy(req + sizeof dq + 4, &h, 4);
    exec(VD_MSG_DEALLOCATE, req, sizeof dq + 8);
    assert_int_equal(hr(), E_INVALIDARG);
    /* Another device's handle is refused. */
    exec(VD_MSG_OPEN_DEVICE, NULL, 0);
    dq.hDevice = u32(4);
    dq.NumAllocations = 1;
    memcpy(req, &dq, sizeof dq);
    exec(VD_MSG_DEALLOCATE, req, sizeof dq + 4);
    assert_int_equal(hr(), E_INVALIDARG);
    dq.hDevice = hdev;
    memcpy(req, &dq, sizeof dq);
    exec(VD_MSG_DEALLOCATE, req, sizeof dq + 4);
    assert_int_equal(hr(), S_OK);
}

static void test_lock_unlock(void **state)
{
    (void)state;
    uint32_t h = alloc_buffer(200, VD_SURFACE_USAGE_CPU_WRITE);
    uint32_t hidden = alloc_buffer(200, 0); /* not CPU-visible */

    lock_req(VD_MSG_UNLOCK, hdev, h, 0); /* not locked yet */
    assert_int_equal(hr(), E_INVALIDARG);
    lock_req(VD_MSG_LOCK, hdev, h, D3DDDILOCK_READONLY | D3DDDILOCK_WRITEONLY);
    assert_int_equal(hr(), E_INVALIDARG);
    lock_req(VD_MSG_LOCK, hdev, h, 0x40);
    assert_int_equal(hr(), E_INVALIDARG);
    lock_req(VD_MSG_LOCK, hdev, h, 0x100);
    assert_int_equal(hr(), E_INVALIDARG);
    lock_req(VD_MSG_LOCK, hdev, hidden, 0);
    assert_int_equal(hr(), D3DERR_NOTAVAILABLE);
    lock_req(VD_MSG_LOCK, hdev, h ^ 0x10000u, 0); /* stale generation */
    assert_int_equal(hr(), E_INVALIDARG);
    lock_req(VD_MSG_LOCK, hdev + 1, h, 0);
    assert_int_equal(hr(), E_INVALIDARG);
    lock_req(VD_MSG_LOCK, hdev, hdev, 0); /* a device handle */
    assert_int_equal(hr(), E_INVALIDARG);

    vd_wire_lock_req l = {hdev, h, D3DDDILOCK_DISCARD | D3DDDILOCK_LOCKENTIRE, 0};
    exec(VD_MSG_LOCK, &l, sizeof l - 4);
    assert_int_equal(hr(), E_INVALIDARG);
    memcpy(req, &l, sizeof l);
    exec(VD_MSG_LOCK, req, sizeof l + 4);
    assert_int_equal(hr(), E_INVALIDARG);
    l.reserved = 9;
    exec(VD_MSG_LOCK, &l, sizeof l);
    assert_int_equal(hr(), E_INVALIDARG);
    l.reserved = 0;
    exec(VD_MSG_LOCK, &l, sizeof l);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(rlen, 8);
    assert_int_equal(u32(4), 208); /* size rounded to 16 */
    exec(VD_MSG_UNLOCK, &l, sizeof l - 1);
    assert_int_equal(hr(), E_INVALIDARG);
    lock_req(VD_MSG_UNLOCK, hdev, h, 0);
    assert_int_equal(hr(), S_OK);
    lock_req(VD_MSG_UNLOCK, hdev, h, 0);
    assert_int_equal(hr(), E_INVALIDARG);
}

static void rw(uint8_t type, uint32_t h, uint32_t off, uint32_t len, const void *data)
{
    vd_wire_rw_req q = {hdev, h, off, len};
    memcpy(req, &q, sizeof q);
    uint32_t n = sizeof q;
    if (type == VD_MSG_WRITE) {
        memset(req + n, 0, VD_WIRE_PAD4(len));
        if (data)
            memcpy(req + n, data, len);
        n += VD_WIRE_PAD4(len);
    }
    exec(type, req, n);
}

static void test_read_write(void **state)
{
    (void)state;
    uint32_t h = alloc_buffer(1024, VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE);
    uint8_t data[VD_WIRE_MAX_CHUNK];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i * 31u + 7u);

    rw(VD_MSG_WRITE, h, 0, 16, data); /* not locked */
    assert_int_equal(hr(), E_INVALIDARG);
    rw(VD_MSG_READ, h, 0, 16, NULL);
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(rlen, 8);

    lock_req(VD_MSG_LOCK, hdev, h, 0);
    rw(VD_MSG_WRITE, h, 5, 1001, data);
    assert_int_equal(hr(), S_OK);
    query(VD_QUERY_ALLOCATION, h, 0);
    uint32_t voff = u32(16 + 16);
    assert_memory_equal(vram + voff + 5, data, 1001);
    rw(VD_MSG_READ, h, 5, 1001, NULL);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(u32(4), 1001);
    assert_int_equal(rlen, 8 + 1004);
    assert_memory_equal(rsp + 8, data, 1001);
    assert_int_equal(rsp[8 + 1001], 0);
    rw(VD_MSG_READ, h, 1024, 0, NULL); /* empty range at the end */
    assert_int_equal(hr(), S_OK);
    assert_int_equal(rlen, 8);

    /* Bounds, overflow-safe. */
    static const uint32_t bad[][2] = {{1, 1024}, {1024, 1}, {0xFFFFFFFFu, 2}, {2, 0xFFFFFFFFu},
                                      {0, VD_WIRE_MAX_CHUNK + 1}, {0xFFFFFF00u, 0x100}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rw(VD_MSG_READ, h, bad[i][0], bad[i][1], NULL);
        assert_int_equal(hr(), E_INVALIDARG);
        vd_wire_rw_req q = {hdev, h, bad[i][0], bad[i][1]};
        memcpy(req, &q, sizeof q);
        exec(VD_MSG_WRITE, req, sizeof q + 4);
        assert_int_equal(hr(), E_INVALIDARG);
    }
    /* WRITE lengths: data missing, padding missing, extra word; READ with a payload. */
    vd_wire_rw_req q = {hdev, h, 0, 5};
    memcpy(req, &q, sizeof q);
    static const uint32_t lens[] = {0, 15, 16, 16 + 5, 16 + 12};
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        exec(VD_MSG_WRITE, req, lens[i]);
        assert_int_equal(hr(), E_INVALIDARG);
    }
    exec(VD_MSG_READ, req, sizeof q + 4);
    assert_int_equal(hr(), E_INVALIDARG);
    exec(VD_MSG_READ, req, sizeof q - 1);
    assert_int_equal(hr(), E_INVALIDARG);

    /* ReadOnly lock refuses WRITE; WriteOnly refuses READ. */
    lock_req(VD_MSG_LOCK, hdev, h, D3DDDILOCK_READONLY);
    rw(VD_MSG_WRITE, h, 0, 4, data);
    assert_int_equal(hr(), E_INVALIDARG);
    rw(VD_MSG_READ, h, 0, 4, NULL);
    assert_int_equal(hr(), S_OK);
    lock_req(VD_MSG_LOCK, hdev, h, D3DDDILOCK_WRITEONLY);
    rw(VD_MSG_READ, h, 0, 4, NULL);
    assert_int_equal(hr(), E_INVALIDARG);
    rw(VD_MSG_WRITE, h, 0, 4, data);
    assert_int_equal(hr(), S_OK);

    /* After unlock, and after the allocation is freed, nothing moves. */
    lock_req(VD_MSG_UNLOCK, hdev, h, 0);
    rw(VD_MSG_WRITE, h, 0, 4, data);
    assert_int_equal(hr(), E_INVALIDARG);
}

static void test_sysmem_allocation_has_no_vram(void **state)
{
    (void)state;
    vd_surface_desc d = vd_surface_buffer(256, 0);
    exec(VD_MSG_ALLOCATE, req, build_alloc(hdev, 0, NULL, 0, &d, 1, 0x7fff00001000ull));
    assert_int_equal(hr(), S_OK);
    uint32_t h = u32(16);
    lock_req(VD_MSG_LOCK, hdev, h, 0); /* ExistingSysMem is CPU-visible */
    assert_int_equal(hr(), S_OK);
    rw(VD_MSG_READ, h, 0, 4, NULL);
    assert_int_equal(hr(), D3DERR_NOTAVAILABLE);
    query(VD_QUERY_ALLOCATION, h, 0);
    assert_int_equal(u32(16 + 8), VD_RESIDENCY_SYSMEM);
    assert_int_equal(u32(16 + 12), 0);
}

static void test_queries(void **state)
{
    (void)state;
    vd_surface_desc d;
    memset(&d, 0, sizeof d);
    d.Version = 1;
    d.Size = 32;
    d.Format = D3DDDIFMT_R5G6B5;
    d.Width = 33;
    d.Height = 7;
    d.Usage = VD_SURFACE_USAGE_RENDERTARGET | VD_SURFACE_USAGE_CPU_READ;
    exec(VD_MSG_ALLOCATE, req, build_alloc(hdev, 0, NULL, 0, &d, 1, 0));
    assert_int_equal(hr(), S_OK);
    uint32_t h = u32(16);

    query(VD_QUERY_HANDLE_DATA, h, DXGK_HANDLE_ALLOCATION);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(u32(8), 32);
    assert_int_equal(rlen, 48);
    assert_memory_equal(rsp + 16, &d, 32); /* the desc as sent */
    query(VD_QUERY_HANDLE_DATA, h, DXGK_HANDLE_RESOURCE); /* wrong type */
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(rlen, 16);
    query(VD_QUERY_HANDLE_DATA, h, 7);
    assert_int_equal(hr(), E_INVALIDARG);
    query(VD_QUERY_HANDLE_DATA, 0, DXGK_HANDLE_ALLOCATION);
    assert_int_equal(hr(), E_INVALIDARG);

    query(VD_QUERY_PARENT, h, 0);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(u32(4), 0);
    query(VD_QUERY_CHILD, h, 0); /* not a resource */
    assert_int_equal(u32(4), 0);

    query(VD_QUERY_ALLOCATION, h, 0);
    assert_int_equal(hr(), S_OK);
    vd_wire_allocation_info ai;
    memcpy(&ai, rsp + 16, sizeof ai);
    assert_int_equal(ai.hDevice, hdev);
    assert_int_equal(ai.residency, VD_RESIDENCY_VRAM);
    assert_int_equal(ai.segment, 1);
    assert_int_equal(ai.size, 80 * 7);
    assert_int_equal(ai.alignment, 64);
    assert_int_equal(ai.offset % 64, 0);
    assert_int_equal(ai.flags & DXGK_ALLOCINFOFLAG_CPUVISIBLE, DXGK_ALLOCINFOFLAG_CPUVISIBLE);
    query(VD_QUERY_ALLOCATION, h + 1, 0);
    assert_int_equal(hr(), E_INVALIDARG);

    query(VD_QUERY_DESCRIBE, h, 0);
    assert_int_equal(hr(), S_OK);
    vd_wire_describe wd;
    memcpy(&wd, rsp + 16, sizeof wd);
    assert_int_equal(wd.Width, 33);
    assert_int_equal(wd.Height, 7);
    assert_int_equal(wd.Format, D3DDDIFMT_R5G6B5);
    query(VD_QUERY_DESCRIBE, 0, 0);
    assert_int_equal(hr(), E_INVALIDARG);

    query(VD_QUERY_SEGMENT_STATS, 0, 0);
    vd_wire_segment_stats ss;
    memcpy(&ss, rsp + 16, sizeof ss);
    /* Segment 1 is VRAM below the GPU ring (VD_GPU_RING_BYTES at the top). */
    assert_int_equal(ss.size, VRAM_SIZE - VD_GPU_RING_BYTES);
    assert_int_equal(ss.used, 560);
    assert_int_equal(ss.free, VRAM_SIZE - VD_GPU_RING_BYTES - 560);
    assert_int_equal(ss.allocations, 1);
    assert_int_equal(ss.devices, 1);
    query(VD_QUERY_SEGMENT_STATS, 1, 0);
    assert_int_equal(hr(), E_INVALIDARG);

    query(VD_QUERY_FW_STATS, 0, 0);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(u32(8), sizeof(vd_wire_fw_stats));
    assert_int_equal(u32(16 + 4), 42);

    query(0, 0, 0);
    assert_int_equal(hr(), E_INVALIDARG);
    query(99, 0, 0);
    assert_int_equal(hr(), E_INVALIDARG);
    vd_wire_query_req q = {VD_QUERY_SEGMENT_STATS, 0, 0, 1};
    exec(VD_MSG_QUERY, &q, sizeof q);
    assert_int_equal(hr(), E_INVALIDARG);
    q.reserved = 0;
    exec(VD_MSG_QUERY, &q, sizeof q - 4);
    assert_int_equal(hr(), E_INVALIDARG);
}

/* ---- DMA_READ / DMA_WRITE: a mock platform hook records what it was asked to move ---- */

#define HOST_WIN_BASE 0x40000000u
#define HOST_WIN_SIZE 0x00010000u

static struct {
    unsigned calls;
    uint32_t host, voff, len;
    int to_host, fail;
} dma;

static int fake_dma(uint32_t host_addr, uint32_t vram_offset, uint32_t length, int to_host)
{
    dma.calls++;
    dma.host = host_addr;
    dma.voff = vram_offset;
    dma.len = length;
    dma.to_host = to_host;
    assert_true(vram_offset <= VRAM_SIZE && length <= VRAM_SIZE - vram_offset);
    return dma.fail;
}

static void dma_req(uint8_t type, uint32_t h, uint32_t off, uint32_t len, uint32_t host)
{
    vd_wire_dma_req q = {hdev, h, off, len, host, 0};
    exec(type, &q, sizeof q);
}

static const vd_disp_link pcie_link = {VD_QUEUE_DEPTH, HOST_WIN_BASE, HOST_WIN_SIZE};

static void test_dma_not_over_uart(void **state)
{
    (void)state;
    uint32_t h = alloc_buffer(1024, VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE);
    lock_req(VD_MSG_LOCK, hdev, h, 0);
    memset(&dma, 0, sizeof dma);
    plat.dma = fake_dma; /* the board has the engine, but the UART link has no DMA */
    dma_req(VD_MSG_DMA_READ, h, 0, 64, HOST_WIN_BASE);
    assert_int_equal(hr(), E_FAIL);
    dma_req(VD_MSG_DMA_WRITE, h, 0, 64, HOST_WIN_BASE);
    assert_int_equal(hr(), E_FAIL);
    /* A DMA link on a board without the engine: the same. */
    disp_link = pcie_link;
    plat.dma = NULL;
    dma_req(VD_MSG_DMA_READ, h, 0, 64, HOST_WIN_BASE);
    assert_int_equal(hr(), E_FAIL);
    assert_int_equal(dma.calls, 0);
    /* A malformed one is E_INVALIDARG whatever the link. */
    exec(VD_MSG_DMA_READ, req, sizeof(vd_wire_dma_req) - 4);
    assert_int_equal(hr(), E_INVALIDARG);
    disp_link = (vd_disp_link){VD_WIRE_WINDOW, 0, 0};
}

static void test_dma_read_write(void **state)
{
    (void)state;
    memset(&dma, 0, sizeof dma);
    plat.dma = fake_dma;
    disp_link = pcie_link;

    /* HELLO over this link reports its window. */
    vd_wire_hello_req hq = {VD_WIRE_VERSION, 0};
    exec(VD_MSG_HELLO, &hq, sizeof hq);
    assert_int_equal(u32(offsetof(vd_wire_hello_rsp, window)), VD_QUEUE_DEPTH);
    exec(VD_MSG_OPEN_DEVICE, NULL, 0);
    hdev = u32(4);
    uint32_t h = alloc_buffer(1024, VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE);
    uint32_t other = alloc_buffer(256, VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE);
    query(VD_QUERY_ALLOCATION, h, 0);
    uint32_t voff = u32(16 + 16);

    dma_req(VD_MSG_DMA_READ, h, 0, 64, HOST_WIN_BASE); /* not locked */
    assert_int_equal(hr(), E_INVALIDARG);
    lock_req(VD_MSG_LOCK, hdev, h, 0);
    dma_req(VD_MSG_DMA_READ, other, 0, 64, HOST_WIN_BASE); /* another allocation: not locked */
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(dma.calls, 0);

    dma_req(VD_MSG_DMA_READ, h, 16, 1008, HOST_WIN_BASE + 0x100);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(rlen, 4);
    assert_int_equal(dma.calls, 1);
    assert_int_equal(dma.host, HOST_WIN_BASE + 0x100);
    assert_int_equal(dma.voff, voff + 16);
    assert_int_equal(dma.len, 1008);
    assert_int_equal(dma.to_host, 1);
    dma_req(VD_MSG_DMA_WRITE, h, 0, 1024, HOST_WIN_BASE + HOST_WIN_SIZE - 1024); /* window end */
    assert_int_equal(hr(), S_OK);
    assert_int_equal(dma.calls, 2);
    assert_int_equal(dma.voff, voff);
    assert_int_equal(dma.to_host, 0);

    /* The engine failed: E_FAIL. */
    dma.fail = 3;
    dma_req(VD_MSG_DMA_WRITE, h, 0, 4, HOST_WIN_BASE);
    assert_int_equal(hr(), E_FAIL);
    dma.fail = 0;

    /* Nothing moves for any of these: E_INVALIDARG. */
    static const uint32_t bad[][3] = {
        {0, 1025, HOST_WIN_BASE},                      /* past the allocation */
        {1024, 4, HOST_WIN_BASE},                      /* starts at its end */
        {0xFFFFFFFCu, 8, HOST_WIN_BASE},               /* offset + length wraps */
        {0, 0, HOST_WIN_BASE},                         /* empty */
        {0, 6, HOST_WIN_BASE},                         /* not whole words */
        {2, 4, HOST_WIN_BASE},                         /* offset not a word */
        {0, 4, HOST_WIN_BASE + 2},                     /* host address not a word */
        {0, 4, HOST_WIN_BASE - 4},                     /* below the host window */
        {0, 8, HOST_WIN_BASE + HOST_WIN_SIZE - 4},     /* runs past its end */
        {0, 4, HOST_WIN_BASE + HOST_WIN_SIZE},         /* just past it */
        {0, 4, 0xFFFFFFFCu},                           /* far above */
        {0, VD_WIRE_MAX_DMA + 4, HOST_WIN_BASE},       /* more than a DMA message moves */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        dma_req(VD_MSG_DMA_READ, h, bad[i][0], bad[i][1], bad[i][2]);
        assert_int_equal(hr(), E_INVALIDARG);
        dma_req(VD_MSG_DMA_WRITE, h, bad[i][0], bad[i][1], bad[i][2]);
        assert_int_equal(hr(), E_INVALIDARG);
    }
    vd_wire_dma_req q = {hdev, h, 0, 4, HOST_WIN_BASE, 1}; /* reserved */
    exec(VD_MSG_DMA_READ, &q, sizeof q);
    assert_int_equal(hr(), E_INVALIDARG);
    q.reserved = 0;
    memcpy(req, &q, sizeof q);
    exec(VD_MSG_DMA_WRITE, req, sizeof q + 4); /* trailing word */
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(dma.calls, 3);

    /* The lock's direction, as READ/WRITE: ReadOnly refuses DMA_WRITE, WriteOnly DMA_READ. */
    lock_req(VD_MSG_LOCK, hdev, h, D3DDDILOCK_READONLY);
    dma_req(VD_MSG_DMA_WRITE, h, 0, 4, HOST_WIN_BASE);
    assert_int_equal(hr(), E_INVALIDARG);
    dma_req(VD_MSG_DMA_READ, h, 0, 4, HOST_WIN_BASE);
    assert_int_equal(hr(), S_OK);
    lock_req(VD_MSG_LOCK, hdev, h, D3DDDILOCK_WRITEONLY);
    dma_req(VD_MSG_DMA_READ, h, 0, 4, HOST_WIN_BASE);
    assert_int_equal(hr(), E_INVALIDARG);
    dma_req(VD_MSG_DMA_WRITE, h, 0, 4, HOST_WIN_BASE);
    assert_int_equal(hr(), S_OK);
    assert_int_equal(dma.calls, 5);

    /* Another device's lock does not count. */
    exec(VD_MSG_OPEN_DEVICE, NULL, 0);
    uint32_t d2 = u32(4);
    vd_wire_dma_req q2 = {d2, h, 0, 4, HOST_WIN_BASE, 0};
    exec(VD_MSG_DMA_READ, &q2, sizeof q2);
    assert_int_equal(hr(), E_INVALIDARG);
    assert_int_equal(dma.calls, 5);

    plat.dma = NULL;
    disp_link = (vd_disp_link){VD_WIRE_WINDOW, 0, 0};
}

static void test_unknown_type_and_oversize(void **state)
{
    (void)state;
    static const uint8_t types[] = {0x00, 0x04, 0x18, 0x21, 0x7F, 0x81, 0xFF};
    for (size_t i = 0; i < sizeof types; i++) {
        exec(types[i], NULL, 0);
        assert_int_equal(hr(), E_INVALIDARG);
        assert_int_equal(rlen, 4);
    }
    rlen = vd_disp_execute(&disp_link, VD_MSG_QUERY, req, VD_WIRE_MAX_PAYLOAD + 1, rsp);
    assert_int_equal(rlen, 4);
    assert_int_equal(hr(), E_INVALIDARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_hello, setup),
        cmocka_unit_test_setup(test_devices, setup),
        cmocka_unit_test_setup(test_allocate_and_deallocate, setup),
        cmocka_unit_test_setup(test_allocate_malformed, setup),
        cmocka_unit_test_setup(test_allocate_out_of_video_memory, setup),
        cmocka_unit_test_setup(test_deallocate_malformed, setup),
        cmocka_unit_test_setup(test_lock_unlock, setup),
        cmocka_unit_test_setup(test_read_write, setup),
        cmocka_unit_test_setup(test_sysmem_allocation_has_no_vram, setup),
        cmocka_unit_test_setup(test_queries, setup),
        cmocka_unit_test_setup(test_dma_not_over_uart, setup),
        cmocka_unit_test_setup(test_dma_read_write, setup),
        cmocka_unit_test_setup(test_unknown_type_and_oversize, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
