/* The transport for a URI scheme: the ops tables live in transport_*.c. */
#include <string.h>

#include "vd_host.h"

const vd_transport_ops *vd_transport_for(const vd_uri *u)
{
    if (!strcmp(u->scheme, "uart")) {
        if (!u->path[0]) {
            vd_fail(E_INVALIDARG, "device URI: uart needs a path (uart:/dev/ttyUSB1?baud=3000000)");
            return NULL;
        }
        return &vd_transport_uart;
    }
    if (!strcmp(u->scheme, "sim") || !strcmp(u->scheme, "inproc")) {
        if (u->path[0]) {
            vd_fail(E_INVALIDARG, "device URI: %s takes no path, only ?key=value options",
                    u->scheme);
            return NULL;
        }
        return u->scheme[0] == 's' ? &vd_transport_sim : &vd_transport_inproc;
    }
    if (!strcmp(u->scheme, "pcie")) {
        vd_fail(E_INVALIDARG, "device URI: the pcie transport is not implemented yet");
        return NULL;
    }
    vd_fail(E_INVALIDARG, "device URI: unknown scheme '%s' (uart:PATH, sim, inproc)", u->scheme);
    return NULL;
}
