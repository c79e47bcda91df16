/* vd_kernel.c - the graphics kernel: devices, resources, allocations, the request rules
 * (vd_kernel.h). */
#include "vd_kernel.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "vd_handle.h"
#include "vd_regs.h"
#include "vd_render.h"

#define NIL 0xFFFFu

/* Stage stamps of vd_kernel_allocate for the bench (make bench-alloc BENCH_ONLY=stages builds
 * with -DVD_KERNEL_PROFILE); nothing in any other build. */
#ifdef VD_KERNEL_PROFILE
#include "vd_timer.h"
uint32_t vd_kernel_prof[VD_KERNEL_PROF_STAMPS];
#define KPROF(i) (vd_kernel_prof[(i)] = vd_timer_now())
#else
#define KPROF(i) ((void)0)
#endif

/* The allocation record, indexed by its handle slot: everything about one allocation. */
typedef struct kalloc {
    vd_vidmm_alloc place; /* placement and residency (VidMm works on it) */
    HANDLE mp;            /* miniport tracking handle */
    uint16_t res;         /* parent resource slot or NIL */
    uint16_t next;        /* siblings in the parent's child list (creation order) */
    uint16_t prev;
    uint8_t dev;          /* owning device slot */
    uint8_t mark;         /* scratch: seen in the current deallocate list */
    uint8_t usage;        /* vd_surface_desc.Usage (VD_SURFACE_USAGE_VALID_MASK: 6 bits) */
    uint8_t locked;       /* 1 while the CPU holds it locked */
    uint16_t lock_flags;  /* D3DDDICB_LOCKFLAGS of the lock (VD_LOCK_VALID_MASK: 8 bits) */
} kalloc;

/* Kernel resource object, indexed by its handle slot. */
typedef struct kresource {
    uint64_t runtime;     /* the runtime's (host's) hResource */
    HANDLE mp;            /* miniport resource handle */
    uint16_t first;       /* child list */
    uint16_t last;
    uint16_t count;
    uint16_t priv_size;
    uint8_t dev;
    uint8_t priv[VD_MAX_RESOURCE_PRIVDATA];
} kresource;

VD_HANDLE_STORAGE(s_dev_h, VD_MAX_DEVICES);
VD_HANDLE_STORAGE(s_res_h, VD_MAX_RESOURCES);
VD_HANDLE_STORAGE(s_alloc_h, VD_MAX_ALLOCATIONS);

static vd_handle_table s_devs, s_ress, s_allocs;
/* Per device slot: 1 after a TDR (every request but close is refused). */
static uint8_t s_dev_removed[VD_MAX_DEVICES];
static kalloc s_alloc[VD_MAX_ALLOCATIONS];
static kresource s_res[VD_MAX_RESOURCES];
static HANDLE s_adapter;
static const vd_kernel_platform *s_plat; /* NULL until vd_kernel_start (unit tests) */

/* Scratch of one create call. */
static DXGK_ALLOCATIONINFO s_info[VD_MAX_ALLOCS_PER_CALL];
static uint32_t s_new_h[VD_MAX_ALLOCS_PER_CALL];

vd_ntstatus_t vd_kernel_init(uint32_t vram_cpu_base, uint32_t vram_size)
{
    DXGK_QUERYSEGMENTOUT qs;
    DXGK_SEGMENTDESCRIPTOR seg;
    DXGKARG_QUERYADAPTERINFO qai;
    vd_ntstatus_t st;

    static const struct {
        vd_handle_table *t;
        uint16_t *slot, *next;
        uint16_t type, capacity;
    } tables[] = {
        {&s_devs, s_dev_h_slot, s_dev_h_next, VD_HANDLE_TYPE_DEVICE, VD_MAX_DEVICES},
        {&s_ress, s_res_h_slot, s_res_h_next, VD_HANDLE_TYPE_RESOURCE, VD_MAX_RESOURCES},
        {&s_allocs, s_alloc_h_slot, s_alloc_h_next, VD_HANDLE_TYPE_ALLOCATION, VD_MAX_ALLOCATIONS},
    };
    uint32_t i;

    for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) /* one inlined copy, not three */
        vd_handle_init(tables[i].t, tables[i].type, tables[i].slot, tables[i].next,
                       tables[i].capacity);
    memset(s_alloc, 0, sizeof(s_alloc));
    memset(s_res, 0, sizeof(s_res));
    memset(s_dev_removed, 0, sizeof(s_dev_removed));

    s_adapter = vd_mp_start_device(vram_cpu_base, vram_size);

    /* Ask the miniport for its segments, as Dxgkrnl does: count, then descriptors. */
    memset(&qs, 0, sizeof(qs));
    memset(&qai, 0, sizeof(qai));
    qai.Type = DXGKQAITYPE_QUERYSEGMENT;
    qai.pOutputData = &qs;
    qai.OutputDataSize = sizeof(qs);
    st = vd_mp_query_adapter_info(s_adapter, &qai);
    if (!NT_SUCCESS(st))
        return st;
    if (qs.NbSegment < 1)
        return STATUS_INVALID_PARAMETER;
    qs.NbSegment = 1; /* this kernel manages one memory segment */
    qs.pSegmentDescriptor = &seg;
    st = vd_mp_query_adapter_info(s_adapter, &qai);
    if (!NT_SUCCESS(st))
        return st;
    if (seg.Flags.Aperture)
        return STATUS_INVALID_PARAMETER;
    return vd_vidmm_init(&seg);
}

