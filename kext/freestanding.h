/*
** The whole environment kext/ may rely on (DESIGN.md §3): fixed-width
** integers, size_t, bool, and memcmp, memcpy and memset. Every kext/
** file includes this instead of any system header, so the same sources
** build in a kernel and in user space.
**
** With SB_FREESTANDING (the freestanding check of DESIGN.md §12.2, and
** kernel builds) only the headers C11 guarantees to a freestanding
** implementation are used, and the three memory functions come from the
** kernel: Kernel.framework's <string.h> under KERNEL, otherwise our own
** declarations for whatever provides them at link time. Without it,
** libc provides everything.
*/
#ifndef SB_KEXT_FREESTANDING_H
#define SB_KEXT_FREESTANDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(SB_FREESTANDING) && !defined(KERNEL)
int memcmp(const void *a, const void *b, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memset(void *dst, int c, size_t n);
#else
#include <string.h>
#endif

#endif
