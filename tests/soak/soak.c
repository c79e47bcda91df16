/*
 * soak - a mixed workload through host-lib against the simulated board, under the line
 * faults of vidalloc-sim / inproc (docs/host-lib.md "Faults in the simulator", "make soak").
 *
 * Every step is checked at once: a handle the board returns must not be live already (a
 * duplicate), every byte written through pfnLockCb or by a GPU FILL must read back, every
 * call must succeed (a failure is "lost": the operation did not happen as asked). Every
 * --checkpoint steps the firmware's own accounts (SEGMENT_STATS: allocations, resources,
 * bytes used) must equal what this program holds. The summary line is the soak table's row.
 *
 * Scenarios beside the workload (--scenario):
 *   mix     the workload (default)
 *   freeze  the workload, a line stall of --stall-ms in the middle (stall_at/stall_cycles are
 *           set from the run's own timeline), then every allocation checked
 *   gone    the line is cut; one call of every request type must return within --bound-ms
 *           of the board's time, with D3DDDIERR_DEVICEREMOVED and the link state LOST
 *   reset   the board is reset under the host: the next call returns DEVICEREMOVED with the
 *           link state BOARD_RESET, and vidalloc_reopen works on the fresh board
 *
 * Usage: soak [--dev URI] [--ops N] [--seed N] [--checkpoint N] [--scenario S]
 *             [--compare-clean] [--min-ratio R] [--stall-ms N] [--bound-ms N] [-v]
 * The device defaults to inproc (deterministic); faults are URI keys (inproc?corrupt=1e-3).
 * Exit 0 when every check held (and, with --compare-clean, the faulty run kept at least
 * --min-ratio of the clean run's operations per second of simulated time).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vidalloc/vidalloc.h"

#define MAX_LIVE 96
#define MAX_RES 24
#define MAX_BYTES 40000u

typedef struct live {
    D3DKMT_HANDLE h;
    uint32_t res;        /* index + 1 of its resource, 0 for a device allocation */
    uint32_t size;       /* the firmware's size (QUERY ALLOCATION) */
    uint32_t asked;
    uint8_t *shadow;     /* what it holds (NULL: never written, contents unknown) */
} live;

typedef struct resource {
    uintptr_t runtime;   /* the runtime's hResource */
    D3DKMT_HANDLE kmr;
    unsigned count;
} resource;

typedef struct soak {
    HANDLE dev;
    D3DDDI_DEVICECALLBACKS cb;
    live l[MAX_LIVE];
    unsigned nlive;
    resource r[MAX_RES];
    unsigned nres;
    uint64_t rng;
    uintptr_t next_runtime;
    HANDLE ctx;
    uint8_t *cmd;
    D3DDDI_ALLOCATIONLIST *alist;
    D3DDDI_PATCHLOCATIONLIST *plist;
    int verbose;
    /* results */
    uint64_t steps, calls, lost, dup, mismatched, checkpoints, bytes_checked;
    uint64_t by_kind[6];
    uint64_t cycles_kind[6];  /* simulated cycles spent per kind of step */
} soak;

static const char *const g_kind[6] = {"alloc", "alloc-multi", "lock-write-verify", "render",
                                      "free", "query"};

static uint32_t rnd(soak *s)
{
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return (uint32_t)((s->rng * 0x2545F4914F6CDD1Dull) >> 32);
}

static int failed(soak *s, const char *what, HRESULT hr)
{
    s->lost++;
    fprintf(stderr, "soak: step %llu: %s: %s: %s\n", (unsigned long long)s->steps, what,
            vidalloc_hresult_name(hr), vidalloc_last_error());
    return -1;
}

static uint32_t live_bytes(const soak *s)
{
    uint32_t b = 0;
    for (unsigned i = 0; i < s->nlive; i++)
        b += s->l[i].size;
    return b;
}

static int is_live(const soak *s, D3DKMT_HANDLE h)
{
    for (unsigned i = 0; i < s->nlive; i++)
        if (s->l[i].h == h)
            return 1;
    return 0;
}

