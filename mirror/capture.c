/*
** capture.c: decoding a trapped syscall with the columns of syscalls.def
** while its thread is blocked. Paths are joined with the cwd or the
** directory descriptor and looked at with one lstat (and a stat when a
** followed symlink is in the way): existence decides create versus open
** (COVERAGE.md §6.5), and the vnode type is a fact for every file rule.
** Resolving symlinks in parent directories waits for resolve.c, after the
** target runs on; only what the target could change is read here.
*/
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mirror/capture.h"
#include "mirror/kernel.h"
#include "mirror/procfs.h"

enum follow { F_YES, F_NO, F_AT, F_ATF, F_OPEN, F_HOW };
enum extra {
	X_NONE, X_SOCKADDR, X_SOCKFD, X_MSGHDR, X_OPENHOW, X_CLONE3,
	X_SIGNAL, X_SIGTID, X_PIDFD, X_PID, X_SOCKETCALL, X_IPC
};

struct row {
	signed char dirfd, path, dirfd2, path2, fd;
	enum follow follow;
	signed char fpos;
	enum extra extra;
	signed char e1, e2;
};

static const struct row rows[SB_SYS_COUNT] = {
#define SYSCALL(name, d, p, d2, p2, fd, fol, fpos, x, e1, e2, c, cpos, w) \
	[SB_SYS_##name] = { d, p, d2, p2, fd, fol, fpos, x, e1, e2 },
#include "mirror/syscalls.def"
#undef SYSCALL
};

void
sb_capture_init(struct sb_capture *cx, struct sb_proctab *procs)
{
	memset(cx, 0, sizeof *cx);
	cx->procs = procs;
	sb_seccomp_sysmap(&cx->map);
	sb_procfs_boot(&cx->boot_ns, &cx->hz);
	if (readlink("/proc/self/exe", cx->self, sizeof cx->self - 1) < 0)
		cx->self[0] = 0;
}

/* --- the record's string pool ------------------------------------------- */

static char *
poolalloc(struct sb_sysrec *rec, size_t n)
{
	char *p;

	if (rec->poolused + n > sizeof rec->pool) {
		rec->lost = 1;
		return NULL;
	}
	p = rec->pool + rec->poolused;
	rec->poolused += (uint32_t)n;
	return p;
}

static const char *
pooldup(struct sb_sysrec *rec, const char *s, size_t n)
{
	char *p = poolalloc(rec, n + 1);

	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

/* The string at ADDR in the target, kept in the pool; NULL if unreadable. */
static const char *
readstr(struct sb_sysrec *rec, uint64_t addr)
{
	char *p;
	size_t room = sizeof rec->pool - rec->poolused;
	ssize_t n;
	int cut;

	if (!addr)
		return NULL;
	if (room > PATH_MAX + 1)
		room = PATH_MAX + 1;
	if (room < 2) {
		rec->lost = 1;
		return NULL;
	}
	p = rec->pool + rec->poolused;
	if ((n = sb_procfs_string((pid_t)rec->tid, addr, p, room, &cut)) < 0)
		return NULL;
	if (cut)
		rec->lost = 1;
	rec->poolused += (uint32_t)n + 1;
	return p;
}

/* --- paths -------------------------------------------------------------- */

static enum sb_vtype
vtype(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return SB_VT_REG;
	case S_IFDIR: return SB_VT_DIR;
	case S_IFLNK: return SB_VT_LNK;
	case S_IFCHR: return SB_VT_CHR;
	case S_IFBLK: return SB_VT_BLK;
	case S_IFIFO: return SB_VT_FIFO;
	case S_IFSOCK: return SB_VT_SOCK;
	default: return SB_VT_UNKNOWN;
	}
}

/* Look at what NAME names relative to DIR: existence, type, symlink. */
static void
lookin(struct sb_sysrec *rec, struct sb_sysrec_path *p, int dir,
    const char *name)
{
	char buf[PATH_MAX];
	ssize_t n;
	int empty = !name[0] ? AT_EMPTY_PATH : 0;
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW | empty) < 0) {
		p->exists = errno == ENOENT || errno == ENOTDIR ? 0 : -1;
		return;
	}
	p->exists = 1;
	p->mode = st.st_mode;
	p->vtype = vtype(st.st_mode);
	p->is_link = S_ISLNK(st.st_mode);
	if (p->is_link && p->follow) {
		if ((n = readlinkat(dir, name, buf, sizeof buf - 1)) > 0)
			p->link = pooldup(rec, buf, (size_t)n);
		if (fstatat(dir, name, &st, empty) < 0) {
			p->exists = errno == ENOENT || errno == ENOTDIR ? 0 : -1;
			p->mode = 0;
			p->vtype = SB_VT_UNKNOWN;
			return;
		}
		p->mode = st.st_mode;
		p->vtype = vtype(st.st_mode);
	}
}

