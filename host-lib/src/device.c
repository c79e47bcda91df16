/*
 * Devices: vidalloc_open (transport, banner, HELLO with the board's features and limits,
 * OPEN_DEVICE, registration in handles.c), vidalloc_close, vidalloc_reopen,
 * vidalloc_get_info, the QUERY calls, the link fault hook. The callbacks live in alloc.c
 * and context.c; a closed device's contexts are freed by the registry, its tracked
 * allocations by alloc.c.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vd_host.h"

/* ------------------------------------------------------------------ HELLO */

/* Whether a HELLO response of len bytes carries the field at offset off. */
#define HELLO_HAS(len, field) ((len) >= offsetof(vd_wire_hello_rsp, field) + 4u)

/* What the board said in HELLO (len bytes of it; the client zeroed the rest). A firmware
 * from before features and limits answers VD_WIRE_HELLO_RSP_V1_SIZE bytes: its board had
 * every block, and the limits are host-lib's own (the per-call one) or unknown (0).
 * features 0 is "not reported" too: an SoC whose SYSCTL has no FEATURES register reads 0
 * there (and a board that answers HELLO has at least the block it answers through). */
static void take_hello(vidalloc_info *in, const vd_wire_hello_rsp *r, size_t len)
{
    in->wire_version = r->wire_version;
    in->max_payload = r->max_payload;
    in->window = r->window;
    in->soc_id = r->soc_id;
    in->soc_version = r->soc_version;
    in->clk_hz = r->clk_hz;
    in->vram_size = r->vram_size;
    memcpy(in->fw_version, r->fw_version, sizeof in->fw_version);
    in->fw_version[sizeof in->fw_version - 1] = '\0';
    in->features = HELLO_HAS(len, features) && r->features ? r->features
                                                            : VIDALLOC_FEATURES_LEGACY;
    in->max_allocations_per_call = HELLO_HAS(len, max_allocs_per_call) && r->max_allocs_per_call
                                       ? r->max_allocs_per_call
                                       : vidalloc_max_allocations_per_call();
    in->max_allocations = HELLO_HAS(len, max_allocations) ? r->max_allocations : 0;
    in->max_resources = HELLO_HAS(len, max_resources) ? r->max_resources : 0;
    in->max_devices = HELLO_HAS(len, max_devices) ? r->max_devices : 0;
}

/* ------------------------------------------------------------------ open / close */

/* OPEN_DEVICE: S_OK with *hdev, or the failure (recorded). */
static HRESULT open_firmware_device(vd_device *d, const char *what, uint32_t *hdev)
{
    vd_wire_open_device_rsp orsp;
    size_t len;
    HRESULT hr = vd_client_call(&d->c, VD_MSG_OPEN_DEVICE, NULL, 0, &orsp, sizeof orsp, &len);
    if (SUCCEEDED(hr))
        hr = vd_rsp_hr((const uint8_t *)&orsp, len);
    if (SUCCEEDED(hr) && (len < sizeof orsp || !orsp.hDevice))
        hr = E_FAIL;
    if (FAILED(hr))
        return vd_fail(hr, "%s: OPEN_DEVICE: %s%s", what, vidalloc_hresult_name(hr),
                       hr == D3DDDIERR_DEVICEREMOVED ? " (the adapter is removed until the "
                       "board is reset)" : "");
    *hdev = orsp.hDevice;
    return S_OK;
}

/* CLOSE_DEVICE (when there is a firmware device and a link), then forget everything the
 * host kept for the device: allocations, lock buffers, contexts, fences. */
static HRESULT close_device(vd_device *d)
{
    HRESULT hr = S_OK;
    /* A lost link is tried once (resume); a board that lost the session or is gone has
     * nothing of this device left to close. */
    int reach = d->hdev && !d->c.dead && d->c.link != VIDALLOC_LINK_BOARD_RESET &&
                !(vd_transport_is_msg(&d->t) == 0 && d->c.link == VIDALLOC_LINK_LOST &&
                  FAILED(vd_client_resume(&d->c)));
    if (reach) {
        vd_wire_device_req req = {.hDevice = d->hdev};
        vd_wire_status_rsp rsp;
        size_t len;
        hr = vd_client_call(&d->c, VD_MSG_CLOSE_DEVICE, &req, sizeof req, &rsp, sizeof rsp, &len);
        if (SUCCEEDED(hr))
            hr = vd_rsp_hr((const uint8_t *)&rsp, len);
        if (FAILED(hr))
            vd_fail(hr, "CLOSE_DEVICE: %s", vidalloc_hresult_name(hr));
    }
    vd_alloc_forget_all(d);
    vd_handles_remove_contexts(d);
    d->hdev = 0;
    d->info.hDevice = 0;
    d->fenced = 0;
    d->last_fence = 0;
    return hr;
}

