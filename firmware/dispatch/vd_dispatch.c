/* vd_dispatch.c - request decoder and dispatcher (vd_dispatch.h): decode, call the kernel,
 * encode. */
#include "vd_dispatch.h"

#include <stddef.h>
#include <string.h>

#include "vd_kernel.h"
#include "vd_regs.h"

#define HR_OK      S_OK
#define HR_INVALID E_INVALIDARG
/* Each message's handler is its own function: inlined into vd_disp_execute, the largest
 * ones made every request (ALLOCATE too) save and restore a dozen registers. */
#define NOINLINE __attribute__((noinline))

static const vd_disp_platform *s_plat;
static vd_kernel_platform s_kplat;

/* Aligned scratch for what the kernel reads through pointers. */
static vd_kernel_allocinfo s_kinfo[VD_MAX_ALLOCS_PER_CALL];

/* ---- little helpers: responses are built in the caller's aligned buffer ---- */

/* Words of the request and response: both 4-byte aligned (vd_disp_execute) and off a
 * multiple of 4, so each is one load or store instead of a memcpy call (ALLOCATE, the hot
 * request, is decoded this way: ~1,400 cycles of calls before). */
static inline void put32(uint8_t *rsp, uint32_t off, uint32_t v)
{
    memcpy(__builtin_assume_aligned(rsp + off, 4), &v, sizeof v);
}

static inline uint32_t get32(const uint8_t *req, uint32_t off)
{
    uint32_t v;
    memcpy(&v, __builtin_assume_aligned(req + off, 4), sizeof v);
    return v;
}

static inline uint64_t get64(const uint8_t *req, uint32_t off)
{
    return get32(req, off) | (uint64_t)get32(req, off + 4u) << 32;
}

static uint32_t status_rsp(uint8_t *rsp, int32_t hr)
{
    put32(rsp, 0, (uint32_t)hr);
    return 4;
}

/* The one place the kernel's NTSTATUS becomes the wire's HRESULT. */
static inline int32_t hr_of(vd_ntstatus_t st)
{
    /* Success first: the table's compare chain is for failures (~50 cycles saved). */
    return st == STATUS_SUCCESS ? S_OK : vd_status_to_hresult(st);
}

vd_ntstatus_t vd_disp_init(const vd_disp_platform *p)
{
    s_plat = p;
    s_kplat.vram = p->vram;
    s_kplat.vram_size = p->vram_size;
    s_kplat.vram_cpu_base = p->vram_cpu_base;
    s_kplat.clk_hz = p->clk_hz;
    s_kplat.features = p->features;
    return vd_kernel_start(&s_kplat);
}

/* ---- HELLO / devices ---- */

NOINLINE static uint32_t do_hello(const vd_disp_link *link, const uint8_t *req, uint32_t len, uint8_t *rsp)
{
    vd_wire_hello_req q;
    vd_wire_hello_rsp r;

    if (len != sizeof q)
        return status_rsp(rsp, HR_INVALID);
    memcpy(&q, req, sizeof q);
    memset(&r, 0, sizeof r);
    r.hr = HR_OK;
    if (q.reserved != 0)
        r.hr = HR_INVALID;
    else if (q.wire_version != VD_WIRE_VERSION)
        r.hr = E_FAIL;
    else if (!NT_SUCCESS(vd_kernel_reset()))
        r.hr = E_FAIL;
    /* The board's identity goes back whatever the outcome, so the host can say why. */
    r.wire_version = VD_WIRE_VERSION;
    r.max_payload = VD_WIRE_MAX_PAYLOAD;
    r.window = link->window;
    r.soc_id = s_plat->soc_id;
    r.soc_version = s_plat->soc_version;
    r.clk_hz = s_plat->clk_hz;
    r.vram_size = s_plat->vram_size;
    r.features = s_plat->features;
    r.max_allocs_per_call = VD_MAX_ALLOCS_PER_CALL;
    r.max_allocations = VD_MAX_ALLOCATIONS;
    r.max_resources = VD_MAX_RESOURCES;
    r.max_devices = VD_MAX_DEVICES;
    if (s_plat->fw_version != NULL) {
        size_t n = strlen(s_plat->fw_version);
        if (n > sizeof r.fw_version - 1)
            n = sizeof r.fw_version - 1;
        memcpy(r.fw_version, s_plat->fw_version, n);
    }
    memcpy(rsp, &r, sizeof r);
    return sizeof r;
}