/*
** The target's own view of P: /proc/self, /proc/thread-self and /dev/fd
** name the process that asks, so looking them up here would see the
** supervisor's (tar's chmod("/proc/self/fd/3") would read our coverage.db).
** Written into BUF as /proc/<pid>/…; P itself when it is none of them.
*/
static const char *
selfpath(const struct sb_sysrec *rec, const char *p, char *buf, size_t n)
{
	static const char *const std[] = { "stdin", "stdout", "stderr" };
	int k;

	if (strncmp(p, "/proc/self", 10) == 0 && (!p[10] || p[10] == '/'))
		snprintf(buf, n, "/proc/%lld%s", (long long)rec->pid, p + 10);
	else if (strncmp(p, "/proc/thread-self", 17) == 0 &&
	    (!p[17] || p[17] == '/'))
		snprintf(buf, n, "/proc/%lld/task/%lld%s", (long long)rec->pid,
		    (long long)rec->tid, p + 17);
	else if (strncmp(p, "/dev/fd/", 8) == 0)
		snprintf(buf, n, "/proc/%lld/fd/%s", (long long)rec->pid, p + 8);
	else {
		for (k = 0; k < 3; k++)
			if (strcmp(p + (strncmp(p, "/dev/", 5) == 0 ? 5 : 0),
			    std[k]) == 0 && strncmp(p, "/dev/", 5) == 0)
				break;
		if (k == 3)
			return p;
		snprintf(buf, n, "/proc/%lld/fd/%d", (long long)rec->pid, k);
	}
	return buf;
}

/* Look at what P->abs names in ROOT. */
static void
look(struct sb_sysrec *rec, struct sb_sysrec_path *p, const char *root)
{
	char buf[PATH_MAX + 64], self[PATH_MAX + 64];
	const char *full = selfpath(rec, p->abs, self, sizeof self);

	if (full != p->abs) {
		/* the link is the target's; its content is what it names */
		lookin(rec, p, AT_FDCWD, full);
		return;
	}
	if (root[0] != '/' || root[1] != 0) {
		if (snprintf(buf, sizeof buf, "%s%s", root, p->abs) >=
		    (int)sizeof buf)
			return;
		full = buf;
	}
	lookin(rec, p, AT_FDCWD, full);
}