/* HELLO (a new session: the firmware's kernel restarts), then over the byte stream a SYNC
 * for the session's token, which a resume shows back. S_OK, or E_FAIL after vd_fail. */
static HRESULT hello(vd_device *d, const char *uri)
{
    vd_wire_hello_req hreq = {.wire_version = VD_WIRE_VERSION};
    vd_wire_hello_rsp hrsp;
    size_t len;
    HRESULT hr = vd_client_call(&d->c, VD_MSG_HELLO, &hreq, sizeof hreq, &hrsp, sizeof hrsp, &len);
    if (FAILED(hr))
        return vd_fail(E_FAIL, "%s: no answer to HELLO: %s", uri, vidalloc_last_error());
    if (len >= 8 && hrsp.wire_version == VD_WIRE_VERSION && len < VD_WIRE_HELLO_RSP_V1_SIZE)
        return vd_fail(E_FAIL, "%s: a HELLO answer of %zu bytes (wire version %u has at least %u)",
                       uri, len, VD_WIRE_VERSION, VD_WIRE_HELLO_RSP_V1_SIZE);
    if (len < VD_WIRE_HELLO_RSP_V1_SIZE || hrsp.wire_version != VD_WIRE_VERSION ||
        FAILED(hrsp.hr))
        return vd_fail(E_FAIL, "%s: the firmware speaks wire version %u, host-lib %u", uri,
                       len >= 8 ? hrsp.wire_version : 0, VD_WIRE_VERSION);
    take_hello(&d->info, &hrsp, len);
    d->info.baud = d->t.baud;
    if (hrsp.window >= 1 && hrsp.window < d->c.window)
        d->c.window = hrsp.window;
    vd_client_set_gpu_wait(&d->c, d->info.clk_hz, d->info.vram_size, 0);
    if (!vd_transport_is_msg(&d->t) && vd_client_sync_session(&d->c))
        return vd_fail(E_FAIL, "%s: %s", uri, vidalloc_last_error());
    return S_OK;
}

HRESULT vd_device_open(const vd_transport_ops *ops, const vd_uri *u, const char *uri,
                       const vidalloc_open_options *options, HANDLE *phDevice)
{
    *phDevice = NULL;
    vd_device *d = calloc(1, sizeof *d);
    if (!d)
        return vd_fail(E_OUTOFMEMORY, "out of memory");
    d->t.ops = ops;
    if (ops->open(&d->t, u)) {
        HRESULT hr = FAILED(vd_last_hr()) ? vd_last_hr() : E_FAIL;
        ops->close(&d->t);
        free(d);
        return hr;
    }
    /* inproc is deterministic: always the same sequence numbers. Elsewhere start at a
     * varying number so a board's replay cache can never match an old session's seq. */
    uint16_t seq0 = 0;
    if (!d->t.cycles)
        seq0 = (uint16_t)(time(NULL) ^ ((uintptr_t)d >> 4));
    vd_client_init(&d->c, &d->t, seq0);
    d->sysmem.mem = d->t.sys_mem;
    d->sysmem.bus = d->t.sys_bus;
    d->sysmem.size = d->t.sys_size;
    d->c.verbose = options && (options->flags & VIDALLOC_OPEN_VERBOSE);
    snprintf(d->info.uri, sizeof d->info.uri, "%s", uri);
    snprintf(d->info.transport, sizeof d->info.transport, "%s", ops->name);

    HRESULT hr;
    uint64_t boot_ms = options && options->boot_timeout_ms ? options->boot_timeout_ms : 1000;
    if (vd_transport_is_msg(&d->t)) {
        /* Queues: (re)started on every attach, so nothing a previous host left in them
         * (killed mid-request) is executed; waits for the firmware to serve them. */
        if (ops->start(&d->t, boot_ms * 1000u * d->t.slowdown) < 0) {
            char why[512]; /* vd_fail must not format from its own buffer */
            snprintf(why, sizeof why, "%s", vidalloc_last_error());
            hr = vd_fail(E_FAIL, "%s: %s", uri, why);
            goto fail;
        }
    } else {
        if (d->t.boots) {
            /* A freshly started board prints its banner, then a 0x00: wait for it. */
            if (vd_client_wait_banner(&d->c, boot_ms * 1000u * d->t.slowdown) < 0) {
                hr = vd_fail(E_FAIL, "%s: the board stopped while booting: %s", ops->name,
                             vidalloc_last_error());
                goto fail;
            }
        }
        /* The 0x00 before the first frame ends whatever partial frame the board holds. */
        static const uint8_t zero = 0;
        if (d->t.ops->send(&d->t, &zero, 1) < 0) {
            hr = E_FAIL;
            goto fail;
        }
    }

    hr = hello(d, uri);
    if (FAILED(hr))
        goto fail;

    hr = open_firmware_device(d, uri, &d->hdev);
    if (FAILED(hr))
        goto fail;
    d->info.hDevice = d->hdev;
    hr = vd_handles_add_device(d);
    if (FAILED(hr)) {
        close_device(d);
        vd_fail(hr, "vidalloc_open: out of memory (device registry)");
        goto fail;
    }
    *phDevice = d->handle;
    return S_OK;

fail:
    d->t.ops->close(&d->t);
    free(d);
    return hr;
}