NOINLINE static uint32_t do_open_device(uint32_t len, uint8_t *rsp)
{
    vd_wire_open_device_rsp r = {HR_INVALID, 0};

    if (len == 0)
        r.hr = hr_of(vd_kernel_open_device(&r.hDevice));
    if (r.hr != HR_OK)
        r.hDevice = 0;
    memcpy(rsp, &r, sizeof r);
    return sizeof r;
}

NOINLINE static uint32_t do_close_device(const uint8_t *req, uint32_t len, uint8_t *rsp)
{
    vd_wire_device_req q;

    if (len != sizeof q)
        return status_rsp(rsp, HR_INVALID);
    memcpy(&q, req, sizeof q);
    return status_rsp(rsp, hr_of(vd_kernel_close_device(q.hDevice)));
}

/* ---- ALLOCATE ---- */

#define AQ(f) offsetof(vd_wire_allocate_req, f)
#define AI(f) offsetof(vd_wire_allocinfo, f)
#define AR(f) offsetof(vd_wire_allocate_rsp, f)

uint32_t vd_disp_allocate(const uint8_t *req, uint32_t len, uint8_t *rsp)
{
    vd_kernel_allocate_args a;
    uint32_t off, need, i, n, rpriv;
    int32_t hr = HR_INVALID;
    vd_ntstatus_t st;

    if (len < sizeof(vd_wire_allocate_req))
        goto out;
    n = get32(req, AQ(NumAllocations));
    rpriv = get32(req, AQ(PrivateDriverDataSize));
    if (get32(req, AQ(reserved)) != 0 || n == 0 || n > VD_MAX_ALLOCS_PER_CALL ||
        rpriv > VD_MAX_RESOURCE_PRIVDATA)
        goto out;
    off = sizeof(vd_wire_allocate_req);
    /* Every size below is bounded (<= 64 KiB), so off + need cannot wrap; compare with
     * what is left anyway, the form that stays right if the bounds ever grow. Each check
     * takes in the next part's room too: the resource's private data and the first
     * allocinfo (n >= 1) here; in the loop, one allocinfo's private data and the next
     * allocinfo, or after the last one, exactly the bytes left (no trailing bytes). */
    need = VD_WIRE_PAD4(rpriv);
    if (need + sizeof(vd_wire_allocinfo) > len - off)
        goto out;
    off += need; /* read in place: the kernel and miniport copy private data out */

    for (i = 0;;) {
        vd_kernel_allocinfo *k = &s_kinfo[i];
        uint32_t psize = get32(req, off + AI(PrivateDriverDataSize));
        if (psize > VD_DISP_MAX_ALLOC_PRIVDATA)
            goto out;
        k->Flags = get32(req, off + AI(Flags));
        k->pSystemMem = get64(req, off + AI(pSystemMem));
        k->SystemMemBus = get32(req, off + AI(SystemMemBus));
        if (k->SystemMemBus != 0 && (k->pSystemMem == 0 || (k->SystemMemBus & 3u) != 0))
            goto out;
        k->PrivateDriverDataSize = psize;
        k->VidPnSourceId = get32(req, off + AI(VidPnSourceId));
        off += sizeof(vd_wire_allocinfo);
        k->pPrivateDriverData = psize ? req + off : NULL;
        need = VD_WIRE_PAD4(psize);
        if (++i == n) {
            if (need != len - off) /* short, or trailing bytes: the sizes do not add up */
                goto out;
            break;
        }
        if (need + sizeof(vd_wire_allocinfo) > len - off)
            goto out;
        off += need;
    }

    a.pPrivateDriverData = rpriv ? req + sizeof(vd_wire_allocate_req) : NULL;
    a.PrivateDriverDataSize = rpriv;
    a.hResource = get64(req, AQ(hResource));
    a.NumAllocations = n; /* hAllocation, hKMResource: the kernel's outputs, read on success */
    a.pAllocationInfo = s_kinfo;
    st = vd_kernel_allocate(get32(req, AQ(hDevice)), &a);
    if (st != STATUS_SUCCESS) { /* success tested here: no call on the hot path */
        hr = hr_of(st);
        goto out;
    }
    /* Only rsp is kept across the call: n and the allocinfo array are read back from the
     * kernel's inputs (which it does not write); fewer registers to save. */
    n = a.NumAllocations;
    put32(rsp, AR(hr), HR_OK);
    put32(rsp, AR(hKMResource), a.hKMResource);
    put32(rsp, AR(NumAllocations), n);
    put32(rsp, AR(reserved), 0);
    {
        const vd_kernel_allocinfo *k = a.pAllocationInfo;
        uint32_t *o = (uint32_t *)__builtin_assume_aligned(rsp + sizeof(vd_wire_allocate_rsp), 4);
        uint32_t *e = o + n; /* n >= 1 */
        do
            *o++ = (k++)->hAllocation;
        while (o != e);
        return (uint32_t)((uint8_t *)e - rsp);
    }
out: /* the whole struct: the HRESULT, zeros elsewhere */
    put32(rsp, AR(hr), (uint32_t)hr);
    put32(rsp, AR(hKMResource), 0);
    put32(rsp, AR(NumAllocations), 0);
    put32(rsp, AR(reserved), 0);
    return sizeof(vd_wire_allocate_rsp);
}

