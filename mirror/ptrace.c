/*
** ptrace.c: the seccomp RET_TRACE + ptrace backend (COVERAGE.md §6.2,
** DESIGN.md §7.4). The child blocks on a pipe while the supervisor seizes
** it with every option set, and only then loads the filter and execs, so
** no watched syscall can meet RET_TRACE without a tracer (that would fail
** with ENOSYS). At each seccomp stop the call is captured and the thread
** continued with PTRACE_SYSCALL to its exit stop, where the return value
** completes the record; per-thread state carries the record across the
** fork, vfork, clone and exec event stops that can fall in between. A
** thread that dies inside the call (a fatal signal) still gives its record, without a return value. Seized tracees report group
** stops as PTRACE_EVENT_STOP, answered with PTRACE_LISTEN.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "mirror/backend.h"

#ifndef PTRACE_EVENT_STOP
#define PTRACE_EVENT_STOP 128
#endif

/* A traced thread. */
struct thread {
	pid_t tid;
	struct sb_sysrec *rec;  /* captured at the seccomp stop, or NULL */
	int seen;               /* has stopped before (not a new tracee) */
};

struct ptrace_be {
	struct sb_backend b;
	struct sb_capture *cx;
	struct thread *threads; /* open addressing on tid; tid 0: empty */
	uint32_t cap, n;
	struct sb_sysrec *spare;        /* a free pending record */
	pid_t resume;           /* thread to continue in respond(), or 0 */
	int status;
	int reaped;
};

/* --- the thread table ----------------------------------------------------- */

static struct thread *
slot(struct ptrace_be *p, pid_t tid)
{
	uint32_t i = ((uint32_t)tid * 2654435761u) & (p->cap - 1);

	while (p->threads[i].tid && p->threads[i].tid != tid)
		i = (i + 1) & (p->cap - 1);
	return &p->threads[i];
}

static struct thread *
thread(struct ptrace_be *p, pid_t tid)
{
	struct thread *old = p->threads, *t;
	uint32_t oldcap = p->cap, i;

	if (2 * (p->n + 1) > p->cap) {
		p->cap = oldcap ? 2 * oldcap : 64;
		p->threads = xcalloc(p->cap, sizeof *p->threads);
		for (i = 0; i < oldcap; i++)
			if (old[i].tid)
				*slot(p, old[i].tid) = old[i];
		free(old);
	}
	t = slot(p, tid);
	if (!t->tid) {
		t->tid = tid;
		p->n++;
	}
	return t;
}

/* Drop TID from the table (backward-shift deletion). */
static void
forget(struct ptrace_be *p, pid_t tid)
{
	struct thread *t = slot(p, tid);
	uint32_t i, j, k;

	if (!t->tid)
		return;
	if (t->rec)
		sb_sysrec_release(t->rec);
	free(t->rec);
	i = (uint32_t)(t - p->threads);
	p->threads[i].tid = 0;
	p->threads[i].rec = NULL;
	p->n--;
	for (j = (i + 1) & (p->cap - 1); p->threads[j].tid;
	    j = (j + 1) & (p->cap - 1)) {
		k = ((uint32_t)p->threads[j].tid * 2654435761u) & (p->cap - 1);
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			p->threads[i] = p->threads[j];
			p->threads[j].tid = 0;
			p->threads[j].rec = NULL;
			i = j;
		}
	}
}

/* --- starting ------------------------------------------------------------- */