vd_ntstatus_t vd_kernel_start(const vd_kernel_platform *p)
{
    vd_ntstatus_t st;

    s_plat = p;
    st = vd_render_init(p->vram, p->vram_size, p->clk_hz,
                        (p->features & VD_SYSCTL_FEATURES_GPU_MASK) != 0);
    if (!NT_SUCCESS(st))
        return st;
    /* The GPU reaches system memory through the PCIe endpoint, when the SoC has both. */
    vd_render_enable_aperture((p->features & VD_SYSCTL_FEATURES_GPU_MASK) != 0 &&
                              (p->features & VD_SYSCTL_FEATURES_PCIE_MASK) != 0);
    return vd_kernel_init(p->vram_cpu_base, vd_render_segment_size());
}

vd_ntstatus_t vd_kernel_reset(void)
{
    (void)vd_render_poll(); /* a timeout that already happened still counts (TdrLimitCount) */
    vd_render_restart();
    if (s_plat == NULL)
        return STATUS_INVALID_PARAMETER;
    (void)vd_render_take_recovery(&(vd_render_recovery){0}); /* about the objects forgotten */
    return vd_kernel_init(s_plat->vram_cpu_base, vd_render_segment_size());
}

HANDLE vd_kernel_adapter(void)
{
    return s_adapter;
}

/* ---- helpers ---- */

/* Inlined where it is hot (ALLOCATE); everywhere else through device_slot. */
static inline __attribute__((always_inline)) int32_t device_slot_inline(uint32_t hDevice)
{
    return vd_handle_lookup(&s_devs, hDevice);
}

static __attribute__((noinline)) int32_t device_slot(uint32_t hDevice)
{
    return device_slot_inline(hDevice);
}

/* The allocation slot of hAllocation if it is a live allocation of device slot d, else -1. */
static int32_t owned_slot(int32_t d, D3DKMT_HANDLE hAllocation)
{
    int32_t a = vd_handle_lookup(&s_allocs, hAllocation);

    return (a >= 0 && s_alloc[a].dev == (uint32_t)d) ? a : -1;
}

/*
 * The allocation a READ, WRITE or UNLOCK names: a live, locked allocation of an open device.
 * *slot = its record's index. STATUS_DEVICE_REMOVED, STATUS_INVALID_PARAMETER.
 */
static vd_ntstatus_t locked_slot(uint32_t hDevice, D3DKMT_HANDLE hAllocation, int32_t *slot)
{
    int32_t d = device_slot(hDevice), a;

    if (d < 0)
        return STATUS_INVALID_PARAMETER;
    if (s_dev_removed[d])
        return STATUS_DEVICE_REMOVED;
    a = owned_slot(d, hAllocation);
    if (a < 0 || !s_alloc[a].locked)
        return STATUS_INVALID_PARAMETER;
    *slot = a;
    return STATUS_SUCCESS;
}

/* Memory-segment content is lost at a timeout: zero every allocation resident in VRAM. */
static void purge_vram(void)
{
    uint32_t i;

    if (s_plat == NULL)
        return;
    for (i = 0; i < VD_MAX_ALLOCATIONS; i++)
        if ((s_allocs.slot[i] & VD_HANDLE_SLOT_LIVE) && s_alloc[i].place.residency == VD_RESIDENCY_VRAM)
            memset(s_plat->vram + vd_vidmm_offset(&s_alloc[i].place), 0, s_alloc[i].place.size);
}

