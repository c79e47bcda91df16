/*
 * vidalloc - command-line front end of host-lib: allocate, free, read, write, fill and
 * inspect allocations on a vidalloc board (real, simulated on a pty or over its PCIe link,
 * or in-process), and
 * drive its GPU through pfnRenderCb (fill, copy, hang), fences, the TDR escapes.
 *
 * With `sim` or `inproc` every invocation boots a fresh simulated board, so handles do not
 * persist between invocations: give several commands separated by ';' (a separate argument)
 * or a script (--script FILE, - for stdin), one command per line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "vidalloc/vidalloc.h"

#define MAX_ARGS 64
#define MAX_HANDLES 4096

static const char *g_uri = "sim";
static int g_verbose;
static HANDLE g_dev;
static D3DDDI_DEVICECALLBACKS g_cb;
static D3DKMT_HANDLE g_handles[MAX_HANDLES]; /* every allocation of this session: %0, %1... */
static unsigned g_nhandles;
static D3DKMT_HANDLE g_last_kmr;             /* %kmr */
static D3DDDICB_CREATECONTEXT g_ctx;         /* the session's context (gpu-* commands) */
static UINT g_last_fence;                    /* %fence */
static int g_have_fence;
static HRESULT g_last_hr;                    /* of the last failure (expect) */

/* ------------------------------------------------------------------ help */

static const struct cmd_help {
    const char *name, *synopsis, *text;
} g_help[] = {
    {"info", "info", "Show the board (HELLO), the link and the limits."},
    {"alloc", "alloc SIZE|WxH:FORMAT [options]",
     "pfnAllocateCb. SIZE is a buffer size in bytes (suffix K or M allowed); WxH:FORMAT a\n"
     "surface, FORMAT one of A8R8G8B8 X8R8G8B8 R5G6B5 A8 or a D3DDDIFORMAT number.\n"
     "  --primary          Flags.Primary (a scanout surface)\n"
     "  --stereo           Flags.Stereo (only with --primary)\n"
     "  --vidpn N          VidPnSourceId (primaries)\n"
     "  --refresh N/D      refresh rate of a primary (default 60/1 for primaries)\n"
     "  --resource H       hResource: the runtime resource handle (a number); hKMResource\n"
     "                     is printed and kept as %kmr\n"
     "  --count N          N allocations in this one call (1..the firmware's limit)\n"
     "  --usage LIST       comma list of rt,read,write,cached,permanent,protected or none\n"
     "                     (default read,write so the allocation can be locked)\n"
     "  --sysmem           runtime system memory (pSystemMem): host memory of SIZE bytes\n"
     "Handles are printed and can be named later as %0, %1, ... (order of allocation) or %last."},
    {"free", "free HANDLE... | free --resource H",
     "pfnDeallocateCb: the listed allocations, or a resource and all its allocations."},
    {"read", "read HANDLE [--offset N] [--length N]",
     "pfnLockCb (ReadOnly) and a hex dump of the contents; then pfnUnlockCb."},
    {"write", "write HANDLE OFFSET HEXBYTES",
     "pfnLockCb on the pages covering the range, write the bytes, pfnUnlockCb."},
    {"fill", "fill HANDLE BYTE [--offset N] [--length N]",
     "Fill a range (default: all) with BYTE through pfnLockCb/pfnUnlockCb."},
    {"gpu-fill", "gpu-fill HANDLE PATTERN [OFFSET BYTES] [--readonly] [--wait]",
     "pfnRenderCb with one GPU FILL: the 32-bit PATTERN into BYTES bytes at OFFSET of the\n"
     "allocation (default: all of it). DST is a patch-location entry (allocation-list entry 1,\n"
     "AllocationOffset OFFSET), so the firmware writes the VRAM address. Offsets and lengths\n"
     "should be multiples of 4; they are not clamped, so a FILL past the allocation's end\n"
     "shows the memory controller stopping it (the device is then removed).\n"
     "  --readonly   list the allocation with WriteOperation 0 (the write faults)\n"
     "  --wait       wait for the submission's fence\n"
     "Prints the submission fence; `wait` (or %fence) refers to it."},
    {"gpu-copy", "gpu-copy DST SRC [BYTES] [--dst-offset N] [--src-offset N] [--wait]",
     "pfnRenderCb with one GPU COPY of BYTES bytes (default: the smaller allocation, less the\n"
     "offsets) from allocation SRC to allocation DST (allocation-list entries 2 read, 1 write;\n"
     "both addresses patched)."},
    {"gpu-hang", "gpu-hang [--wait]",
     "pfnRenderCb with one HANG command: the GPU stops making progress until the watchdog\n"
     "(TdrDelay, see `tdr`) resets it; the device is then removed (D3DDDIERR_DEVICEREMOVED):\n"
     "use `reopen`."},
    {"wait", "wait [FENCE|%fence] [--timeout MS]",
     "vidalloc_wait_fence: wait until the fence (default: the last submission's) completes.\n"
     "MS is board time (default 10000); D3DDDIERR_DEVICEREMOVED after a timeout or fault,\n"
     "D3DERR_WASSTILLDRAWING when MS pass first."},
    {"gpu-state", "gpu-state",
     "VD_ESCAPE_GPU_STATE: engine state, fences, timeouts, faults, ring space."},
    {"tdr", "tdr --delay CYCLES [--window CYCLES]",
     "VD_ESCAPE_SET_TDR: the watchdog's TdrDelay and the window of the \"more than 5 timeouts\n"
     "remove the adapter\" rule, in board cycles (0 = defaults 2 s and 60 s; 12 MHz board:\n"
     "200000 cycles = 16.7 ms). Prints the settings now in force."},
    {"reopen", "reopen",
     "vidalloc_reopen: close the device and open a new one on the same board (what an\n"
     "application does after D3DDDIERR_DEVICEREMOVED). Session handles (%0...), the context\n"
     "and %fence are forgotten. Fails with D3DDDIERR_DEVICEREMOVED once the adapter is removed."},
    {"expect", "expect HRESULT COMMAND [ARGS]",
     "Run COMMAND and succeed only if it fails with HRESULT (a name such as\n"
     "D3DDDIERR_DEVICEREMOVED, or a number); for scripts that provoke failures:\n"
     "  vidalloc tdr --delay 200000 ';' gpu-hang ';' expect D3DDDIERR_DEVICEREMOVED wait ';' reopen"},
    {"stats", "stats", "Segment statistics of VRAM and the kernel's object counts."},
    {"query", "query handle-data|children|parent|alloc|describe HANDLE [TYPE]",
     "What the kernel and miniport hold: DxgkCbGetHandleData (TYPE alloc or resource,\n"
     "default alloc), DxgkCbEnumHandleChildren, DxgkCbGetHandleParent, the allocation's\n"
     "placement, DxgkDdiDescribeAllocation."},
    {"help", "help [COMMAND]", "This text, or one command's."},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: vidalloc [--dev URI] [-v] [--script FILE|-] [COMMAND [ARGS] [';' COMMAND ...]]\n"
            "Drive a vidalloc board's graphics kernel through host-lib (pfnAllocateCb & co.).\n\n"
            "  --dev URI      uart:PATH[?baud=N] | sim[?fw=IMG&sim=BIN] | inproc[?fw=IMG]\n"
            "                 (default sim: spawns the simulator; inproc runs it in-process)\n"
            "                 &link=pcie: the PCIe queue link instead of the UART, e.g.\n"
            "                 'sim?link=pcie', 'inproc?link=pcie', or a running simulator's\n"
            "                 'sim?link=pcie&shm=/NAME' (vidalloc-sim --pcie /NAME);\n"
            "                 pcie:BDF is not supported yet (no board with a PCIe hard block)\n"
            "  --script FILE  run commands from FILE (- = stdin), one per line, # comments\n"
            "  -v             log the link (frames, retransmissions) to stderr\n"
            "  -h, --help     this text; `vidalloc help COMMAND` for one command\n\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof g_help / sizeof g_help[0]; i++)
        fprintf(f, "  %s\n", g_help[i].synopsis);
    fprintf(f,
            "\nsim and inproc boot a fresh simulated board per invocation: handles do not\n"
            "persist between invocations. Chain commands with ';' or use --script, e.g.\n"
            "  vidalloc --dev inproc alloc 4096 ';' fill %%0 0xab ';' read %%0 --length 32\n"
            "  vidalloc --dev inproc alloc 256 ';' gpu-fill %%0 0x11223344 --wait ';' read %%0\n"
            "Exit status: 0 success, 1 a call failed (its HRESULT is named), 2 usage error.\n");
}