/*
** Our copy of the target's directory descriptor FD (pidfd_getfd(2)):
** cheaper than reading its /proc link, and the path can wait until after
** the answer. Not checked for being a directory here, which would cost
** the blocked target a call: a path relative to anything else fails with
** ENOTDIR, as the lookup here sees, and resolve.c finds no directory and
** closes the copy a moment later (a pipe, a socket or a flock(2)ed file
** is held open for that moment only). -1 when it cannot be had (then the
** caller reads the link).
*/
static int
grabdir(struct sb_capture *cx, struct sb_proc *proc, int fd)
{
	int pidfd;

	if (fd < 0 || (pidfd = sb_proctab_pidfd(cx->procs, proc)) < 0)
		return -1;
	return (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
}

/* BASE + "/" + REL into the pool (REL empty: BASE itself). */
static const char *
join(struct sb_sysrec *rec, const char *base, const char *rel)
{
	size_t bl = strlen(base), rl = strlen(rel);
	char *p;

	if (rl == 0)
		return pooldup(rec, base, bl);
	while (bl > 0 && base[bl - 1] == '/')
		bl--;
	if (!(p = poolalloc(rec, bl + 1 + rl + 1)))
		return NULL;
	memcpy(p, base, bl);
	p[bl] = '/';
	memcpy(p + bl + 1, rel, rl + 1);
	return p;
}

/* The path a descriptor of the target names, or NULL (pipe, socket…). */
static const char *
fdpath(struct sb_sysrec *rec, int fd)
{
	char buf[PATH_MAX];
	ssize_t n;

	if (fd < 0 || (n = sb_procfs_fdlink((pid_t)rec->tid, fd, buf,
	    sizeof buf)) <= 0 || buf[0] != '/')
		return NULL;
	if (n > 10 && strcmp(buf + n - 10, " (deleted)") == 0)
		n -= 10;
	return pooldup(rec, buf, (size_t)n);
}

/*
** Fill path I from the string LITERAL, relative to DIRFD (or the cwd).
** LATER: the lookup may wait for sb_capture_late(), unless the path is
** one of the target's own (/proc/self…), which may be gone by then.
*/
static void
pathfrom(struct sb_capture *cx, struct sb_proc *proc, struct sb_sysrec *rec,
    int i, const char *literal, int dirfd, int follow, int later)
{
	struct sb_sysrec_path *p = &rec->path[i];
	char self[PATH_MAX + 64];
	const char *base;

	p->literal = literal;
	p->follow = follow;
	p->exists = -1;
	if (!literal)
		return;
	if (literal[0] == '/') {
		p->abs = literal;
	} else if (dirfd == AT_FDCWD) {
		p->abs = (base = sb_proctab_cwd(cx->procs, proc)) ?
		    join(rec, base, literal) : NULL;
	} else if (literal[0] && (p->fd = grabdir(cx, proc, dirfd)) >= 0) {
		/* ABS waits for resolve.c: the directory is held open */
		if (later)
			p->later = 1;
		else
			lookin(rec, p, p->fd, literal);
		return;
	} else {
		p->abs = (base = fdpath(rec, dirfd)) ? join(rec, base,
		    literal) : NULL;
	}
	if (!p->abs)
		return;
	if (later && selfpath(rec, p->abs, self, sizeof self) == p->abs)
		p->later = 1;
	else
		look(rec, p, sb_proctab_root(cx->procs, proc));
}

void
sb_capture_late(struct sb_sysrec *rec)
{
	struct sb_sysrec_path *p;
	int i;

	for (i = 0; i < 2; i++) {
		p = &rec->path[i];
		if (!p->later)
			continue;
		p->later = 0;
		if (p->fd >= 0)
			lookin(rec, p, p->fd, p->literal);
		else if (p->abs)
			look(rec, p, rec->root ? rec->root : "/");
	}
}

/*
** Metadata reads, whose lookup can wait: the call changes nothing, and
** its operation is file-read-metadata whether the path exists or not
** (COVERAGE.md §6.5 needs existence only to tell create from open and a
** failed call from an access); the vnode type, a fact, is read a moment
** later, and a path removed in that moment has no type (as if unknown).
*/
static int
lookslater(enum sb_sys sys)
{
	switch (sys) {
	case SB_SYS_stat: case SB_SYS_lstat:
	case SB_SYS_stat64: case SB_SYS_lstat64:
	case SB_SYS_newfstatat: case SB_SYS_fstatat64: case SB_SYS_statx:
	case SB_SYS_readlink: case SB_SYS_readlinkat:
		return 1;
	default:
		return 0;
	}
}

static int
follows(const struct row *r, const struct sb_sysrec *rec)
{
	uint64_t f = r->fpos >= 0 ? rec->args[r->fpos] : 0;

	switch (r->follow) {
	case F_NO: return 0;
	case F_AT: return !(f & AT_SYMLINK_NOFOLLOW);
	case F_ATF: return (f & AT_SYMLINK_FOLLOW) != 0;
	case F_OPEN:
	case F_HOW:
		f = rec->flags;
		return !(f & O_NOFOLLOW) &&
		    (f & (O_CREAT | O_EXCL)) != (O_CREAT | O_EXCL);
	default: return 1;
	}
}

static int
dirfdarg(const struct sb_sysrec *rec, int pos)
{
	return pos >= 0 ? (int)rec->args[pos] : AT_FDCWD;
}

static void
paths(struct sb_capture *cx, struct sb_proc *proc, const struct row *r,
    struct sb_sysrec *rec)
{
	const char *lit;

	if (r->path >= 0) {
		lit = readstr(rec, rec->args[r->path]);
		pathfrom(cx, proc, rec, 0, lit, dirfdarg(rec, r->dirfd),
		    follows(r, rec), lookslater(rec->sys));
	}
	if (r->path2 >= 0) {
		lit = readstr(rec, rec->args[r->path2]);
		pathfrom(cx, proc, rec, 1, lit, dirfdarg(rec, r->dirfd2), 0,
		    0);
	}
	if (r->fd >= 0) {
		struct sb_sysrec_path *p = &rec->path[0];
		if (rec->sys == SB_SYS_mmap || rec->sys == SB_SYS_mmap2) {
			if (!(rec->args[2] & PROT_EXEC) ||
			    (rec->args[3] & MAP_ANONYMOUS))
				return;
		}
		p->follow = 1;
		p->exists = -1;
		if ((p->abs = fdpath(rec, (int)rec->args[r->fd]))) {
			p->exists = 1;
			look(rec, p, sb_proctab_root(cx->procs, proc));
			if (p->exists != 1)     /* deleted since opened */
				p->exists = -1;
		}
	}
}

/*
** The interpreter of a '#!' script at P (read while the thread is blocked:
** the file may be gone by the time the record is evaluated), in the pool.
*/
static const char *
interpreter(struct sb_sysrec *rec, const struct sb_sysrec_path *p)
{
	char full[PATH_MAX + 64], head[256];
	ssize_t n;
	size_t i, j;
	int fd;

	if (p->exists != 1 || p->vtype != SB_VT_REG || !(p->mode & 0111))
		return NULL;
	if (p->fd >= 0 && p->literal)
		fd = openat(p->fd, p->literal, O_RDONLY | O_CLOEXEC |
		    O_NONBLOCK);
	else if (p->abs && snprintf(full, sizeof full, "%s%s", rec->root ?
	    rec->root : "", p->abs) < (int)sizeof full)
		fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	else
		return NULL;
	if (fd < 0)
		return NULL;
	n = read(fd, head, sizeof head - 1);
	close(fd);
	if (n < 3 || head[0] != '#' || head[1] != '!')
		return NULL;
	head[n] = 0;
	for (i = 2; head[i] == ' ' || head[i] == '\t'; i++)
		;
	for (j = i; head[j] && head[j] != ' ' && head[j] != '\t' &&
	    head[j] != '\n' && head[j] != '\r'; j++)
		;
	return j > i ? pooldup(rec, head + i, j - i) : NULL;
}

/* The process's arguments into the pool (at most 2 KiB of them). */
static void
arguments(struct sb_sysrec *rec)
{
	size_t room = sizeof rec->pool - rec->poolused;
	ssize_t n;

	if (room > 2048)
		room = 2048;
	n = sb_procfs_cmdline((pid_t)rec->tid, rec->pool + rec->poolused, room);
	if (n <= 0)
		return;
	rec->argv = rec->pool + rec->poolused;
	rec->argvlen = (uint32_t)n;
	rec->poolused += (uint32_t)n;
}

/* --- flags, sockets, signals -------------------------------------------- */

static void
flags(const struct row *r, struct sb_sysrec *rec)
{
	uint64_t v = 0;

	switch (rec->sys) {
	case SB_SYS_open:
	case SB_SYS_openat:
		rec->flags = rec->args[r->fpos];
		return;
	case SB_SYS_creat:
		rec->flags = O_CREAT | O_WRONLY | O_TRUNC;
		return;
	case SB_SYS_openat2:
	case SB_SYS_clone3:
		/* the first u64 of struct open_how and struct clone_args */
		if (sb_procfs_read((pid_t)rec->tid, rec->args[r->extra ==
		    X_OPENHOW ? r->e1 : 0], &v, sizeof v) == sizeof v)
			rec->flags = v;
		else
			rec->lost = 1;
		return;
	case SB_SYS_clone:
		rec->flags = rec->args[0];
		return;
	case SB_SYS_vfork:
		rec->flags = CLONE_VM | CLONE_VFORK;
		return;
	default:
		return;
	}
}

/* A copy of the target's descriptor FD in ours, or -1. */
static int
grabfd(const struct sb_sysrec *rec, int fd)
{
	int pidfd, mine;

	if ((pidfd = (int)syscall(SYS_pidfd_open, (pid_t)rec->pid, 0)) < 0)
		return -1;
	mine = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	return mine;
}

/* The socket type of the target's descriptor FD, or -1. */
static int
socktype(const struct sb_sysrec *rec, int fd, struct sockaddr_storage *local,
    socklen_t *llen)
{
	int mine = grabfd(rec, fd), type = -1;
	socklen_t n = sizeof type;

	if (mine < 0)
		return -1;
	if (getsockopt(mine, SOL_SOCKET, SO_TYPE, &type, &n) < 0)
		type = -1;
	if (local && getsockname(mine, (struct sockaddr *)local, llen) < 0)
		*llen = 0;
	close(mine);
	return type;
}

/* Decode the LEN bytes of a sockaddr at SA into REC->sock (and path 0). */
static void
sockaddr(struct sb_capture *cx, struct sb_proc *proc, struct sb_sysrec *rec,
    const struct sockaddr_storage *sa, size_t len)
{
	struct sb_sysrec_sock *s = &rec->sock;
	char host[INET6_ADDRSTRLEN], name[sizeof(struct sockaddr_un)];
	const struct sockaddr_un *un = (const void *)sa;
	size_t off = offsetof(struct sockaddr_un, sun_path), n, i;

	if (len < sizeof(sa_family_t))
		return;
	s->family = sa->ss_family;
	s->port = -1;
	switch (sa->ss_family) {
	case AF_INET:
		if (len < sizeof(struct sockaddr_in))
			break;
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, host, sizeof host);
		s->host = pooldup(rec, host, strlen(host));
		s->port = ntohs(((const struct sockaddr_in *)(const void *)
		    sa)->sin_port);
		break;
	case AF_INET6:
		if (len < sizeof(struct sockaddr_in6))
			break;
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, host, sizeof host);
		s->host = pooldup(rec, host, strlen(host));
		s->port = ntohs(((const struct sockaddr_in6 *)(const void *)
		    sa)->sin6_port);
		break;
	case AF_UNIX:
		if (len <= off)
			break;
		n = len - off;
		if (n > sizeof un->sun_path)
			n = sizeof un->sun_path;
		if (un->sun_path[0] == 0) {
			/* abstract: shown as "@name" */
			name[0] = '@';
			for (i = 1; i < n; i++)
				name[i] = un->sun_path[i] ? un->sun_path[i] :
				    '@';
			s->abstract = 1;
			s->path = pooldup(rec, name, n);
			break;
		}
		memcpy(name, un->sun_path, n);
		name[n] = 0;
		s->path = pooldup(rec, name, strlen(name));
		pathfrom(cx, proc, rec, 0, s->path, AT_FDCWD, 1, 0);
		break;
	default:
		break;
	}
}

