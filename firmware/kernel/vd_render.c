/* vd_render.c - submission, fences, timeout detection and recovery (vd_render.h). */
#include "vd_render.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "vd_gpu.h"
#include "vd_memctl.h"
#include "vd_pcie.h"
#include "vd_regs.h"
#include "vd_timer.h"

#define CMD VD_GPU_CMD_BYTES
/* Commands one RENDER can carry: the ring less the kernel's FENCE and the slot that keeps a
 * full ring from looking empty (HEAD == TAIL). */
#define RING_CAPACITY (VD_GPU_RING_BYTES - 2u * CMD)

_Static_assert(VD_WIRE_MAX_RENDER_ALLOCS <= VD_MEMCTL_WIN_SLOTS,
               "every allocation-list entry needs a window slot");

enum recover_kind { RECOVER_TIMEOUT, RECOVER_FAULT, RECOVER_ERROR };

static struct {
    uint8_t *vram;
    uint32_t vram_size;
    bool has_gpu;              /* SYSCTL.FEATURES.GPU */
    bool aperture;             /* ... and PCIE: system memory through the endpoint */
    uint32_t ring_base;        /* VRAM byte offset of the ring (vram_size without a GPU) */
    uint32_t clk_hz;
    uint32_t tdr_delay;        /* cycles (GPU WDT_LIMIT) */
    uint32_t tdr_window;       /* cycles */
    uint32_t tail;             /* RING_TAIL as last written */
    uint32_t submitted;        /* last fence id handed out (per adapter, from 1) */
    bool started;              /* engine programmed (first RENDER) */
    bool adapter_removed;
    /* the submission on the GPU */
    bool inflight;
    uint32_t inflight_fence;
    uint32_t inflight_dev;
    uint32_t inflight_h[VD_WIRE_MAX_RENDER_ALLOCS];
    /* recovery */
    uint32_t tdr_time[VD_TDR_LIMIT + 1u]; /* TIMER.MTIME of the timeouts inside the window */
    uint32_t tdr_n;
    uint32_t timeouts, faults, errors;
    uint32_t last_fault_addr, last_fault_info;
    vd_render_recovery pending; /* not yet taken by the kernel */
} s;

static inline void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline bool fence_reached(uint32_t completed, uint32_t fence)
{
    return (int32_t)(completed - fence) >= 0;
}

static uint32_t cycles_of(uint32_t seconds, uint32_t max)
{
    uint64_t c = (uint64_t)seconds * s.clk_hz;
    return c > max ? max : (uint32_t)c;
}

vd_ntstatus_t vd_render_init(uint8_t *vram, uint32_t vram_size, uint32_t clk_hz, int has_gpu)
{
    uint32_t ring = has_gpu ? VD_GPU_RING_BYTES : 0u;

    if (vram == NULL || vram_size < ring + 16u || (vram_size & 15u))
        return STATUS_INVALID_PARAMETER;
    memset(&s, 0, sizeof(s));
    s.vram = vram;
    s.vram_size = vram_size;
    s.has_gpu = has_gpu != 0;
    s.ring_base = vram_size - ring;
    s.clk_hz = clk_hz ? clk_hz : VD_CLK_HZ;
    s.tdr_delay = cycles_of(VD_TDR_DELAY_SECONDS, VD_RENDER_TDR_MAX);
    s.tdr_window = cycles_of(VD_TDR_WINDOW_SECONDS, VD_RENDER_WINDOW_MAX);
    return STATUS_SUCCESS;
}

void vd_render_enable_aperture(int on)
{
    s.aperture = on && s.has_gpu;
}

int vd_render_sysmem_address(uint32_t bus, uint32_t size, uint32_t *gpu)
{
    uint32_t base, wsize, off;

    if (!s.aperture)
        return 0;
    base = vd_pcie_read(VD_PCIE_WIN_BASE) & ~0xFFFu;
    wsize = vd_pcie_read(VD_PCIE_WIN_SIZE) & ~0xFFFu;
    off = bus - base;
    /* inside the window (wrap-safe), and below the aperture's 2 GiB */
    if (bus < base || off >= wsize || size > wsize - off || off >= VD_GPU_APERTURE_BASE)
        return 0;
    *gpu = VD_GPU_APERTURE_BASE + off;
    return 1;
}

uint32_t vd_render_segment_size(void)
{
    return s.ring_base;
}

