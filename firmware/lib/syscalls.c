/* The newlib system calls: stdout/stderr go to the UART, the heap is bounded by the linker
 * script, and everything else is a character device that is not there. newlib is built with
 * --disable-newlib-supplied-syscalls, so these are the only ones. */
#define _DEFAULT_SOURCE /* S_IFCHR on the host C library too */

#include "vd_syscalls.h"

#include <errno.h>
#include <stdint.h>

#include "vd_cpu.h"
#include "vd_uart.h"

static char *heap_brk;   /* current break; NULL until first use */
static char *heap_start;
static char *heap_end;

void vd_heap_init(void *start, void *end)
{
    heap_start = start;
    heap_end = end;
    heap_brk = start;
}

#ifndef VD_MMIO_MOCK
extern char _heap_start[], _heap_end[]; /* firmware/link.ld.S */
#endif

void *VD_SYSCALL(_sbrk)(ptrdiff_t incr)
{
#ifndef VD_MMIO_MOCK
    if (heap_brk == NULL)
        vd_heap_init(_heap_start, _heap_end);
#endif
    char *prev = heap_brk;
    if (prev == NULL || (incr > 0 && incr > heap_end - prev) || (incr < 0 && -incr > prev - heap_start)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    heap_brk = prev + incr;
    return prev;
}

int VD_SYSCALL(_write)(int fd, const void *buf, size_t len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    const char *p = buf;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '\n')
            vd_uart_putc('\r');
        vd_uart_putc((uint8_t)p[i]);
    }
    return (int)len;
}

int VD_SYSCALL(_read)(int fd, void *buf, size_t len)
{
    (void)fd;
    (void)buf;
    (void)len;
    return 0; /* end of file: input is the UART ring, read through vd_uart_getc() */
}

int VD_SYSCALL(_close)(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}

int VD_SYSCALL(_fstat)(int fd, struct stat *st)
{
    (void)fd;
    *st = (struct stat){0};
    st->st_mode = S_IFCHR;
    return 0;
}

int VD_SYSCALL(_isatty)(int fd)
{
    if (fd >= 0 && fd <= 2)
        return 1;
    errno = ENOTTY;
    return 0;
}

off_t VD_SYSCALL(_lseek)(int fd, off_t offset, int whence)
{
    (void)fd;
    (void)offset;
    (void)whence;
    errno = ESPIPE;
    return -1;
}

_Noreturn void VD_SYSCALL(_exit)(int code)
{
    char buf[16];
    unsigned u = code < 0 ? 0u - (unsigned)code : (unsigned)code;
    int i = (int)sizeof buf;
    buf[--i] = '\0';
    do {
        buf[--i] = (char)('0' + u % 10u);
        u /= 10u;
    } while (u);
    if (code < 0)
        buf[--i] = '-';
    vd_uart_puts("exit ");
    vd_uart_puts(&buf[i]);
    vd_uart_puts("\r\n");
    vd_uart_flush();
    vd_cpu_halt(); /* IRQs masked, ebreak: the CPU stops with trap set */
}

int VD_SYSCALL(_kill)(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}

int VD_SYSCALL(_getpid)(void)
{
    return 1;
}