static int
start(struct sb_backend *b, const char *path, char *const argv[],
    const struct sb_seccomp_opts *filter, struct sb_capture *cx)
{
	struct ptrace_be *p = (struct ptrace_be *)b;
	long opts = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK |
	    PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
	    PTRACE_O_EXITKILL | PTRACE_O_TRACESYSGOOD;
	int go[2], err[2];
	char ok = 1;
	ssize_t r;

	p->cx = cx;
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0) {
		fprintf(stderr, "%s: pipe: %s\n", sb_progname(),
		    strerror(errno));
		return -1;
	}
	if ((b->child = fork()) < 0) {
		fprintf(stderr, "%s: fork: %s\n", sb_progname(),
		    strerror(errno));
		return -1;
	}
	if (b->child == 0) {
		close(go[1]);
		close(err[0]);
		/* wait until seized: only then may RET_TRACE fire */
		while ((r = read(go[0], &ok, 1)) < 0 && errno == EINTR)
			;
		if (r != 1)
			_exit(125);
		if (sb_seccomp_install(filter) < 0) {
			int e = -errno;         /* negative: not an exec error */
			if (write(err[1], &e, sizeof e) < 0)
				_exit(125);
			_exit(125);
		}
		sb_backend_exec(path, argv, err[1]);
	}
	close(go[0]);
	close(err[1]);
	b->execerr = err[0];
	if (ptrace(PTRACE_SEIZE, b->child, 0, opts) < 0) {
		fprintf(stderr, "%s: cannot trace the command: ptrace: %s\n",
		    sb_progname(), strerror(errno));
		kill(b->child, SIGKILL);
		close(go[1]);
		waitpid(b->child, NULL, 0);
		return -1;
	}
	thread(p, b->child)->seen = 1;
	if (write(go[1], &ok, 1) != 1) {
		fprintf(stderr, "%s: cannot start the command: %s\n",
		    sb_progname(), strerror(errno));
		close(go[1]);
		return -1;
	}
	close(go[1]);
	return 0;
}

/* --- the event loop ------------------------------------------------------- */

/* Continue T: to its syscall-exit stop while a record waits, else freely. */
static void
resume(struct thread *t, int sig)
{
	ptrace(t->rec ? PTRACE_SYSCALL : PTRACE_CONT, t->tid, 0,
	    (void *)(long)sig);
}

static struct sb_sysrec *
newrec(struct ptrace_be *p)
{
	struct sb_sysrec *r = p->spare;

	p->spare = NULL;
	return r ? r : xmalloc(sizeof *r);
}

static void
done(struct ptrace_be *p, struct thread *t)
{
	sb_sysrec_release(t->rec);
	if (!p->spare)
		p->spare = t->rec;
	else
		free(t->rec);
	t->rec = NULL;
}

/* A seccomp stop: capture, and let the call run to its exit stop. */
static void
seccompstop(struct ptrace_be *p, struct thread *t)
{
	struct __ptrace_syscall_info info;

	p->b.nevents++;
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof info, &info) < 0 ||
	    info.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		resume(t, 0);
		return;
	}
	if (t->rec)             /* a record whose exit never came */
		done(p, t);
	t->rec = newrec(p);
	if (sb_capture(p->cx, t->tid, info.arch, (int64_t)info.seccomp.nr,
	    (const uint64_t *)info.seccomp.args, t->rec) < 0 ||
	    t->rec->sys == SB_SYS_NONE) {
		done(p, t);
		resume(t, 0);
		return;
	}
	/* respond first: the call runs while we wait for its exit */
	resume(t, 0);
}

/* A syscall-exit stop: complete the record. */
static int
exitstop(struct ptrace_be *p, struct thread *t, struct sb_sysrec *rec)
{
	struct __ptrace_syscall_info info;

	if (!t->rec) {
		resume(t, 0);
		return 0;
	}
	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof info, &info) > 0 &&
	    info.op == PTRACE_SYSCALL_INFO_EXIT) {
		t->rec->has_ret = 1;
		t->rec->ret = info.exit.rval;
		t->rec->err = info.exit.is_error ? (int32_t)-info.exit.rval : 0;
	}
	sb_sysrec_move(rec, t->rec);
	done(p, t);
	p->resume = t->tid;
	return 1;
}

static int
stopsig(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	    sig == SIGTTOU;
}