int vd_render_adapter_removed(void)
{
    return s.adapter_removed;
}

static uint32_t completed_fence(void)
{
    return s.started ? vd_gpu_fence() : s.submitted;
}

/* Program (or reprogram) the engine: empty ring, no windows, FENCE = last submitted. */
static void engine_start(void)
{
    vd_memctl_init();
    if (s.aperture)
        vd_pcie_write(VD_PCIE_CMD, VD_PCIE_CMD_GPU_WIN_CLEAR_MASK);
    vd_gpu_init(s.ring_base, VD_GPU_RING_BYTES, s.tdr_delay, s.submitted, !s.adapter_removed);
    s.tail = 0;
    s.inflight = false;
    s.started = true;
}

void vd_render_restart(void)
{
    if (s.started)
        engine_start(); /* CTRL.RESET first: nothing of the old session runs on */
}

/* ---- timeout detection and recovery ---- */

/* Drop window entries older than the window (wrap-safe while the window < 2^31 cycles). */
static void tdr_prune(uint32_t now)
{
    uint32_t i, n = 0;

    for (i = 0; i < s.tdr_n; i++)
        if (now - s.tdr_time[i] < s.tdr_window)
            s.tdr_time[n++] = s.tdr_time[i];
    s.tdr_n = n;
}

/* A fault or bad command removes the device whose submission it was (once). One scheduler
 * call recovers at most once and the kernel takes after every call, so the list never holds
 * more than one entry; its VD_MAX_DEVICES slots are room to spare, not a limit reached. */
static void record_faulted(uint32_t hDevice)
{
    uint32_t i;

    for (i = 0; i < s.pending.faulted; i++)
        if (s.pending.faulted_dev[i] == hDevice)
            return;
    if (s.pending.faulted < VD_MAX_DEVICES)
        s.pending.faulted_dev[s.pending.faulted++] = hDevice;
}

static void recover(enum recover_kind kind)
{
    uint32_t addr = 0, info = 0;

    /* DxgkDdiResetFromTimeout: from the next cycle the engine makes no VRAM access. */
    vd_gpu_reset();
    if (kind == RECOVER_TIMEOUT) {
        uint32_t now = vd_timer_now();
        s.timeouts++;
        tdr_prune(now);
        if (s.tdr_n == VD_TDR_LIMIT + 1u) { /* keep the newest VD_TDR_LIMIT + 1 */
            uint32_t i;
            for (i = 0; i < VD_TDR_LIMIT; i++)
                s.tdr_time[i] = s.tdr_time[i + 1u];
            s.tdr_n--;
        }
        s.tdr_time[s.tdr_n++] = now;
        if (s.tdr_n > VD_TDR_LIMIT)
            s.adapter_removed = true;
        s.pending.timeouts++; /* the kernel purges and removes every open device */
    } else {
        if (kind == RECOVER_FAULT) {
            s.faults++;
            if (vd_memctl_fault(&addr, &info)) {
                s.last_fault_addr = addr;
                s.last_fault_info = info;
            } else if (s.aperture) {
                /* a system-memory transfer the endpoint refused or ended with an error */
                uint32_t x = vd_pcie_read(VD_PCIE_GPU_XFER_STATUS);
                s.last_fault_addr = 0;
                s.last_fault_info = VD_WIRE_FAULT_XFER |
                                    VD_FIELD_GET(x, VD_PCIE_GPU_XFER_STATUS_ERR);
            }
        } else {
            s.errors++;
        }
        /* The submission stopped halfway: its device's GPU state is lost. The hardware
         * blocked the access, so no other allocation was touched: nothing is purged. */
        if (s.inflight)
            record_faulted(s.inflight_dev);
    }
    /* Ring and windows emptied, FENCE = last submitted (the lost submission counts as
     * done: waiters see their device removed), events cleared; DxgkDdiRestartFromTimeout
     * re-enables the engine unless the adapter is gone. */
    vd_memctl_fault_clear();
    engine_start();
}

