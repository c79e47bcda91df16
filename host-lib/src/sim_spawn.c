/*
 * The simulator as a child process: `sim` (its UART on a pty) and `sim?link=pcie` (also its
 * PCIe link in shared memory). Spawned with stdout and stderr on pipes: it announces what it
 * opened on stdout, one line each; stderr says why when it does not start.
 */
#define _GNU_SOURCE /* pipe2, prctl */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vd_host.h"

static uint64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int vd_sim_spawn(vd_sim_proc *p, const char *sim, const char *fw, uint32_t baud,
                 const char *trace, const char *pcie)
{
    p->pid = 0;
    p->out = p->err = -1;
    int out[2], err[2];
    if (pipe2(out, O_CLOEXEC)) {
        vd_fail(E_FAIL, "sim: pipe: %s", strerror(errno));
        return -1;
    }
    if (pipe2(err, O_CLOEXEC)) {
        vd_fail(E_FAIL, "sim: pipe: %s", strerror(errno));
        close(out[0]);
        close(out[1]);
        return -1;
    }
    char baud_s[16];
    snprintf(baud_s, sizeof baud_s, "%u", baud);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        vd_fail(E_FAIL, "sim: fork: %s", strerror(errno));
        close(out[0]);
        close(out[1]);
        close(err[0]);
        close(err[1]);
        return -1;
    }
    if (pid == 0) {
        /* The simulator must not outlive this process. */
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (getppid() != parent)
            _exit(1);
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        const char *argv[16];
        int a = 0;
        argv[a++] = sim;
        argv[a++] = "--uart";
        argv[a++] = "pty";
        argv[a++] = "--firmware";
        argv[a++] = fw;
        argv[a++] = "--baud";
        argv[a++] = baud_s;
        if (trace) {
            argv[a++] = "--trace";
            argv[a++] = trace;
        }
        if (pcie) {
            argv[a++] = "--pcie";
            argv[a++] = pcie;
        }
        if (p->faults && p->faults[0]) {
            argv[a++] = "--faults";
            argv[a++] = p->faults;
        }
        argv[a] = NULL;
        execv(sim, (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", sim, strerror(errno));
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    p->pid = pid;
    p->out = out[0];
    p->err = err[0];
    return 0;
}

int vd_sim_wait_line(vd_sim_proc *p, const char *format, char *out, uint64_t timeout_us)
{
    uint64_t deadline = mono_us() + timeout_us;
    for (;;) {
        /* One byte at a time: nothing after the line is taken from the pipe. */
        char line[512];
        size_t n = 0;
        while (n + 1 < sizeof line && (n == 0 || line[n - 1] != '\n')) {
            uint64_t now = mono_us();
            struct pollfd pfd = {p->out, POLLIN, 0};
            if (now >= deadline || poll(&pfd, 1, (int)((deadline - now) / 1000u) + 1) <= 0)
                return -1;
            ssize_t r = read(p->out, line + n, 1);
            if (r <= 0)
                return -1;
            n += (size_t)r;
        }
        line[n] = '\0';
        if (sscanf(line, format, out) == 1)
            return 0;
    }
}

void vd_sim_stderr_tail(vd_sim_proc *p, char *out, size_t cap)
{
    out[0] = '\0';
    if (p->err < 0)
        return;
    size_t n = 0;
    for (;;) {
        struct pollfd pfd = {p->err, POLLIN, 0};
        if (poll(&pfd, 1, 200) <= 0 || n + 1 >= cap)
            break;
        ssize_t r = read(p->err, out + n, cap - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    out[n] = '\0';
    while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
        out[--n] = '\0';
}

int vd_sim_alive(vd_sim_proc *p)
{
    if (p->pid <= 0)
        return 0;
    int status;
    if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
        p->pid = 0; /* reaped: kill() would otherwise find a zombie "alive" */
        return 0;
    }
    return 1;
}

void vd_sim_stop(vd_sim_proc *p)
{
    if (p->pid > 0) {
        kill(p->pid, SIGTERM);
        int status;
        for (int i = 0; i < 300; i++) { /* up to 3 s, then SIGKILL */
            if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
                p->pid = 0;
                break;
            }
            usleep(10000);
        }
        if (p->pid > 0) {
            kill(p->pid, SIGKILL);
            waitpid(p->pid, &status, 0);
        }
    }
    p->pid = 0;
    if (p->out >= 0)
        close(p->out);
    if (p->err >= 0)
        close(p->err);
    p->out = p->err = -1;
}