static int help_cmd(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof g_help / sizeof g_help[0]; i++) {
        if (!strcmp(argv[1], g_help[i].name)) {
            printf("usage: vidalloc %s\n%s\n", g_help[i].synopsis, g_help[i].text);
            return 0;
        }
    }
    fprintf(stderr, "vidalloc: no command '%s' (see vidalloc --help)\n", argv[1]);
    return 2;
}

/* ------------------------------------------------------------------ helpers */

static int fail(const char *what, HRESULT hr)
{
    g_last_hr = hr;
    const char *detail = vidalloc_last_error();
    fprintf(stderr, "vidalloc: %s: %s (0x%08X)%s%s\n", what, vidalloc_hresult_name(hr),
            (unsigned)hr, detail[0] ? ": " : "", detail);
    return 1;
}

static int bad(const char *cmd, const char *msg, const char *arg)
{
    fprintf(stderr, "vidalloc: %s: %s%s%s (see vidalloc help %s)\n", cmd, msg, arg ? " " : "",
            arg ? arg : "", cmd);
    return 2;
}

static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *s == '-')
        return -1;
    if (*end == 'K' || *end == 'k') {
        v *= 1024;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        v *= 1024 * 1024;
        end++;
    }
    if (*end || v > 0xFFFFFFFFull)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_handle(const char *s, D3DKMT_HANDLE *h)
{
    if (s[0] == '%') {
        if (!strcmp(s, "%last")) {
            if (!g_nhandles)
                return -1;
            *h = g_handles[g_nhandles - 1];
            return 0;
        }
        if (!strcmp(s, "%kmr")) {
            *h = g_last_kmr;
            return g_last_kmr ? 0 : -1;
        }
        uint32_t i;
        if (parse_u32(s + 1, &i) || i >= g_nhandles)
            return -1;
        *h = g_handles[i];
        return 0;
    }
    return parse_u32(s, h);
}

static int device(void)
{
    if (g_dev)
        return 0;
    vidalloc_open_options opt = {.flags = g_verbose ? VIDALLOC_OPEN_VERBOSE : 0u};
    HRESULT hr = vidalloc_open(g_uri, &opt, &g_dev, &g_cb);
    if (FAILED(hr)) {
        char what[200];
        snprintf(what, sizeof what, "cannot open %s", g_uri);
        return fail(what, hr);
    }
    return 0;
}

static const char *residency_name(uint32_t r)
{
    static const char *const names[] = {"none", "vram", "sysmem", "evicted"};
    return r < 4 ? names[r] : "?";
}

/* ------------------------------------------------------------------ commands */

/* The names of the blocks a board has (HELLO's features), and any bit this CLI does not
 * know in hex. */
static void print_features(uint32_t features)
{
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {VIDALLOC_FEATURE_UART, "UART"},     {VIDALLOC_FEATURE_TIMER, "TIMER"},
        {VIDALLOC_FEATURE_SPIFLASH, "SPIFLASH"}, {VIDALLOC_FEATURE_MEMCTL, "MEMCTL"},
        {VIDALLOC_FEATURE_GPU, "GPU"},
    };
    uint32_t known = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        known |= names[i].bit;
        if (features & names[i].bit)
            printf(" %s", names[i].name);
    }
    if (features & ~known)
        printf(" 0x%08X", features & ~known);
    if (!(features & VIDALLOC_FEATURE_GPU))
        printf(" (no GPU: pfnRenderCb and the gpu-* commands are refused)");
    printf("\n");
}