/* One waitpid() report; 1 when it completed a record into REC. */
static int
event(struct ptrace_be *p, pid_t tid, int st, struct sb_sysrec *rec)
{
	struct thread *t = thread(p, tid);
	unsigned long msg = 0;
	int sig, ev, isnew = !t->seen;

	t->seen = 1;
	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		int out = 0;
		if (tid == p->b.child) {
			p->status = st;
			p->reaped = 1;
		}
		if (t->rec) {   /* died inside the call */
			sb_sysrec_move(rec, t->rec);
			out = 1;
		}
		forget(p, tid);
		return out;
	}
	if (!WIFSTOPPED(st))
		return 0;
	sig = WSTOPSIG(st);
	ev = st >> 16;
	if (sig == (SIGTRAP | 0x80))
		return exitstop(p, t, rec);
	switch (ev) {
	case PTRACE_EVENT_SECCOMP:
		seccompstop(p, t);
		return 0;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0 && msg)
			p->cx->procs->forkgen++;
		resume(t, 0);
		return 0;
	case PTRACE_EVENT_EXEC:
		/* a non-leader thread's exec takes over the leader's tid */
		if (ptrace(PTRACE_GETEVENTMSG, tid, 0, &msg) == 0 &&
		    (pid_t)msg != tid) {
			struct thread *old = thread(p, (pid_t)msg);
			t = thread(p, tid);
			if (old->rec && !t->rec) {
				t->rec = old->rec;
				old->rec = NULL;
			}
			forget(p, (pid_t)msg);
			t = thread(p, tid);
		}
		resume(t, 0);
		return 0;
	case PTRACE_EVENT_STOP:
		if (stopsig(sig) && !isnew)
			ptrace(PTRACE_LISTEN, tid, 0, 0);
		else
			resume(t, 0);
		return 0;
	case 0:
		/* signal-delivery-stop: deliver it */
		resume(t, sig);
		return 0;
	default:
		resume(t, 0);
		return 0;
	}
}

static int
next(struct sb_backend *b, struct sb_sysrec *rec, int timeout)
{
	struct ptrace_be *p = (struct ptrace_be *)b;
	pid_t tid;
	int st;

	p->resume = 0;
	for (;;) {
		tid = waitpid(-1, &st, __WALL | (timeout == 0 ? WNOHANG : 0));
		if (tid == 0)
			return 0;
		if (tid < 0 && errno == EINTR)
			return 0;
		if (tid < 0) {
			if (errno != ECHILD) {
				b->failed = 1;
				b->failerr = errno;
			}
			return -1;
		}
		if (event(p, tid, st, rec))
			return 1;
	}
}

static int
respond(struct sb_backend *b, struct sb_sysrec *rec)
{
	struct ptrace_be *p = (struct ptrace_be *)b;

	(void)rec;
	if (p->resume)
		ptrace(PTRACE_CONT, p->resume, 0, 0);
	p->resume = 0;
	return 0;
}

static int
status(struct sb_backend *b)
{
	return ((struct ptrace_be *)b)->status;
}

static void
kill_(struct sb_backend *b)
{
	struct ptrace_be *p = (struct ptrace_be *)b;

	if (!p->reaped)
		kill(b->child, SIGKILL);
}

static void
free_(struct sb_backend *b)
{
	struct ptrace_be *p = (struct ptrace_be *)b;
	uint32_t i;

	for (i = 0; i < p->cap; i++) {
		if (p->threads[i].rec)
			sb_sysrec_release(p->threads[i].rec);
		free(p->threads[i].rec);
	}
	free(p->threads);
	free(p->spare);
	if (b->execerr >= 0)
		close(b->execerr);
	free(p);
}

static const struct sb_backend_ops ops = {
	"ptrace", start, next, respond, status, kill_, free_,
};

struct sb_backend *
sb_ptrace_new(void)
{
	struct ptrace_be *p = xcalloc(1, sizeof *p);

	p->b.ops = &ops;
	p->b.execerr = -1;
	return &p->b;
}
