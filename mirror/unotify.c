/*
** unotify.c: the seccomp user-notification backend (COVERAGE.md §6.2).
** The child loads the filter with a listener and tells the supervisor
** the listener's number over a pipe; the supervisor copies the listener
** with pidfd_getfd(2) (a sendmsg(2) with SCM_RIGHTS would itself be
** trapped before anyone listens), and the child execs. The filter is
** inherited across fork and exec, so the whole tree reports without
** attaching. Each notification is captured while the thread is blocked
** and answered with SECCOMP_USER_NOTIF_FLAG_CONTINUE; the answer's own
** ENOENT says the thread left the call meanwhile, which makes a separate
** SECCOMP_IOCTL_NOTIF_ID_VALID check redundant. The run ends when the
** listener hangs up (no task uses the filter) and the child is reaped.
**
** Signals. A trapped thread waits interruptibly until its notification
** is received; a signal in that window makes the call fail with EINTR
** (ERESTARTSYS without SA_RESTART), even a fork or a stat that never
** would untraced. So the filter asks for a killable wait once received
** (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, seccomp.c), and this file
** receives every pending notification before capturing any, which keeps
** the window to the length of one capture.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/util.h"
#include "mirror/backend.h"
#include "mirror/kernel.h"

#define PENDING 64              /* notifications received, not yet answered */

struct unotify {
	struct sb_backend b;
	struct sb_capture *cx;
	int listener;
	int pidfd;              /* the child's, until it is reaped */
	int status;             /* the child's wait status */
	int reaped;
	int hup;                /* the listener hung up */
	uint64_t id;            /* of the notification being answered */
	char *reqs;             /* PENDING received requests of REQSIZE bytes */
	uint32_t first, n;      /* a ring over REQS */
	struct seccomp_notif_resp *resp;
	size_t reqsize, respsize;
};

int
sb_unotify_available(void)
{
	struct seccomp_notif_sizes sz;
	uint32_t action = SECCOMP_RET_USER_NOTIF;

	if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) < 0)
		return 0;
	return syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) == 0;
}

static int
readall(int fd, void *p, size_t n)
{
	ssize_t r;

	while ((r = read(fd, p, n)) < 0 && errno == EINTR)
		;
	return r == (ssize_t)n ? 0 : -1;
}

static int
start(struct sb_backend *b, const char *path, char *const argv[],
    const struct sb_seccomp_opts *filter, struct sb_capture *cx)
{
	struct unotify *u = (struct unotify *)b;
	struct seccomp_notif_sizes sz;
	int ready[2], go[2], err[2], fd = -1;
	char ok = 1;

	u->cx = cx;
	if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sz) < 0) {
		fprintf(stderr, "%s: seccomp user notification: %s\n",
		    sb_progname(), strerror(errno));
		return -1;
	}
	u->reqsize = sz.seccomp_notif > sizeof(struct seccomp_notif) ?
	    sz.seccomp_notif : sizeof(struct seccomp_notif);
	u->reqsize = (u->reqsize + 7) & ~(size_t)7;
	u->respsize = sz.seccomp_notif_resp > sizeof *u->resp ?
	    sz.seccomp_notif_resp : sizeof *u->resp;
	u->reqs = xcalloc(PENDING, u->reqsize);
	u->resp = xcalloc(1, u->respsize);
	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0 ||
	    pipe2(err, O_CLOEXEC) < 0) {
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
		close(ready[0]);
		close(go[1]);
		close(err[0]);
		fd = sb_seccomp_install(filter);
		if (fd < 0) {
			int e = errno;
			fd = -1 - e;
		}
		if (write(ready[1], &fd, sizeof fd) != sizeof fd ||
		    fd < 0 || readall(go[0], &ok, 1) < 0)
			_exit(125);
		close(fd);
		sb_backend_exec(path, argv, err[1]);
	}
	close(ready[1]);
	close(go[0]);
	close(err[1]);
	b->execerr = err[0];
	if (readall(ready[0], &fd, sizeof fd) < 0 || fd < 0) {
		fprintf(stderr, "%s: cannot install the seccomp filter: %s\n",
		    sb_progname(), fd < -1 ? strerror(-1 - fd) :
		    "the child died");
		close(ready[0]);
		close(go[1]);
		waitpid(b->child, NULL, 0);
		return -1;
	}
	close(ready[0]);
	if ((u->pidfd = (int)syscall(SYS_pidfd_open, b->child, 0)) < 0 ||
	    (u->listener = (int)syscall(SYS_pidfd_getfd, u->pidfd, fd,
	    0)) < 0) {
		fprintf(stderr, "%s: cannot take the seccomp listener: %s\n",
		    sb_progname(), strerror(errno));
		kill(b->child, SIGKILL);
		close(go[1]);
		waitpid(b->child, NULL, 0);
		return -1;
	}
	/*
	** Answer with a synchronous wake-up (Linux 6.6; older kernels refuse
	** the flag and wake the target wherever it slept): the target runs
	** on, on this thread's CPU, with no cross-CPU wake-up, and this
	** thread is back when the target traps again, which keeps the time
	** a trapped call waits unreceived, and a signal can turn it into
	** EINTR, short. Measured on a 2-vCPU VM: fewer EINTR than spinning
	** for the next trap, and faster under load.
	*/
	ioctl(u->listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
	    (unsigned long long)SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
	if (write(go[1], &ok, 1) != 1) {
		fprintf(stderr, "%s: cannot start the command: %s\n",
		    sb_progname(), strerror(errno));
		close(go[1]);
		return -1;
	}
	close(go[1]);
	return 0;
}