static int cmd_info(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return bad("info", "takes no arguments", NULL);
    vidalloc_info in;
    vidalloc_get_info(g_dev, &in);
    printf("device       %s (transport %s, %u baud)\n", in.uri, in.transport, in.baud);
    printf("firmware     %s, wire version %u, window %u, max payload %u\n", in.fw_version,
           in.wire_version, in.window, in.max_payload);
    printf("soc          %c%c%c%c rtl %u.%u.%u, clock %u Hz, VRAM %u bytes\n",
           (char)(in.soc_id >> 24), (char)(in.soc_id >> 16), (char)(in.soc_id >> 8),
           (char)in.soc_id, (in.soc_version >> 16) & 0xFF, (in.soc_version >> 8) & 0xFF,
           in.soc_version & 0xFF, in.clk_hz, in.vram_size);
    printf("features     0x%08X:", in.features);
    print_features(in.features);
    printf("hDevice      0x%08X\n", in.hDevice);
    printf("limits       %u allocations per call, %u bytes per frame, %u-byte data chunks "
           "(960 over the UART, less while frames fail)\n",
           in.max_allocations_per_call, VD_WIRE_MAX_PAYLOAD, VD_WIRE_MAX_CHUNK);
    if (in.max_allocations || in.max_resources || in.max_devices)
        printf("board        %u allocations, %u resources, %u devices at most\n",
               in.max_allocations, in.max_resources, in.max_devices);
    else
        printf("board        pool limits not reported (a firmware from before HELLO's limits)\n");
    printf("link         %llu frames sent, %llu received, %llu retransmissions, %llu dropped\n",
           (unsigned long long)in.frames_sent, (unsigned long long)in.frames_received,
           (unsigned long long)in.retransmissions, (unsigned long long)in.frames_dropped);
    static const char *const states[] = {"up", "lost (the next call resumes)",
                                         "board reset (reopen)", "closed (the board is gone)"};
    printf("link state   %s; %llu losses, %llu resumes, %llu timeouts, %llu SYNCs%s\n",
           in.link_state < 4 ? states[in.link_state] : "?", (unsigned long long)in.link_losses,
           (unsigned long long)in.resumes, (unsigned long long)in.timeouts,
           (unsigned long long)in.syncs,
           in.device_removed ? "; the firmware removed the device (reopen)" : "");
    if (in.line_faults)
        printf("line faults  %llu injected by the simulator\n", (unsigned long long)in.line_faults);
    if (in.sim_cycles)
        printf("simulated    %llu cycles\n", (unsigned long long)in.sim_cycles);
    return 0;
}

static int parse_format(const char *s, D3DDDIFORMAT *f)
{
    static const struct {
        const char *name;
        D3DDDIFORMAT f;
    } names[] = {{"A8R8G8B8", D3DDDIFMT_A8R8G8B8}, {"X8R8G8B8", D3DDDIFMT_X8R8G8B8},
                 {"R5G6B5", D3DDDIFMT_R5G6B5}, {"A8", D3DDDIFMT_A8}, {"UNKNOWN", D3DDDIFMT_UNKNOWN}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!strcasecmp(s, names[i].name)) {
            *f = names[i].f;
            return 0;
        }
    }
    uint32_t v;
    if (parse_u32(s, &v))
        return -1;
    *f = (D3DDDIFORMAT)v;
    return 0;
}

static int parse_usage(char *s, uint32_t *usage)
{
    *usage = 0;
    if (!strcmp(s, "none"))
        return 0;
    for (char *tok = strtok(s, ","); tok; tok = strtok(NULL, ",")) {
        if (!strcmp(tok, "rt")) *usage |= VD_SURFACE_USAGE_RENDERTARGET;
        else if (!strcmp(tok, "read")) *usage |= VD_SURFACE_USAGE_CPU_READ;
        else if (!strcmp(tok, "write")) *usage |= VD_SURFACE_USAGE_CPU_WRITE;
        else if (!strcmp(tok, "cached")) *usage |= VD_SURFACE_USAGE_CPU_CACHED;
        else if (!strcmp(tok, "permanent")) *usage |= VD_SURFACE_USAGE_PERMANENT_SYSMEM;
        else if (!strcmp(tok, "protected")) *usage |= VD_SURFACE_USAGE_PROTECTED;
        else {
            uint32_t v;
            if (parse_u32(tok, &v))
                return -1;
            *usage |= v;
        }
    }
    return 0;
}