HRESULT vidalloc_open(const char *uri, const vidalloc_open_options *options, HANDLE *phDevice,
                      D3DDDI_DEVICECALLBACKS *pCallbacks)
{
    vd_clear_error();
    if (!phDevice)
        return vd_fail(E_INVALIDARG, "vidalloc_open: phDevice is NULL");
    *phDevice = NULL;
    vd_uri u;
    if (vd_uri_parse(uri, &u))
        return E_INVALIDARG;
    const vd_transport_ops *ops = vd_transport_for(&u);
    if (!ops)
        return E_INVALIDARG;
    HRESULT hr = vd_device_open(ops, &u, uri, options, phDevice);
    if (FAILED(hr))
        return hr;
    if (pCallbacks) {
        /* Named here, implemented in alloc.c and context.c (device.c calls neither). */
        pCallbacks->pfnAllocateCb = vidalloc_allocate_cb;
        pCallbacks->pfnDeallocateCb = vidalloc_deallocate_cb;
        pCallbacks->pfnRenderCb = vidalloc_render_cb;
        pCallbacks->pfnLockCb = vidalloc_lock_cb;
        pCallbacks->pfnUnlockCb = vidalloc_unlock_cb;
        pCallbacks->pfnCreateContextCb = vidalloc_create_context_cb;
        pCallbacks->pfnDestroyContextCb = vidalloc_destroy_context_cb;
    }
    return S_OK;
}

HRESULT vidalloc_close(HANDLE hDevice)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, "vidalloc_close");
    if (!d)
        return E_INVALIDARG;
    /* Out of the registry first: from here on neither this handle nor its contexts'
     * handles name anything. */
    vd_handles_remove_device(d);
    HRESULT hr = close_device(d);
    vd_sysmem_free_all(&d->sysmem);
    d->t.ops->close(&d->t);
    free(d);
    return hr;
}

HRESULT vidalloc_alloc_system_memory(HANDLE hDevice, UINT size, void **ppMem, UINT *pGpuVisible)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, __func__);
    if (!d)
        return E_INVALIDARG;
    if (!ppMem)
        return vd_fail(E_INVALIDARG, "vidalloc_alloc_system_memory: ppMem is NULL");
    *ppMem = NULL;
    int win = 0;
    HRESULT hr = vd_sysmem_alloc(&d->sysmem, size, ppMem, &win);
    if (pGpuVisible)
        *pGpuVisible = SUCCEEDED(hr) && win;
    return hr;
}

HRESULT vidalloc_free_system_memory(HANDLE hDevice, void *pMem)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, __func__);
    if (!d)
        return E_INVALIDARG;
    return vd_sysmem_free(&d->sysmem, pMem);
}