/* Record a new allocation; a handle already live is a duplicate. */
static int add_live(soak *s, D3DKMT_HANDLE h, uint32_t asked, uint32_t res)
{
    if (!h || is_live(s, h)) {
        s->dup++;
        fprintf(stderr, "soak: step %llu: handle 0x%08x returned while live\n",
                (unsigned long long)s->steps, h);
        return -1;
    }
    vd_wire_allocation_info ai;
    s->calls++;
    HRESULT hr = vidalloc_query_allocation(s->dev, h, &ai);
    if (FAILED(hr))
        return failed(s, "query allocation", hr);
    live *l = &s->l[s->nlive++];
    memset(l, 0, sizeof *l);
    l->h = h;
    l->res = res;
    l->size = ai.size;
    l->asked = asked;
    if (ai.size < asked) {
        s->mismatched++;
        fprintf(stderr, "soak: 0x%08x: size %u < %u asked\n", h, ai.size, asked);
        return -1;
    }
    return 0;
}

static void drop_live(soak *s, unsigned i)
{
    free(s->l[i].shadow);
    s->l[i] = s->l[--s->nlive];
}

static int op_alloc(soak *s, unsigned n, int with_resource)
{
    vd_surface_desc desc[8];
    D3DDDI_ALLOCATIONINFO ai[8];
    uint32_t asked[8];
    memset(ai, 0, sizeof ai);
    for (unsigned i = 0; i < n; i++) {
        asked[i] = 64u + (rnd(s) % 32u) * 64u; /* 64 .. 2048 */
        vidalloc_buffer_desc(&desc[i], asked[i],
                             VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE);
        ai[i].pPrivateDriverData = &desc[i];
        ai[i].PrivateDriverDataSize = sizeof desc[i];
    }
    D3DDDICB_ALLOCATE cb;
    memset(&cb, 0, sizeof cb);
    static const char rdata[] = "soak";
    uintptr_t runtime = 0;
    if (with_resource) {
        runtime = s->next_runtime++;
        cb.hResource = (HANDLE)runtime;
        cb.pPrivateDriverData = rdata;
        cb.PrivateDriverDataSize = sizeof rdata;
    }
    cb.NumAllocations = n;
    cb.pAllocationInfo = ai;
    s->calls++;
    HRESULT hr = s->cb.pfnAllocateCb(s->dev, &cb);
    if (FAILED(hr))
        return failed(s, "pfnAllocateCb", hr);
    uint32_t res = 0;
    if (with_resource) {
        resource *r = &s->r[s->nres++];
        r->runtime = runtime;
        r->kmr = cb.hKMResource;
        r->count = n;
        res = s->nres;
    }
    for (unsigned i = 0; i < n; i++)
        if (add_live(s, ai[i].hAllocation, asked[i], res))
            return -1;
    return 0;
}

static int lock(soak *s, D3DKMT_HANDLE h, int read_only, void **data)
{
    D3DDDICB_LOCK lk;
    memset(&lk, 0, sizeof lk);
    lk.hAllocation = h;
    if (read_only)
        lk.Flags.ReadOnly = 1;
    else
        lk.Flags.WriteOnly = 1;
    s->calls++;
    HRESULT hr = s->cb.pfnLockCb(s->dev, &lk);
    if (FAILED(hr))
        return failed(s, read_only ? "pfnLockCb(ReadOnly)" : "pfnLockCb(WriteOnly)", hr);
    *data = lk.pData;
    return 0;
}

static int unlock(soak *s, D3DKMT_HANDLE h)
{
    D3DDDICB_UNLOCK ul = {1, &h};
    s->calls++;
    HRESULT hr = s->cb.pfnUnlockCb(s->dev, &ul);
    return FAILED(hr) ? failed(s, "pfnUnlockCb", hr) : 0;
}