/*
 * Apply what the scheduler's recoveries mean for the kernel's objects (vd_render.h): after a
 * timeout every open device is removed and VRAM's content purged; after a fault or a bad
 * command the device whose submission it was. Called after every scheduler call that may
 * have recovered, before the request looks at device state.
 */
static void take_recoveries(void)
{
    vd_render_recovery r;
    uint32_t i;

    if (!vd_render_take_recovery(&r))
        return;
    if (r.timeouts) {
        purge_vram();
        (void)vd_kernel_remove_devices();
    }
    for (i = 0; i < r.faulted; i++)
        (void)vd_kernel_remove_device(r.faulted_dev[i]);
}

/* Bring the kernel up to date with the GPU (see vd_kernel.h) and return hDevice's state. */
static vd_ntstatus_t sync_device(uint32_t hDevice)
{
    (void)vd_render_poll();
    take_recoveries();
    return vd_kernel_device_status(hDevice);
}

int vd_kernel_poll(void)
{
    int r = vd_render_poll();

    take_recoveries();
    return r;
}

int vd_kernel_events_pending(void)
{
    return vd_render_events_pending();
}

static int32_t find_resource(uint32_t dev, uint64_t runtime)
{
    uint32_t i;

    for (i = 0; i < VD_MAX_RESOURCES; i++) /* bounded: VD_MAX_RESOURCES */
        if ((s_ress.slot[i] & VD_HANDLE_SLOT_LIVE) && s_res[i].dev == dev && s_res[i].runtime == runtime)
            return (int32_t)i;
    return -1;
}

static void mp_destroy(HANDLE mp_alloc, HANDLE mp_res, bool destroy_res)
{
    DXGKARG_DESTROYALLOCATION da;

    memset(&da, 0, sizeof(da));
    da.NumAllocations = mp_alloc ? 1u : 0u;
    da.pAllocationList = mp_alloc ? &mp_alloc : NULL;
    da.hResource = mp_res;
    da.Flags.DestroyResource = destroy_res ? 1u : 0u;
    (void)vd_mp_destroy_allocation(s_adapter, &da);
}

static void unlink_child(uint32_t a)
{
    kalloc *k = &s_alloc[a];
    kresource *r;

    if (k->res == NIL)
        return;
    r = &s_res[k->res];
    if (k->prev != NIL)
        s_alloc[k->prev].next = k->next;
    else
        r->first = k->next;
    if (k->next != NIL)
        s_alloc[k->next].prev = k->prev;
    else
        r->last = k->prev;
    r->count--;
    k->res = k->next = k->prev = NIL;
}

/* Free one allocation object entirely (miniport record, VRAM, handle). */
static void free_allocation(uint32_t a)
{
    kalloc *k = &s_alloc[a];
    HANDLE mp_res = (k->res != NIL) ? s_res[k->res].mp : NULL;

    unlink_child(a);
    mp_destroy(k->mp, mp_res, false);
    (void)vd_vidmm_release(&k->place);
    (void)vd_handle_free(&s_allocs, vd_handle_of_index(&s_allocs, a));
    memset(k, 0, sizeof(*k));
}

static void free_resource(uint32_t r)
{
    kresource *res = &s_res[r];

    while (res->first != NIL)
        free_allocation(res->first);
    mp_destroy(NULL, res->mp, true);
    (void)vd_handle_free(&s_ress, vd_handle_of_index(&s_ress, r));
    memset(res, 0, sizeof(*res));
}

/* ---- devices ---- */

vd_ntstatus_t vd_kernel_open_device(uint32_t *hDevice)
{
    uint32_t idx = 0;
    vd_ntstatus_t st;

    if (hDevice == NULL)
        return STATUS_INVALID_PARAMETER;
    *hDevice = 0;
    (void)vd_kernel_poll();
    if (vd_render_adapter_removed())
        return STATUS_DEVICE_REMOVED;
    st = vd_handle_alloc(&s_devs, hDevice, &idx);
    if (NT_SUCCESS(st))
        s_dev_removed[idx] = 0;
    return st;
}

vd_ntstatus_t vd_kernel_device_status(uint32_t hDevice)
{
    int32_t d = device_slot(hDevice);

    if (d < 0)
        return STATUS_INVALID_PARAMETER;
    return s_dev_removed[d] ? STATUS_DEVICE_REMOVED : STATUS_SUCCESS;
}

