/*
** `sbpl-mirror run` without its command line (DESIGN.md §7): start the
** command under a backend, answer its trapped syscalls, map them to
** accesses, attribute and hand them on, print the summary, and give back
** the exit status of run (DESIGN.md §7.3).
*/
#ifndef SB_MIRROR_SUPERVISOR_H
#define SB_MIRROR_SUPERVISOR_H

#include <stdint.h>

#include "compiler/compile.h"
#include "coverage/access.h"
#include "mirror/opmap.h"
#include "mirror/seccomp.h"

/* Exit statuses of run that are not the command's own. */
enum {
	SB_MIRROR_FAILED = 125,            /* the mirror failed */
	SB_MIRROR_NOEXEC = 126,            /* the command cannot be executed */
	SB_MIRROR_NOTFOUND = 127           /* the command is not found */
};

enum sb_backend_kind { SB_BACKEND_AUTO, SB_BACKEND_UNOTIFY, SB_BACKEND_PTRACE };

/* A process of the traced tree, told once, with its first access. */
struct sb_mirror_proc {
	int64_t pid, ppid;
	int64_t start_ns;               /* its start, ns since the epoch; 0 unknown */
	const char *exe;                /* or NULL */
	const char *argv;               /* NUL-separated, ARGVLEN bytes; or NULL */
	uint32_t argvlen;
};

/*
** Where the accesses go besides the summary and --trace-out (the
** coverage.db recorder). Every call comes from the evaluating thread,
** in order: PROCESS before the first access of each process, PUT for
** each access, IDLE when there is nothing to do for a while.
*/
struct sb_run_hooks {
	void *ctx;
	int (*put)(void *ctx, const struct sb_access *a);       /* -1: stop */
	void (*process)(void *ctx, const struct sb_mirror_proc *p);
	void (*idle)(void *ctx);
};

struct sb_run_opts {
	enum sb_backend_kind backend;
	struct sb_seccomp_opts filter;  /* action is chosen by the backend */
	struct sb_opmap_cfg opmap;
	const char *trace_out;          /* --trace-out FILE, or NULL */
	const struct sb_run_hooks *hooks;       /* or NULL */
	int quiet;                      /* no summary */
	uint32_t summary_limit;         /* lines per summary list; 0: all */
};

/*
** --trap=decisive (COVERAGE.md §6.3: let the kernel answer what needs no
** decision): set SKIP[sys] for each watched syscall whose operations the
** profile of U decides the same way for every argument, and which the
** tracer's bookkeeping does not need. Returns how many are set. Those
** operations are then unobservable, not counted.
*/
uint32_t sb_supervise_untrap(struct sb_unit *u,
    unsigned char skip[SB_SYS_COUNT]);

/*
** The operations a run that leaves SKIP (or NULL) to the kernel can
** observe, into OPS (room for MAX); their number. An operation that a
** call left to the kernel can make is not observable, even if trapped
** calls make it too: its counts would be partial.
*/
uint32_t sb_supervise_observable(const unsigned char *skip, const char **ops,
    uint32_t max);

/* What a run found that its caller records. */
struct sb_run_result {
	int io_uring;                   /* io_uring_setup was seen: partial */
	int started;                    /* the command was started */
};

/*
** Run ARGV (ARGV[0] searched in PATH) under the mirror against the
** compiled profile of U, and fill *RES. Returns the exit status run is
** to end with: the command's status, 128 + signal when it was killed,
** or SB_MIRROR_FAILED, SB_MIRROR_NOEXEC, SB_MIRROR_NOTFOUND.
*/
int sb_supervise(struct sb_unit *u, const struct sb_run_opts *o,
    char *const argv[], struct sb_run_result *res);

/*
** The backend AUTO stands for on this kernel (unotify when it offers user
** notification, else ptrace); other kinds are returned as they are.
*/
enum sb_backend_kind sb_backend_pick(enum sb_backend_kind k);
/* "unotify" or "ptrace": the run's source name. */
const char *sb_backend_name(enum sb_backend_kind k);

#endif