static int cmd_alloc(int argc, char **argv)
{
    const char *what = NULL;
    int primary = 0, stereo = 0, sysmem = 0;
    uint32_t vidpn = 0, count = 1, resource = 0, refn = 0, refd = 0;
    uint32_t usage = VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE;
    int have_refresh = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int more = i + 1 < argc;
        if (!strcmp(a, "--primary")) primary = 1;
        else if (!strcmp(a, "--stereo")) stereo = 1;
        else if (!strcmp(a, "--sysmem")) sysmem = 1;
        else if (!strcmp(a, "--vidpn") && more) {
            if (parse_u32(argv[++i], &vidpn)) return bad("alloc", "bad --vidpn", argv[i]);
        } else if (!strcmp(a, "--count") && more) {
            if (parse_u32(argv[++i], &count)) return bad("alloc", "bad --count", argv[i]);
        } else if (!strcmp(a, "--resource") && more) {
            if (parse_u32(argv[++i], &resource)) return bad("alloc", "bad --resource", argv[i]);
        } else if (!strcmp(a, "--usage") && more) {
            if (parse_usage(argv[++i], &usage)) return bad("alloc", "bad --usage", argv[i]);
        } else if (!strcmp(a, "--refresh") && more) {
            if (sscanf(argv[++i], "%u/%u", &refn, &refd) != 2)
                return bad("alloc", "bad --refresh (N/D)", argv[i]);
            have_refresh = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            return bad("alloc", "unknown option or missing value:", a);
        } else if (!what) {
            what = a;
        } else {
            return bad("alloc", "unexpected argument", a);
        }
    }
    if (!what)
        return bad("alloc", "needs SIZE or WxH:FORMAT", NULL);
    vd_surface_desc desc;
    uint32_t bytes = 0, w, h;
    char fmt[32];
    if (sscanf(what, "%ux%u:%31s", &w, &h, fmt) == 3) {
        D3DDDIFORMAT f;
        if (parse_format(fmt, &f))
            return bad("alloc", "unknown format", fmt);
        vidalloc_surface_desc(&desc, w, h, f, usage);
        uint32_t bpp = f == D3DDDIFMT_A8 ? 1 : f == D3DDDIFMT_R5G6B5 ? 2 : 4;
        bytes = w * h * bpp;
    } else if (!parse_u32(what, &bytes)) {
        vidalloc_buffer_desc(&desc, bytes, usage);
    } else {
        return bad("alloc", "not a size or WxH:FORMAT:", what);
    }
    if (primary && !have_refresh) {
        refn = 60;
        refd = 1;
    }
    desc.RefreshRateNumerator = refn;
    desc.RefreshRateDenominator = refd;
    if (count == 0 || count > 1024)
        count = count ? 1024 : 0; /* 0 goes through: the library rejects it */
    if (device())
        return 1;

    D3DDDI_ALLOCATIONINFO *info = calloc(count ? count : 1, sizeof *info);
    void **mem = calloc(count ? count : 1, sizeof *mem);
    if (!info || !mem) {
        free(info);
        free(mem);
        return fail("alloc", E_OUTOFMEMORY);
    }
    for (uint32_t k = 0; k < count; k++) {
        info[k].pPrivateDriverData = &desc;
        info[k].PrivateDriverDataSize = sizeof desc;
        info[k].VidPnSourceId = vidpn;
        info[k].Flags.Primary = primary ? 1u : 0u;
        info[k].Flags.Stereo = stereo ? 1u : 0u;
        if (sysmem) {
            mem[k] = calloc(bytes ? bytes : 1, 1); /* kept for the session (the runtime's) */
            info[k].pSystemMem = mem[k];
        }
    }
    D3DDDICB_ALLOCATE cb;
    memset(&cb, 0, sizeof cb);
    cb.hResource = (HANDLE)(uintptr_t)resource;
    cb.NumAllocations = count;
    cb.pAllocationInfo = info;
    HRESULT hr = g_cb.pfnAllocateCb(g_dev, &cb);
    if (FAILED(hr)) {
        for (uint32_t k = 0; k < count; k++)
            free(mem[k]);
        free(info);
        free(mem);
        return fail("alloc: pfnAllocateCb", hr);
    }
    printf("pfnAllocateCb: S_OK");
    if (resource) {
        g_last_kmr = cb.hKMResource;
        printf(", hKMResource 0x%08X", cb.hKMResource);
    }
    printf("\n");
    for (uint32_t k = 0; k < count; k++) {
        vd_wire_allocation_info ai;
        int idx = g_nhandles < MAX_HANDLES ? (int)g_nhandles : -1;
        if (idx >= 0)
            g_handles[g_nhandles++] = info[k].hAllocation;
        printf("  %%%d hAllocation 0x%08X", idx, info[k].hAllocation);
        if (SUCCEEDED(vidalloc_query_allocation(g_dev, info[k].hAllocation, &ai)))
            printf("  %s offset 0x%05X size %u align %u flags 0x%X", residency_name(ai.residency),
                   ai.offset, ai.size, ai.alignment, ai.flags);
        printf("\n");
    }
    free(info);
    free(mem); /* the system memory blocks themselves stay for the session */
    return 0;
}

static int cmd_free(int argc, char **argv)
{
    D3DDDICB_DEALLOCATE d;
    memset(&d, 0, sizeof d);
    D3DKMT_HANDLE list[256];
    UINT n = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--resource") && i + 1 < argc) {
            uint32_t r;
            if (parse_u32(argv[++i], &r) || !r)
                return bad("free", "bad --resource", argv[i]);
            d.hResource = (HANDLE)(uintptr_t)r;
        } else {
            if (n == 256)
                return bad("free", "at most 256 handles", NULL);
            if (parse_handle(argv[i], &list[n]))
                return bad("free", "not a handle:", argv[i]);
            n++;
        }
    }
    if (!d.hResource && !n)
        return bad("free", "needs handles or --resource", NULL);
    if (device())
        return 1;
    d.NumAllocations = n;
    d.HandleList = n ? list : NULL;
    HRESULT hr = g_cb.pfnDeallocateCb(g_dev, &d);
    if (FAILED(hr))
        return fail("free: pfnDeallocateCb", hr);
    printf("pfnDeallocateCb: S_OK\n");
    return 0;
}

/* Lock [offset, offset+length) of h (page list, or LockEntire when it is all of it). */
static HRESULT lock_range(D3DKMT_HANDLE h, uint32_t offset, uint32_t length, uint32_t size,
                          UINT flags, D3DDDICB_LOCK *lk, UINT *pages)
{
    memset(lk, 0, sizeof *lk);
    lk->hAllocation = h;
    lk->Flags.Value = flags;
    if (offset == 0 && length == size) {
        lk->Flags.LockEntire = 1;
    } else {
        UINT first = offset / D3DDDI_LOCK_PAGE_SIZE;
        UINT last = (offset + length - 1) / D3DDDI_LOCK_PAGE_SIZE;
        for (UINT p = first; p <= last; p++)
            pages[lk->NumPages++] = p;
        lk->pPages = pages;
        flags &= ~(UINT)(D3DDDILOCK_WRITEONLY | D3DDDILOCK_DISCARD); /* partial pages: RMW */
        lk->Flags.Value = flags;
    }
    return g_cb.pfnLockCb(g_dev, lk);
}

static int range_args(const char *cmd, int argc, char **argv, int first, uint32_t size,
                      uint32_t *offset, uint32_t *length)
{
    *offset = 0;
    *length = 0xFFFFFFFFu;
    for (int i = first; i < argc; i++) {
        if (!strcmp(argv[i], "--offset") && i + 1 < argc) {
            if (parse_u32(argv[++i], offset)) return bad(cmd, "bad --offset", argv[i]);
        } else if (!strcmp(argv[i], "--length") && i + 1 < argc) {
            if (parse_u32(argv[++i], length)) return bad(cmd, "bad --length", argv[i]);
        } else {
            return bad(cmd, "unexpected argument", argv[i]);
        }
    }
    if (*offset > size)
        return bad(cmd, "offset beyond the allocation", NULL);
    if (*length > size - *offset)
        *length = size - *offset;
    return 0;
}