vd_ntstatus_t vd_kernel_remove_device(uint32_t hDevice)
{
    int32_t d = device_slot(hDevice);

    if (d < 0)
        return STATUS_INVALID_PARAMETER;
    s_dev_removed[d] = 1;
    return STATUS_SUCCESS;
}

uint32_t vd_kernel_remove_devices(void)
{
    uint32_t i, n = 0;

    for (i = 0; i < VD_MAX_DEVICES; i++)
        if ((s_devs.slot[i] & VD_HANDLE_SLOT_LIVE) && !s_dev_removed[i]) {
            s_dev_removed[i] = 1;
            n++;
        }
    return n;
}

vd_ntstatus_t vd_kernel_close_device(uint32_t hDevice)
{
    int32_t d;
    uint32_t i;

    if (vd_render_wait_device(hDevice)) /* nothing is freed under the GPU */
        take_recoveries();
    d = device_slot(hDevice);
    if (d < 0)
        return STATUS_INVALID_PARAMETER;
    for (i = 0; i < VD_MAX_RESOURCES; i++)
        if ((s_ress.slot[i] & VD_HANDLE_SLOT_LIVE) && s_res[i].dev == (uint32_t)d)
            free_resource(i);
    for (i = 0; i < VD_MAX_ALLOCATIONS; i++)
        if ((s_allocs.slot[i] & VD_HANDLE_SLOT_LIVE) && s_alloc[i].dev == (uint32_t)d)
            free_allocation(i);
    s_dev_removed[d] = 0;
    return vd_handle_free(&s_devs, hDevice);
}

/* ---- pfnAllocateCb ---- */