/* Read it back and compare with the shadow. */
static int verify(soak *s, live *l)
{
    if (!l->shadow)
        return 0;
    void *p;
    if (lock(s, l->h, 1, &p))
        return -1;
    s->bytes_checked += l->asked;
    if (memcmp(p, l->shadow, l->asked)) {
        s->mismatched++;
        unsigned at = 0;
        while (((uint8_t *)p)[at] == l->shadow[at])
            at++;
        fprintf(stderr, "soak: step %llu: 0x%08x: byte %u reads 0x%02x, 0x%02x written\n",
                (unsigned long long)s->steps, l->h, at, ((uint8_t *)p)[at], l->shadow[at]);
    }
    return unlock(s, l->h);
}

static int op_write_verify(soak *s, live *l)
{
    void *p;
    if (!l->shadow && !(l->shadow = malloc(l->asked)))
        return -1;
    if (lock(s, l->h, 0, &p))
        return -1;
    for (uint32_t i = 0; i < l->asked; i++)
        l->shadow[i] = (uint8_t)rnd(s);
    memcpy(p, l->shadow, l->asked);
    if (unlock(s, l->h))
        return -1;
    return verify(s, l);
}

static int op_render(soak *s, live *l)
{
    uint32_t bytes = l->asked & ~15u;
    uint32_t pattern = rnd(s);
    UINT n = vidalloc_cmd_fill(s->cmd, 0, pattern, bytes);
    s->alist[0].hAllocation = 0;
    s->alist[1].hAllocation = l->h;
    s->alist[1].WriteOperation = 1;
    memset(s->plist, 0, sizeof *s->plist);
    s->plist[0].AllocationIndex = 1;
    s->plist[0].PatchOffset = VIDALLOC_CMD_DST_OFFSET;
    D3DDDICB_RENDER rd;
    memset(&rd, 0, sizeof rd);
    rd.hContext = s->ctx;
    rd.CommandLength = n;
    rd.NumAllocations = 2;
    rd.NumPatchLocations = 1;
    s->calls++;
    HRESULT hr = s->cb.pfnRenderCb(s->dev, &rd);
    if (FAILED(hr))
        return failed(s, "pfnRenderCb", hr);
    UINT fence = 0;
    vidalloc_last_fence(s->dev, s->ctx, &fence);
    s->calls++;
    hr = vidalloc_wait_fence(s->dev, fence, 10000);
    if (FAILED(hr))
        return failed(s, "vidalloc_wait_fence", hr);
    if (!l->shadow && !(l->shadow = calloc(1, l->asked)))
        return -1;
    if (!l->shadow[0] && l->asked > bytes) {
        /* never written: the tail past the FILL is unknown; read it first */
        void *p;
        if (lock(s, l->h, 1, &p))
            return -1;
        memcpy(l->shadow, p, l->asked);
        if (unlock(s, l->h))
            return -1;
    }
    for (uint32_t i = 0; i < bytes; i++)
        l->shadow[i] = (uint8_t)(pattern >> (8 * (i % 4)));
    return verify(s, l);
}

static int op_free(soak *s)
{
    unsigned i = rnd(s) % s->nlive;
    D3DDDICB_DEALLOCATE d;
    memset(&d, 0, sizeof d);
    if (s->l[i].res) {
        unsigned ri = s->l[i].res - 1;
        d.hResource = (HANDLE)s->r[ri].runtime;
        s->calls++;
        HRESULT hr = s->cb.pfnDeallocateCb(s->dev, &d);
        if (FAILED(hr))
            return failed(s, "pfnDeallocateCb(hResource)", hr);
        for (unsigned k = s->nlive; k-- > 0;)
            if (s->l[k].res == ri + 1)
                drop_live(s, k);
        /* the last resource moves into its place */
        unsigned last = s->nres - 1;
        if (ri != last) {
            s->r[ri] = s->r[last];
            for (unsigned k = 0; k < s->nlive; k++)
                if (s->l[k].res == last + 1)
                    s->l[k].res = ri + 1;
        }
        s->nres--;
        return 0;
    }
    D3DKMT_HANDLE h = s->l[i].h;
    d.NumAllocations = 1;
    d.HandleList = &h;
    s->calls++;
    HRESULT hr = s->cb.pfnDeallocateCb(s->dev, &d);
    if (FAILED(hr))
        return failed(s, "pfnDeallocateCb", hr);
    drop_live(s, i);
    return 0;
}