/* Read a sockaddr of LEN bytes at ADDR in the target and decode it. */
static void
readaddr(struct sb_capture *cx, struct sb_proc *proc, struct sb_sysrec *rec,
    uint64_t addr, uint64_t len)
{
	struct sockaddr_storage sa;
	ssize_t n;

	if (!addr || len == 0)
		return;
	if (len > sizeof sa)
		len = sizeof sa;
	memset(&sa, 0, sizeof sa);
	if ((n = sb_procfs_read((pid_t)rec->tid, addr, &sa, (size_t)len)) <= 0)
		return;
	sockaddr(cx, proc, rec, &sa, (size_t)n);
}

static void
msghdr(struct sb_capture *cx, struct sb_proc *proc, struct sb_sysrec *rec,
    uint64_t addr)
{
	uint64_t name = 0, len = 0;

	if (rec->compat) {
		uint32_t h[2];
		if (sb_procfs_read((pid_t)rec->tid, addr, h, sizeof h) !=
		    sizeof h)
			return;
		name = h[0];
		len = h[1];
	} else {
		struct { uint64_t name; uint32_t len; } h;
		if (sb_procfs_read((pid_t)rec->tid, addr, &h, 12) != 12)
			return;
		name = h.name;
		len = h.len;
	}
	readaddr(cx, proc, rec, name, len);
}