vd_ntstatus_t vd_kernel_allocate(uint32_t hDevice, vd_kernel_allocate_args *args)
{
    int32_t d = device_slot_inline(hDevice);
    int32_t r = -1;
    uint32_t n, i, placed = 0, hres = 0, ridx = 0;
    bool new_res = false;
    DXGKARG_CREATEALLOCATION ca;
    vd_ntstatus_t st;

    KPROF(0);
    if (d < 0 || args == NULL)
        return STATUS_INVALID_PARAMETER;
    if (s_dev_removed[d])
        return STATUS_DEVICE_REMOVED;
    n = args->NumAllocations;
    if (n == 0 || n > VD_MAX_ALLOCS_PER_CALL || args->pAllocationInfo == NULL ||
        args->PrivateDriverDataSize > VD_MAX_RESOURCE_PRIVDATA ||
        (args->PrivateDriverDataSize != 0 && args->pPrivateDriverData == NULL))
        return STATUS_INVALID_PARAMETER;
    args->hKMResource = 0;

    if (args->hResource != 0) {
        r = find_resource((uint32_t)d, args->hResource);
        new_res = (r < 0);
        if (new_res && vd_handle_live(&s_ress) >= vd_handle_capacity(&s_ress))
            return STATUS_NO_MEMORY;
    }
    if (n > vd_handle_capacity(&s_allocs) - vd_handle_live(&s_allocs))
        return STATUS_NO_MEMORY;
    KPROF(1);

    /* The miniport interprets the private data (atomic on its side). Only its inputs are
     * set: it writes every output of an entry it accepts, and nothing reads them otherwise. */
    for (i = 0; i < n; i++) {
        const vd_kernel_allocinfo *in = &args->pAllocationInfo[i];
        DXGK_ALLOCATIONINFO *o = &s_info[i];
        o->pPrivateDriverData = (void *)(uintptr_t)in->pPrivateDriverData;
        o->PrivateDriverDataSize = in->PrivateDriverDataSize;
        o->VdFlags = in->Flags;
        o->VdVidPnSourceId = in->VidPnSourceId;
        o->VdSystemMem = in->pSystemMem;
        o->VdSystemMemBus = in->SystemMemBus;
    }
    ca.pPrivateDriverData = args->pPrivateDriverData;
    ca.PrivateDriverDataSize = args->PrivateDriverDataSize;
    ca.NumAllocations = n;
    ca.pAllocationInfo = s_info;
    ca.Flags.Value = (args->hResource != 0) ? 1u : 0u; /* Resource */
    ca.hResource = (r >= 0) ? s_res[r].mp : NULL;
    KPROF(2);
    st = vd_mp_create_allocation(s_adapter, &ca);
    KPROF(3);
    if (!NT_SUCCESS(st))
        return st;

    /* Kernel objects and placement; any failure unwinds everything above. */
    if (new_res) {
        st = vd_handle_alloc(&s_ress, &hres, &ridx);
        if (!NT_SUCCESS(st))
            goto rollback;
    }
    for (placed = 0; placed < n; placed++) {
        uint32_t idx;
        st = vd_handle_alloc(&s_allocs, &s_new_h[placed], &idx);
        KPROF(4);
        if (!NT_SUCCESS(st))
            goto rollback;
        st = vd_vidmm_place(&s_alloc[idx].place, &s_info[placed]);
        KPROF(5);
        if (!NT_SUCCESS(st)) {
            (void)vd_handle_free(&s_allocs, s_new_h[placed]);
            goto rollback;
        }
    }

    /* Commit. */
    if (new_res) {
        kresource *res = &s_res[ridx];
        res->mp = ca.hResource;
        res->runtime = args->hResource;
        res->first = res->last = NIL;
        res->count = 0;
        res->dev = (uint8_t)d;
        r = (int32_t)ridx;
    }
    for (i = 0; i < n; i++) {
        uint32_t idx = VD_HANDLE_INDEX_OF(s_new_h[i]);
        kalloc *k = &s_alloc[idx];
        k->mp = s_info[i].hAllocation;
        k->dev = (uint8_t)d;
        k->mark = 0;
        k->usage = (uint8_t)s_info[i].VdUsage; /* unlocked: a free record is all zero */
        k->next = k->prev = k->res = NIL;
        if (r >= 0) {
            kresource *res = &s_res[r];
            k->res = (uint16_t)r;
            k->prev = res->last;
            if (res->last != NIL)
                s_alloc[res->last].next = (uint16_t)idx;
            else
                res->first = (uint16_t)idx;
            res->last = (uint16_t)idx;
            res->count++;
        }
        args->pAllocationInfo[i].hAllocation = s_new_h[i];
    }
    if (r >= 0) {
        kresource *res = &s_res[r];
        if (args->PrivateDriverDataSize)
            memcpy(res->priv, args->pPrivateDriverData, args->PrivateDriverDataSize);
        res->priv_size = (uint16_t)args->PrivateDriverDataSize;
        args->hKMResource = vd_handle_of_index(&s_ress, (uint32_t)r);
    }
    KPROF(6);
    return STATUS_SUCCESS;

rollback:
    for (i = 0; i < placed; i++) {
        (void)vd_vidmm_release(&s_alloc[VD_HANDLE_INDEX_OF(s_new_h[i])].place);
        (void)vd_handle_free(&s_allocs, s_new_h[i]);
    }
    if (new_res && hres != 0)
        (void)vd_handle_free(&s_ress, hres);
    {
        /* Give the miniport its records back (and the resource it created). */
        DXGKARG_DESTROYALLOCATION da;
        HANDLE list[VD_MAX_ALLOCS_PER_CALL];
        for (i = 0; i < n; i++)
            list[i] = s_info[i].hAllocation;
        memset(&da, 0, sizeof(da));
        da.NumAllocations = n;
        da.pAllocationList = list;
        da.hResource = ca.hResource;
        da.Flags.DestroyResource = new_res ? 1u : 0u;
        (void)vd_mp_destroy_allocation(s_adapter, &da);
    }
    for (i = 0; i < n; i++)
        args->pAllocationInfo[i].hAllocation = 0;
    return st;
}

/* ---- pfnDeallocateCb ---- */

