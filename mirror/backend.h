/*
** The tracer backends (COVERAGE.md §6.2): each starts the command with
** the filter installed, hands the supervisor one trapped syscall at a
** time, captured (capture.h) while its thread is blocked, and lets the
** thread run on when told. The supervisor evaluates only after that.
*/
#ifndef SB_MIRROR_BACKEND_H
#define SB_MIRROR_BACKEND_H

#include <sys/types.h>

#include "mirror/capture.h"
#include "mirror/seccomp.h"
#include "mirror/sysrec.h"

struct sb_backend;

struct sb_backend_ops {
	const char *name;               /* "unotify", "ptrace" */
	/*
	** Run PATH (already searched for) with ARGV and the filter of
	** FILTER, its syscalls captured through CX. Returns 0, or -1 after
	** printing why the mirror could not start.
	*/
	int (*start)(struct sb_backend *b, const char *path, char *const argv[],
	    const struct sb_seccomp_opts *filter, struct sb_capture *cx);
	/*
	** Wait up to TIMEOUT ms (-1: as long as it takes) for the next
	** trapped syscall and capture it into *REC. Returns 1 with a record
	** whose thread still waits for respond(), 0 when nothing came (or a
	** signal arrived), -1 when the whole tree is gone or the backend
	** failed (then FAILED is set).
	*/
	int (*next)(struct sb_backend *b, struct sb_sysrec *rec, int timeout);
	/*
	** Let the thread of the record next() gave run on. Returns 0, or -1
	** when the record turned out to be stale (the thread left the call
	** while it was read) and is to be dropped.
	*/
	int (*respond)(struct sb_backend *b, struct sb_sysrec *rec);
	/* The direct child's wait status, once next() returned -1. */
	int (*status)(struct sb_backend *b);
	/* Kill what is left of the tree (the mirror is failing). */
	void (*kill)(struct sb_backend *b);
	void (*free)(struct sb_backend *b);
};

struct sb_backend {
	const struct sb_backend_ops *ops;
	pid_t child;                    /* the command's process */
	int execerr;                    /* read end: errno of a failed exec */
	int failed;                     /* next() returned -1 on an error, not
	                                   because the tree is gone (errno in
	                                   FAILERR) */
	int failerr;
	uint64_t nevents;               /* trapped syscalls seen */
	uint64_t nstale;                /* records dropped as stale */
};

/* Whether the kernel offers seccomp user notification with CONTINUE. */
int sb_unotify_available(void);
struct sb_backend *sb_unotify_new(void);
struct sb_backend *sb_ptrace_new(void);

/*
** Shared by the backends (supervisor.c): after fork, in the child,
** report errno of a failed exec on FD and exit 127 or 126.
*/
_Noreturn void sb_backend_exec(const char *path, char *const argv[], int fd);

#endif
