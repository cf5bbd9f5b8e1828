/*
** The traced tree (COVERAGE.md §6.6): one entry per thread id seen, with
** its process, parent, start time, executable, and cached cwd and root.
** A thread is learned at its first trapped syscall, while it is blocked
** and its /proc entries are stable. Processes are told apart by pid and
** start time: after any fork in the tree an entry's start time is checked
** again before it is trusted, which catches pid reuse.
*/
#ifndef SB_MIRROR_PROCTAB_H
#define SB_MIRROR_PROCTAB_H

#include <stdint.h>

#include "mirror/strmap.h"

struct sb_proc {
	int64_t tid;            /* the key */
	int64_t tgid;           /* its process */
	int64_t ppid;           /* the process's parent */
	int64_t pgrp;
	uint64_t start;         /* start time (clock ticks since boot) */
	uint64_t pstart;        /* the process's (leader's) start, the same */
	int fresh;              /* a process not yet reported (capture.c) */
	const char *exe;        /* interned in the table; NULL unknown */
	int exe_stale;          /* an execve was seen since exe was read */
	char *cwd;              /* cached cwd (owned), valid at cwdgen */
	uint64_t cwdgen;
	char *root;             /* cached root link (owned), valid at rootgen */
	uint64_t rootgen;
	uint64_t forkgen;       /* the table's forkgen when start was checked */
	int dead;               /* exit_group seen, or gone from /proc */
	int pidfd;              /* the process's pidfd, opened on demand; -1 */
};

struct sb_proctab {
	struct sb_proc **slots; /* open addressing on tid */
	uint32_t cap, n;
	uint64_t cwdgen;        /* bumped by chdir/fchdir anywhere */
	uint64_t rootgen;       /* bumped by chroot anywhere */
	uint64_t forkgen;       /* bumped by every fork-like call */
	struct sb_strmap exes;  /* interned executable paths */
	struct sb_strmap pids;  /* processes (tgid) seen, for the count */
	uint32_t npidfds;       /* pidfds open in entries */
	uint32_t sweepat;       /* close those of exited processes at this many */
};

void sb_proctab_init(struct sb_proctab *t);
void sb_proctab_free(struct sb_proctab *t);

/*
** The entry for thread TID, created (from /proc) on first sight and
** refreshed when pid reuse or an exec may have changed it. NULL only
** when TID is unknown and already gone from /proc.
*/
struct sb_proc *sb_proctab_get(struct sb_proctab *t, int64_t tid);

/* TID's entry if it is known, without touching /proc. */
struct sb_proc *sb_proctab_find(const struct sb_proctab *t, int64_t tid);

/*
** P's cwd, or NULL when unreadable. The string stays valid until the
** next call for P. Cached until a chdir anywhere in the tree.
*/
const char *sb_proctab_cwd(struct sb_proctab *t, struct sb_proc *p);

/* P's root as seen from ours: "/" unless chrooted. Same lifetime. */
const char *sb_proctab_root(struct sb_proctab *t, struct sb_proc *p);

/*
** A pidfd of P's process (for pidfd_getfd(2)), opened on first use and
** kept until the process is gone. -1 when it cannot be had.
*/
int sb_proctab_pidfd(struct sb_proctab *t, struct sb_proc *p);
/* P's process has ended: let go of what is held for it. */
void sb_proctab_gone(struct sb_proctab *t, struct sb_proc *p);

/* Processes seen so far. */
uint32_t sb_proctab_nprocs(const struct sb_proctab *t);

#endif
