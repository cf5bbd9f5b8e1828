/*
** proctab.c: the table of traced threads. /proc is read when a thread is
** first seen, when a fork anywhere may have recycled its pid, after an
** exec, and for cwd/root after a chdir/chroot anywhere; otherwise the
** cached values answer, which keeps the blocked target's wait short.
*/
#define _GNU_SOURCE
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/util.h"
#include "mirror/kernel.h"
#include "mirror/procfs.h"
#include "mirror/proctab.h"

void
sb_proctab_init(struct sb_proctab *t)
{
	memset(t, 0, sizeof *t);
	t->cwdgen = t->rootgen = 1;
	t->sweepat = 128;
}

void
sb_proctab_free(struct sb_proctab *t)
{
	uint32_t i;

	for (i = 0; i < t->cap; i++) {
		if (!t->slots[i])
			continue;
		free(t->slots[i]->cwd);
		free(t->slots[i]->root);
		if (t->slots[i]->pidfd >= 0)
			close(t->slots[i]->pidfd);
		free(t->slots[i]);
	}
	free(t->slots);
	sb_strmap_free(&t->exes);
	sb_strmap_free(&t->pids);
	memset(t, 0, sizeof *t);
}

static uint32_t
slot(const struct sb_proctab *t, int64_t tid)
{
	uint32_t i = (uint32_t)((uint64_t)tid * 0x9e3779b97f4a7c15ull >> 40);

	for (i &= t->cap - 1; t->slots[i] && t->slots[i]->tid != tid;
	    i = (i + 1) & (t->cap - 1))
		;
	return i;
}

struct sb_proc *
sb_proctab_find(const struct sb_proctab *t, int64_t tid)
{
	return t->cap ? t->slots[slot(t, tid)] : NULL;
}

static void
grow(struct sb_proctab *t)
{
	struct sb_proc **old = t->slots;
	uint32_t oldcap = t->cap, i;

	t->cap = oldcap ? 2 * oldcap : 256;
	t->slots = xcalloc(t->cap, sizeof *t->slots);
	for (i = 0; i < oldcap; i++)
		if (old[i])
			t->slots[slot(t, old[i]->tid)] = old[i];
	free(old);
}

static const char *
internexe(struct sb_proctab *t, const char *s)
{
	size_t n = strlen(s);
	const char *k = sb_strmap_get(&t->exes, s, n);

	if (k)
		return k;
	k = sb_strmap_put(&t->exes, s, n, NULL);
	sb_strmap_put(&t->exes, s, n, (void *)k);
	return k;
}

static void
readexe(struct sb_proctab *t, struct sb_proc *p)
{
	char buf[PATH_MAX];

	p->exe_stale = 0;
	if (sb_procfs_link((pid_t)p->tid, "exe", buf, sizeof buf) > 0)
		p->exe = internexe(t, buf);
}

/* Count P's process once; 1 when it is new. */
static int
countproc(struct sb_proctab *t, const struct sb_proc *p)
{
	char key[48];
	int n = snprintf(key, sizeof key, "%lld/%llu", (long long)p->tgid,
	    (unsigned long long)p->pstart);

	if (sb_strmap_get(&t->pids, key, (size_t)n))
		return 0;
	sb_strmap_put(&t->pids, key, (size_t)n, (void *)1);
	return 1;
}

