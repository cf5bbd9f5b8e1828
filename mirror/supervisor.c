/*
** supervisor.c: the run (DESIGN.md §7.1). Two threads and a ring between
** them. The answering thread takes a trapped syscall from the backend,
** captures it, lets the target run on at once, and puts the record in
** the ring; the evaluating thread takes records off the ring and resolves
** (resolve.c), maps (opmap.c), attributes (verdict.c) and hands on each
** access (--trace-out, the coverage.db sink). The target waits only for
** the capture; evaluation and storage run beside it, on another core when
** there is one (measured: on one thread, evaluation sat on the target's
** critical path whenever the ring filled, as with every dense workload).
** Each thread owns its state: the backend, the process table and capture
** belong to the answering thread; the resolver, verdicts, trace and sink
** to the evaluating one. The ring's two indices are the only shared data.
**
** Signals: SIGINT and SIGQUIT come from the terminal to the whole
** foreground group, so the supervisor ignores them and lets the command
** decide; SIGTERM and SIGHUP are passed on to the command by the handler
** itself (kill(2) is async-signal-safe), so no wait needs waking. The
** mutable globals are the two volatile sig_atomic_t it uses (STYLE.md):
** the command's pid, and a signal that came before there was one.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/util.h"
#include "mirror/backend.h"
#include "mirror/capture.h"
#include "mirror/jsonl.h"
#include "mirror/proctab.h"
#include "mirror/resolve.h"
#include "mirror/supervisor.h"
#include "mirror/verdict.h"

#define RING 512                /* records captured, not yet evaluated */
#define NAP_NS 1000000          /* the idle evaluator looks again after this */

static volatile sig_atomic_t forward_to;        /* the command's pid, or 0 */
static volatile sig_atomic_t forward_pending;   /* a signal before it */

static void
onsignal(int sig)
{
	if (forward_to > 0)
		kill((pid_t)forward_to, sig);
	else
		forward_pending = sig;
}

struct run {
	const struct sb_run_opts *o;
	struct sb_backend *b;
	/* the answering thread's */
	struct sb_proctab procs;
	struct sb_capture cx;
	/* the ring: head written by the answering thread, tail by the other */
	struct sb_sysrec *ring;
	_Atomic uint32_t head, tail;
	_Atomic int done;               /* no more records will come */
	_Atomic int idle;               /* the evaluator waits on WAKE */
	_Atomic int full;               /* the answering thread waits on ROOM */
	pthread_mutex_t lock;
	pthread_cond_t wake;            /* a record, or the end */
	pthread_cond_t room;            /* a free slot */
	/* the evaluating thread's */
	struct sb_resolver res;
	struct sb_verdicts verdicts;
	struct sb_jsonl trace;
	int tracing;
	struct sb_opmap_out *out;
	int sinkfailed;
	int io_uring;                   /* io_uring_setup seen: partial */
	int progress;                   /* stderr is a terminal */
	int64_t lastprogress;
	const char *cmdpath;            /* the command, as found in PATH */
	struct sb_buf cmdargv;          /* its arguments, NUL-separated */
};

enum sb_backend_kind
sb_backend_pick(enum sb_backend_kind k)
{
	if (k != SB_BACKEND_AUTO)
		return k;
	return sb_unotify_available() ? SB_BACKEND_UNOTIFY : SB_BACKEND_PTRACE;
}

const char *
sb_backend_name(enum sb_backend_kind k)
{
	return k == SB_BACKEND_PTRACE ? "ptrace" : "unotify";
}

void
sb_backend_exec(const char *path, char *const argv[], int fd)
{
	struct sigaction sa;
	sigset_t none;
	int e;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execv(path, argv);
	e = errno;
	if (write(fd, &e, sizeof e) < 0)
		_exit(SB_MIRROR_FAILED);
	_exit(e == ENOENT ? SB_MIRROR_NOTFOUND : SB_MIRROR_NOEXEC);
}