static int checkpoint(soak *s)
{
    vd_wire_segment_stats st;
    s->calls++;
    s->checkpoints++;
    HRESULT hr = vidalloc_query_segment_stats(s->dev, &st);
    if (FAILED(hr))
        return failed(s, "query segment stats", hr);
    uint32_t bytes = live_bytes(s);
    if (st.allocations != s->nlive || st.resources != s->nres || st.used != bytes) {
        s->mismatched++;
        fprintf(stderr, "soak: checkpoint at step %llu: the firmware holds %u allocations, %u "
                "resources, %u bytes; this program %u, %u, %u\n", (unsigned long long)s->steps,
                st.allocations, st.resources, st.used, s->nlive, s->nres, bytes);
        return -1;
    }
    return 0;
}

static int op_query(soak *s)
{
    if (!s->nlive || rnd(s) % 4 == 0)
        return checkpoint(s);
    live *l = &s->l[rnd(s) % s->nlive];
    vd_wire_allocation_info ai;
    s->calls++;
    HRESULT hr = vidalloc_query_allocation(s->dev, l->h, &ai);
    if (FAILED(hr))
        return failed(s, "query allocation", hr);
    if (ai.size != l->size) {
        s->mismatched++;
        fprintf(stderr, "soak: 0x%08x: size %u, was %u\n", l->h, ai.size, l->size);
        return -1;
    }
    return 0;
}

/* One step of the mix. */
static int step(soak *s)
{
    unsigned r = rnd(s) % 100;
    uint32_t bytes = live_bytes(s);
    int room = s->nlive + 3 <= MAX_LIVE && bytes + 3 * 2048 <= MAX_BYTES;
    int kind;
    if (r < 25 && room)
        kind = 0;
    else if (r < 35 && room && s->nres < MAX_RES)
        kind = 1;
    else if (r < 55 && s->nlive)
        kind = 2;
    else if (r < 63 && s->nlive && s->ctx)
        kind = 3;
    else if (r < 85 && s->nlive)
        kind = 4;
    else if (!room && s->nlive)
        kind = 4;
    else
        kind = 5;
    s->by_kind[kind]++;
    vidalloc_info a, b;
    vidalloc_get_info(s->dev, &a);
    int rc;
    switch (kind) {
    case 0: rc = op_alloc(s, 1, 0); break;
    case 1: rc = op_alloc(s, 2 + rnd(s) % 2, 1); break;
    case 2: rc = op_write_verify(s, &s->l[rnd(s) % s->nlive]); break;
    case 3: rc = op_render(s, &s->l[rnd(s) % s->nlive]); break;
    case 4: rc = op_free(s); break;
    default: rc = op_query(s); break;
    }
    vidalloc_get_info(s->dev, &b);
    s->cycles_kind[kind] += b.sim_cycles - a.sim_cycles;
    return rc;
}

static int open_dev(soak *s, const char *uri)
{
    vidalloc_open_options o;
    memset(&o, 0, sizeof o);
    if (s->verbose)
        o.flags = VIDALLOC_OPEN_VERBOSE;
    HRESULT hr = vidalloc_open(uri, &o, &s->dev, &s->cb);
    if (FAILED(hr)) {
        fprintf(stderr, "soak: vidalloc_open(%s): %s: %s\n", uri, vidalloc_hresult_name(hr),
                vidalloc_last_error());
        return -1;
    }
    D3DDDICB_CREATECONTEXT cc;
    memset(&cc, 0, sizeof cc);
    if (SUCCEEDED(s->cb.pfnCreateContextCb(s->dev, &cc))) {
        s->ctx = cc.hContext;
        s->cmd = cc.pCommandBuffer;
        s->alist = cc.pAllocationList;
        s->plist = cc.pPatchLocationList;
    }
    return 0;
}