/* ---- DEALLOCATE ---- */

NOINLINE static uint32_t do_deallocate(const uint8_t *req, uint32_t len, uint8_t *rsp)
{
    vd_wire_deallocate_req q;
    vd_kernel_deallocate_args a;

    if (len < sizeof q)
        return status_rsp(rsp, HR_INVALID);
    memcpy(&q, req, sizeof q);
    /* The list is on the wire even when hResource makes the kernel ignore it. */
    if (q.NumAllocations > (len - sizeof q) / 4 || len - sizeof q != 4 * q.NumAllocations)
        return status_rsp(rsp, HR_INVALID);
    memset(&a, 0, sizeof a);
    a.hResource = q.hResource;
    if (q.hResource == 0) {
        /* More handles than can ever be live cannot be a list without repeats. */
        if (q.NumAllocations == 0 || q.NumAllocations > VD_MAX_ALLOCATIONS)
            return status_rsp(rsp, HR_INVALID);
        /* Read where they lie: the payload is 4-byte aligned (vd_disp_execute), and 512
         * bytes of scratch are more than FW_RAM can spare since the PCIe link. */
        a.NumAllocations = q.NumAllocations;
        a.HandleList = (const D3DKMT_HANDLE *)(const void *)(req + sizeof q);
    }
    return status_rsp(rsp, hr_of(vd_kernel_deallocate(q.hDevice, &a)));
}

/* ---- LOCK / UNLOCK / READ / WRITE ---- */

NOINLINE static uint32_t do_lock(const uint8_t *req, uint32_t len, uint8_t *rsp, int unlock)
{
    vd_wire_lock_req q;
    vd_wire_lock_rsp r = {HR_INVALID, 0};

    if (len != sizeof q)
        goto out;
    memcpy(&q, req, sizeof q);
    if (q.reserved != 0)
        goto out;
    if (unlock) /* Flags are ignored: pfnUnlockCb has none */
        return status_rsp(rsp, hr_of(vd_kernel_unlock(q.hDevice, q.hAllocation)));
    r.hr = hr_of(vd_kernel_lock(q.hDevice, q.hAllocation, q.Flags, &r.size));
    if (r.hr != HR_OK)
        r.size = 0;
out:
    memcpy(rsp, &r, sizeof r);
    return sizeof r;
}