int vd_render_poll(void)
{
    uint32_t st;

    if (!s.started)
        return 0;
    (void)vd_gpu_take_events();
    (void)vd_memctl_take_event();
    if (s.tdr_n != 0)
        tdr_prune(vd_timer_now());
    st = vd_gpu_int_status();
    if (st & VD_GPU_EV_TIMEOUT) {
        recover(RECOVER_TIMEOUT);
        return 1;
    }
    if ((st & VD_GPU_EV_FAULT) || vd_memctl_fault(NULL, NULL)) {
        recover(RECOVER_FAULT);
        return 1;
    }
    if (st & VD_GPU_EV_ERROR) {
        recover(RECOVER_ERROR);
        return 1;
    }
    if (s.inflight && fence_reached(vd_gpu_fence(), s.inflight_fence))
        s.inflight = false;
    return 0;
}

int vd_render_events_pending(void)
{
    if (!s.started)
        return 0;
    return (vd_gpu_pending_events() & VD_GPU_EV_STOP) != 0 || vd_memctl_pending_event();
}

int vd_render_take_recovery(vd_render_recovery *r)
{
    if (s.pending.timeouts == 0 && s.pending.faulted == 0)
        return 0; /* the usual case, on every idle turn: nothing copied */
    *r = s.pending;
    memset(&s.pending, 0, sizeof(s.pending));
    return 1;
}

/*
 * Wait until the submission on the GPU completes or is recovered. The watchdog bounds it
 * (no progress for TdrDelay cycles raises TIMEOUT); as a backstop against a watchdog that
 * never fires, HEAD not moving for longer than any one command can take (2 TdrDelay + 4
 * cycles per VRAM byte: a whole-VRAM COPY at a quarter of the RAM's bandwidth) is handled
 * as a timeout too.
 */
static void wait_idle(void)
{
    uint32_t head, last_head, t0, now;
    uint32_t backstop = 2u * s.tdr_delay + 4u * s.vram_size;

    if (!s.inflight)
        return;
    last_head = vd_gpu_head();
    t0 = vd_timer_now();
    while (!vd_render_poll() && s.inflight) {
        head = vd_gpu_head();
        now = vd_timer_now();
        if (head != last_head) {
            last_head = head;
            t0 = now;
        } else if (now - t0 > backstop) {
            recover(RECOVER_TIMEOUT);
            break;
        }
    }
}

int vd_render_wait_device(uint32_t hDevice)
{
    if (!s.started) /* nothing ever ran: nothing to wait for, nothing recovered */
        return 0;
    (void)vd_render_poll();
    if (s.inflight && s.inflight_dev == hDevice)
        wait_idle();
    return s.pending.timeouts != 0 || s.pending.faulted != 0;
}

vd_ntstatus_t vd_render_wait_allocation(uint32_t hAllocation, int nowait)
{
    uint32_t k;

    (void)vd_render_poll();
    if (!s.inflight || hAllocation == 0)
        return STATUS_SUCCESS;
    for (k = 0; k < VD_WIRE_MAX_RENDER_ALLOCS; k++)
        if (s.inflight_h[k] == hAllocation) {
            if (nowait)
                return STATUS_GRAPHICS_ALLOCATION_BUSY;
            wait_idle();
            break;
        }
    return STATUS_SUCCESS;
}

/* ---- DxgkDdiRender: validation (nothing changes until all of it passed) ---- */

static vd_ntstatus_t check_patches(const vd_render_args *a, const vd_render_slot *slot)
{
    uint32_t i;

    for (i = 0; i < a->NumPatchLocations; i++) {
        vd_wire_patch_location p;

        memcpy(&p, a->patch_list + i * sizeof(p), sizeof(p));
        if (p.AllocationIndex >= a->NumAllocations || slot[p.AllocationIndex].h == 0)
            return STATUS_INVALID_PARAMETER;
        /* A whole word inside the commands sent, and not an opcode word (validated below
         * as sent; a patch must not turn it into something else). */
        if ((p.PatchOffset & 3u) || p.PatchOffset < a->CommandOffset ||
            p.PatchOffset > a->CommandLength - 4u || (p.PatchOffset & (CMD - 1u)) == 0)
            return STATUS_INVALID_PARAMETER;
        if (p.AllocationOffset >= slot[p.AllocationIndex].size)
            return STATUS_INVALID_PARAMETER;
    }
    return STATUS_SUCCESS;
}