/* (Re)fill P from /proc; -1 when the thread is gone. */
static int
fill(struct sb_proctab *t, struct sb_proc *p)
{
	struct sb_procinfo info, leader;

	if (p->start && !p->dead) {
		/*
		** Checked again after a fork: the same task (same start) is
		** in the same thread group; only its parent and process group
		** can have changed, which stat alone tells.
		*/
		if (sb_procfs_stat((pid_t)p->tid, &info) < 0)
			return -1;
		if (info.start == p->start) {
			p->ppid = info.ppid;
			p->pgrp = info.pgrp;
			p->forkgen = t->forkgen;
			return 0;
		}
	}
	if (sb_procfs_info((pid_t)p->tid, &info) < 0)
		return -1;
	if (p->start != info.start || p->dead)
		sb_proctab_gone(t, p);
	if (p->start && p->start != info.start) {
		/* the pid was reused: a new process */
		free(p->cwd);
		free(p->root);
		p->cwd = p->root = NULL;
		p->cwdgen = p->rootgen = 0;
		p->exe = NULL;
		p->exe_stale = 1;
		p->dead = 0;
	}
	p->tgid = info.tgid;
	p->ppid = info.ppid;
	p->pgrp = info.pgrp;
	p->start = p->pstart = info.start;
	if (info.tgid != p->tid && sb_procfs_info((pid_t)info.tgid,
	    &leader) == 0)
		p->pstart = leader.start;
	p->forkgen = t->forkgen;
	if (countproc(t, p))
		p->fresh = 1;
	return 0;
}

struct sb_proc *
sb_proctab_get(struct sb_proctab *t, int64_t tid)
{
	struct sb_proc *p;
	uint32_t i;

	if (2 * (t->n + 1) > t->cap)
		grow(t);
	i = slot(t, tid);
	if (!(p = t->slots[i])) {
		p = xcalloc(1, sizeof *p);
		p->tid = tid;
		p->pidfd = -1;
		p->exe_stale = 1;
		if (fill(t, p) < 0) {
			free(p);
			return NULL;
		}
		t->slots[i] = p;
		t->n++;
	} else if (p->forkgen != t->forkgen || p->dead) {
		fill(t, p);
	}
	if (p->exe_stale)
		readexe(t, p);
	return p;
}

/* The link NAME of P into *CACHE, read again when *GEN != GEN. */
static const char *
cached(struct sb_proc *p, const char *name, char **cache, uint64_t *gen,
    uint64_t want)
{
	char buf[PATH_MAX];

	if (*cache && *gen == want)
		return *cache;
	if (sb_procfs_link((pid_t)p->tid, name, buf, sizeof buf) < 0)
		return NULL;
	free(*cache);
	*cache = xstrdup(buf);
	*gen = want;
	return *cache;
}

const char *
sb_proctab_cwd(struct sb_proctab *t, struct sb_proc *p)
{
	return cached(p, "cwd", &p->cwd, &p->cwdgen, t->cwdgen);
}

const char *
sb_proctab_root(struct sb_proctab *t, struct sb_proc *p)
{
	const char *r = cached(p, "root", &p->root, &p->rootgen, t->rootgen);

	return r ? r : "/";
}

void
sb_proctab_gone(struct sb_proctab *t, struct sb_proc *p)
{
	if (p->pidfd >= 0) {
		close(p->pidfd);
		p->pidfd = -1;
		t->npidfds--;
	}
}

/*
** Close the pidfds of processes that have exited. Killed processes make
** no mark in the table (exit_group is not watched), so without this their
** pidfds would pile up.
*/
static void
sweep(struct sb_proctab *t)
{
	struct pollfd pfd;
	uint32_t i;

	for (i = 0; i < t->cap; i++) {
		if (!t->slots[i] || t->slots[i]->pidfd < 0)
			continue;
		pfd.fd = t->slots[i]->pidfd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, 0) != 0)
			sb_proctab_gone(t, t->slots[i]);
	}
	t->sweepat = t->npidfds * 2 > 128 ? t->npidfds * 2 : 128;
}

int
sb_proctab_pidfd(struct sb_proctab *t, struct sb_proc *p)
{
	if (p->pidfd >= 0 || p->dead)
		return p->pidfd;
	if (t->npidfds >= t->sweepat)
		sweep(t);
	if ((p->pidfd = (int)syscall(SYS_pidfd_open, (pid_t)p->tgid, 0)) >= 0)
		t->npidfds++;
	return p->pidfd;
}

uint32_t
sb_proctab_nprocs(const struct sb_proctab *t)
{
	return (uint32_t)t->pids.n;
}