/* READ and WRITE: the kernel says where the range lies in VRAM; S_OK puts it in *where. */
static int32_t map_range(const vd_wire_rw_req *q, int write, uint8_t **where)
{
    uint32_t vo = 0;
    int32_t hr;

    if (q->length > VD_WIRE_MAX_CHUNK)
        return HR_INVALID;
    hr = hr_of(vd_kernel_map_range(q->hDevice, q->hAllocation, q->offset, q->length, write, &vo));
    if (hr == HR_OK)
        *where = s_plat->vram + vo;
    return hr;
}

NOINLINE static uint32_t do_read(const uint8_t *req, uint32_t len, uint8_t *rsp)
{
    vd_wire_rw_req q;
    vd_wire_read_rsp r = {HR_INVALID, 0};
    uint8_t *src = NULL;
    uint32_t pad;

    if (len != sizeof q)
        goto out;
    memcpy(&q, req, sizeof q);
    r.hr = map_range(&q, 0, &src);
    if (r.hr != HR_OK)
        goto out;
    r.length = q.length;
    memcpy(rsp + sizeof r, src, q.length);
    pad = VD_WIRE_PAD4(q.length) - q.length;
    memset(rsp + sizeof r + q.length, 0, pad);
    memcpy(rsp, &r, sizeof r);
    return sizeof r + q.length + pad;
out:
    memcpy(rsp, &r, sizeof r);
    return sizeof r;
}

NOINLINE static uint32_t do_write(const uint8_t *req, uint32_t len, uint8_t *rsp)
{
    vd_wire_rw_req q;
    uint8_t *dst = NULL;
    int32_t hr;

    if (len < sizeof q)
        return status_rsp(rsp, HR_INVALID);
    memcpy(&q, req, sizeof q);
    if (q.length > VD_WIRE_MAX_CHUNK || len - sizeof q != VD_WIRE_PAD4(q.length))
        return status_rsp(rsp, HR_INVALID);
    hr = map_range(&q, 1, &dst);
    if (hr == HR_OK)
        memcpy(dst, req + sizeof q, q.length);
    return status_rsp(rsp, hr);
}

/* DMA_READ (VRAM -> host) and DMA_WRITE (host -> VRAM): READ/WRITE's rules through the
 * same kernel call, then the host side: whole words inside the link's host window. */
NOINLINE static uint32_t do_dma(const vd_disp_link *link, const uint8_t *req, uint32_t len, uint8_t *rsp,
                       int write)
{
    vd_wire_dma_req q;
    uint32_t vo = 0, rel;
    int32_t hr;

    if (len != sizeof q)
        return status_rsp(rsp, HR_INVALID);
    if (link->host_win_size == 0 || s_plat->dma == NULL) /* the UART: no DMA */
        return status_rsp(rsp, hr_of(STATUS_NOT_SUPPORTED));
    memcpy(&q, req, sizeof q);
    /* The offset too is a whole word: DMA_LOCAL must be (allocations are 16-aligned). */
    rel = q.host_addr - link->host_win_base; /* wraps above the window when below it */
    if (q.reserved != 0 || ((q.host_addr | q.length | q.offset) & 3u) != 0 || q.length == 0 ||
        q.length > VD_WIRE_MAX_DMA || rel >= link->host_win_size ||
        q.length > link->host_win_size - rel)
        return status_rsp(rsp, HR_INVALID);
    hr = hr_of(vd_kernel_map_range(q.hDevice, q.hAllocation, q.offset, q.length, write, &vo));
    if (hr == HR_OK && s_plat->dma(q.host_addr, vo, q.length, !write) != 0)
        hr = E_FAIL;
    return status_rsp(rsp, hr);
}

