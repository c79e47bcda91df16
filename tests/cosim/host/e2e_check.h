/*
 * e2e_check.h - what the end-to-end programs (host_e2e, render_e2e) share: one
 * "ok N - ..." / "not ok N - file:line: ..." line per check (TAP-like, read by the pytest
 * wrappers), counted in n_checks / n_failed; the device under test (uri, dev, cb); and
 * e2e_main, which runs one named group of checks on a freshly opened device. Each program
 * is one translation unit.
 */
#ifndef VD_E2E_CHECK_H
#define VD_E2E_CHECK_H

#include <stdio.h>
#include <string.h>

#include "vidalloc/vidalloc.h"

static int n_checks, n_failed;
static const char *uri = "inproc";  /* --dev */
static HANDLE dev;                  /* NULL when a group closed it for good */
static D3DDDI_DEVICECALLBACKS cb;

#define CHECK(cond, ...)                                                                    \
    do {                                                                                    \
        n_checks++;                                                                         \
        if (cond) {                                                                         \
            printf("ok %d - ", n_checks);                                                   \
        } else {                                                                            \
            n_failed++;                                                                     \
            printf("not ok %d - %s:%d: ", n_checks, __FILE__, __LINE__);                   \
        }                                                                                   \
        printf(__VA_ARGS__);                                                                \
        printf("\n");                                                                       \
    } while (0)

/* expr's HRESULT must be `expected`; the trailing text says which call it was. */
#define CHECK_HR(expr, expected, ...)                                                       \
    do {                                                                                    \
        HRESULT hr_ = (expr);                                                               \
        CHECK(hr_ == (expected), "%s (want %s) %s", vidalloc_hresult_name(hr_),             \
              vidalloc_hresult_name(expected), hr_ == (expected) ? "" : vidalloc_last_error()); \
        printf("#   ^ ");                                                                   \
        printf(__VA_ARGS__);                                                                \
        printf("\n");                                                                       \
    } while (0)

/* Usage bits of a buffer the CPU reads and writes through pfnLockCb. */
static const uint32_t CPU_RW = VD_SURFACE_USAGE_CPU_READ | VD_SURFACE_USAGE_CPU_WRITE;

typedef struct e2e_group {
    const char *name;
    void (*run)(void);
} e2e_group;

/* prog [--dev URI] GROUP: open the device, run the group, close, print a summary line.
 * Exit status 0 when every check passed, 1 when one failed, 2 for a usage error. */
static int e2e_main(const char *prog, int argc, char **argv, const e2e_group *groups, size_t n)
{
    const char *name = NULL;
    const e2e_group *g = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dev") && i + 1 < argc)
            uri = argv[++i];
        else
            name = argv[i];
    }
    for (size_t i = 0; name && i < n; i++)
        if (!strcmp(name, groups[i].name))
            g = &groups[i];
    if (!g) {
        fprintf(stderr, "usage: %s [--dev URI] GROUP (", prog);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, "%s%s", i ? "|" : "", groups[i].name);
        fprintf(stderr, ")%s%s\n", name ? ": unknown group " : "", name ? name : "");
        return 2;
    }
    HRESULT hr = vidalloc_open(uri, NULL, &dev, &cb);
    if (FAILED(hr)) {
        printf("not ok 1 - vidalloc_open(%s): %s %s\n", uri, vidalloc_hresult_name(hr),
               vidalloc_last_error());
        return 1;
    }
    g->run();
    vidalloc_info in;
    memset(&in, 0, sizeof in);
    if (dev) {
        vidalloc_get_info(dev, &in);
        CHECK_HR(vidalloc_close(dev), S_OK, "close");
    }
    printf("# %s on %s: %d checks, %d failed; %llu frames, %llu retransmissions, %llu cycles\n",
           g->name, uri, n_checks, n_failed, (unsigned long long)in.frames_sent,
           (unsigned long long)in.retransmissions, (unsigned long long)in.sim_cycles);
    return n_failed ? 1 : 0;
}

#endif /* VD_E2E_CHECK_H */
