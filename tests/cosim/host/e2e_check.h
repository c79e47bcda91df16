/*
 * e2e_check.h - the check macros of the end-to-end programs (host_e2e, render_e2e): one
 * "ok N - ..." / "not ok N - file:line: ..." line per check (TAP-like, read by the pytest
 * wrappers), counted in n_checks / n_failed. Each program is one translation unit.
 */
#ifndef VD_E2E_CHECK_H
#define VD_E2E_CHECK_H

#include <stdio.h>

#include "vidalloc/vidalloc.h"

static int n_checks, n_failed;

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

#endif /* VD_E2E_CHECK_H */