typedef struct run_result {
    uint64_t cycles;
    double ops_per_s;
    vidalloc_info info;
    vd_wire_fw_stats fw;
} run_result;

static int run_mix(soak *s, const char *uri, unsigned ops, unsigned every, run_result *out)
{
    if (open_dev(s, uri))
        return -1;
    vidalloc_info in0;
    vidalloc_get_info(s->dev, &in0);
    for (unsigned i = 0; i < ops; i++) {
        s->steps++;
        (void)step(s);
        if (every && s->steps % every == 0)
            (void)checkpoint(s);
        if (s->lost > 20 || s->mismatched > 20) {
            fprintf(stderr, "soak: too many failures, stopping\n");
            break;
        }
    }
    (void)checkpoint(s);
    vidalloc_get_info(s->dev, &out->info);
    memset(&out->fw, 0, sizeof out->fw);
    vidalloc_query_fw_stats(s->dev, &out->fw);
    out->cycles = out->info.sim_cycles - in0.sim_cycles;
    double secs = out->info.clk_hz ? (double)out->cycles / out->info.clk_hz : 0;
    out->ops_per_s = secs > 0 ? (double)s->steps / secs : 0;
    return 0;
}

static void close_dev(soak *s)
{
    for (unsigned i = 0; i < s->nlive; i++)
        free(s->l[i].shadow);
    s->nlive = 0;
    s->nres = 0;
    if (s->dev)
        vidalloc_close(s->dev);
    s->dev = NULL;
    s->ctx = NULL;
}

static void print_row(const char *mix, const soak *s, const run_result *r)
{
    printf("| %-34s | %6llu | %6llu | %4llu | %3llu | %10llu | %5llu | %7llu | %5llu | %6llu | "
           "%8.1f |\n",
           mix, (unsigned long long)s->steps, (unsigned long long)s->calls,
           (unsigned long long)s->lost, (unsigned long long)s->dup,
           (unsigned long long)s->mismatched, (unsigned long long)r->info.link_losses,
           (unsigned long long)r->info.retransmissions, (unsigned long long)r->info.syncs,
           (unsigned long long)r->info.line_faults, r->ops_per_s);
}

static void print_head(void)
{
    printf("| %-34s | %6s | %6s | %4s | %3s | %10s | %5s | %7s | %5s | %6s | %8s |\n",
           "fault mix (URI)", "ops", "calls", "lost", "dup", "mismatched", "links",
           "retrans", "syncs", "faults", "ops/s sim");
    printf("|%s|--------|--------|------|-----|------------|-------|---------|-------|--------|"
           "----------|\n", "------------------------------------");
}

static const char *mix_of(const char *uri)
{
    const char *q = strchr(uri, '?');
    return q ? q + 1 : "(clean)";
}