/*
** ARGV0 searched in PATH as execvp(3) would, into BUF; the name itself
** when it holds a '/'. -1 when no directory has it.
*/
static int
search(const char *argv0, char *buf, size_t cap)
{
	const char *path = getenv("PATH"), *p, *end;
	struct stat st;
	int n;

	if (strchr(argv0, '/')) {
		snprintf(buf, cap, "%s", argv0);
		return 0;
	}
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; ; p = end + 1) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		n = snprintf(buf, cap, "%.*s%s%s", (int)(end - p), p,
		    end == p ? "" : "/", argv0);
		if (n > 0 && (size_t)n < cap && stat(buf, &st) == 0 &&
		    S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return 0;
		if (!*end)
			break;
	}
	return -1;
}

static int64_t
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
progress(struct run *r, int final)
{
	int64_t t = now();

	if (!r->progress || (!final && t - r->lastprogress < 500))
		return;
	r->lastprogress = t;
	if (final)
		fprintf(stderr, "\r\033[K");
	else
		fprintf(stderr, "\r\033[K%s: %llu accesses",
		    sb_progname(), (unsigned long long)r->verdicts.naccesses);
	fflush(stderr);
}

/* --- the evaluating thread ------------------------------------------------ */

/* Attribute and hand on the accesses of REC. */
static void
evaluate(struct run *r, struct sb_sysrec *rec)
{
	const struct sb_run_hooks *h = r->o->hooks;
	struct sb_verdict v;
	const struct sb_access *a;
	uint32_t i;

	if (rec->sys == SB_SYS_io_uring_setup && !r->io_uring &&
	    !r->o->filter.deny_io_uring) {
		r->io_uring = 1;
		fprintf(stderr, "%s: warning: process %lld set up io_uring, "
		    "whose operations bypass the mirror: the run is partial\n",
		    sb_progname(), (long long)rec->pid);
	}
	if (rec->first && h && h->process) {
		struct sb_mirror_proc p;
		p.pid = rec->pid;
		p.ppid = rec->ppid;
		p.start_ns = (int64_t)rec->pstart;
		p.exe = rec->exe;
		p.argv = rec->argv;
		p.argvlen = rec->argvlen;
		if (rec->exe && strcmp(rec->exe, r->cx.self) == 0) {
			/* the command's process, caught before its exec */
			p.exe = r->cmdpath;
			p.argv = r->cmdargv.data;
			p.argvlen = (uint32_t)r->cmdargv.len;
		}
		h->process(h->ctx, &p);
	}
	sb_capture_late(rec);
	sb_resolve(&r->res, rec);
	sb_sysrec_release(rec);
	sb_opmap(&r->o->opmap, rec, r->out);
	for (i = 0; i < r->out->n; i++) {
		a = &r->out->acc[i];
		sb_verdicts_put(&r->verdicts, a, &v);
		if (r->tracing)
			sb_jsonl_put(&r->trace, a, &v);
		if (h && h->put && !r->sinkfailed && h->put(h->ctx, a) < 0) {
			r->sinkfailed = 1;
			fprintf(stderr, "%s: the coverage database refused an "
			    "access; the rest of the run is not stored\n",
			    sb_progname());
		}
	}
}