vd_ntstatus_t vd_kernel_deallocate(uint32_t hDevice, const vd_kernel_deallocate_args *args)
{
    int32_t d;
    uint32_t i, n;

    /* Nothing is freed under the GPU: wait for the device's submission (none for a device
     * already removed: its submission ended in the recovery that removed it); the wait may
     * itself end in a recovery that removes the device. */
    if (vd_render_wait_device(hDevice))
        take_recoveries();
    d = device_slot(hDevice);
    if (d < 0 || args == NULL)
        return STATUS_INVALID_PARAMETER;
    if (s_dev_removed[d])
        return STATUS_DEVICE_REMOVED;
    if (args->hResource != 0) {
        int32_t r = find_resource((uint32_t)d, args->hResource);
        if (r < 0)
            return STATUS_INVALID_PARAMETER;
        free_resource((uint32_t)r);
        return STATUS_SUCCESS;
    }
    n = args->NumAllocations;
    if (n == 0 || args->HandleList == NULL)
        return STATUS_INVALID_PARAMETER;
    /* Validate the whole list first: valid, this device's, not repeated. */
    for (i = 0; i < n; i++) {
        int32_t a = vd_handle_lookup(&s_allocs, args->HandleList[i]);
        if (a < 0 || s_alloc[a].dev != (uint32_t)d || s_alloc[a].mark) {
            while (i-- > 0)
                s_alloc[VD_HANDLE_INDEX_OF(args->HandleList[i])].mark = 0;
            return STATUS_INVALID_PARAMETER;
        }
        s_alloc[a].mark = 1;
    }
    for (i = 0; i < n; i++)
        free_allocation(VD_HANDLE_INDEX_OF(args->HandleList[i]));
    return STATUS_SUCCESS;
}

/* ---- handle services ---- */

void *vd_kernel_cb_get_handle_data(const DXGKARGCB_GETHANDLEDATA *args)
{
    int32_t i;

    if (args == NULL)
        return NULL;
    if (args->Type == DXGK_HANDLE_ALLOCATION) {
        i = vd_handle_lookup(&s_allocs, args->hObject);
        return i < 0 ? NULL : s_alloc[i].mp;
    }
    if (args->Type == DXGK_HANDLE_RESOURCE) {
        i = vd_handle_lookup(&s_ress, args->hObject);
        return i < 0 ? NULL : s_res[i].mp;
    }
    return NULL;
}

D3DKMT_HANDLE vd_kernel_cb_enum_handle_children(const DXGKARGCB_ENUMHANDLECHILDREN *args)
{
    int32_t r;
    uint32_t c, k;

    if (args == NULL)
        return 0;
    r = vd_handle_lookup(&s_ress, args->hObject);
    if (r < 0 || args->Index >= s_res[r].count)
        return 0;
    c = s_res[r].first;
    for (k = 0; k < args->Index; k++) /* bounded by the child count */
        c = s_alloc[c].next;
    return vd_handle_of_index(&s_allocs, c);
}

D3DKMT_HANDLE vd_kernel_cb_get_handle_parent(D3DKMT_HANDLE hAllocation)
{
    int32_t a = vd_handle_lookup(&s_allocs, hAllocation);

    if (a < 0 || s_alloc[a].res == NIL)
        return 0;
    return vd_handle_of_index(&s_ress, s_alloc[a].res);
}

/* ---- queries ---- */

vd_ntstatus_t vd_kernel_describe_allocation(D3DKMT_HANDLE hAllocation, DXGKARG_DESCRIBEALLOCATION *out)
{
    int32_t a = vd_handle_lookup(&s_allocs, hAllocation);

    if (a < 0 || out == NULL)
        return STATUS_INVALID_PARAMETER;
    memset(out, 0, sizeof(*out));
    out->hAllocation = s_alloc[a].mp;
    return vd_mp_describe_allocation(s_adapter, out);
}

vd_ntstatus_t vd_kernel_query_allocation(D3DKMT_HANDLE hAllocation, vd_kernel_allocation_query *q)
{
    int32_t a = vd_handle_lookup(&s_allocs, hAllocation);
    const kalloc *k;

    if (a < 0 || q == NULL)
        return STATUS_INVALID_PARAMETER;
    k = &s_alloc[a];
    q->hDevice = vd_handle_of_index(&s_devs, k->dev);
    q->hKMResource = (k->res != NIL) ? vd_handle_of_index(&s_ress, k->res) : 0;
    q->residency = k->place.residency;
    q->segment = k->place.segment;
    q->offset = (k->place.residency == VD_RESIDENCY_VRAM) ? vd_vidmm_offset(&k->place) : 0u;
    q->size = k->place.size;
    q->alignment = k->place.residency == VD_RESIDENCY_SYSMEM ? 0u : 1u << k->place.align_log2;
    q->flags = k->place.flags;
    q->backing = k->place.backing;
    q->usage = k->usage;
    q->locked = k->locked;
    q->lock_flags = k->lock_flags;
    return STATUS_SUCCESS;
}