int main(int argc, char **argv)
{
    const char *uri = "inproc", *scenario = "mix";
    unsigned ops = 1000, every = 100, stall_ms = 3000, bound_ms = 1000;
    uint64_t seed = 1;
    int compare = 0, verbose = 0;
    double min_ratio = 0.70;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--dev") && v) uri = argv[++i];
        else if (!strcmp(a, "--ops") && v) ops = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(a, "--seed") && v) seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(a, "--checkpoint") && v) every = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(a, "--scenario") && v) scenario = argv[++i];
        else if (!strcmp(a, "--stall-ms") && v) stall_ms = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(a, "--bound-ms") && v) bound_ms = (unsigned)strtoul(argv[++i], NULL, 0);
        else if (!strcmp(a, "--min-ratio") && v) min_ratio = strtod(argv[++i], NULL);
        else if (!strcmp(a, "--compare-clean")) compare = 1;
        else if (!strcmp(a, "-v")) verbose = 1;
        else {
            fprintf(stderr, "usage: soak [--dev URI] [--ops N] [--seed N] [--checkpoint N] "
                    "[--scenario mix|freeze|gone|reset] [--compare-clean] [--min-ratio R] "
                    "[--stall-ms N] [--bound-ms N] [-v]\n");
            return 2;
        }
    }
    static soak s;
    s.rng = seed * 0x9E3779B97F4A7C15ull + 1;
    s.next_runtime = 0x1000;
    s.verbose = verbose;
    int ok = 1;

    if (!strcmp(scenario, "mix")) {
        run_result r, rc;
        if (run_mix(&s, uri, ops, every, &r))
            return 1;
        print_head();
        print_row(mix_of(uri), &s, &r);
        ok = !s.lost && !s.dup && !s.mismatched && !r.info.link_losses;
        printf("steps: ");
        for (int k = 0; k < 6; k++)
            printf("%s %llu (%llu cycles each)%s", g_kind[k], (unsigned long long)s.by_kind[k],
                   (unsigned long long)(s.by_kind[k] ? s.cycles_kind[k] / s.by_kind[k] : 0),
                   k < 5 ? ", " : "\n");
        printf("firmware: %u frames, %u dropped by the decoder, %u by sequencing, %u replayed, "
               "%u RX overflows; %llu bytes read back and compared; %llu checkpoints; "
               "%llu timeouts; %llu simulated cycles\n",
               r.fw.rx_frames, r.fw.rx_dropped, r.fw.seq_dropped, r.fw.replayed,
               r.fw.rx_overflows, (unsigned long long)s.bytes_checked,
               (unsigned long long)s.checkpoints, (unsigned long long)r.info.timeouts,
               (unsigned long long)r.cycles);
        close_dev(&s);
        if (compare) {
            static soak c;
            c.rng = seed * 0x9E3779B97F4A7C15ull + 1;
            c.next_runtime = 0x1000;
            char clean[512];
            snprintf(clean, sizeof clean, "%.*s", (int)strcspn(uri, "?"), uri);
            if (run_mix(&c, clean, ops, every, &rc))
                return 1;
            print_row(mix_of(clean), &c, &rc);
            double ratio = rc.ops_per_s > 0 ? r.ops_per_s / rc.ops_per_s : 0;
            printf("throughput under faults: %.1f %% of the clean line's (target >= %.0f %%)\n",
                   100.0 * ratio, 100.0 * min_ratio);
            ok = ok && !c.lost && !c.dup && !c.mismatched && ratio >= min_ratio;
            close_dev(&c);
        }
    } else if (!strcmp(scenario, "freeze")) {
        /* A first run learns how many cycles the first half takes; the second freezes the
         * line there (the same seed: the same traffic up to the stall). */
        run_result r;
        char u[1024];
        if (run_mix(&s, uri, ops / 2, every, &r))
            return 1;
        uint64_t at = r.info.sim_cycles;
        close_dev(&s);
        memset(&s, 0, sizeof s);
        s.rng = seed * 0x9E3779B97F4A7C15ull + 1;
        s.next_runtime = 0x1000;
        snprintf(u, sizeof u, "%s%sstall_at=%llu&stall_cycles=%llu", uri,
                 strchr(uri, '?') ? "&" : "?", (unsigned long long)at,
                 (unsigned long long)stall_ms * 12000u);
        if (open_dev(&s, u))
            return 1;
        for (unsigned i = 0; i < ops / 2; i++) {
            s.steps++;
            step(&s);
        }
        /* The stall begins about now: calls may report the link lost while it lasts. */
        unsigned losses_seen = 0;
        for (unsigned i = 0; i < 40 && s.nlive; i++) {
            vd_wire_segment_stats st;
            HRESULT hr = vidalloc_query_segment_stats(s.dev, &st);
            char why[512];
            snprintf(why, sizeof why, "%s", vidalloc_last_error());
            UINT state = 0;
            vidalloc_get_link_state(s.dev, &state);
            if (FAILED(hr)) {
                losses_seen++;
                printf("freeze: call %u: %s (link state %u): %s\n", i, vidalloc_hresult_name(hr),
                       state, why);
                continue;
            }
            break;
        }
        s.lost = 0;
        uint64_t lost_before = s.lost;
        for (unsigned i = 0; i < s.nlive; i++) {
            s.steps++;
            verify(&s, &s.l[i]);
        }
        checkpoint(&s);
        vidalloc_get_info(s.dev, &r.info);
        printf("freeze: %u ms stall at cycle %llu: %u calls reported the link lost, %llu "
               "resumes; afterwards %u allocations and %u resources checked: %llu lost, %llu "
               "mismatched\n", stall_ms, (unsigned long long)at, losses_seen,
               (unsigned long long)r.info.resumes, s.nlive, s.nres,
               (unsigned long long)(s.lost - lost_before), (unsigned long long)s.mismatched);
        ok = s.lost == lost_before && !s.mismatched && !s.dup && r.info.resumes >= 1 &&
             r.info.link_state == VIDALLOC_LINK_UP;
        close_dev(&s);
    } else if (!strcmp(scenario, "gone") || !strcmp(scenario, "reset")) {
        int gone = scenario[0] == 'g';
        run_result r;
        if (run_mix(&s, uri, ops, every, &r))
            return 1;
        /* Reopen over a URI that breaks the board at the run's end: the same run again. */
        uint64_t at = r.info.sim_cycles;
        close_dev(&s);
        memset(&s, 0, sizeof s);
        s.rng = seed * 0x9E3779B97F4A7C15ull + 1;
        s.next_runtime = 0x1000;
        char u[1024];
        snprintf(u, sizeof u, "%s%s%s=%llu", uri, strchr(uri, '?') ? "&" : "?",
                 gone ? "cut_at" : "reset_at", (unsigned long long)at + 1000u);
        if (open_dev(&s, u))
            return 1;
        for (unsigned i = 0; i < ops; i++) {
            s.steps++;
            step(&s);
        }
        /* Until the cut (a few cycles on): queries; the first to fail noticed it. */
        for (unsigned i = 0; i < 1000; i++) {
            vd_wire_segment_stats st;
            vidalloc_info a, b;
            vidalloc_get_info(s.dev, &a);
            HRESULT hr = vidalloc_query_segment_stats(s.dev, &st);
            vidalloc_get_info(s.dev, &b);
            if (FAILED(hr)) {
                printf("%s: the first call after the line broke (QUERY) -> %s after %llu ms\n",
                       scenario, vidalloc_hresult_name(hr),
                       (unsigned long long)((b.sim_cycles - a.sim_cycles) * 1000u / b.clk_hz));
                break;
            }
        }
        /* Every request type now; each must fail within the bound. */
        vidalloc_info in;
        vidalloc_get_info(s.dev, &in);
        const char *names[] = {"QUERY", "ALLOCATE", "LOCK", "reopen", "DEALLOCATE",
                               "RENDER", "FENCE", "ESCAPE"};
        uint64_t worst = 0;
        for (unsigned k = 0; k < 8; k++) {
            vidalloc_info a, b;
            vidalloc_get_info(s.dev, &a);
            HRESULT hr = S_OK;
            D3DKMT_HANDLE h = s.nlive ? s.l[0].h : 0;
            switch (k) {
            case 0: { vd_wire_segment_stats st; hr = vidalloc_query_segment_stats(s.dev, &st); break; }
            case 1: {
                vd_surface_desc d;
                vidalloc_buffer_desc(&d, 64, VD_SURFACE_USAGE_CPU_READ);
                D3DDDI_ALLOCATIONINFO ai;
                memset(&ai, 0, sizeof ai);
                ai.pPrivateDriverData = &d;
                ai.PrivateDriverDataSize = sizeof d;
                D3DDDICB_ALLOCATE cb;
                memset(&cb, 0, sizeof cb);
                cb.NumAllocations = 1;
                cb.pAllocationInfo = &ai;
                hr = s.cb.pfnAllocateCb(s.dev, &cb);
                break;
            }
            case 2: { void *p; D3DDDICB_LOCK lk; memset(&lk, 0, sizeof lk); lk.hAllocation = h;
                      hr = s.cb.pfnLockCb(s.dev, &lk); (void)p; break; }
            case 3: hr = vidalloc_reopen(s.dev); break; /* CLOSE_DEVICE + OPEN_DEVICE */
            case 4: { D3DDDICB_DEALLOCATE d; memset(&d, 0, sizeof d); d.NumAllocations = 1;
                      d.HandleList = &h; hr = s.cb.pfnDeallocateCb(s.dev, &d); break; }
            case 5: {
                if (!s.ctx) { hr = E_FAIL; break; }
                D3DDDICB_RENDER rd;
                memset(&rd, 0, sizeof rd);
                rd.hContext = s.ctx;
                rd.CommandLength = vidalloc_cmd_nop(s.cmd);
                rd.NumAllocations = 1;
                s.alist[0].hAllocation = 0;
                hr = s.cb.pfnRenderCb(s.dev, &rd);
                break;
            }
            case 6: { UINT c, sub; hr = vidalloc_query_fence(s.dev, 1, &c, &sub); break; }
            default: { vd_wire_gpu_state g; hr = vidalloc_escape_gpu_state(s.dev, &g); break; }
            }
            char why[512];
            snprintf(why, sizeof why, "%s", vidalloc_last_error());
            vidalloc_get_info(s.dev, &b);
            uint64_t ms = (b.sim_cycles - a.sim_cycles) * 1000u / (b.clk_hz ? b.clk_hz : 12000000u);
            if (ms > worst)
                worst = ms;
            UINT state = 0;
            vidalloc_get_link_state(s.dev, &state);
            int right = hr == D3DDDIERR_DEVICEREMOVED &&
                        state == (gone ? VIDALLOC_LINK_LOST : VIDALLOC_LINK_BOARD_RESET);
            printf("%s: %-15s -> %s after %llu ms of the board's time, link state %u: %s\n",
                   scenario, names[k], vidalloc_hresult_name(hr), (unsigned long long)ms, state,
                   why);
            if (!right || ms > bound_ms)
                ok = 0;
            if (!gone)
                break; /* the first call saw the reset; the reopen follows */
        }
        if (gone) {
            printf("gone: every request type returned within %llu ms (bound %u ms)\n",
                   (unsigned long long)worst, bound_ms);
        } else {
            /* Reopen: a new session on the fresh board, and it works. */
            HRESULT hr = vidalloc_reopen(s.dev);
            printf("reset: vidalloc_reopen -> %s %s\n", vidalloc_hresult_name(hr),
                   FAILED(hr) ? vidalloc_last_error() : "");
            for (unsigned i = 0; i < s.nlive; i++)
                free(s.l[i].shadow);
            s.nlive = s.nres = 0;
            s.ctx = NULL;
            if (FAILED(hr)) {
                ok = 0;
            } else {
                uint64_t lost0 = s.lost;
                for (unsigned i = 0; i < 50; i++) {
                    s.steps++;
                    step(&s);
                }
                checkpoint(&s);
                printf("reset: 50 steps on the reopened device: %llu lost, %llu mismatched\n",
                       (unsigned long long)(s.lost - lost0), (unsigned long long)s.mismatched);
                ok = ok && s.lost == lost0 && !s.mismatched;
            }
        }
        close_dev(&s);
    } else {
        fprintf(stderr, "soak: unknown scenario %s\n", scenario);
        return 2;
    }
    printf("soak %s: %s\n", scenario, ok ? "PASS" : "FAIL");
    return ok ? 0 : 1;
}
