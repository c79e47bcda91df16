/*
 * Serial transports: `uart:PATH?baud=N` (a real tty: raw 8N1), `sim` (spawn
 * vidalloc-sim with its UART on a pty, sim_spawn.c, then the same as uart) and `board-sim`
 * (the same with vidalloc-board-sim, the board's synthesized netlist).
 */
#define _GNU_SOURCE /* cfmakeraw, B3000000 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "vd_host.h"

/* The simulator runs the 12 MHz board at a few M cycles/s and shares the CPU with us. */
#define VD_SIM_SLOWDOWN 20u
/* The netlist simulator runs it at a few hundred k cycles/s (docs/board.md's figures). */
#define VD_BOARD_SIM_SLOWDOWN 400u

typedef struct uart_priv {
    int fd;
    vd_sim_proc sim;        /* sim: the simulator we spawned (pid 0: none) */
} uart_priv;

static const struct {
    uint32_t baud;
    speed_t speed;
} g_speeds[] = {
    {9600, B9600}, {19200, B19200}, {38400, B38400}, {57600, B57600}, {115200, B115200},
    {230400, B230400}, {460800, B460800}, {500000, B500000}, {576000, B576000},
    {921600, B921600}, {1000000, B1000000}, {1152000, B1152000}, {1500000, B1500000},
    {2000000, B2000000}, {2500000, B2500000}, {3000000, B3000000}, {3500000, B3500000},
    {4000000, B4000000},
};