static vd_ntstatus_t check_commands(const vd_render_args *a)
{
    uint32_t off, n = a->CommandLength - a->CommandOffset;

    for (off = 0; off < n; off += CMD) {
        uint32_t w0 = get32(a->commands + off + 4u * VD_GPU_CMD_W_OP);
        if (w0 & ~VD_GPU_OP_MASK) /* reserved bits must be 0 */
            return STATUS_INVALID_PARAMETER;
        switch (w0) {
        case VD_GPU_OP_NOP:
        case VD_GPU_OP_FILL:
        case VD_GPU_OP_COPY:
        case VD_GPU_OP_HANG: /* fault injection: the watchdog's test case */
            break;
        default: /* unknown, and FENCE: fences are the kernel's (they track completion) */
            return STATUS_INVALID_PARAMETER;
        }
    }
    return STATUS_SUCCESS;
}

/* ---- DxgkDdiPatch + DxgkDdiSubmitCommand ---- */

static uint32_t ring_next(uint32_t pos)
{
    pos += CMD;
    return pos == VD_GPU_RING_BYTES ? 0u : pos;
}

static void submit(const vd_render_args *a, const vd_render_slot *slot, uint32_t fence)
{
    uint8_t *ring = s.vram + s.ring_base;
    uint32_t n = a->CommandLength - a->CommandOffset;
    uint32_t start = s.tail, pos = s.tail, off, i, k;
    uint8_t cmd[CMD];

    /* Windows: slot k = entry k (the NULL entry stays invalid); system-memory entries get
     * the endpoint's GPU aperture windows in list order (the kernel checked their number). */
    vd_memctl_win_clear();
    if (s.aperture)
        vd_pcie_write(VD_PCIE_CMD, VD_PCIE_CMD_GPU_WIN_CLEAR_MASK);
    for (k = 0, i = 0; k < a->NumAllocations; k++) {
        s.inflight_h[k] = slot[k].h;
        if (slot[k].h == 0)
            continue;
        if (slot[k].offset >= VD_GPU_APERTURE_BASE)
            vd_pcie_gpu_win_load(i++, slot[k].offset - VD_GPU_APERTURE_BASE, slot[k].size,
                                 (int)slot[k].write);
        else
            vd_memctl_win_load(k, slot[k].offset, slot[k].size, (int)slot[k].write);
    }
    for (; k < VD_WIRE_MAX_RENDER_ALLOCS; k++)
        s.inflight_h[k] = 0;

    /* Copy into the ring at TAIL (the ring is empty: the previous submission completed),
     * whole commands, wrapping at the end; then patch the copy in VRAM. */
    for (off = 0; off < n; off += CMD) {
        memcpy(ring + pos, a->commands + off, CMD);
        pos = ring_next(pos);
    }
    for (i = 0; i < a->NumPatchLocations; i++) {
        vd_wire_patch_location p;
        uint32_t at;

        memcpy(&p, a->patch_list + i * sizeof(p), sizeof(p));
        at = start + (p.PatchOffset - a->CommandOffset);
        if (at >= VD_GPU_RING_BYTES)
            at -= VD_GPU_RING_BYTES;
        put32(ring + at, slot[p.AllocationIndex].offset + p.AllocationOffset);
    }
    memset(cmd, 0, sizeof(cmd));
    put32(cmd + 4u * VD_GPU_CMD_W_OP, VD_GPU_OP_FENCE);
    put32(cmd + 4u * VD_GPU_CMD_W_ARG, fence);
    memcpy(ring + pos, cmd, CMD);
    pos = ring_next(pos);

    s.inflight = true;
    s.inflight_fence = fence;
    s.inflight_dev = a->hDevice;
    s.submitted = fence;
    s.tail = pos;
    __asm__ volatile("" ::: "memory"); /* the ring's bytes are stored before the doorbell */
    vd_gpu_doorbell(pos);
}

vd_ntstatus_t vd_render_check(const vd_render_args *a)
{
    if (!s.has_gpu)
        return STATUS_NOT_SUPPORTED;
    if ((a->CommandOffset | a->CommandLength) & (CMD - 1u) || a->CommandLength <= a->CommandOffset ||
        a->CommandLength - a->CommandOffset > RING_CAPACITY ||
        a->NumAllocations > VD_WIRE_MAX_RENDER_ALLOCS)
        return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
}

