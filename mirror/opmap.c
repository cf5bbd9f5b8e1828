/*
** opmap.c: one syscall record → 0..n SBPL accesses, by the table in
** opmap.def (COVERAGE.md §6.5). Pure: the record already holds everything
** the target's state could change (existence, vnode types, addresses,
** signal targets), read while it was blocked; this file only decides.
** Attribution, storage and the database are elsewhere.
*/
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "mirror/opmap.h"

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#ifndef O_TMPFILE
#define O_TMPFILE (020000000 | O_DIRECTORY)
#endif

enum kind {
	K_NONE, K_OPEN, K_META, K_ACCESS, K_FILE, K_MODE, K_CREATE, K_MKNOD,
	K_LINK, K_UNLINK, K_RENAME, K_MMAP, K_EXEC, K_FORK, K_SIGNAL, K_NET,
	K_SEND, K_SOCKET, K_SIMPLE, K_UNAME, K_TASK
};

struct row {
	enum kind kind;
	const char *op;         /* operation, or K_CREATE's vnode type */
	int val;                /* argument with the kind's value, or -1 */
};

static const struct row rows[SB_SYS_COUNT] = {
#define MAP(sys, kind, op, val) [SB_SYS_##sys] = { kind, op, val },
#include "mirror/opmap.def"
#undef MAP
};

