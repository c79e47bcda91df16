/* Device URIs: scheme[:path][?key=value&...]. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vd_host.h"

static int copy_part(char *dst, size_t cap, const char *src, size_t len, const char *what,
                     const char *uri)
{
    if (len >= cap) {
        vd_fail(E_INVALIDARG, "device URI '%s': %s too long", uri, what);
        return -1;
    }
    memcpy(dst, src, len);
    dst[len] = '\0';
    return 0;
}

int vd_uri_parse(const char *s, vd_uri *u)
{
    memset(u, 0, sizeof *u);
    if (!s || !*s) {
        vd_fail(E_INVALIDARG, "empty device URI");
        return -1;
    }
    const char *q = strchr(s, '?');
    const char *end = q ? q : s + strlen(s);
    const char *colon = memchr(s, ':', (size_t)(end - s));
    const char *scheme_end = colon ? colon : end;
    if (scheme_end == s) {
        vd_fail(E_INVALIDARG, "device URI '%s': no scheme (uart:, sim, inproc)", s);
        return -1;
    }
    if (copy_part(u->scheme, sizeof u->scheme, s, (size_t)(scheme_end - s), "scheme", s))
        return -1;
    for (const char *c = u->scheme; *c; c++) {
        /* '-' inside a name (board-sim), as RFC 3986 allows. */
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
              (*c == '-' && c != u->scheme))) {
            vd_fail(E_INVALIDARG, "device URI '%s': bad scheme", s);
            return -1;
        }
    }
    if (colon && copy_part(u->path, sizeof u->path, colon + 1, (size_t)(end - colon - 1), "path", s))
        return -1;
    if (colon && !u->path[0]) {
        vd_fail(E_INVALIDARG, "device URI '%s': empty path after ':'", s);
        return -1;
    }
    if (!q)
        return 0;
    const char *p = q + 1;
    if (!*p) {
        vd_fail(E_INVALIDARG, "device URI '%s': nothing after '?'", s);
        return -1;
    }
    while (*p) {
        const char *amp = strchr(p, '&');
        const char *pend = amp ? amp : p + strlen(p);
        const char *eq = memchr(p, '=', (size_t)(pend - p));
        if (!eq || eq == p) {
            vd_fail(E_INVALIDARG, "device URI '%s': parameters are key=value", s);
            return -1;
        }
        if (u->nparams == VD_URI_MAX_PARAMS) {
            vd_fail(E_INVALIDARG, "device URI '%s': too many parameters", s);
            return -1;
        }
        unsigned i = u->nparams++;
        if (copy_part(u->params[i].key, sizeof u->params[i].key, p, (size_t)(eq - p), "key", s) ||
            copy_part(u->params[i].value, sizeof u->params[i].value, eq + 1,
                      (size_t)(pend - eq - 1), "value", s))
            return -1;
        for (unsigned j = 0; j < i; j++) {
            if (!strcmp(u->params[j].key, u->params[i].key)) {
                vd_fail(E_INVALIDARG, "device URI '%s': '%s' given twice", s, u->params[i].key);
                return -1;
            }
        }
        p = amp ? amp + 1 : pend;
        if (amp && !*p) {
            vd_fail(E_INVALIDARG, "device URI '%s': trailing '&'", s);
            return -1;
        }
    }
    return 0;
}

const char *vd_uri_get(const vd_uri *u, const char *key)
{
    for (unsigned i = 0; i < u->nparams; i++)
        if (!strcmp(u->params[i].key, key))
            return u->params[i].value;
    return NULL;
}

const char *vd_uri_get_or_env(const vd_uri *u, const char *key, const char *env,
                              const char *fallback)
{
    const char *v = vd_uri_get(u, key);
    if (!v)
        v = getenv(env);
    return v && *v ? v : fallback;
}

int vd_uri_get_u32(const vd_uri *u, const char *key, uint32_t def, uint32_t *out)
{
    const char *v = vd_uri_get(u, key);
    if (!v) {
        *out = def;
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long x = strtoull(v, &end, 0);
    if (errno || end == v || *end || x > 0xFFFFFFFFull || *v == '-') {
        vd_fail(E_INVALIDARG, "device URI: %s=%s is not a number", key, v);
        return -1;
    }
    *out = (uint32_t)x;
    return 0;
}

int vd_uri_check_keys(const vd_uri *u, const char *const *known)
{
    for (unsigned i = 0; i < u->nparams; i++) {
        const char *const *k = known;
        while (*k && strcmp(*k, u->params[i].key))
            k++;
        if (!*k) {
            vd_fail(E_INVALIDARG, "device URI: unknown parameter '%s' for %s:", u->params[i].key,
                    u->scheme);
            return -1;
        }
    }
    return 0;
}

/* The simulator's line faults as URI keys (vd_sim.h uart_faults; sim/uart_bridge.h). */
static const char *const g_fault_keys[] = {
    "seed", "ber", "corrupt", "drop", "dup", "garbage", "garbage_max", "stall_at",
    "stall_cycles", "cut_at", "reset_at", "reset_at_request", "fault_dirs", NULL,
};

int vd_uri_is_fault_key(const char *key)
{
    for (const char *const *k = g_fault_keys; *k; k++)
        if (!strcmp(*k, key))
            return 1;
    return 0;
}

int vd_uri_faults(const vd_uri *u, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < u->nparams; i++) {
        if (!vd_uri_is_fault_key(u->params[i].key))
            continue;
        const char *k = strcmp(u->params[i].key, "fault_dirs") ? u->params[i].key : "dirs";
        int w = snprintf(out + n, cap - n, "%s%s=%s", n ? "," : "", k, u->params[i].value);
        if (w < 0 || (size_t)w >= cap - n) {
            vd_fail(E_INVALIDARG, "device URI: too many fault parameters");
            return -1;
        }
        n += (size_t)w;
    }
    /* VIDALLOC_FAULTS (the same key=value,... list) applies when the URI names none. */
    const char *env = getenv("VIDALLOC_FAULTS");
    if (!n && env && env[0])
        snprintf(out, cap, "%s", env);
    return 0;
}

int vd_uri_check_keys_faults(const vd_uri *u, const char *const *known)
{
    for (unsigned i = 0; i < u->nparams; i++) {
        if (vd_uri_is_fault_key(u->params[i].key))
            continue;
        const char *const *k = known;
        while (*k && strcmp(*k, u->params[i].key))
            k++;
        if (!*k) {
            vd_fail(E_INVALIDARG, "device URI: unknown parameter '%s' for %s: (line faults: "
                    "seed, ber, corrupt, drop, dup, garbage, garbage_max, stall_at, stall_cycles, "
                    "cut_at, reset_at, reset_at_request, fault_dirs)", u->params[i].key, u->scheme);
            return -1;
        }
    }
    return 0;
}