static void *
evaluator(void *arg)
{
	struct run *r = arg;
	uint32_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
	struct timespec until;

	for (;;) {
		if (atomic_load_explicit(&r->head, memory_order_acquire) !=
		    tail) {
			evaluate(r, &r->ring[tail % RING]);
			/* seq_cst: the other side stores FULL, then reads TAIL */
			atomic_store(&r->tail, ++tail);
			if (atomic_load(&r->full)) {
				/* the answering thread waits for room */
				pthread_mutex_lock(&r->lock);
				pthread_cond_signal(&r->room);
				pthread_mutex_unlock(&r->lock);
			}
			progress(r, 0);
			continue;
		}
		if (atomic_load(&r->done))
			break;
		/*
		** Nothing to do: nap. The answering thread wakes us only when
		** the ring is half full (or at the end): a wake-up per record
		** would cost it a futex call each.
		*/
		if (r->o->hooks && r->o->hooks->idle)
			r->o->hooks->idle(r->o->hooks->ctx);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += NAP_NS;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&r->lock);
		atomic_store(&r->idle, 1);
		if (atomic_load(&r->head) == tail && !atomic_load(&r->done))
			pthread_cond_timedwait(&r->wake, &r->lock, &until);
		atomic_store(&r->idle, 0);
		pthread_mutex_unlock(&r->lock);
	}
	progress(r, 1);
	return NULL;
}

/* --- the answering thread ------------------------------------------------- */

/* The free slot records are captured into; waits while the ring is full. */
static struct sb_sysrec *
slot(struct run *r)
{
	uint32_t head = atomic_load_explicit(&r->head, memory_order_relaxed);

	if (head - atomic_load_explicit(&r->tail, memory_order_acquire) ==
	    RING) {
		pthread_mutex_lock(&r->lock);
		atomic_store(&r->full, 1);
		while (head - atomic_load(&r->tail) == RING)
			pthread_cond_wait(&r->room, &r->lock);
		atomic_store(&r->full, 0);
		pthread_mutex_unlock(&r->lock);
	}
	return &r->ring[head % RING];
}

/* Hand the record in the head slot to the evaluating thread. */
static void
publish(struct run *r)
{
	uint32_t head = atomic_fetch_add(&r->head, 1) + 1;

	/* seq_cst: the evaluator stores IDLE, then reads HEAD */
	if (atomic_load(&r->idle) &&
	    head - atomic_load(&r->tail) >= RING / 2) {
		pthread_mutex_lock(&r->lock);
		pthread_cond_signal(&r->wake);
		pthread_mutex_unlock(&r->lock);
	}
}

/* The loop: until the tree is gone. */
static void
loop(struct run *r)
{
	struct sb_sysrec *rec;
	int got;

	for (;;) {
		rec = slot(r);
		got = r->b->ops->next(r->b, rec, -1);
		if (got < 0)
			break;
		if (got == 0)
			continue;
		if (r->b->ops->respond(r->b, rec) == 0 &&
		    rec->sys != SB_SYS_NONE)
			publish(r);
		else
			sb_sysrec_release(rec);
	}
	pthread_mutex_lock(&r->lock);
	atomic_store(&r->done, 1);
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
}

/* The errno a failed exec reported, 0 if it did not fail, -1 unknown. */
static int
execerror(struct sb_backend *b)
{
	int e = 0;
	ssize_t n;

	if (b->execerr < 0)
		return 0;
	fcntl(b->execerr, F_SETFL, O_NONBLOCK);
	n = read(b->execerr, &e, sizeof e);
	return n == sizeof e ? e : 0;
}

static int
exitstatus(struct run *r, const char *cmd, const char *path)
{
	int st = r->b->ops->status(r->b), e = execerror(r->b);

	if (e > 0) {
		fprintf(stderr, "%s: cannot run '%s': %s\n", sb_progname(),
		    path ? path : cmd, strerror(e));
		return e == ENOENT ? SB_MIRROR_NOTFOUND : SB_MIRROR_NOEXEC;
	}
	if (e < 0) {
		fprintf(stderr, "%s: cannot install the seccomp filter: %s\n",
		    sb_progname(), strerror(-e));
		return SB_MIRROR_FAILED;
	}
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return SB_MIRROR_FAILED;
}

static void
signals(int on)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on ? SIG_IGN : SIG_DFL;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	sa.sa_handler = on ? onsignal : SIG_DFL;
	sigaction(SIGTERM, &sa, NULL);  /* no SA_RESTART: wake the loop */
	sigaction(SIGHUP, &sa, NULL);
}