vd_ntstatus_t vd_render_submit(const vd_render_args *a, const vd_render_slot *slot,
                               uint32_t *fence)
{
    vd_ntstatus_t st;
    uint32_t id, timeouts, faulted;

    *fence = 0;
    st = check_patches(a, slot); /* the shape passed vd_render_check already */
    if (NT_SUCCESS(st))
        st = check_commands(a);
    if (!NT_SUCCESS(st))
        return st;

    /* One submission at a time: the windows are the running one's. A recovery while
     * waiting may remove this device (every device after a timeout). */
    if (!s.started)
        engine_start();
    timeouts = s.pending.timeouts;
    faulted = s.pending.faulted;
    wait_idle();
    if (s.pending.timeouts != timeouts ||
        (s.pending.faulted != faulted && s.pending.faulted_dev[faulted] == a->hDevice))
        return STATUS_DEVICE_REMOVED;

    id = s.submitted + 1u;
    if (a->Flags & VD_RENDERFLAG_NULLRENDERING) {
        /* Validated, not executed: the fence is complete at once (the engine is idle). */
        s.submitted = id;
        vd_gpu_set_fence(id);
    } else {
        submit(a, slot, id);
    }
    *fence = id;
    return STATUS_SUCCESS;
}

/* ---- FENCE, ESCAPE ---- */

vd_ntstatus_t vd_render_fence(uint32_t fence, uint32_t *completed, uint32_t *submitted)
{
    uint32_t done;

    (void)vd_render_poll();
    done = completed_fence();
    *completed = done;
    *submitted = s.submitted;
    if (!s.has_gpu)
        return STATUS_NOT_SUPPORTED;
    if (!fence_reached(s.submitted, fence)) /* never handed out */
        return STATUS_INVALID_PARAMETER;
    return fence_reached(done, fence) ? STATUS_SUCCESS : STATUS_TIMEOUT;
}

void vd_render_get_state(vd_wire_gpu_state *g)
{
    memset(g, 0, sizeof(*g));
    g->engine_state = s.started ? vd_gpu_state() : VD_GPU_STATE_IDLE;
    g->submitted = s.submitted;
    g->completed = completed_fence();
    g->timeouts = s.timeouts;
    if (s.tdr_n != 0)
        tdr_prune(vd_timer_now());
    g->timeouts_in_window = s.tdr_n;
    g->adapter_removed = s.adapter_removed ? 1u : 0u;
    g->faults = s.faults;
    g->last_fault_addr = s.last_fault_addr;
    g->last_fault_info = s.last_fault_info;
    g->errors = s.errors;
    g->ring_free = RING_CAPACITY; /* one submission at a time: a RENDER always gets it all */
}

vd_ntstatus_t vd_render_escape(const vd_wire_escape_req *q, uint32_t value[11])
{
    vd_wire_gpu_state g;

    memset(value, 0, 11 * sizeof(uint32_t));
    (void)vd_render_poll();
    if (!s.has_gpu)
        return STATUS_NOT_SUPPORTED;
    if (q->reserved != 0)
        return STATUS_INVALID_PARAMETER;
    switch (q->code) {
    case VD_ESCAPE_SET_TDR: {
        vd_ntstatus_t st = STATUS_SUCCESS;
        if ((q->arg0 != 0 && (q->arg0 < VD_RENDER_TDR_MIN || q->arg0 > VD_RENDER_TDR_MAX)) ||
            q->arg1 > VD_RENDER_WINDOW_MAX) {
            st = STATUS_INVALID_PARAMETER;
        } else {
            s.tdr_delay = q->arg0 ? q->arg0 : cycles_of(VD_TDR_DELAY_SECONDS, VD_RENDER_TDR_MAX);
            s.tdr_window = q->arg1 ? q->arg1 : cycles_of(VD_TDR_WINDOW_SECONDS, VD_RENDER_WINDOW_MAX);
            if (s.started)
                vd_gpu_set_wdt(s.tdr_delay);
        }
        value[0] = s.tdr_delay;
        value[1] = s.tdr_window;
        return st;
    }
    case VD_ESCAPE_GPU_STATE:
        vd_render_get_state(&g);
        _Static_assert(sizeof(g) == 11 * sizeof(uint32_t), "GPU_STATE fills value[]");
        memcpy(value, &g, sizeof(g));
        return STATUS_SUCCESS;
    default:
        return STATUS_INVALID_PARAMETER;
    }
}

void vd_render_memctl_counters(uint32_t out[8])
{
    vd_memctl_counters(out);
}