static uint64_t wall_us(vd_transport *t)
{
    (void)t;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int open_tty(vd_transport *t, uart_priv *p, const char *path, uint32_t baud)
{
    speed_t speed = 0;
    for (size_t i = 0; i < sizeof g_speeds / sizeof g_speeds[0]; i++)
        if (g_speeds[i].baud == baud)
            speed = g_speeds[i].speed;
    if (!speed) {
        vd_fail(E_INVALIDARG, "uart: baud %u is not a standard termios rate", baud);
        return -1;
    }
    p->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (p->fd < 0) {
        vd_fail(E_FAIL, "uart: cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct termios tio;
    if (tcgetattr(p->fd, &tio) < 0) {
        vd_fail(E_FAIL, "uart: %s is not a terminal: %s", path, strerror(errno));
        return -1;
    }
    cfmakeraw(&tio);                       /* 8 data bits, no parity, no echo, no mangling */
    tio.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
    tio.c_cflag |= CS8 | CLOCAL | CREAD;   /* 8N1, ignore modem lines */
    tio.c_iflag &= ~(IXON | IXOFF | IXANY);
    tio.c_cc[VMIN] = 0;
    tio.c_cc[VTIME] = 0;
    if (cfsetspeed(&tio, speed) < 0 || tcsetattr(p->fd, TCSANOW, &tio) < 0) {
        vd_fail(E_FAIL, "uart: cannot set %s to %u baud 8N1: %s", path, baud, strerror(errno));
        return -1;
    }
    tcflush(p->fd, TCIOFLUSH);
    t->baud = baud;
    return 0;
}

static int uart_open(vd_transport *t, const vd_uri *u)
{
    static const char *const keys[] = {"baud", NULL};
    uint32_t baud;
    if (vd_uri_check_keys(u, keys) || vd_uri_get_u32(u, "baud", VD_DEFAULT_BAUD, &baud))
        return -1;
    uart_priv *p = calloc(1, sizeof *p);
    if (!p) {
        vd_fail(E_OUTOFMEMORY, "out of memory");
        return -1;
    }
    p->fd = p->sim.out = p->sim.err = -1;
    t->priv = p;
    t->slowdown = 1;
    t->boots = 0; /* a board is already running: no banner to wait for */
    return open_tty(t, p, u->path, baud);
}

static int uart_send(vd_transport *t, const uint8_t *data, size_t len)
{
    uart_priv *p = t->priv;
    while (len) {
        ssize_t n = write(p->fd, data, len);
        if (n > 0) {
            data += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            struct pollfd pfd = {p->fd, POLLOUT, 0};
            poll(&pfd, 1, 1000);
            continue;
        }
        vd_fail(D3DDDIERR_DEVICEREMOVED, "uart: write failed: %s", strerror(errno));
        return -1;
    }
    return 0;
}

static long uart_recv(vd_transport *t, uint8_t *buf, size_t cap, uint64_t timeout_us)
{
    uart_priv *p = t->priv;
    struct pollfd pfd = {p->fd, POLLIN, 0};
    uint64_t ms = (timeout_us + 999) / 1000;
    int r = poll(&pfd, 1, ms > 60000 ? 60000 : (int)ms);
    if (r < 0)
        return errno == EINTR ? 0 : -1;
    if (r == 0)
        return 0;
    ssize_t n = read(p->fd, buf, cap);
    if (n > 0)
        return (long)n;
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    vd_fail(D3DDDIERR_DEVICEREMOVED, "uart: the line closed (%s)",
            n == 0 ? "end of file" : strerror(errno));
    return -1;
}

static void uart_close(vd_transport *t)
{
    uart_priv *p = t->priv;
    if (!p)
        return;
    if (p->fd >= 0)
        close(p->fd);
    vd_sim_stop(&p->sim);
    free(p);
    t->priv = NULL;
}

/* ---- sim and board-sim: spawn a simulator with --uart pty ---- */

/* What differs between the two simulators: the program, how to override it, what it
 * announces, and how much slower than the board it runs (a factor on every timeout). */
typedef struct spawn_kind {
    const char *name;     /* URI scheme, for messages */
    const char *env;      /* environment variable naming the program */
    const char *def_bin;  /* this build's program */
    const char *announce; /* the line naming the pty (scanf format) */
    const char *build;    /* how to build it */
    const char *def_fw;   /* the firmware build its CPU runs */
    unsigned slowdown;
} spawn_kind;

static const spawn_kind g_sim = {"sim", "VIDALLOC_SIM", VD_DEFAULT_SIM_BIN,
                                 "vidalloc-sim: uart pty %255s", "make sim", VD_DEFAULT_FW_IMG,
                                 VD_SIM_SLOWDOWN};
static const spawn_kind g_board_sim = {"board-sim", "VIDALLOC_BOARD_SIM", VD_DEFAULT_BOARD_SIM_BIN,
                                       "vidalloc-board-sim: uart pty %255s", "make board-sim-build",
                                       VD_DEFAULT_BOARD_FW_IMG, VD_BOARD_SIM_SLOWDOWN};

static int spawn_open(vd_transport *t, const vd_uri *u, const spawn_kind *k)
{
    static const char *const keys[] = {"fw", "sim", "baud", "trace", "link", NULL};
    uint32_t baud;
    static _Thread_local char faults[1024];
    if (vd_uri_check_keys_faults(u, keys) || vd_uri_get_u32(u, "baud", VD_DEFAULT_BAUD, &baud) ||
        vd_uri_faults(u, faults, sizeof faults))
        return -1;
    const char *sim = vd_uri_get_or_env(u, "sim", k->env, k->def_bin);
    const char *fw = vd_uri_get_or_env(u, "fw", "VIDALLOC_FW_IMG", k->def_fw);
    const char *trace = vd_uri_get(u, "trace");
    if (access(sim, X_OK) != 0) {
        vd_fail(E_FAIL, "%s: cannot run the simulator %s (%s); build it with `%s` or set %s",
                k->name, sim, strerror(errno), k->build, k->env);
        return -1;
    }
    if (access(fw, R_OK) != 0) {
        vd_fail(E_FAIL, "%s: cannot read the firmware image %s (%s); build it with `make sim` "
                "or set VIDALLOC_FW_IMG", k->name, fw, strerror(errno));
        return -1;
    }
    uart_priv *p = calloc(1, sizeof *p);
    if (!p) {
        vd_fail(E_OUTOFMEMORY, "out of memory");
        return -1;
    }
    p->fd = p->sim.out = p->sim.err = -1;
    t->priv = p;
    t->slowdown = k->slowdown;
    t->boots = 1;
    p->sim.faults = faults; /* read by the child's exec only */
    if (vd_sim_spawn(&p->sim, sim, fw, baud, trace, NULL))
        return -1;
    /* Its first line names the pty. */
    char path[256];
    if (vd_sim_wait_line(&p->sim, k->announce, path, 30000000u)) {
        char tail[512];
        vd_sim_stderr_tail(&p->sim, tail, sizeof tail);
        vd_fail(E_FAIL, "%s: %s did not announce its pty%s%s", k->name, sim, tail[0] ? ": " : "",
                tail);
        return -1;
    }
    /* The pty has no line rate: the simulator paces the bits at --baud itself. */
    if (open_tty(t, p, path, VD_DEFAULT_BAUD))
        return -1;
    t->baud = baud;
    return 0;
}

static int sim_open(vd_transport *t, const vd_uri *u) { return spawn_open(t, u, &g_sim); }
static int board_sim_open(vd_transport *t, const vd_uri *u) { return spawn_open(t, u, &g_board_sim); }

const vd_transport_ops vd_transport_uart = {
    .name = "uart",
    .open = uart_open,
    .send = uart_send,
    .recv = uart_recv,
    .now_us = wall_us,
    .close = uart_close,
};

const vd_transport_ops vd_transport_sim = {
    .name = "sim",
    .open = sim_open,
    .send = uart_send,
    .recv = uart_recv,
    .now_us = wall_us,
    .close = uart_close,
};

const vd_transport_ops vd_transport_board_sim = {
    .name = "board-sim",
    .open = board_sim_open,
    .send = uart_send,
    .recv = uart_recv,
    .now_us = wall_us,
    .close = uart_close,
};