static int alloc_size(const char *cmd, D3DKMT_HANDLE h, uint32_t *size)
{
    vd_wire_allocation_info ai;
    HRESULT hr = vidalloc_query_allocation(g_dev, h, &ai);
    if (FAILED(hr)) {
        char what[64];
        snprintf(what, sizeof what, "%s: 0x%08X", cmd, h);
        return fail(what, hr);
    }
    *size = ai.size;
    return 0;
}

static void hexdump(const uint8_t *p, uint32_t base, uint32_t len)
{
    for (uint32_t i = 0; i < len; i += 16) {
        printf("%08x ", base + i);
        for (uint32_t k = 0; k < 16; k++) {
            if (i + k < len)
                printf(" %02x", p[i + k]);
            else
                printf("   ");
        }
        printf("  |");
        for (uint32_t k = 0; k < 16 && i + k < len; k++)
            putchar(isprint(p[i + k]) ? p[i + k] : '.');
        printf("|\n");
    }
}

static int rw_common(const char *cmd, int argc, char **argv, int mode)
{
    /* mode 0 read, 1 write, 2 fill */
    D3DKMT_HANDLE h;
    if (argc < 2 || parse_handle(argv[1], &h))
        return bad(cmd, "needs a HANDLE", argc > 1 ? argv[1] : NULL);
    if (device())
        return 1;
    uint32_t size, offset, length;
    uint8_t bytes[4096];
    uint32_t nbytes = 0, fill = 0;
    int r = alloc_size(cmd, h, &size);
    if (r)
        return r;
    if (mode == 1) {
        if (argc != 4 || parse_u32(argv[2], &offset))
            return bad(cmd, "needs HANDLE OFFSET HEXBYTES", NULL);
        const char *hx = argv[3];
        if (!strncmp(hx, "0x", 2))
            hx += 2;
        size_t hl = strlen(hx);
        if (hl == 0 || hl % 2 || hl / 2 > sizeof bytes)
            return bad(cmd, "HEXBYTES: an even number of hex digits (up to 8192)", NULL);
        for (size_t i = 0; i < hl / 2; i++) {
            unsigned v;
            if (sscanf(hx + 2 * i, "%2x", &v) != 1 || !isxdigit((unsigned char)hx[2 * i]) ||
                !isxdigit((unsigned char)hx[2 * i + 1]))
                return bad(cmd, "not hex:", argv[3]);
            bytes[nbytes++] = (uint8_t)v;
        }
        length = nbytes;
        if (offset > size || length > size - offset)
            return bad(cmd, "range beyond the allocation", NULL);
    } else {
        int first = 2;
        if (mode == 2) {
            if (argc < 3 || parse_u32(argv[2], &fill) || fill > 255)
                return bad(cmd, "needs HANDLE BYTE", NULL);
            first = 3;
        }
        if ((r = range_args(cmd, argc, argv, first, size, &offset, &length)))
            return r;
    }
    if (length == 0) {
        printf("(empty range)\n");
        return 0;
    }
    UINT *pages = calloc(size / D3DDDI_LOCK_PAGE_SIZE + 2, sizeof *pages);
    if (!pages)
        return fail(cmd, E_OUTOFMEMORY);
    UINT flags = mode == 0 ? D3DDDILOCK_READONLY : mode == 2 ? D3DDDILOCK_WRITEONLY : 0;
    D3DDDICB_LOCK lk;
    HRESULT hr = lock_range(h, offset, length, size, flags, &lk, pages);
    free(pages);
    if (FAILED(hr)) {
        char what[64];
        snprintf(what, sizeof what, "%s: pfnLockCb", cmd);
        return fail(what, hr);
    }
    uint8_t *data = (uint8_t *)lk.pData + offset;
    if (mode == 0)
        hexdump(data, offset, length);
    else if (mode == 1)
        memcpy(data, bytes, length);
    else
        memset(data, (int)fill, length);
    D3DDDICB_UNLOCK ul = {1, &h};
    hr = g_cb.pfnUnlockCb(g_dev, &ul);
    if (FAILED(hr)) {
        char what[64];
        snprintf(what, sizeof what, "%s: pfnUnlockCb", cmd);
        return fail(what, hr);
    }
    if (mode)
        printf("%s: %u bytes at offset %u of 0x%08X\n", mode == 1 ? "wrote" : "filled", length,
               offset, h);
    return 0;
}

/* ------------------------------------------------------------------ GPU */

static int context(void)
{
    if (g_ctx.hContext)
        return 0;
    memset(&g_ctx, 0, sizeof g_ctx);
    HRESULT hr = g_cb.pfnCreateContextCb(g_dev, &g_ctx);
    if (FAILED(hr)) {
        memset(&g_ctx, 0, sizeof g_ctx);
        return fail("pfnCreateContextCb", hr);
    }
    return 0;
}

static int parse_fence(const char *s, UINT *f)
{
    if (!strcmp(s, "%fence")) {
        *f = g_last_fence;
        return g_have_fence ? 0 : -1;
    }
    return parse_u32(s, f);
}

static int wait_for(const char *cmd, UINT fence, UINT timeout_ms)
{
    HRESULT hr = vidalloc_wait_fence(g_dev, fence, timeout_ms);
    if (FAILED(hr)) {
        char what[64];
        snprintf(what, sizeof what, "%s: fence %u", cmd, fence);
        return fail(what, hr);
    }
    printf("fence %u completed\n", fence);
    return 0;
}