/* Where a signal or an attach to process TARGET lands, seen from PROC. */
static enum sb_sigtarget
classify(struct sb_capture *cx, const struct sb_proc *proc, int64_t target)
{
	const struct sb_proc *t;
	struct sb_procinfo info;

	if (target == proc->tgid)
		return SB_SIG_SELF;
	if (target == 0)
		return SB_SIG_PGRP;
	if (target == -1)
		return SB_SIG_OTHERS;
	if (target < -1)
		return -target == proc->pgrp ? SB_SIG_PGRP : SB_SIG_OTHERS;
	if ((t = sb_proctab_find(cx->procs, target)) && !t->dead)
		return t->ppid == proc->tgid ? SB_SIG_CHILDREN : SB_SIG_TREE;
	if (sb_procfs_info((pid_t)target, &info) == 0 &&
	    info.ppid == proc->tgid)
		return SB_SIG_CHILDREN;
	return SB_SIG_OTHERS;
}

static void
signal_(struct sb_capture *cx, struct sb_proc *proc, const struct row *r,
    struct sb_sysrec *rec)
{
	struct sb_procinfo info;
	int64_t target = (int64_t)(int)rec->args[r->e1];

	rec->signo = (int)rec->args[r->e2];
	switch (r->extra) {
	case X_SIGTID:
		target = sb_procfs_info((pid_t)target, &info) == 0 ?
		    info.tgid : target;
		break;
	case X_PIDFD:
		target = sb_procfs_pidfd_pid((pid_t)rec->tid, (int)target);
		if (target <= 0) {
			rec->sigtarget = SB_SIG_UNKNOWN;
			return;
		}
		break;
	default:
		break;
	}
	rec->target_pid = target;
	rec->sigtarget = classify(cx, proc, target);
}

