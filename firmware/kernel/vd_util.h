/*
 * vd_util.h - small helpers shared by the kernel modules.
 * memset/memcpy through the compiler builtins: the modules need no libc header
 * (they build with a bare riscv64-unknown-elf-gcc -ffreestanding); the builtins
 * inline small copies and otherwise call the libc memset/memcpy at link time.
 */
#ifndef VD_UTIL_H
#define VD_UTIL_H

#define vd_memset(d, c, n) __builtin_memset((d), (c), (n))
#define vd_memcpy(d, s, n) __builtin_memcpy((d), (s), (n))

#endif /* VD_UTIL_H */