/* Submit the context's first ncmd commands with nalloc list entries and npatch patches. */
static int submit(const char *cmd, UINT ncmd, UINT nalloc, UINT npatch, int wait)
{
    D3DDDICB_RENDER r;
    memset(&r, 0, sizeof r);
    r.hContext = g_ctx.hContext;
    r.CommandLength = ncmd * VIDALLOC_CMD_BYTES;
    r.NumAllocations = nalloc;
    r.NumPatchLocations = npatch;
    HRESULT hr = g_cb.pfnRenderCb(g_dev, &r);
    if (FAILED(hr)) {
        char what[64];
        snprintf(what, sizeof what, "%s: pfnRenderCb", cmd);
        return fail(what, hr);
    }
    /* The runtime hands the buffers back (the same ones here). */
    g_ctx.pCommandBuffer = r.pNewCommandBuffer;
    g_ctx.pAllocationList = r.pNewAllocationList;
    g_ctx.pPatchLocationList = r.pNewPatchLocationList;
    vidalloc_last_fence(g_dev, g_ctx.hContext, &g_last_fence);
    g_have_fence = 1;
    printf("pfnRenderCb: S_OK, fence %u\n", g_last_fence);
    return wait ? wait_for(cmd, g_last_fence, 10000) : 0;
}

static void list_entry(UINT k, D3DKMT_HANDLE h, int write)
{
    D3DDDI_ALLOCATIONLIST *a = &g_ctx.pAllocationList[k];
    memset(a, 0, sizeof *a);
    a->hAllocation = h;
    a->WriteOperation = write ? 1u : 0u;
}

static void patch_entry(UINT k, UINT index, UINT alloc_offset, UINT patch_offset)
{
    D3DDDI_PATCHLOCATIONLIST *p = &g_ctx.pPatchLocationList[k];
    memset(p, 0, sizeof *p);
    p->AllocationIndex = index;
    p->AllocationOffset = alloc_offset;
    p->PatchOffset = patch_offset;
}

static int cmd_gpu_fill(int argc, char **argv)
{
    D3DKMT_HANDLE h;
    uint32_t pattern, pos[2];
    int npos = 0, readonly = 0, wait = 0;
    if (argc < 3 || parse_handle(argv[1], &h) || parse_u32(argv[2], &pattern))
        return bad("gpu-fill", "needs HANDLE PATTERN", NULL);
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--readonly"))
            readonly = 1;
        else if (!strcmp(argv[i], "--wait"))
            wait = 1;
        else if (npos < 2 && !parse_u32(argv[i], &pos[npos]))
            npos++;
        else
            return bad("gpu-fill", "unexpected argument", argv[i]);
    }
    if (npos == 1)
        return bad("gpu-fill", "OFFSET needs BYTES too", NULL);
    if (device() || context())
        return 1;
    uint32_t size, offset = npos ? pos[0] : 0, bytes;
    int r = alloc_size("gpu-fill", h, &size);
    if (r)
        return r;
    bytes = npos ? pos[1] : size > offset ? size - offset : 0;
    vidalloc_cmd_fill(g_ctx.pCommandBuffer, 0, pattern, bytes);
    list_entry(0, 0, 0); /* entry 0: the NULL allocation */
    list_entry(1, h, !readonly);
    patch_entry(0, 1, offset, VIDALLOC_CMD_DST_OFFSET);
    printf("FILL 0x%08X x %u bytes at offset %u of 0x%08X%s\n", pattern, bytes, offset, h,
           readonly ? " (listed read-only)" : "");
    return submit("gpu-fill", 1, 2, 1, wait);
}

static int cmd_gpu_copy(int argc, char **argv)
{
    D3DKMT_HANDLE dst, src;
    uint32_t bytes = 0, doff = 0, soff = 0;
    int have_bytes = 0, wait = 0;
    if (argc < 3 || parse_handle(argv[1], &dst) || parse_handle(argv[2], &src))
        return bad("gpu-copy", "needs DST SRC", NULL);
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--wait")) {
            wait = 1;
        } else if (!strcmp(argv[i], "--dst-offset") && i + 1 < argc) {
            if (parse_u32(argv[++i], &doff)) return bad("gpu-copy", "bad --dst-offset", argv[i]);
        } else if (!strcmp(argv[i], "--src-offset") && i + 1 < argc) {
            if (parse_u32(argv[++i], &soff)) return bad("gpu-copy", "bad --src-offset", argv[i]);
        } else if (!have_bytes && !parse_u32(argv[i], &bytes)) {
            have_bytes = 1;
        } else {
            return bad("gpu-copy", "unexpected argument", argv[i]);
        }
    }
    if (device() || context())
        return 1;
    uint32_t dsize, ssize;
    int r = alloc_size("gpu-copy", dst, &dsize);
    if (!r)
        r = alloc_size("gpu-copy", src, &ssize);
    if (r)
        return r;
    if (!have_bytes) {
        uint32_t a = dsize > doff ? dsize - doff : 0, b = ssize > soff ? ssize - soff : 0;
        bytes = a < b ? a : b;
    }
    vidalloc_cmd_copy(g_ctx.pCommandBuffer, 0, 0, bytes);
    list_entry(0, 0, 0);
    list_entry(1, dst, 1);
    list_entry(2, src, 0);
    patch_entry(0, 1, doff, VIDALLOC_CMD_DST_OFFSET);
    patch_entry(1, 2, soff, VIDALLOC_CMD_SRC_OFFSET);
    printf("COPY %u bytes from 0x%08X+%u to 0x%08X+%u\n", bytes, src, soff, dst, doff);
    return submit("gpu-copy", 1, 3, 2, wait);
}

static int cmd_gpu_hang(int argc, char **argv)
{
    int wait = argc == 2 && !strcmp(argv[1], "--wait");
    if (argc > 2 || (argc == 2 && !wait))
        return bad("gpu-hang", "unexpected argument", argv[1]);
    if (device() || context())
        return 1;
    vidalloc_cmd_hang(g_ctx.pCommandBuffer);
    return submit("gpu-hang", 1, 0, 0, wait);
}