/* i386 socketcall(CALL, ARGS): the call it stands for, arguments inline. */
static enum sb_sys
socketcall(struct sb_sysrec *rec)
{
	static const struct { int call; enum sb_sys sys; int nargs; } calls[] = {
		{ 1, SB_SYS_socket, 3 }, { 2, SB_SYS_bind, 3 },
		{ 3, SB_SYS_connect, 3 }, { 4, SB_SYS_listen, 2 },
		{ 5, SB_SYS_accept, 3 }, { 11, SB_SYS_sendto, 6 },
		{ 16, SB_SYS_sendmsg, 3 }, { 18, SB_SYS_accept4, 4 },
	};
	uint32_t a[6];
	size_t i;
	int k;

	for (i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		if (calls[i].call != (int)rec->args[0])
			continue;
		if (sb_procfs_read((pid_t)rec->tid, rec->args[1], a,
		    (size_t)calls[i].nargs * 4) != calls[i].nargs * 4)
			return SB_SYS_NONE;
		for (k = 0; k < 6; k++)
			rec->args[k] = k < calls[i].nargs ? a[k] : 0;
		return calls[i].sys;
	}
	return SB_SYS_NONE;
}

/* i386 ipc(CALL, …): the System V call it stands for. */
static enum sb_sys
ipccall(const struct sb_sysrec *rec)
{
	switch (rec->args[0] & 0xffff) {
	case 1: return SB_SYS_semop;
	case 2: return SB_SYS_semget;
	case 3: return SB_SYS_semctl;
	case 4: return SB_SYS_semtimedop;
	case 11: return SB_SYS_msgsnd;
	case 12: return SB_SYS_msgrcv;
	case 13: return SB_SYS_msgget;
	case 14: return SB_SYS_msgctl;
	case 21: return SB_SYS_shmat;
	case 23: return SB_SYS_shmget;
	case 24: return SB_SYS_shmctl;
	default: return SB_SYS_NONE;
	}
}

static void
extra(struct sb_capture *cx, struct sb_proc *proc, const struct row *r,
    struct sb_sysrec *rec)
{
	struct sockaddr_storage local;
	socklen_t llen = sizeof local;

	switch (r->extra) {
	case X_SOCKADDR:
		readaddr(cx, proc, rec, rec->args[r->e1], rec->args[r->e2]);
		if (rec->sock.family == AF_INET || rec->sock.family == AF_INET6)
			rec->sock.type = socktype(rec, (int)rec->args[0], NULL,
			    NULL);
		break;
	case X_MSGHDR:
		msghdr(cx, proc, rec, rec->args[r->e1]);
		if (rec->sock.family == AF_INET || rec->sock.family == AF_INET6)
			rec->sock.type = socktype(rec, (int)rec->args[0], NULL,
			    NULL);
		break;
	case X_SOCKFD:
		memset(&local, 0, sizeof local);
		rec->sock.type = socktype(rec, (int)rec->args[r->e1], &local,
		    &llen);
		if (llen > 0) {
			int type = rec->sock.type;
			sockaddr(cx, proc, rec, &local, llen);
			rec->sock.type = type;
		}
		break;
	case X_SIGNAL:
	case X_SIGTID:
	case X_PIDFD:
		signal_(cx, proc, r, rec);
		break;
	case X_PID:
		rec->target_pid = (int64_t)(int)rec->args[r->e1];
		rec->sigtarget = classify(cx, proc, rec->target_pid);
		break;
	default:
		break;
	}
}