/* ---- QUERY ---- */

/* The allocation's vd_surface_desc, rebuilt from DxgkDdiDescribeAllocation and its usage. */
static int32_t surface_desc_of(uint32_t h, vd_surface_desc *d)
{
    DXGKARG_DESCRIBEALLOCATION da;
    vd_kernel_allocation_query aq;

    if (!NT_SUCCESS(vd_kernel_query_allocation(h, &aq)) ||
        !NT_SUCCESS(vd_kernel_describe_allocation(h, &da)))
        return HR_INVALID;
    memset(d, 0, sizeof *d);
    d->Version = VD_SURFACE_DESC_VERSION;
    d->Size = sizeof *d;
    d->Format = (uint32_t)da.Format;
    d->Usage = aq.usage;
    if (da.Format == D3DDDIFMT_UNKNOWN) { /* a buffer: DescribeAllocation gives ByteSize x 1 */
        d->ByteSize = da.Width;
    } else {
        d->Width = da.Width;
        d->Height = da.Height;
    }
    d->RefreshRateNumerator = da.RefreshRate.Numerator;
    d->RefreshRateDenominator = da.RefreshRate.Denominator;
    return HR_OK;
}

NOINLINE static uint32_t do_query(const uint8_t *req, uint32_t len, uint8_t *rsp)
{
    vd_wire_query_req q;
    vd_wire_query_rsp r = {HR_INVALID, 0, 0, 0};
    uint8_t *data = rsp + sizeof r;

    if (len != sizeof q)
        goto out;
    memcpy(&q, req, sizeof q);
    if (q.reserved != 0)
        goto out;

    switch (q.what) {
    case VD_QUERY_HANDLE_DATA: {
        DXGKARGCB_GETHANDLEDATA g;
        memset(&g, 0, sizeof g);
        g.hObject = q.handle;
        g.Type = (DXGK_HANDLE_TYPE)q.arg;
        if (vd_kernel_cb_get_handle_data(&g) == NULL) /* bad handle or wrong type */
            break;
        if (q.arg == DXGK_HANDLE_ALLOCATION) {
            vd_surface_desc d;
            r.hr = surface_desc_of(q.handle, &d);
            if (r.hr == HR_OK) {
                memcpy(data, &d, sizeof d);
                r.length = sizeof d;
            }
        } else {
            uint32_t size = 0, children = 0;
            r.hr = hr_of(vd_kernel_get_resource_info(q.handle, data, VD_MAX_RESOURCE_PRIVDATA,
                                                     &size, &children));
            if (r.hr == HR_OK) {
                r.value = children;
                r.length = size;
            }
        }
        break;
    }
    case VD_QUERY_CHILD: {
        DXGKARGCB_ENUMHANDLECHILDREN e = {q.handle, q.arg};
        r.value = vd_kernel_cb_enum_handle_children(&e); /* 0 past the last, as the DDI */
        r.hr = HR_OK;
        break;
    }
    case VD_QUERY_PARENT:
        if (q.arg != 0)
            break;
        r.value = vd_kernel_cb_get_handle_parent(q.handle);
        r.hr = HR_OK;
        break;
    case VD_QUERY_ALLOCATION: {
        vd_kernel_allocation_query aq;
        vd_wire_allocation_info ai;
        if (q.arg != 0 || !NT_SUCCESS(vd_kernel_query_allocation(q.handle, &aq)))
            break;
        memset(&ai, 0, sizeof ai);
        ai.hDevice = aq.hDevice;
        ai.hKMResource = aq.hKMResource;
        ai.residency = aq.residency;
        ai.segment = aq.segment;
        ai.offset = aq.offset;
        ai.size = aq.size;
        ai.alignment = aq.alignment;
        ai.flags = aq.flags;
        memcpy(data, &ai, sizeof ai);
        r.length = sizeof ai;
        r.hr = HR_OK;
        break;
    }
    case VD_QUERY_SEGMENT_STATS: {
        vd_kernel_stats ks;
        vd_wire_segment_stats ss;
        if (q.handle != 0 || q.arg != 0)
            break;
        vd_kernel_get_stats(&ks);
        memset(&ss, 0, sizeof ss);
        ss.size = ks.vidmm.vram.total_bytes;
        ss.used = ks.vidmm.vram.used_bytes;
        ss.free = ks.vidmm.vram.free_bytes;
        ss.largest_free = ks.vidmm.vram.largest_free_bytes;
        ss.fragmentation_permille = ks.vidmm.vram.fragmentation_permille;
        ss.allocations = ks.allocations;
        ss.resources = ks.resources;
        ss.devices = ks.devices;
        memcpy(data, &ss, sizeof ss);
        r.length = sizeof ss;
        r.hr = HR_OK;
        break;
    }
    case VD_QUERY_DESCRIBE: {
        DXGKARG_DESCRIBEALLOCATION da;
        vd_wire_describe wd;
        if (q.arg != 0)
            break;
        r.hr = hr_of(vd_kernel_describe_allocation(q.handle, &da));
        if (r.hr != HR_OK)
            break;
        memset(&wd, 0, sizeof wd);
        wd.Width = da.Width;
        wd.Height = da.Height;
        wd.Format = (uint32_t)da.Format;
        wd.RefreshRateNumerator = da.RefreshRate.Numerator;
        wd.RefreshRateDenominator = da.RefreshRate.Denominator;
        memcpy(data, &wd, sizeof wd);
        r.length = sizeof wd;
        break;
    }
    case VD_QUERY_FW_STATS: {
        vd_wire_fw_stats fs;
        if (q.handle != 0 || q.arg != 0)
            break;
        memset(&fs, 0, sizeof fs);
        if (s_plat->fw_stats != NULL)
            s_plat->fw_stats(&fs);
        memcpy(data, &fs, sizeof fs);
        r.length = sizeof fs;
        r.hr = HR_OK;
        break;
    }
    case VD_QUERY_MEMCTL_STATS: {
        uint32_t c[sizeof(vd_wire_memctl_stats) / 4];
        if (q.handle != 0 || q.arg != 0)
            break;
        vd_kernel_memctl_counters(c);
        memcpy(data, c, sizeof c);
        r.length = sizeof c;
        r.hr = HR_OK;
        break;
    }
    default:
        break;
    }
out:
    if (r.hr != HR_OK)
        r.length = 0;
    memset(data + r.length, 0, VD_WIRE_PAD4(r.length) - r.length);
    memcpy(rsp, &r, sizeof r);
    return sizeof r + VD_WIRE_PAD4(r.length);
}