static int cmd_wait(int argc, char **argv)
{
    UINT fence = g_last_fence, timeout = 10000;
    int have = g_have_fence;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
            if (parse_u32(argv[++i], &timeout)) return bad("wait", "bad --timeout", argv[i]);
        } else if (!parse_fence(argv[i], &fence)) {
            have = 1;
        } else {
            return bad("wait", "not a fence:", argv[i]);
        }
    }
    if (!have)
        return bad("wait", "no FENCE given and nothing submitted in this session", NULL);
    if (device())
        return 1;
    return wait_for("wait", fence, timeout);
}

static int cmd_gpu_state(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return bad("gpu-state", "takes no arguments", NULL);
    if (device())
        return 1;
    vd_wire_gpu_state st;
    HRESULT hr = vidalloc_escape_gpu_state(g_dev, &st);
    if (FAILED(hr))
        return fail("gpu-state", hr);
    printf("engine       %s (%u)\n", vidalloc_gpu_state_name(st.engine_state), st.engine_state);
    printf("fences       submitted %u completed %u\n", st.submitted, st.completed);
    printf("timeouts     %u since boot, %u in the window; adapter %s\n", st.timeouts,
           st.timeouts_in_window, st.adapter_removed ? "REMOVED" : "present");
    printf("faults       %u (last at 0x%08X, info 0x%08X); bad commands %u\n", st.faults,
           st.last_fault_addr, st.last_fault_info, st.errors);
    printf("ring         %u bytes free\n", st.ring_free);
    vd_wire_memctl_stats ms;
    hr = vidalloc_query_memctl_stats(g_dev, &ms);
    if (FAILED(hr))
        return fail("gpu-state", hr);
    printf("VRAM port    accesses / stall cycles since the engine started: CPU %u / %u, "
           "GPU %u / %u, DMA %u / %u, scanout %u / %u\n", ms.cpu_req, ms.cpu_stall,
           ms.gpu_req, ms.gpu_stall, ms.dma_req, ms.dma_stall, ms.scan_req, ms.scan_stall);
    return 0;
}

static int cmd_tdr(int argc, char **argv)
{
    uint32_t delay = 0, window = 0;
    int have_delay = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--delay") && i + 1 < argc) {
            if (parse_u32(argv[++i], &delay)) return bad("tdr", "bad --delay", argv[i]);
            have_delay = 1;
        } else if (!strcmp(argv[i], "--window") && i + 1 < argc) {
            if (parse_u32(argv[++i], &window)) return bad("tdr", "bad --window", argv[i]);
        } else {
            return bad("tdr", "unexpected argument", argv[i]);
        }
    }
    if (!have_delay)
        return bad("tdr", "needs --delay CYCLES (0 = default)", NULL);
    if (device())
        return 1;
    UINT d, w;
    HRESULT hr = vidalloc_escape_set_tdr(g_dev, delay, window, &d, &w);
    if (FAILED(hr))
        return fail("tdr", hr);
    printf("TdrDelay %u cycles, window %u cycles\n", d, w);
    return 0;
}

static int cmd_reopen(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return bad("reopen", "takes no arguments", NULL);
    if (!g_dev)
        return device();
    g_nhandles = 0;
    g_last_kmr = 0;
    g_have_fence = 0;
    memset(&g_ctx, 0, sizeof g_ctx);
    HRESULT hr = vidalloc_reopen(g_dev);
    if (FAILED(hr))
        return fail("reopen", hr);
    vidalloc_info in;
    vidalloc_get_info(g_dev, &in);
    printf("reopened: hDevice 0x%08X\n", in.hDevice);
    return 0;
}

static int run_command(int argc, char **argv);

static int cmd_expect(int argc, char **argv)
{
    if (argc < 3)
        return bad("expect", "needs HRESULT COMMAND", NULL);
    uint32_t want_num;
    int numeric = !parse_u32(argv[1], &want_num);
    g_last_hr = S_OK;
    int status = run_command(argc - 2, argv + 2);
    if (status == 2)
        return 2;
    int match = status == 1 && (numeric ? (uint32_t)g_last_hr == want_num
                                        : !strcmp(vidalloc_hresult_name(g_last_hr), argv[1]));
    if (match) {
        printf("expect: %s failed with %s, as expected\n", argv[2], argv[1]);
        return 0;
    }
    fprintf(stderr, "vidalloc: expect: %s gave %s (0x%08X), not %s\n", argv[2],
            status ? vidalloc_hresult_name(g_last_hr) : "success", status ? (unsigned)g_last_hr : 0u,
            argv[1]);
    return 1;
}

static int cmd_stats(int argc, char **argv)
{
    (void)argv;
    if (argc != 1)
        return bad("stats", "takes no arguments", NULL);
    if (device())
        return 1;
    vd_wire_segment_stats s;
    HRESULT hr = vidalloc_query_segment_stats(g_dev, &s);
    if (FAILED(hr))
        return fail("stats", hr);
    printf("segment 1 (VRAM): size %u used %u free %u largest free %u fragmentation %u.%u%%\n",
           s.size, s.used, s.free, s.largest_free, s.fragmentation_permille / 10,
           s.fragmentation_permille % 10);
    printf("objects: %u allocations, %u resources, %u devices\n", s.allocations, s.resources,
           s.devices);
    return 0;
}