static void
reap(struct unotify *u)
{
	if (u->reaped || waitpid(u->b.child, &u->status, WNOHANG) <= 0)
		return;
	u->reaped = 1;
	close(u->pidfd);
	u->pidfd = -1;
}

static struct seccomp_notif *
req(struct unotify *u, uint32_t i)
{
	return (struct seccomp_notif *)(void *)(u->reqs +
	    ((u->first + i) % PENDING) * u->reqsize);
}

/*
** Wait up to TIMEOUT ms for the listener or the child; then receive every
** notification pending. Returns 0, 1 when a signal cut the wait short,
** or -1 on a failure of the listener.
*/
static int
receive(struct unotify *u, int timeout)
{
	struct pollfd p[2];
	struct seccomp_notif *r;
	int n, k = u->reaped ? 1 : 2;

	for (;;) {
		p[0].fd = u->listener;
		p[0].events = POLLIN;
		p[1].fd = u->pidfd;
		p[1].events = POLLIN;
		p[0].revents = p[1].revents = 0;
		n = poll(p, k, u->n ? 0 : timeout);
		if (n < 0)
			return errno == EINTR ? 1 : -1;
		if (!u->reaped && p[1].revents)
			reap(u);
		if (p[0].revents & (POLLHUP | POLLERR) && !(p[0].revents &
		    POLLIN))
			u->hup = 1;
		if (!(p[0].revents & POLLIN) || u->n == PENDING)
			return 0;
		r = req(u, u->n);
		memset(r, 0, u->reqsize);
		if (ioctl(u->listener, SECCOMP_IOCTL_NOTIF_RECV, r) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return -1;
		}
		u->n++;
		u->b.nevents++;
		timeout = 0;    /* take what else is pending, then return */
	}
}

static int
next(struct sb_backend *b, struct sb_sysrec *rec, int timeout)
{
	struct unotify *u = (struct unotify *)b;
	struct seccomp_notif *r;
	int got;

	for (;;) {
		if ((got = receive(u, u->n ? 0 : timeout)) < 0) {
			b->failed = 1;
			b->failerr = errno;
			return -1;
		}
		if (u->n)
			break;
		if (got > 0)
			return 0;       /* a signal: the supervisor looks at it */
		if (u->hup) {
			if (!u->reaped && waitpid(b->child, &u->status, 0) ==
			    b->child) {
				u->reaped = 1;
				close(u->pidfd);
				u->pidfd = -1;
			}
			return -1;
		}
		if (timeout >= 0)
			return 0;
	}
	r = req(u, 0);
	u->first = (u->first + 1) % PENDING;
	u->n--;
	u->id = r->id;
	if (sb_capture(u->cx, r->pid, r->data.arch, r->data.nr,
	    (const uint64_t *)r->data.args, rec) < 0)
		rec->sys = SB_SYS_NONE;
	return 1;
}

static int
respond(struct sb_backend *b, struct sb_sysrec *rec)
{
	struct unotify *u = (struct unotify *)b;

	(void)rec;
	memset(u->resp, 0, u->respsize);
	u->resp->id = u->id;
	u->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	if (ioctl(u->listener, SECCOMP_IOCTL_NOTIF_SEND, u->resp) < 0) {
		b->nstale++;
		return -1;
	}
	return 0;
}

static int
status(struct sb_backend *b)
{
	struct unotify *u = (struct unotify *)b;

	if (!u->reaped && waitpid(b->child, &u->status, 0) == b->child)
		u->reaped = 1;
	return u->status;
}

static void
kill_(struct sb_backend *b)
{
	struct unotify *u = (struct unotify *)b;

	if (!u->reaped)
		kill(b->child, SIGKILL);
	/* closing the listener fails every pending and later trap */
	if (u->listener >= 0)
		close(u->listener);
	u->listener = -1;
}

static void
free_(struct sb_backend *b)
{
	struct unotify *u = (struct unotify *)b;

	if (u->listener >= 0)
		close(u->listener);
	if (u->pidfd >= 0)
		close(u->pidfd);
	if (b->execerr >= 0)
		close(b->execerr);
	free(u->reqs);
	free(u->resp);
	free(u);
}

static const struct sb_backend_ops ops = {
	"unotify", start, next, respond, status, kill_, free_,
};

struct sb_backend *
sb_unotify_new(void)
{
	struct unotify *u = xcalloc(1, sizeof *u);

	u->b.ops = &ops;
	u->b.execerr = -1;
	u->listener = -1;
	u->pidfd = -1;
	return &u->b;
}
