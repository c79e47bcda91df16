/*
 * The handle registry: every open device and every live context, found by the value a
 * caller passes as hDevice or hContext. One place decides what a handle is; device.c,
 * alloc.c and context.c all look handles up here.
 *
 * A handle is looked up, never dereferenced: the caller's value is compared with the
 * registry's entries before anything is read through it, so NULL, a small integer, a
 * pointer to something else, the handle of a closed device or a context passed as a device
 * is simply not found (E_INVALIDARG), never a crash or a read of freed memory.
 *
 * Handle values are not addresses. Each is a serial number, never reused in the process,
 * shifted left by 8 with a tag in the low byte (0xD5 device, 0xC7 context): a closed
 * device's handle stays invalid even when malloc hands its memory to the next device, no
 * aligned pointer can equal a handle (the tags are odd), and a device's handle is never a
 * context's.
 *
 * The registry is global, so it is locked: two threads using two devices cannot corrupt
 * it. The objects themselves are not: one device (and its contexts) is used by one thread
 * at a time, as vidalloc.h says; a device closed by one thread while another still uses it
 * is the caller's error.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "vd_host.h"

#define TAG_DEVICE  0xD5u
#define TAG_CONTEXT 0xC7u
#define TAG_BITS    8u

typedef struct dev_entry {
    uintptr_t value;
    vd_device *dev;
} dev_entry;

typedef struct ctx_entry {
    uintptr_t value;
    vd_context *ctx;
    const vd_device *owner;
} ctx_entry;

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static dev_entry *g_devs;
static size_t g_ndevs, g_devcap;
static ctx_entry *g_ctxs;
static size_t g_nctxs, g_ctxcap;
static uintptr_t g_serial;

static void lock(void) { pthread_mutex_lock(&g_lock); }
static void unlock(void) { pthread_mutex_unlock(&g_lock); }

/* Lock held. Whether value is a live handle (of either kind). */
static int in_use(uintptr_t value)
{
    for (size_t i = 0; i < g_ndevs; i++)
        if (g_devs[i].value == value)
            return 1;
    for (size_t i = 0; i < g_nctxs; i++)
        if (g_ctxs[i].value == value)
            return 1;
    return 0;
}

/* Lock held. A handle value not in use: the next serial with the tag (the serial wraps
 * only after 2^24 handles on a 32-bit host, 2^56 on a 64-bit one; live ones are skipped). */
static uintptr_t new_value(unsigned tag)
{
    for (;;) {
        g_serial = (g_serial + 1u) & (UINTPTR_MAX >> TAG_BITS);
        if (!g_serial)
            continue;
        uintptr_t v = g_serial << TAG_BITS | tag;
        if (!in_use(v))
            return v;
    }
}

