/*
** The tracer's syscall filter (DESIGN.md §3: seccomp.c is the only file
** that uses libseccomp). The filter traps the watched syscalls of
** syscalls.def on the native arch and its compat arches, with the
** argument checks of their C_* column; everything else runs untouched.
** Also the map from a trapped (arch, number) back to SB_SYS_*.
*/
#ifndef SB_MIRROR_SECCOMP_H
#define SB_MIRROR_SECCOMP_H

#include <stdint.h>

#include "mirror/sysrec.h"

enum sb_seccomp_action {
	SB_SECCOMP_NOTIFY,      /* user notification (unotify) */
	SB_SECCOMP_TRACE        /* RET_TRACE for a ptrace tracer */
};

struct sb_seccomp_opts {
	enum sb_seccomp_action action;
	int fd_ops;             /* also trap descriptor metadata reads */
	int deny_io_uring;      /* io_uring_setup fails with ENOSYS */
	int no_new_privs;       /* set NO_NEW_PRIVS (needed without root) */
	const unsigned char *skip;      /* [SB_SYS_COUNT]: leave these to the
	                                   kernel (--trap=decisive); or NULL */
};

/*
** Build the filter and load it into the calling process. For NOTIFY,
** returns the listener descriptor; for TRACE, 0. Returns -1 with errno
** set on failure. Meant for the child between fork and exec: it
** allocates, so the parent must be single-threaded.
*/
int sb_seccomp_install(const struct sb_seccomp_opts *o);

/* Syscall numbers per arch, back to SB_SYS_* (see sb_seccomp_sys()). */
#define SB_SYSMAP_NR 1024
#define SB_SYSMAP_ARCHES 3
struct sb_sysmap {
	uint32_t arch[SB_SYSMAP_ARCHES];        /* AUDIT_ARCH_*; 0 unused */
	uint16_t sys[SB_SYSMAP_ARCHES][SB_SYSMAP_NR];
};

/* Fill *M for the native arch and its compat arches. */
void sb_seccomp_sysmap(struct sb_sysmap *m);

/*
** The watched syscall that number NR is on AUDIT arch ARCH, or
** SB_SYS_NONE; *COMPAT is set when ARCH is not the native arch.
*/
enum sb_sys sb_seccomp_sys(const struct sb_sysmap *m, uint32_t arch,
    int64_t nr, int *compat);

/* The native arch as an AUDIT_ARCH_* value. */
uint32_t sb_seccomp_native_arch(void);

#endif