static void
report(struct run *r, const char *name)
{
	fprintf(stderr, "%s: backend %s: %llu trapped syscalls, %u processes",
	    sb_progname(), name, (unsigned long long)r->b->nevents,
	    sb_proctab_nprocs(&r->procs));
	if (r->cx.nlost)
		fprintf(stderr, ", %llu with unreadable arguments",
		    (unsigned long long)r->cx.nlost);
	if (r->b->nstale)
		fprintf(stderr, ", %llu dropped (the thread left the call)",
		    (unsigned long long)r->b->nstale);
	fprintf(stderr, "%s\n", r->io_uring ? "; partial (io_uring)" : "");
	sb_verdicts_summary(&r->verdicts, stderr, r->o->summary_limit);
}

uint32_t
sb_supervise_untrap(struct sb_unit *u, unsigned char skip[SB_SYS_COUNT])
{
	struct sb_verdicts v;
	const char *ops[16];
	uint32_t n, i, nskip = 0, rule;
	int sys, all;

	memset(skip, 0, SB_SYS_COUNT);
	sb_verdicts_init(&v, u);
	for (sys = 1; sys < SB_SYS_COUNT; sys++) {
		if (sb_opmap_bookkeeping((enum sb_sys)sys))
			continue;
		if (!(n = sb_opmap_sysops((enum sb_sys)sys, ops, countof(ops))))
			continue;
		for (all = 1, i = 0; i < n && all; i++)
			all = sb_verdicts_fixed(&v, ops[i], &rule);
		if (all) {
			skip[sys] = 1;
			nskip++;
		}
	}
	sb_verdicts_free(&v);
	return nskip;
}

uint32_t
sb_supervise_observable(const unsigned char *skip, const char **ops,
    uint32_t max)
{
	const char *const *all, *sysops[16];
	uint32_t nall, i, k, n, out = 0;
	int sys, seen, hidden;

	all = sb_opmap_observable(&nall);
	for (i = 0; i < nall && out < max; i++) {
		/*
		** Seen by some trapped call, and by no call left to the
		** kernel: file-read-metadata still comes from a trapped
		** access(F_OK) when the stat family is untrapped, and
		** counting only those would make its rules look unused.
		*/
		for (seen = 0, hidden = 0, sys = 1; sys < SB_SYS_COUNT &&
		    !hidden; sys++) {
			n = sb_opmap_sysops((enum sb_sys)sys, sysops,
			    countof(sysops));
			for (k = 0; k < n; k++) {
				if (strcmp(sysops[k], all[i]) != 0)
					continue;
				if (skip && skip[sys])
					hidden = 1;
				else
					seen = 1;
			}
		}
		if (seen && !hidden)
			ops[out++] = all[i];
	}
	return out;
}

/* Tell the summary which operations the filter leaves untrapped. */
static void
untrapped(struct run *r)
{
	const char *const *all, *seen[64];
	uint32_t nall, nseen, i, k;

	all = sb_opmap_observable(&nall);
	nseen = sb_supervise_observable(r->o->filter.skip, seen,
	    countof(seen));
	for (i = 0; i < nall; i++) {
		for (k = 0; k < nseen && strcmp(seen[k], all[i]) != 0; k++)
			;
		if (k == nseen)
			sb_verdicts_untrapped(&r->verdicts, all[i]);
	}
}