/* Lock held. Room for one more entry in *arr (0, or -1 when out of memory). */
static int grow(void **arr, size_t n, size_t *cap, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *p = realloc(*arr, ncap * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = ncap;
    return 0;
}

/* Lock held. Give the arrays back once nothing is registered. */
static void shrink_if_empty(void)
{
    if (!g_ndevs && !g_nctxs) {
        free(g_devs);
        free(g_ctxs);
        g_devs = NULL;
        g_ctxs = NULL;
        g_devcap = g_ctxcap = 0;
    }
}

/* ------------------------------------------------------------------ devices */

HRESULT vd_handles_add_device(vd_device *d)
{
    lock();
    if (grow((void **)&g_devs, g_ndevs, &g_devcap, sizeof *g_devs)) {
        unlock();
        return vd_fail(E_OUTOFMEMORY, "out of memory (device registry)");
    }
    uintptr_t v = new_value(TAG_DEVICE);
    g_devs[g_ndevs++] = (dev_entry){v, d};
    d->handle = (HANDLE)v;
    unlock();
    return S_OK;
}

vd_device *vd_handles_device(HANDLE h, const char *fn)
{
    uintptr_t v = (uintptr_t)h;
    vd_device *d = NULL;
    lock();
    for (size_t i = 0; i < g_ndevs; i++) {
        if (g_devs[i].value == v) {
            d = g_devs[i].dev;
            break;
        }
    }
    unlock();
    if (!d)
        vd_fail(E_INVALIDARG, "%s: hDevice %p is not an open vidalloc device", fn, h);
    return d;
}

vd_device *vd_handles_live_device(HANDLE h, const char *fn)
{
    vd_device *d = vd_handles_device(h, fn);
    if (d && !d->hdev) {
        vd_fail(D3DDDIERR_DEVICEREMOVED, "%s: no device (the adapter was removed when "
                "vidalloc_reopen tried to open one)", fn);
        return NULL;
    }
    return d;
}

/* Lock held. Take every context of d out of the registry into a list (NULL-terminated,
 * malloc'd; NULL when none or out of memory: then they are freed here). */
static vd_context **take_contexts(const vd_device *d)
{
    size_t n = 0;
    for (size_t i = 0; i < g_nctxs; i++)
        n += g_ctxs[i].owner == d;
    vd_context **list = n ? malloc((n + 1) * sizeof *list) : NULL;
    size_t k = 0, j = 0;
    for (size_t i = 0; i < g_nctxs; i++) {
        if (g_ctxs[i].owner != d) {
            g_ctxs[j++] = g_ctxs[i];
        } else if (list) {
            list[k++] = g_ctxs[i].ctx;
        } else {
            vd_handles_free_context(g_ctxs[i].ctx);
        }
    }
    g_nctxs = j;
    if (list)
        list[k] = NULL;
    return list;
}

static void free_list(vd_context **list)
{
    if (!list)
        return;
    for (vd_context **c = list; *c; c++)
        vd_handles_free_context(*c);
    free(list);
}

void vd_handles_remove_device(vd_device *d)
{
    lock();
    for (size_t i = 0; i < g_ndevs; i++) {
        if (g_devs[i].dev == d) {
            g_devs[i] = g_devs[--g_ndevs];
            break;
        }
    }
    vd_context **list = take_contexts(d);
    shrink_if_empty();
    unlock();
    free_list(list);
    d->handle = NULL;
}

/* ------------------------------------------------------------------ contexts */

HRESULT vd_handles_add_context(vd_device *d, vd_context *c)
{
    lock();
    if (grow((void **)&g_ctxs, g_nctxs, &g_ctxcap, sizeof *g_ctxs)) {
        unlock();
        return vd_fail(E_OUTOFMEMORY, "out of memory (context registry)");
    }
    uintptr_t v = new_value(TAG_CONTEXT);
    g_ctxs[g_nctxs++] = (ctx_entry){v, c, d};
    c->handle = (HANDLE)v;
    unlock();
    return S_OK;
}

vd_context *vd_handles_context(const vd_device *d, HANDLE h)
{
    uintptr_t v = (uintptr_t)h;
    vd_context *c = NULL;
    lock();
    for (size_t i = 0; i < g_nctxs; i++) {
        if (g_ctxs[i].value == v) {
            if (g_ctxs[i].owner == d)
                c = g_ctxs[i].ctx;
            break;
        }
    }
    unlock();
    return c;
}

int vd_handles_remove_context(const vd_device *d, HANDLE h)
{
    uintptr_t v = (uintptr_t)h;
    vd_context *c = NULL;
    lock();
    for (size_t i = 0; i < g_nctxs; i++) {
        if (g_ctxs[i].value == v) {
            if (g_ctxs[i].owner == d) {
                c = g_ctxs[i].ctx;
                g_ctxs[i] = g_ctxs[--g_nctxs];
            }
            break;
        }
    }
    shrink_if_empty();
    unlock();
    if (!c)
        return -1;
    vd_handles_free_context(c);
    return 0;
}

void vd_handles_remove_contexts(const vd_device *d)
{
    lock();
    vd_context **list = take_contexts(d);
    unlock();
    free_list(list);
}

void vd_handles_free_context(vd_context *c)
{
    if (!c)
        return;
    free(c->cmd);
    free(c->alloc);
    free(c->patch);
    free(c);
}