/* ---- RENDER / FENCE / ESCAPE ---- */

NOINLINE static uint32_t do_render(const uint8_t *req, uint32_t len, uint8_t *rsp)
{
    vd_wire_render_req q;
    vd_wire_render_rsp r = {HR_INVALID, 0};
    vd_render_args a;
    uint32_t rest, cmd;

    if (len < sizeof q)
        goto out;
    memcpy(&q, req, sizeof q);
    /* The three parts must add up to the payload exactly (each a multiple of 4 bytes:
     * no padding). Compared against what is left, so nothing can wrap. */
    if ((q.CommandOffset | q.CommandLength) & (VD_GPU_CMD_BYTES - 1u) ||
        q.CommandLength <= q.CommandOffset)
        goto out;
    rest = len - sizeof q;
    cmd = q.CommandLength - q.CommandOffset;
    if (cmd > rest)
        goto out;
    rest -= cmd;
    if (q.NumAllocations > VD_WIRE_MAX_RENDER_ALLOCS ||
        q.NumAllocations * sizeof(vd_wire_alloc_list) > rest)
        goto out;
    rest -= q.NumAllocations * sizeof(vd_wire_alloc_list);
    if (q.NumPatchLocations > rest / sizeof(vd_wire_patch_location) ||
        rest != q.NumPatchLocations * sizeof(vd_wire_patch_location))
        goto out;
    a.hDevice = q.hDevice;
    a.commands = req + sizeof q;
    a.CommandOffset = q.CommandOffset;
    a.CommandLength = q.CommandLength;
    a.alloc_list = a.commands + cmd;
    a.NumAllocations = q.NumAllocations;
    a.patch_list = a.alloc_list + q.NumAllocations * sizeof(vd_wire_alloc_list);
    a.NumPatchLocations = q.NumPatchLocations;
    a.Flags = q.Flags;
    r.hr = hr_of(vd_kernel_render(&a, &r.fence));
out:
    memcpy(rsp, &r, sizeof r);
    return sizeof r;
}