static const char *const sysnames[SB_SYS_COUNT] = {
	[SB_SYS_NONE] = "?",
#define SYSCALL(name, d, p, d2, p2, fd, fol, fpos, x, e1, e2, c, cpos, w) \
	[SB_SYS_##name] = #name,
#include "mirror/syscalls.def"
#undef SYSCALL
};

/* Watched only with --fd-ops (the W_FDOPS rows of syscalls.def). */
static const unsigned char fdonly[SB_SYS_COUNT] = {
#define W_ALL 0
#define W_FDOPS 1
#define SYSCALL(name, d, p, d2, p2, fd, fol, fpos, x, e1, e2, c, cpos, w) \
	[SB_SYS_##name] = w,
#include "mirror/syscalls.def"
#undef SYSCALL
#undef W_ALL
#undef W_FDOPS
};

const char *
sb_opmap_sysname(enum sb_sys sys)
{
	if ((unsigned)sys >= SB_SYS_COUNT || !sysnames[sys])
		return "?";
	return sysnames[sys];
}

static const char *const observable[] = {
	"file-read-data", "file-read-metadata", "file-read-xattr",
	"file-write-data", "file-write-create", "file-write-unlink",
	"file-write-mode", "file-write-setugid", "file-write-owner",
	"file-write-times", "file-write-xattr", "file-link", "file-mknod",
	"file-map-executable", "file-chroot", "file-mount", "file-unmount",
	"file-ioctl", "process-exec", "process-exec-interpreter",
	"process-fork", "signal", "network-outbound", "network-bind",
	"network-inbound", "system-socket", "ipc-posix-shm-read-data",
	"ipc-posix-shm-write-data", "ipc-posix-shm-write-create",
	"ipc-posix-shm-write-unlink", "ipc-posix-sem-open",
	"ipc-posix-sem-create", "ipc-posix-sem-unlink", "ipc-sysv-shm",
	"ipc-sysv-sem", "ipc-sysv-msg", "sysctl-read", "sysctl-write",
	"mach-priv-task-port",
};

const char *const *
sb_opmap_observable(uint32_t *n)
{
	*n = (uint32_t)(sizeof observable / sizeof observable[0]);
	return observable;
}

/* --- building the output ------------------------------------------------ */

/* Copy N bytes of S into OUT's text; NULL when full. */
static char *
keep(struct sb_opmap_out *out, const char *s, size_t n)
{
	char *p;

	if (out->used + n + 1 > sizeof out->text)
		return NULL;
	p = out->text + out->used;
	memcpy(p, s, n);
	p[n] = 0;
	out->used += (uint32_t)(n + 1);
	return p;
}

static struct sb_access *
add(struct sb_opmap_out *out, const struct sb_sysrec *rec, const char *op,
    const char *arg, enum sb_arg_kind kind)
{
	struct sb_access *a;

	if (out->n == SB_OPMAP_MAX)
		return NULL;
	a = &out->acc[out->n++];
	memset(a, 0, sizeof *a);
	a->operation = op;
	a->argument = arg;
	a->arg_kind = arg ? kind : SB_ACC_NONE;
	a->pid = rec->pid;
	a->ppid = rec->ppid;
	a->exe = rec->exe;
	a->ts = rec->ts;
	a->count = 1;
	a->reported = SB_DEC_UNKNOWN;
	a->syscall = sb_opmap_sysname(rec->sys);
	a->err = rec->err;
	a->approx = rec->lost;
	return a;
}

static void
fact(struct sb_access *a, const char *filter, const char *value)
{
	if (a && value && a->nfacts < SB_ACCESS_MAX_FACTS) {
		a->facts[a->nfacts].filter = filter;
		a->facts[a->nfacts++].value = value;
	}
}

/* A decimal number as a fact value, kept in OUT's text. */
static const char *
num(struct sb_opmap_out *out, long long v)
{
	char b[24], *p = b + sizeof b;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v :
	    (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	return keep(out, p, (size_t)(b + sizeof b - p));
}

static const char *
vtypename(enum sb_vtype t)
{
	switch (t) {
	case SB_VT_REG: return "REGULAR-FILE";
	case SB_VT_DIR: return "DIRECTORY";
	case SB_VT_LNK: return "SYMLINK";
	case SB_VT_CHR: return "CHARACTER-DEVICE";
	case SB_VT_BLK: return "BLOCK-DEVICE";
	case SB_VT_FIFO: return "FIFO";
	case SB_VT_SOCK: return "SOCKET";
	default: return NULL;
	}
}

/* The path the access is on: resolved, else joined, else as written. */
static const char *
rawpath(const struct sb_sysrec_path *p)
{
	return p->resolved ? p->resolved : p->abs ? p->abs : p->literal;
}

/*
** PATH after --path-map: the longest FROM that is PATH or a parent of it
** on a component boundary is replaced by its TO. NULL: not mapped.
*/
static const char *
mappath(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const char *path, int *cut)
{
	const struct sb_pathmap *best = NULL;
	size_t bestlen = 0, n, tl;
	char buf[PATH_MAX + 1];
	const char *rest;
	uint32_t i;

	for (i = 0; cfg && i < cfg->nmaps; i++) {
		n = strlen(cfg->maps[i].from);
		if (n <= bestlen && best)
			continue;
		if (strncmp(path, cfg->maps[i].from, n) != 0)
			continue;
		if (n > 1 && path[n] != 0 && path[n] != '/')
			continue;
		best = &cfg->maps[i];
		bestlen = n;
	}
	if (!best)
		return keep(out, path, strlen(path));
	rest = bestlen == 1 ? path : path + bestlen;
	tl = strlen(best->to);
	if (tl > 0 && best->to[tl - 1] == '/' && rest[0] == '/')
		tl--;
	if (tl + strlen(rest) > PATH_MAX) {
		*cut = 1;
		return keep(out, path, strlen(path));
	}
	memcpy(buf, best->to, tl);
	strcpy(buf + tl, rest);
	if (buf[0] == 0)
		strcpy(buf, "/");
	return keep(out, buf, strlen(buf));
}

/* An access on path I of REC with its vnode type, if known. */
static struct sb_access *
onpath(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const struct sb_sysrec *rec, int i, const char *op, const char *vtype)
{
	const struct sb_sysrec_path *p = &rec->path[i];
	const char *raw = rawpath(p), *mapped;
	struct sb_access *a;
	int cut = 0;

	if (!raw)
		return NULL;
	mapped = mappath(cfg, out, raw, &cut);
	if (!(a = add(out, rec, op, mapped, SB_ACC_PATH)))
		return NULL;
	a->literal_path = p->literal;
	a->approx |= cut || !mapped;
	fact(a, "vnode-type", vtype ? vtype : vtypename(p->vtype));
	return a;
}

/* --- special paths ------------------------------------------------------ */

/* "NAME" if PATH is /dev/shm/NAME (no further '/'), else NULL. */
static const char *
shmname(const char *path)
{
	if (!path || strncmp(path, "/dev/shm/", 9) != 0 || !path[9] ||
	    strchr(path + 9, '/'))
		return NULL;
	return path + 9;
}

/* /proc/sys/A/B → "A.B", kernel → kern (COVERAGE.md §6.5); NULL if not. */
static const char *
sysctlname(struct sb_opmap_out *out, const char *path)
{
	char buf[256];
	size_t n = 0;
	const char *s;

	if (!path || strncmp(path, "/proc/sys/", 10) != 0 || !path[10])
		return NULL;
	s = path + 10;
	if (strncmp(s, "kernel", 6) == 0 && (s[6] == '/' || !s[6])) {
		memcpy(buf, "kern", 4);
		n = 4;
		s += 6;
	}
	for (; *s && n + 1 < sizeof buf; s++)
		buf[n++] = *s == '/' ? '.' : *s;
	return keep(out, buf, n);
}

static void
posixipc(struct sb_opmap_out *out, const struct sb_sysrec *rec,
    const char *name, uint64_t flags, int exists, int unlink)
{
	int sem = strncmp(name, "sem.", 4) == 0;
	const char *arg = keep(out, sem ? name + 4 : name,
	    strlen(sem ? name + 4 : name));
	int acc = (int)(flags & O_ACCMODE);

	if (unlink) {
		add(out, rec, sem ? "ipc-posix-sem-unlink" :
		    "ipc-posix-shm-write-unlink", arg, SB_ACC_NAME);
		return;
	}
	if ((flags & O_CREAT) && exists == 0) {
		add(out, rec, sem ? "ipc-posix-sem-create" :
		    "ipc-posix-shm-write-create", arg, SB_ACC_NAME);
		return;
	}
	if (exists == 0)
		return;
	if (sem) {
		add(out, rec, "ipc-posix-sem-open", arg, SB_ACC_NAME);
		return;
	}
	if (acc != O_WRONLY)
		add(out, rec, "ipc-posix-shm-read-data", arg, SB_ACC_NAME);
	if (acc != O_RDONLY)
		add(out, rec, "ipc-posix-shm-write-data", arg, SB_ACC_NAME);
}

/* --- kinds -------------------------------------------------------------- */

static void
mapopen(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const struct sb_sysrec *rec)
{
	const struct sb_sysrec_path *p = &rec->path[0];
	uint64_t f = rec->flags;
	int acc = (int)(f & O_ACCMODE);
	const char *name, *path = p->abs ? p->abs : p->literal;
	struct sb_access *a;

	if (f & O_PATH)
		return;         /* no macOS counterpart */
	if ((name = shmname(path))) {
		posixipc(out, rec, name, f, p->exists, 0);
		return;
	}
	if ((name = sysctlname(out, path))) {
		if (p->exists == 0)
			return;
		if (acc != O_WRONLY && (a = add(out, rec, "sysctl-read", name,
		    SB_ACC_NAME)))
			a->approx = 1;
		if (acc != O_RDONLY && (a = add(out, rec, "sysctl-write",
		    name, SB_ACC_NAME)))
			a->approx = 1;
		return;
	}
	if ((f & O_TMPFILE) == O_TMPFILE) {
		if ((a = onpath(cfg, out, rec, 0, "file-write-create",
		    "REGULAR-FILE")))
			a->approx = 1;
		return;
	}
	if ((f & O_CREAT) && p->exists == 0) {
		onpath(cfg, out, rec, 0, "file-write-create", "REGULAR-FILE");
		return;
	}
	if (p->exists == 0)
		return;         /* ENOENT: no vnode, nothing to check */
	if (acc != O_WRONLY)
		onpath(cfg, out, rec, 0, "file-read-data", NULL);
	if (acc != O_RDONLY || (f & O_TRUNC))
		onpath(cfg, out, rec, 0, "file-write-data", NULL);
}

/* A descriptor's path (no literal), or "" given to an *at call. */
static int
isfdpath(const struct sb_sysrec_path *p)
{
	return !p->literal || !p->literal[0];
}

static void
mapaccess(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const struct sb_sysrec *rec, int val)
{
	int mode = val >= 0 ? (int)rec->args[val] : 0;

	if (mode == F_OK) {
		onpath(cfg, out, rec, 0, "file-read-metadata", NULL);
		return;
	}
	if (rec->path[0].exists == 0)
		return;
	if (mode & R_OK)
		onpath(cfg, out, rec, 0, "file-read-data", NULL);
	if (mode & W_OK)
		onpath(cfg, out, rec, 0, "file-write-data", NULL);
	if (mode & X_OK)
		onpath(cfg, out, rec, 0, "process-exec", NULL);
}

static void
mapmode(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const struct sb_sysrec *rec, int val)
{
	unsigned mode = val >= 0 ? (unsigned)rec->args[val] & 07777 : 0;
	struct sb_access *a;

	if (rec->path[0].exists == 0)
		return;
	a = onpath(cfg, out, rec, 0, "file-write-mode", NULL);
	fact(a, "file-mode", num(out, mode));
	if (mode & (S_ISUID | S_ISGID))
		onpath(cfg, out, rec, 0, "file-write-setugid", NULL);
}

static void
mapmknod(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const struct sb_sysrec *rec, int val)
{
	unsigned mode = val >= 0 ? (unsigned)rec->args[val] : 0;
	struct sb_access *a;

	if (rec->path[0].exists == 1)
		return;         /* EEXIST */
	switch (mode & S_IFMT) {
	case S_IFCHR:
	case S_IFBLK:
		if ((a = onpath(cfg, out, rec, 0, "file-mknod",
		    (mode & S_IFMT) == S_IFCHR ? "CHARACTER-DEVICE" :
		    "BLOCK-DEVICE")))
			a->approx = 1;
		return;
	case S_IFIFO:
		onpath(cfg, out, rec, 0, "file-write-create", "FIFO");
		return;
	case S_IFSOCK:
		onpath(cfg, out, rec, 0, "file-write-create", "SOCKET");
		return;
	default:
		onpath(cfg, out, rec, 0, "file-write-create", "REGULAR-FILE");
	}
}

static void
mapunlink(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const struct sb_sysrec *rec)
{
	const struct sb_sysrec_path *p = &rec->path[0];
	const char *name;

	if (p->exists == 0)
		return;
	if ((name = shmname(p->abs ? p->abs : p->literal))) {
		posixipc(out, rec, name, 0, 1, 1);
		return;
	}
	onpath(cfg, out, rec, 0, "file-write-unlink", NULL);
}

static void
maprename(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const struct sb_sysrec *rec, int val)
{
	uint64_t flags = val >= 0 ? rec->args[val] : 0;
	const char *vt = vtypename(rec->path[0].vtype);

	if (rec->path[0].exists == 0)
		return;
	if (flags & RENAME_EXCHANGE) {
		onpath(cfg, out, rec, 0, "file-write-unlink", NULL);
		onpath(cfg, out, rec, 0, "file-write-create", NULL);
		onpath(cfg, out, rec, 1, "file-write-unlink", NULL);
		onpath(cfg, out, rec, 1, "file-write-create", NULL);
		return;
	}
	onpath(cfg, out, rec, 0, "file-write-unlink", NULL);
	onpath(cfg, out, rec, 1, "file-write-create", vt);
}

static void
maplink(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const struct sb_sysrec *rec)
{
	const char *vt = vtypename(rec->path[0].vtype);

	if (rec->path[0].exists == 0 || rec->path[1].exists == 1)
		return;
	onpath(cfg, out, rec, 1, "file-write-create", vt);
	onpath(cfg, out, rec, 0, "file-link", NULL);
}

/* Linux (x86, arm, …: the generic numbering) → macOS signal numbers. */
static int
macsignal(int sig)
{
	static const signed char map[32] = {
		0, 1, 2, 3, 4, 5, 6, 10, 8, 9, 30, 11, 31, 13, 14, 15,
		-1, 20, 19, 17, 18, 21, 22, 16, 24, 25, 26, 27, 28, 23, -1, 12,
	};

	return sig >= 0 && sig < 32 ? map[sig] : -1;
}

static const char *
targetname(enum sb_sigtarget t)
{
	switch (t) {
	case SB_SIG_SELF: return "self";
	case SB_SIG_PGRP: return "pgrp";
	case SB_SIG_CHILDREN: return "children";
	case SB_SIG_TREE: return "same-sandbox";
	case SB_SIG_OTHERS: return "others";
	default: return NULL;
	}
}

static void
mapsignal(struct sb_opmap_out *out, const struct sb_sysrec *rec)
{
	struct sb_access *a = add(out, rec, "signal", NULL, SB_ACC_NONE);
	int mac = macsignal(rec->signo);

	if (!a)
		return;
	fact(a, "target", targetname(rec->sigtarget));
	if (rec->signo > 0 && mac > 0)
		fact(a, "signal-number", num(out, mac));
	else if (rec->signo > 0)
		a->approx = 1;
	if (rec->sigtarget == SB_SIG_UNKNOWN)
		a->approx = 1;
}

/* "PROTO:HOST:PORT" of an inet address (COVERAGE.md §7.1). */
static const char *
address(struct sb_opmap_out *out, const struct sb_sysrec_sock *s)
{
	char buf[128];
	const char *proto;
	int v6 = s->family == AF_INET6, n;

	if (s->type == SOCK_STREAM)
		proto = v6 ? "tcp6" : "tcp";
	else if (s->type == SOCK_DGRAM)
		proto = v6 ? "udp6" : "udp";
	else
		proto = v6 ? "ip6" : "ip";
	if (s->port >= 0)
		n = snprintf(buf, sizeof buf, v6 ? "%s:[%s]:%d" : "%s:%s:%d",
		    proto, s->host ? s->host : "*", s->port);
	else
		n = snprintf(buf, sizeof buf, v6 ? "%s:[%s]:*" : "%s:%s:*",
		    proto, s->host ? s->host : "*");
	if (n < 0 || (size_t)n >= sizeof buf)
		return NULL;
	return keep(out, buf, (size_t)n);
}

static void
mapnet(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const struct sb_sysrec *rec, const char *op)
{
	const struct sb_sysrec_sock *s = &rec->sock;
	struct sb_access *a;

	switch (s->family) {
	case AF_INET:
	case AF_INET6:
		add(out, rec, op, address(out, s), SB_ACC_ADDRESS);
		return;
	case AF_UNIX:
		if (s->abstract) {
			if ((a = add(out, rec, op, keep(out, s->path,
			    strlen(s->path)), SB_ACC_NAME)))
				a->approx = 1;
			return;
		}
		if (rawpath(&rec->path[0]))
			onpath(cfg, out, rec, 0, op, NULL);
		return;
	case 0:
		/* listen/accept on a socket we could not inspect */
		if ((rec->sys == SB_SYS_listen || rec->sys == SB_SYS_accept ||
		    rec->sys == SB_SYS_accept4) &&
		    (a = add(out, rec, op, NULL, SB_ACC_NONE)))
			a->approx = 1;
		return;
	default:
		return; /* netlink, packet, …: system-socket covers them */
	}
}

/* Linux AF_* of other families → the macOS name nearest in purpose. */
static const char *
domainname(int af)
{
	switch (af) {
	case 16: return "AF_ROUTE";     /* AF_NETLINK */
	case 17: return "AF_NDRV";      /* AF_PACKET */
	case 40: return "AF_VSOCK";
	default: return NULL;
	}
}

static void
mapsocket(struct sb_opmap_out *out, const struct sb_sysrec *rec,
    const char *op)
{
	int af = (int)rec->args[0], type = (int)(rec->args[1] & 0xf);
	struct sb_access *a;

	if (af == AF_UNIX || af == AF_INET || af == AF_INET6)
		return;
	if (!(a = add(out, rec, op, NULL, SB_ACC_NONE)))
		return;
	a->approx = 1;
	fact(a, "socket-domain", domainname(af));
	if (type >= 1 && type <= 5)
		fact(a, "socket-type", num(out, type));
	fact(a, "socket-protocol", num(out, (long long)(int)rec->args[2]));
}

static void
mapuname(struct sb_opmap_out *out, const struct sb_sysrec *rec,
    const char *op)
{
	static const char *const names[] = {
		"kern.ostype", "kern.osrelease", "kern.version", "hw.machine",
	};
	struct sb_access *a;
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((a = add(out, rec, op, names[i], SB_ACC_NAME)))
			a->approx = 1;
}

static void
maptask(struct sb_opmap_out *out, const struct sb_sysrec *rec,
    const char *op)
{
	struct sb_access *a;

	if (rec->target_pid < 0 || rec->sigtarget == SB_SIG_SELF)
		return;
	if (!(a = add(out, rec, op, NULL, SB_ACC_NONE)))
		return;
	a->approx = 1;
	fact(a, "target", targetname(rec->sigtarget));
}

static void
mapfile(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const struct sb_sysrec *rec, const char *op)
{
	struct sb_access *a;

	if (fdonly[rec->sys] && !cfg->fd_ops)
		return;
	if (rec->path[0].exists == 0)
		return;
	a = onpath(cfg, out, rec, 0, op, NULL);
	if (a && rec->sys == SB_SYS_ioctl)
		a->approx = 1;  /* Linux ioctl numbers mean nothing on macOS */
}

static void
mapexec(const struct sb_opmap_cfg *cfg, struct sb_opmap_out *out,
    const struct sb_sysrec *rec)
{
	struct sb_access *a;
	const char *m;
	int cut = 0;

	if (rec->path[0].exists == 0)
		return;
	onpath(cfg, out, rec, 0, "process-exec", NULL);
	if (rec->interp && (m = mappath(cfg, out, rec->interp, &cut)) &&
	    (a = add(out, rec, "process-exec-interpreter", m, SB_ACC_PATH)))
		a->approx |= cut;
}

uint32_t
sb_opmap(const struct sb_opmap_cfg *cfg, const struct sb_sysrec *rec,
    struct sb_opmap_out *out)
{
	const struct row *r;

	out->n = 0;
	out->used = 0;
	if ((unsigned)rec->sys >= SB_SYS_COUNT)
		return 0;
	r = &rows[rec->sys];
	switch (r->kind) {
	case K_OPEN:
		mapopen(cfg, out, rec);
		break;
	case K_META:
		if (isfdpath(&rec->path[0]) && !cfg->fd_ops)
			break;
		onpath(cfg, out, rec, 0, r->op, NULL);
		break;
	case K_ACCESS:
		mapaccess(cfg, out, rec, r->val);
		break;
	case K_FILE:
		mapfile(cfg, out, rec, r->op);
		break;
	case K_MODE:
		mapmode(cfg, out, rec, r->val);
		break;
	case K_CREATE:
		if (rec->path[0].exists != 1)
			onpath(cfg, out, rec, 0, "file-write-create", r->op);
		break;
	case K_MKNOD:
		mapmknod(cfg, out, rec, r->val);
		break;
	case K_LINK:
		maplink(cfg, out, rec);
		break;
	case K_UNLINK:
		mapunlink(cfg, out, rec);
		break;
	case K_RENAME:
		maprename(cfg, out, rec, r->val);
		break;
	case K_MMAP:
		if ((rec->args[2] & PROT_EXEC) &&
		    !(rec->args[3] & MAP_ANONYMOUS) && rawpath(&rec->path[0]))
			onpath(cfg, out, rec, 0, r->op, NULL);
		break;
	case K_EXEC:
		mapexec(cfg, out, rec);
		break;
	case K_FORK:
		if (!(rec->flags & CLONE_THREAD))
			add(out, rec, "process-fork", NULL, SB_ACC_NONE);
		break;
	case K_SIGNAL:
		mapsignal(out, rec);
		break;
	case K_NET:
	case K_SEND:
		mapnet(cfg, out, rec, r->op);
		break;
	case K_SOCKET:
		mapsocket(out, rec, r->op);
		break;
	case K_SIMPLE:
		add(out, rec, r->op, NULL, SB_ACC_NONE);
		break;
	case K_UNAME:
		mapuname(out, rec, r->op);
		break;
	case K_TASK:
		maptask(out, rec, r->op);
		break;
	case K_NONE:
		break;
	}
	return out->n;
}

/* The operations each kind can give besides its row's own. */
static uint32_t
kindops(const struct row *r, const char **ops, uint32_t max)
{
	static const char *const open_[] = {
		"file-read-data", "file-write-data", "file-write-create",
		"ipc-posix-shm-read-data", "ipc-posix-shm-write-data",
		"ipc-posix-shm-write-create", "ipc-posix-sem-open",
		"ipc-posix-sem-create", "sysctl-read", "sysctl-write",
	};
	static const char *const access_[] = {
		"file-read-metadata", "file-read-data", "file-write-data",
		"process-exec",
	};
	static const char *const mode_[] = {
		"file-write-mode", "file-write-setugid",
	};
	static const char *const mknod_[] = {
		"file-write-create", "file-mknod",
	};
	static const char *const link_[] = { "file-write-create", "file-link" };
	static const char *const unlink_[] = {
		"file-write-unlink", "ipc-posix-shm-write-unlink",
		"ipc-posix-sem-unlink",
	};
	static const char *const rename_[] = {
		"file-write-unlink", "file-write-create",
	};
	static const char *const exec_[] = {
		"process-exec", "process-exec-interpreter",
	};
	const char *const *list;
	uint32_t n, i;

	switch (r->kind) {
	case K_OPEN: list = open_; n = countof(open_); break;
	case K_ACCESS: list = access_; n = countof(access_); break;
	case K_MODE: list = mode_; n = countof(mode_); break;
	case K_MKNOD: list = mknod_; n = countof(mknod_); break;
	case K_LINK: list = link_; n = countof(link_); break;
	case K_UNLINK: list = unlink_; n = countof(unlink_); break;
	case K_RENAME: list = rename_; n = countof(rename_); break;
	case K_EXEC: list = exec_; n = countof(exec_); break;
	case K_CREATE: ops[0] = "file-write-create"; return max ? 1 : 0;
	case K_FORK: ops[0] = "process-fork"; return max ? 1 : 0;
	case K_SIGNAL: ops[0] = "signal"; return max ? 1 : 0;
	case K_NONE: return 0;
	default:
		if (!r->op || !max)
			return 0;
		ops[0] = r->op;
		return 1;
	}
	for (i = 0; i < n && i < max; i++)
		ops[i] = list[i];
	return i;
}

uint32_t
sb_opmap_sysops(enum sb_sys sys, const char **ops, uint32_t max)
{
	if ((unsigned)sys >= SB_SYS_COUNT)
		return 0;
	return kindops(&rows[sys], ops, max);
}

int
sb_opmap_bookkeeping(enum sb_sys sys)
{
	switch (sys) {
	case SB_SYS_chdir: case SB_SYS_fchdir: case SB_SYS_chroot:
	case SB_SYS_mount: case SB_SYS_umount2:
	case SB_SYS_execve: case SB_SYS_execveat:
	case SB_SYS_fork: case SB_SYS_vfork: case SB_SYS_clone:
	case SB_SYS_clone3:
	case SB_SYS_rename: case SB_SYS_renameat: case SB_SYS_renameat2:
	case SB_SYS_rmdir: case SB_SYS_unlink: case SB_SYS_unlinkat:
	case SB_SYS_symlink: case SB_SYS_symlinkat:
	case SB_SYS_io_uring_setup:
		return 1;
	default:
		return 0;
	}
}