vd_ntstatus_t vd_kernel_get_resource_info(D3DKMT_HANDLE hKMResource, void *buf, uint32_t cap,
                                          uint32_t *size, uint32_t *num_children)
{
    int32_t r = vd_handle_lookup(&s_ress, hKMResource);
    uint32_t sz;

    if (r < 0 || (cap != 0 && buf == NULL))
        return STATUS_INVALID_PARAMETER;
    sz = s_res[r].priv_size;
    if (cap)
        memcpy(buf, s_res[r].priv, sz < cap ? sz : cap);
    if (size)
        *size = sz;
    if (num_children)
        *num_children = s_res[r].count;
    return STATUS_SUCCESS;
}

void vd_kernel_get_stats(vd_kernel_stats *s)
{
    s->devices = vd_handle_live(&s_devs);
    s->resources = vd_handle_live(&s_ress);
    s->allocations = vd_handle_live(&s_allocs);
    s->max_devices = VD_MAX_DEVICES;
    s->max_resources = VD_MAX_RESOURCES;
    s->max_allocations = VD_MAX_ALLOCATIONS;
    vd_vidmm_get_stats(&s->vidmm);
}

/* ---- pfnLockCb / pfnUnlockCb, READ / WRITE ---- */

vd_ntstatus_t vd_kernel_lock(uint32_t hDevice, D3DKMT_HANDLE hAllocation, uint32_t flags,
                             uint32_t *size)
{
    vd_ntstatus_t st = sync_device(hDevice);
    int32_t a;
    kalloc *k;

    if (!NT_SUCCESS(st))
        return st; /* removed, or not an open device */
    a = owned_slot(device_slot(hDevice), hAllocation);
    if (a < 0)
        return STATUS_INVALID_PARAMETER;
    k = &s_alloc[a];
    if ((flags & ~VD_LOCK_VALID_MASK) != 0 ||
        (flags & (D3DDDILOCK_READONLY | D3DDDILOCK_WRITEONLY)) ==
            (D3DDDILOCK_READONLY | D3DDDILOCK_WRITEONLY))
        return STATUS_INVALID_PARAMETER;
    /* WDDM: locking needs a CPU-visible allocation. */
    if (!(k->place.flags & DXGK_ALLOCINFOFLAG_CPUVISIBLE))
        return STATUS_GRAPHICS_CANT_LOCK_MEMORY;
    /* The GPU may be using it: wait for that submission, or say so with DonotWait. */
    st = vd_render_wait_allocation(hAllocation, (flags & D3DDDILOCK_DONOTWAIT) != 0);
    take_recoveries(); /* the wait may have ended in a recovery that removed the device */
    if (!NT_SUCCESS(st))
        return st;
    if (vd_kernel_device_status(hDevice) == STATUS_DEVICE_REMOVED)
        return STATUS_DEVICE_REMOVED;
    k->locked = 1; /* a second lock replaces the flags; one unlock releases */
    k->lock_flags = (uint16_t)flags;
    *size = k->place.size;
    return STATUS_SUCCESS;
}

vd_ntstatus_t vd_kernel_unlock(uint32_t hDevice, D3DKMT_HANDLE hAllocation)
{
    int32_t a = 0;
    vd_ntstatus_t st = locked_slot(hDevice, hAllocation, &a);

    if (!NT_SUCCESS(st))
        return st;
    s_alloc[a].locked = 0;
    s_alloc[a].lock_flags = 0;
    return STATUS_SUCCESS;
}

vd_ntstatus_t vd_kernel_map_range(uint32_t hDevice, D3DKMT_HANDLE hAllocation, uint32_t offset,
                                  uint32_t length, int write, uint32_t *vram_offset)
{
    int32_t a = 0;
    vd_ntstatus_t st = locked_slot(hDevice, hAllocation, &a);
    const kalloc *k;

    if (!NT_SUCCESS(st))
        return st;
    k = &s_alloc[a];
    if (k->lock_flags & (write ? D3DDDILOCK_READONLY : D3DDDILOCK_WRITEONLY))
        return STATUS_INVALID_PARAMETER;
    /* Overflow-safe: offset + length <= size without computing offset + length. */
    if (length > k->place.size || offset > k->place.size - length)
        return STATUS_INVALID_PARAMETER;
    /* System-memory allocations (runtime pSystemMem) live on the host: no VRAM bytes. */
    if (k->place.residency != VD_RESIDENCY_VRAM)
        return STATUS_GRAPHICS_CANT_LOCK_MEMORY;
    *vram_offset = vd_vidmm_offset(&k->place) + offset;
    return STATUS_SUCCESS;
}