NOINLINE static uint32_t do_fence(const uint8_t *req, uint32_t len, uint8_t *rsp)
{
    vd_wire_fence_req q;
    vd_wire_fence_rsp r;

    memset(&r, 0, sizeof r);
    r.hr = HR_INVALID;
    if (len == sizeof q) {
        memcpy(&q, req, sizeof q);
        r.hr = hr_of(vd_kernel_fence(q.hDevice, q.fence, &r.completed, &r.submitted));
    }
    memcpy(rsp, &r, sizeof r);
    return sizeof r;
}

NOINLINE static uint32_t do_escape(const uint8_t *req, uint32_t len, uint8_t *rsp)
{
    vd_wire_escape_req q;
    vd_wire_escape_rsp r;

    memset(&r, 0, sizeof r);
    r.hr = HR_INVALID;
    if (len == sizeof q) {
        memcpy(&q, req, sizeof q);
        r.hr = hr_of(vd_kernel_escape(&q, r.value));
    }
    memcpy(rsp, &r, sizeof r);
    return sizeof r;
}

uint32_t vd_disp_execute(const vd_disp_link *link, uint8_t type, const uint8_t *req, uint32_t len,
                         uint8_t *rsp)
{
    if (len > VD_WIRE_MAX_PAYLOAD || (req == NULL && len != 0))
        return status_rsp(rsp, HR_INVALID);
    /* ALLOCATE, the hot request, before the switch's compare chain (a tail call). A NULL
     * req has len 0 here: answered E_INVALIDARG before anything is read. */
    if (type == VD_MSG_ALLOCATE)
        return vd_disp_allocate(req, len, rsp);
    switch (type) {
    case VD_MSG_HELLO:        return do_hello(link, req, len, rsp);
    case VD_MSG_OPEN_DEVICE:  return do_open_device(len, rsp);
    case VD_MSG_CLOSE_DEVICE: return do_close_device(req, len, rsp);
    case VD_MSG_DEALLOCATE:   return do_deallocate(req, len, rsp);
    case VD_MSG_LOCK:         return do_lock(req, len, rsp, 0);
    case VD_MSG_UNLOCK:       return do_lock(req, len, rsp, 1);
    case VD_MSG_READ:         return do_read(req, len, rsp);
    case VD_MSG_WRITE:        return do_write(req, len, rsp);
    case VD_MSG_DMA_READ:     return do_dma(link, req, len, rsp, 0);
    case VD_MSG_DMA_WRITE:    return do_dma(link, req, len, rsp, 1);
    case VD_MSG_QUERY:        return do_query(req, len, rsp);
    case VD_MSG_RENDER:       return do_render(req, len, rsp);
    case VD_MSG_FENCE:        return do_fence(req, len, rsp);
    case VD_MSG_ESCAPE:       return do_escape(req, len, rsp);
    default:                  return status_rsp(rsp, HR_INVALID);
    }
}
