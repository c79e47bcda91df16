/* vd_syscalls: the newlib system calls firmware/lib/syscalls.c provides.
 *
 * On the target they carry newlib's names (_write, _sbrk, ...). In the host unit tests
 * (-DVD_MMIO_MOCK) they are renamed vd_sys_write, vd_sys_sbrk... so they cannot clash with
 * the host C library (_exit in particular).
 */
#ifndef VD_SYSCALLS_H
#define VD_SYSCALLS_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifdef VD_MMIO_MOCK
#define VD_SYSCALL(name) vd_sys##name
#else
#define VD_SYSCALL(name) name
#endif

int VD_SYSCALL(_write)(int fd, const void *buf, size_t len);
int VD_SYSCALL(_read)(int fd, void *buf, size_t len);
int VD_SYSCALL(_close)(int fd);
int VD_SYSCALL(_fstat)(int fd, struct stat *st);
int VD_SYSCALL(_isatty)(int fd);
off_t VD_SYSCALL(_lseek)(int fd, off_t offset, int whence);
void *VD_SYSCALL(_sbrk)(ptrdiff_t incr);
_Noreturn void VD_SYSCALL(_exit)(int code);
int VD_SYSCALL(_kill)(int pid, int sig);
int VD_SYSCALL(_getpid)(void);

/* Heap bounds for _sbrk. The firmware uses the linker script's _heap_start/_heap_end without
 * calling this; the unit tests hand it an arena. Resets the break to start. */
void vd_heap_init(void *start, void *end);

#ifdef __cplusplus
}
#endif

#endif /* VD_SYSCALLS_H */