/* ---- pfnRenderCb, FENCE, ESCAPE ---- */

/* DxgkDdiRender's allocation list, resolved: live allocations of the device (0 only at
 * entry 0), in VRAM (made resident) or in system memory the device reaches; their GPU
 * addresses for DxgkDdiPatch. */
static vd_ntstatus_t resolve_allocations(const vd_render_args *a, int32_t d, vd_render_slot *slot)
{
    uint32_t k, nsys = 0;

    for (k = 0; k < a->NumAllocations; k++) {
        vd_wire_alloc_list e;
        int32_t i;
        kalloc *ka;
        vd_ntstatus_t st;

        memcpy(&e, a->alloc_list + k * sizeof(e), sizeof(e));
        slot[k].h = e.hAllocation;
        if (e.hAllocation == 0) {
            if (k != 0) /* only entry 0 may be the NULL allocation */
                return STATUS_INVALID_HANDLE;
            continue;
        }
        i = owned_slot(d, e.hAllocation);
        if (i < 0)
            return STATUS_INVALID_HANDLE;
        ka = &s_alloc[i];
        /* System memory: only what the device reaches (its bus address in the DMA window),
         * through the GPU's aperture, at most VD_PCIE_GPU_WIN_SLOTS per submission. */
        if (ka->place.residency == VD_RESIDENCY_SYSMEM) {
            if (ka->place.backing == VD_VIDMM_BACKING_RUNTIME || ++nsys > VD_PCIE_GPU_WIN_SLOTS ||
                !vd_render_sysmem_address(ka->place.backing, ka->place.size, &slot[k].offset))
                return STATUS_INVALID_PARAMETER;
            slot[k].size = ka->place.size;
            slot[k].write = e.Value & 1u;
            continue;
        }
        st = vd_vidmm_make_resident(&ka->place);
        if (!NT_SUCCESS(st))
            return st;
        slot[k].offset = (uint32_t)VD_VRAM_GPU_BASE + vd_vidmm_offset(&ka->place);
        slot[k].size = ka->place.size;
        slot[k].write = e.Value & 1u;
    }
    return STATUS_SUCCESS;
}

vd_ntstatus_t vd_kernel_render(const vd_render_args *a, uint32_t *fence)
{
    vd_render_slot slot[VD_WIRE_MAX_RENDER_ALLOCS];
    vd_ntstatus_t st;
    int32_t d;
    uint32_t k;

    *fence = 0;
    st = sync_device(a->hDevice);
    if (!NT_SUCCESS(st))
        return st;
    d = device_slot(a->hDevice);
    /* WDDM: an allocation the CPU holds locked cannot be rendered. */
    for (k = 0; k < a->NumAllocations && k < VD_WIRE_MAX_RENDER_ALLOCS; k++) {
        vd_wire_alloc_list e;
        int32_t i;
        memcpy(&e, a->alloc_list + k * sizeof(e), sizeof(e));
        i = e.hAllocation ? owned_slot(d, e.hAllocation) : -1;
        if (i >= 0 && s_alloc[i].locked)
            return STATUS_GRAPHICS_CANT_RENDER_LOCKED_ALLOCATION;
    }
    st = vd_render_check(a);
    if (NT_SUCCESS(st)) {
        memset(slot, 0, sizeof(slot));
        st = resolve_allocations(a, d, slot);
    }
    if (NT_SUCCESS(st))
        st = vd_render_submit(a, slot, fence);
    take_recoveries(); /* the wait for the previous submission may have recovered */
    return st;
}

vd_ntstatus_t vd_kernel_fence(uint32_t hDevice, uint32_t fence, uint32_t *completed,
                              uint32_t *submitted)
{
    vd_ntstatus_t st = vd_render_fence(fence, completed, submitted);
    vd_ntstatus_t dev;

    take_recoveries();
    dev = vd_kernel_device_status(hDevice);
    if (!NT_SUCCESS(dev))
        return dev;
    return st;
}

vd_ntstatus_t vd_kernel_escape(const vd_wire_escape_req *q, uint32_t value[11])
{
    vd_ntstatus_t st = vd_render_escape(q, value);

    take_recoveries();
    return st;
}

void vd_kernel_memctl_counters(uint32_t out[8])
{
    vd_render_memctl_counters(out);
}