static int cmd_query(int argc, char **argv)
{
    D3DKMT_HANDLE h;
    if (argc < 3 || parse_handle(argv[2], &h))
        return bad("query", "needs WHAT HANDLE", NULL);
    if (device())
        return 1;
    const char *w = argv[1];
    HRESULT hr;
    if (!strcmp(w, "handle-data")) {
        UINT type = VIDALLOC_HANDLE_ALLOCATION;
        if (argc > 3 && !strcmp(argv[3], "resource"))
            type = VIDALLOC_HANDLE_RESOURCE;
        uint8_t buf[VD_WIRE_MAX_PAYLOAD];
        UINT n = 0;
        hr = vidalloc_query_handle_data(g_dev, h, type, buf, sizeof buf, &n);
        if (FAILED(hr))
            return fail("query handle-data", hr);
        printf("DxgkCbGetHandleData(0x%08X): %u bytes\n", h, n);
        hexdump(buf, 0, n < sizeof buf ? n : (UINT)sizeof buf);
    } else if (!strcmp(w, "children")) {
        for (UINT i = 0;; i++) {
            D3DKMT_HANDLE c;
            hr = vidalloc_query_child(g_dev, h, i, &c);
            if (FAILED(hr))
                return fail("query children", hr);
            printf("DxgkCbEnumHandleChildren(0x%08X, %u) = 0x%08X\n", h, i, c);
            if (!c)
                break;
        }
    } else if (!strcmp(w, "parent")) {
        D3DKMT_HANDLE p;
        hr = vidalloc_query_parent(g_dev, h, &p);
        if (FAILED(hr))
            return fail("query parent", hr);
        printf("DxgkCbGetHandleParent(0x%08X) = 0x%08X\n", h, p);
    } else if (!strcmp(w, "alloc")) {
        vd_wire_allocation_info ai;
        hr = vidalloc_query_allocation(g_dev, h, &ai);
        if (FAILED(hr))
            return fail("query alloc", hr);
        printf("0x%08X: device 0x%08X resource 0x%08X %s segment %u offset 0x%X size %u "
               "align %u flags 0x%X\n", h, ai.hDevice, ai.hKMResource,
               residency_name(ai.residency), ai.segment, ai.offset, ai.size, ai.alignment,
               ai.flags);
    } else if (!strcmp(w, "describe")) {
        vd_wire_describe d;
        hr = vidalloc_describe_allocation(g_dev, h, &d);
        if (FAILED(hr))
            return fail("query describe", hr);
        printf("DxgkDdiDescribeAllocation(0x%08X): %ux%u format %u refresh %u/%u\n", h, d.Width,
               d.Height, d.Format, d.RefreshRateNumerator, d.RefreshRateDenominator);
    } else {
        return bad("query", "unknown WHAT", w);
    }
    return 0;
}

static int run_command(int argc, char **argv)
{
    if (argc == 0)
        return 0;
    const char *c = argv[0];
    if (!strcmp(c, "help") || !strcmp(c, "--help") || !strcmp(c, "-h"))
        return help_cmd(argc, argv);
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            char *hv[2] = {"help", argv[0]};
            return help_cmd(2, hv);
        }
    if (!strcmp(c, "info")) {
        if (device())
            return 1;
        return cmd_info(argc, argv);
    }
    if (!strcmp(c, "alloc")) return cmd_alloc(argc, argv);
    if (!strcmp(c, "free")) return cmd_free(argc, argv);
    if (!strcmp(c, "read")) return rw_common("read", argc, argv, 0);
    if (!strcmp(c, "write")) return rw_common("write", argc, argv, 1);
    if (!strcmp(c, "fill")) return rw_common("fill", argc, argv, 2);
    if (!strcmp(c, "stats")) return cmd_stats(argc, argv);
    if (!strcmp(c, "query")) return cmd_query(argc, argv);
    if (!strcmp(c, "gpu-fill")) return cmd_gpu_fill(argc, argv);
    if (!strcmp(c, "gpu-copy")) return cmd_gpu_copy(argc, argv);
    if (!strcmp(c, "gpu-hang")) return cmd_gpu_hang(argc, argv);
    if (!strcmp(c, "gpu-state")) return cmd_gpu_state(argc, argv);
    if (!strcmp(c, "wait")) return cmd_wait(argc, argv);
    if (!strcmp(c, "tdr")) return cmd_tdr(argc, argv);
    if (!strcmp(c, "reopen")) return cmd_reopen(argc, argv);
    if (!strcmp(c, "expect")) return cmd_expect(argc, argv);
    fprintf(stderr, "vidalloc: unknown command '%s' (see vidalloc --help)\n", c);
    return 2;
}

static int run_script(const char *path, int echo)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!f) {
        fprintf(stderr, "vidalloc: %s: %s\n", path, strerror(errno));
        return 2;
    }
    char line[4096];
    int status = 0, lineno = 0;
    while (!status && fgets(line, sizeof line, f)) {
        lineno++;
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *argv[MAX_ARGS];
        int argc = 0;
        for (char *tok = strtok(line, " \t\r\n"); tok && argc < MAX_ARGS; tok = strtok(NULL, " \t\r\n"))
            argv[argc++] = tok;
        if (!argc)
            continue;
        if (echo) {
            printf("vidalloc>");
            for (int i = 0; i < argc; i++)
                printf(" %s", argv[i]);
            printf("\n");
        }
        status = run_command(argc, argv);
        if (status)
            fprintf(stderr, "vidalloc: %s:%d: stopped\n", path, lineno);
    }
    if (f != stdin)
        fclose(f);
    return status;
}

int main(int argc, char **argv)
{
    const char *script = NULL;
    int i = 1;
    /* Line-buffered even into a pipe, so results and error messages keep their order. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        if (!strcmp(argv[i], "--dev") && i + 1 < argc) {
            g_uri = argv[++i];
        } else if (!strcmp(argv[i], "--script") && i + 1 < argc) {
            script = argv[++i];
        } else if (!strcmp(argv[i], "-v")) {
            g_verbose = 1;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "vidalloc: unknown option '%s' (see vidalloc --help)\n", argv[i]);
            return 2;
        }
    }
    if (i == argc && !script) {
        usage(stderr);
        return 2;
    }
    int status = 0;
    int multi = script != NULL;
    for (int k = i; k < argc; k++)
        if (!strcmp(argv[k], ";"))
            multi = 1;
    /* Commands on the command line, separated by ';'. */
    while (!status && i < argc) {
        int start = i;
        while (i < argc && strcmp(argv[i], ";"))
            i++;
        if (multi && i > start) {
            printf("vidalloc>");
            for (int k = start; k < i; k++)
                printf(" %s", argv[k]);
            printf("\n");
        }
        status = run_command(i - start, argv + start);
        if (i < argc)
            i++; /* skip ';' */
    }
    if (!status && script)
        status = run_script(script, 1);
    if (g_dev) {
        HRESULT hr = vidalloc_close(g_dev);
        if (FAILED(hr) && !status)
            status = fail("close", hr);
    }
    return status;
}