HRESULT vidalloc_reopen(HANDLE hDevice)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, "vidalloc_reopen");
    if (!d)
        return E_INVALIDARG;
    if (d->c.dead)
        return vd_fail(D3DDDIERR_DEVICEREMOVED, "vidalloc_reopen: link closed: the board is gone");
    if (d->c.link == VIDALLOC_LINK_LOST && FAILED(vd_client_resume(&d->c)) &&
        d->c.link != VIDALLOC_LINK_BOARD_RESET)
        return vd_last_hr();
    if (d->c.link == VIDALLOC_LINK_BOARD_RESET) {
        /* The board was reset: nothing of this session exists on it. Start a new one. */
        d->hdev = 0; /* no CLOSE_DEVICE for a device the board forgot */
        (void)close_device(d);
        vd_client_restart(&d->c);
        static const uint8_t zero = 0;
        if (d->t.ops->send(&d->t, &zero, 1) < 0)
            return vd_fail(D3DDDIERR_DEVICEREMOVED, "vidalloc_reopen: link closed");
        d->c.tx_total += 1;
        HRESULT hr = hello(d, "vidalloc_reopen");
        if (FAILED(hr))
            return hr;
    }
    (void)close_device(d); /* the old device is gone either way; the new one is what counts */
    d->c.fw_removed = 0;
    uint32_t hdev = 0;
    HRESULT hr = open_firmware_device(d, "vidalloc_reopen", &hdev);
    if (FAILED(hr))
        return hr;
    d->hdev = hdev;
    d->info.hDevice = hdev;
    return S_OK;
}

HRESULT vidalloc_get_info(HANDLE hDevice, vidalloc_info *info)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, __func__);
    if (!d)
        return E_INVALIDARG;
    if (!info)
        return vd_fail(E_INVALIDARG, "vidalloc_get_info: info is NULL");
    *info = d->info;
    info->frames_sent = d->c.frames_sent;
    info->frames_received = d->c.frames_received;
    info->retransmissions = d->c.retransmissions;
    info->bytes_sent = d->c.bytes_sent;
    info->bytes_received = d->c.bytes_received;
    info->frames_dropped = d->c.dec.dropped;
    info->sim_cycles = d->t.cycles ? d->t.cycles(&d->t) : 0;
    info->link_losses = d->c.link_losses;
    info->resumes = d->c.resumes;
    info->timeouts = d->c.timeouts;
    info->line_faults = d->t.line_faults ? d->t.line_faults(&d->t) : 0;
    info->syncs = d->c.syncs_sent;
    info->link_state = d->c.dead ? VIDALLOC_LINK_CLOSED : (uint32_t)d->c.link;
    info->device_removed = (uint32_t)d->c.fw_removed;
    return S_OK;
}

HRESULT vidalloc_get_link_state(HANDLE hDevice, UINT *state)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, __func__);
    if (!d)
        return E_INVALIDARG;
    if (!state)
        return vd_fail(E_INVALIDARG, "vidalloc_get_link_state: state is NULL");
    *state = d->c.dead ? VIDALLOC_LINK_CLOSED : (UINT)d->c.link;
    return S_OK;
}

HRESULT vidalloc_debug_fault(HANDLE hDevice, enum vidalloc_fault fault, UINT nth)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, __func__);
    if (!d)
        return E_INVALIDARG;
    if (fault > VIDALLOC_FAULT_CORRUPT_RX)
        return vd_fail(E_INVALIDARG, "vidalloc_debug_fault: unknown fault %d", (int)fault);
    if (vd_transport_is_msg(&d->t))
        return vd_fail(E_FAIL, "vidalloc_debug_fault: the %s link has no frames to drop or "
                       "damage (reliable queues, no retransmission)", d->t.ops->name);
    d->c.fault = (int)fault;
    d->c.fault_at_tx = d->c.frames_sent + nth;
    d->c.fault_at_rx = d->c.rx_frames_raw + nth;
    return S_OK;
}

/* ------------------------------------------------------------------ queries */

