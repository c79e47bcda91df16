/* The transport for a URI scheme and its link= (the ops tables live in transport_*.c). */
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
        int sim = u->scheme[0] == 's';
        if (u->path[0]) {
            vd_fail(E_INVALIDARG, "device URI: %s takes no path, only ?key=value options",
                    u->scheme);
            return NULL;
        }
        /* The simulated board has both links; the UART is the default. */
        const char *link = vd_uri_get(u, "link");
        if (!link || !strcmp(link, "uart"))
            return sim ? &vd_transport_sim : &vd_transport_inproc;
        if (!strcmp(link, "pcie"))
            return sim ? &vd_transport_sim_pcie : &vd_transport_inproc_pcie;
        vd_fail(E_INVALIDARG, "device URI: %s: link=%s (uart or pcie)", u->scheme, link);
        return NULL;
    }
    if (!strcmp(u->scheme, "board-sim")) {
        /* The board's netlist on the simulated board: a UART only, as the board has. */
        if (u->path[0] || vd_uri_get(u, "link")) {
            vd_fail(E_INVALIDARG, "device URI: board-sim takes no path and no link= (the board "
                    "has only its UART)");
            return NULL;
        }
        return &vd_transport_board_sim;
    }
    if (!strcmp(u->scheme, "pcie")) {
        vd_fail(E_INVALIDARG, "device URI: pcie:%s is not supported yet (no board with a PCIe "
                "hard block); use sim?link=pcie or inproc?link=pcie", u->path);
        return NULL;
    }
    vd_fail(E_INVALIDARG, "device URI: unknown scheme '%s' (uart:PATH, sim, inproc, board-sim; "
            "?link=pcie for the PCIe link)", u->scheme);
    return NULL;
}