/* Start the evaluating thread with the forwarded signals blocked. */
static int
startevaluator(struct run *r, pthread_t *t)
{
	sigset_t block, old;
	int rc;

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	rc = pthread_create(t, NULL, evaluator, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int
sb_supervise(struct sb_unit *u, const struct sb_run_opts *o,
    char *const argv[], struct sb_run_result *res)
{
	enum sb_backend_kind kind = sb_backend_pick(o->backend);
	struct sb_seccomp_opts filter = o->filter;
	char path[PATH_MAX];
	struct run r;
	pthread_t evalthread;
	int status = SB_MIRROR_FAILED, started, i;

	memset(res, 0, sizeof *res);
	if (search(argv[0], path, sizeof path) < 0) {
		fprintf(stderr, "%s: '%s': command not found\n", sb_progname(),
		    argv[0]);
		return SB_MIRROR_NOTFOUND;
	}
	memset(&r, 0, sizeof r);
	r.o = o;
	r.cmdpath = path;
	for (i = 0; argv[i]; i++)
		sb_buf_put(&r.cmdargv, argv[i], strlen(argv[i]) + 1);
	if (o->trace_out) {
		if (sb_jsonl_open(&r.trace, o->trace_out) < 0) {
			fprintf(stderr, "%s: cannot write '%s': %s\n",
			    sb_progname(), o->trace_out, strerror(errno));
			return SB_MIRROR_FAILED;
		}
		r.tracing = 1;
	}
	r.b = kind == SB_BACKEND_PTRACE ? sb_ptrace_new() : sb_unotify_new();
	filter.action = kind == SB_BACKEND_PTRACE ? SB_SECCOMP_TRACE :
	    SB_SECCOMP_NOTIFY;
	filter.no_new_privs = geteuid() != 0;
	sb_proctab_init(&r.procs);
	sb_capture_init(&r.cx, &r.procs);
	sb_resolve_init(&r.res);
	sb_verdicts_init(&r.verdicts, u);
	if (filter.skip)
		untrapped(&r);
	r.ring = xmalloc(RING * sizeof *r.ring);
	r.out = xmalloc(sizeof *r.out);
	r.progress = isatty(STDERR_FILENO);
	pthread_mutex_init(&r.lock, NULL);
	pthread_cond_init(&r.wake, NULL);
	pthread_cond_init(&r.room, NULL);
	signals(1);
	started = r.b->ops->start(r.b, path, argv, &filter, &r.cx) == 0;
	if (started && startevaluator(&r, &evalthread) != 0) {
		fprintf(stderr, "%s: cannot start a thread\n", sb_progname());
		r.b->ops->kill(r.b);
		started = 0;
	}
	if (started) {
		res->started = 1;
		forward_to = r.b->child;
		if (forward_pending)
			kill(r.b->child, forward_pending);
		loop(&r);
		if (r.b->failed) {
			fprintf(stderr, "%s: the %s backend failed: %s; the "
			    "command is killed\n", sb_progname(),
			    r.b->ops->name, strerror(r.b->failerr));
			r.b->ops->kill(r.b);
		}
		pthread_join(evalthread, NULL);
		res->io_uring = r.io_uring;
		status = r.b->failed ? SB_MIRROR_FAILED :
		    exitstatus(&r, argv[0], path);
		if (!o->quiet)
			report(&r, r.b->ops->name);
		if (r.sinkfailed)
			status = SB_MIRROR_FAILED;
	}
	signals(0);
	forward_to = 0;
	forward_pending = 0;
	if (r.tracing && sb_jsonl_close(&r.trace) < 0) {
		fprintf(stderr, "%s: write error on '%s'\n", sb_progname(),
		    o->trace_out);
		status = SB_MIRROR_FAILED;
	}
	if (r.trace.ntoolong)
		fprintf(stderr, "%s: warning: %llu accesses too long for a "
		    "JSONL line were left out of '%s'\n", sb_progname(),
		    (unsigned long long)r.trace.ntoolong, o->trace_out);
	r.b->ops->free(r.b);
	sb_verdicts_free(&r.verdicts);
	sb_resolve_free(&r.res);
	sb_proctab_free(&r.procs);
	pthread_cond_destroy(&r.wake);
	pthread_cond_destroy(&r.room);
	pthread_mutex_destroy(&r.lock);
	free(r.ring);
	free(r.out);
	sb_buf_free(&r.cmdargv);
	return status;
}