static HRESULT query(vd_device *d, uint32_t what, uint32_t handle, uint32_t arg, uint32_t *value,
                     void *data, uint32_t cap, uint32_t *data_len)
{
    vd_wire_query_req req = {.what = what, .handle = handle, .arg = arg};
    uint8_t rsp[VD_WIRE_MAX_PAYLOAD];
    size_t len;
    HRESULT hr = vd_client_call(&d->c, VD_MSG_QUERY, &req, sizeof req, rsp, sizeof rsp, &len);
    if (FAILED(hr))
        return hr;
    hr = vd_rsp_hr(rsp, len);
    if (FAILED(hr))
        return vd_fail(hr, "QUERY %u of 0x%08x: %s", what, handle, vidalloc_hresult_name(hr));
    vd_wire_query_rsp r;
    if (len < sizeof r)
        return vd_fail(E_FAIL, "QUERY: short response");
    memcpy(&r, rsp, sizeof r);
    if (r.length > len - sizeof r)
        return vd_fail(E_FAIL, "QUERY: response data cut short");
    if (value)
        *value = r.value;
    if (data_len)
        *data_len = r.length;
    if (data)
        memcpy(data, rsp + sizeof r, r.length < cap ? r.length : cap);
    return S_OK;
}

HRESULT vidalloc_query_handle_data(HANDLE hDevice, D3DKMT_HANDLE handle, UINT type, void *buf,
                                   UINT cap, UINT *pSize)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, __func__);
    if (!d)
        return E_INVALIDARG;
    if (!buf && cap)
        return vd_fail(E_INVALIDARG, "vidalloc_query_handle_data: buf is NULL with cap %u", cap);
    uint32_t n = 0;
    HRESULT hr = query(d, VD_QUERY_HANDLE_DATA, handle, type, NULL, buf, cap, &n);
    if (pSize)
        *pSize = n;
    return hr;
}

HRESULT vidalloc_query_child(HANDLE hDevice, D3DKMT_HANDLE hResource, UINT index,
                             D3DKMT_HANDLE *phChild)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, __func__);
    if (!d)
        return E_INVALIDARG;
    if (!phChild)
        return vd_fail(E_INVALIDARG, "vidalloc_query_child: phChild is NULL");
    return query(d, VD_QUERY_CHILD, hResource, index, phChild, NULL, 0, NULL);
}

HRESULT vidalloc_query_parent(HANDLE hDevice, D3DKMT_HANDLE hAllocation, D3DKMT_HANDLE *phParent)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, __func__);
    if (!d)
        return E_INVALIDARG;
    if (!phParent)
        return vd_fail(E_INVALIDARG, "vidalloc_query_parent: phParent is NULL");
    return query(d, VD_QUERY_PARENT, hAllocation, 0, phParent, NULL, 0, NULL);
}

/* A query whose answer is one fixed struct (zeroed first, so a short answer leaves 0s). */
static HRESULT query_struct(HANDLE hDevice, const char *fn, uint32_t what, uint32_t handle,
                            void *out, size_t size)
{
    vd_clear_error();
    vd_device *d = vd_handles_device(hDevice, fn);
    if (!d)
        return E_INVALIDARG;
    if (!out)
        return vd_fail(E_INVALIDARG, "%s: the output pointer is NULL", fn);
    memset(out, 0, size);
    return query(d, what, handle, 0, NULL, out, (uint32_t)size, NULL);
}

HRESULT vidalloc_query_allocation(HANDLE hDevice, D3DKMT_HANDLE hAllocation,
                                  vd_wire_allocation_info *info)
{
    return query_struct(hDevice, __func__, VD_QUERY_ALLOCATION, hAllocation, info,
                        sizeof *info);
}

HRESULT vidalloc_query_segment_stats(HANDLE hDevice, vd_wire_segment_stats *stats)
{
    return query_struct(hDevice, __func__, VD_QUERY_SEGMENT_STATS, 0, stats,
                        sizeof *stats);
}

HRESULT vidalloc_describe_allocation(HANDLE hDevice, D3DKMT_HANDLE hAllocation,
                                     vd_wire_describe *desc)
{
    return query_struct(hDevice, __func__, VD_QUERY_DESCRIBE, hAllocation, desc,
                        sizeof *desc);
}

HRESULT vidalloc_query_memctl_stats(HANDLE hDevice, vd_wire_memctl_stats *stats)
{
    return query_struct(hDevice, __func__, VD_QUERY_MEMCTL_STATS, 0, stats,
                        sizeof *stats);
}

HRESULT vidalloc_query_fw_stats(HANDLE hDevice, vd_wire_fw_stats *stats)
{
    return query_struct(hDevice, __func__, VD_QUERY_FW_STATS, 0, stats,
                        sizeof *stats);
}