/* What the call changes in the table: cwd, root, exe, pids, life. */
static void
bookkeep(struct sb_capture *cx, struct sb_proc *proc, struct sb_sysrec *rec)
{
	struct sb_proc *leader;

	switch (rec->sys) {
	case SB_SYS_chdir:
	case SB_SYS_fchdir:
		cx->procs->cwdgen++;
		break;
	case SB_SYS_chroot:
		cx->procs->rootgen++;
		break;
	case SB_SYS_execve:
	case SB_SYS_execveat:
		proc->exe_stale = 1;
		if ((leader = sb_proctab_find(cx->procs, proc->tgid)))
			leader->exe_stale = 1;
		break;
	case SB_SYS_fork:
	case SB_SYS_vfork:
	case SB_SYS_clone:
	case SB_SYS_clone3:
		cx->procs->forkgen++;
		break;
	default:
		break;
	}
}

int
sb_capture(struct sb_capture *cx, int64_t tid, uint32_t arch, int64_t nr,
    const uint64_t args[6], struct sb_sysrec *rec)
{
	struct sb_proc *proc;
	const struct row *r;
	struct timespec ts;
	const char *root;

	memset(rec, 0, offsetof(struct sb_sysrec, pool));
	rec->path[0].fd = rec->path[1].fd = -1;
	rec->tid = tid;
	rec->target_pid = -1;
	rec->signo = -1;
	rec->sock.type = -1;
	rec->sock.port = -1;
	memcpy(rec->args, args, sizeof rec->args);
	rec->sys = sb_seccomp_sys(&cx->map, arch, nr, &rec->compat);
	if (!(proc = sb_proctab_get(cx->procs, tid)))
		return -1;
	rec->pid = proc->tgid;
	rec->ppid = proc->ppid;
	rec->exe = proc->exe;
	if (cx->boot_ns && cx->hz > 0)
		rec->pstart = (uint64_t)cx->boot_ns + proc->pstart *
		    (1000000000 / (uint64_t)cx->hz);
	if (proc->fresh) {
		/* the first record of a process: its arguments, for its row */
		proc->fresh = 0;
		rec->first = 1;
		arguments(rec);
	}
	root = sb_proctab_root(cx->procs, proc);
	if (strcmp(root, "/") != 0)
		rec->root = pooldup(rec, root, strlen(root));
	clock_gettime(CLOCK_REALTIME, &ts);
	rec->ts = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	if (rec->sys == SB_SYS_socketcall)
		rec->sys = socketcall(rec);
	else if (rec->sys == SB_SYS_ipc)
		rec->sys = ipccall(rec);
	if (rec->sys == SB_SYS_NONE)
		return 0;
	r = &rows[rec->sys];
	flags(r, rec);
	paths(cx, proc, r, rec);
	extra(cx, proc, r, rec);
	if (rec->sys == SB_SYS_execve || rec->sys == SB_SYS_execveat)
		rec->interp = interpreter(rec, &rec->path[0]);
	bookkeep(cx, proc, rec);
	if (rec->lost)
		cx->nlost++;
	return 0;
}

/* PTR moved from SRC's pool to DST's; other pointers stay. */
static const char *
moved(const struct sb_sysrec *src, struct sb_sysrec *dst, const char *ptr)
{
	uintptr_t p = (uintptr_t)ptr, base = (uintptr_t)src->pool;

	if (ptr && p >= base && p < base + sizeof src->pool)
		return dst->pool + (p - base);
	return ptr;
}

void
sb_sysrec_move(struct sb_sysrec *dst, struct sb_sysrec *src)
{
	int i;

	memcpy(dst, src, offsetof(struct sb_sysrec, pool) + src->poolused);
	src->path[0].fd = src->path[1].fd = -1;
	dst->root = moved(src, dst, src->root);
	dst->argv = moved(src, dst, src->argv);
	dst->interp = moved(src, dst, src->interp);
	dst->sock.host = moved(src, dst, src->sock.host);
	dst->sock.path = moved(src, dst, src->sock.path);
	for (i = 0; i < 2; i++) {
		dst->path[i].literal = moved(src, dst, src->path[i].literal);
		dst->path[i].abs = moved(src, dst, src->path[i].abs);
		dst->path[i].resolved = moved(src, dst, src->path[i].resolved);
		dst->path[i].link = moved(src, dst, src->path[i].link);
	}
}

void
sb_sysrec_release(struct sb_sysrec *rec)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (rec->path[i].fd >= 0)
			close(rec->path[i].fd);
		rec->path[i].fd = -1;
	}
}
