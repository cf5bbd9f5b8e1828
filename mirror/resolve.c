/*
** resolve.c: symlink resolution for recorded paths, done by the kernel:
** open the directory with O_PATH and read back /proc/self/fd/N, which
** costs three calls however deep the path. Results are cached per
** directory. /proc and /dev/fd paths are left as written: resolving them
** here would name the supervisor's own process.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "mirror/resolve.h"

void
sb_resolve_init(struct sb_resolver *r)
{
	memset(r, 0, sizeof *r);
	r->dirs.freeval = free;
	r->links.freeval = free;
	r->inodes.freeval = free;
}

void
sb_resolve_free(struct sb_resolver *r)
{
	sb_strmap_free(&r->dirs);
	sb_strmap_free(&r->links);
	sb_strmap_free(&r->inodes);
}

/* ROOT + PATH into BUF; 0, or -1 when too long. */
static int
rooted(char *buf, size_t cap, const char *root, const char *path)
{
	int n = snprintf(buf, cap, "%s%s", root ? root : "", path);

	return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Strip ROOT from the front of the kernel's answer in BUF. */
static void
unroot(char *buf, const char *root)
{
	size_t n = root ? strlen(root) : 0;

	if (n && strncmp(buf, root, n) == 0 && (buf[n] == '/' || !buf[n])) {
		memmove(buf, buf + n, strlen(buf + n) + 1);
		if (!buf[0])
			strcpy(buf, "/");
	}
}

/*
** The kernel's path for ROOT + PATH, opened with FLAGS (O_PATH, and
** O_DIRECTORY or O_NOFOLLOW), into OUT. 0, or -1 with errno set.
*/
static int
kernelpath(const char *root, const char *path, int flags, char *out)
{
	char full[PATH_MAX + 64], link[64];
	ssize_t n;
	int fd, e;

	if (rooted(full, sizeof full, root, path) < 0) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(full, flags | O_PATH | O_CLOEXEC)) < 0)
		return -1;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	n = readlink(link, out, PATH_MAX - 1);
	e = errno;
	close(fd);
	if (n < 0) {
		errno = e;
		return -1;
	}
	out[n] = 0;
	if (n > 10 && strcmp(out + n - 10, " (deleted)") == 0)
		out[n - 10] = 0;
	unroot(out, root);
	return 0;
}

/* Append component C (N bytes) to the resolved directory D, lexically. */
static void
lexical(char *d, const char *c, size_t n)
{
	size_t dl = strlen(d);
	char *slash;

	if (n == 0 || (n == 1 && c[0] == '.'))
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		if ((slash = strrchr(d, '/')) && slash != d)
			*slash = 0;
		else
			strcpy(d, "/");
		return;
	}
	if (dl + 1 + n >= PATH_MAX)
		return;
	if (dl > 1)
		d[dl++] = '/';
	else
		dl = 1;
	memcpy(d + dl, c, n);
	d[dl + n] = 0;
}

/* DIR (absolute, no trailing '/') resolved in ROOT, into OUT. */
static void
resolvedir(struct sb_resolver *r, const char *root, const char *dir,
    char *out)
{
	size_t n = strlen(dir);
	const char *hit, *slash;
	char parent[PATH_MAX];

	r->lookups++;
	if ((hit = sb_strmap_get(&r->dirs, dir, n))) {
		strcpy(out, hit);
		return;
	}
	r->misses++;
	if (kernelpath(root, dir, O_DIRECTORY, out) < 0) {
		if ((errno != ENOENT && errno != ENOTDIR) || n <= 1 ||
		    !(slash = strrchr(dir, '/'))) {
			strcpy(out, dir);
		} else {
			/* gone or never there: resolve what exists */
			memcpy(parent, dir, (size_t)(slash - dir));
			parent[slash - dir] = 0;
			if (!parent[0])
				strcpy(parent, "/");
			resolvedir(r, root, parent, out);
			lexical(out, slash + 1, strlen(slash + 1));
		}
	}
	sb_strmap_put(&r->dirs, dir, n, xstrdup(out));
}

static int
special(const char *p)
{
	return strncmp(p, "/proc/", 6) == 0 || strcmp(p, "/proc") == 0 ||
	    strncmp(p, "/dev/fd/", 8) == 0 || strncmp(p, "/dev/std", 8) == 0;
}

/* PATH (absolute) resolved in ROOT into OUT; FOLLOW: also a final link. */
static void
resolvepath(struct sb_resolver *r, const char *root, const char *path,
    int follow, char *out)
{
	char dir[PATH_MAX];
	const char *hit, *last;
	size_t n = strlen(path);

	while (n > 1 && path[n - 1] == '/')
		n--;
	if (n >= PATH_MAX || special(path)) {
		snprintf(out, PATH_MAX, "%.*s", (int)n, path);
		return;
	}
	if (follow) {
		if ((hit = sb_strmap_get(&r->links, path, n))) {
			strcpy(out, hit);
			return;
		}
		if (kernelpath(root, path, 0, out) == 0) {
			sb_strmap_put(&r->links, path, n, xstrdup(out));
			return;
		}
	}
	memcpy(dir, path, n);
	dir[n] = 0;
	if (n == 1) {
		strcpy(out, "/");
		return;
	}
	last = strrchr(dir, '/') + 1;
	if (strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
		resolvedir(r, root, dir, out);
		return;
	}
	dir[last - 1 - dir] = 0;
	resolvedir(r, root, dir[0] ? dir : "/", out);
	lexical(out, last, strlen(last));
}

static const char *
keep(struct sb_sysrec *rec, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if (rec->poolused + n > sizeof rec->pool) {
		rec->lost = 1;
		return NULL;
	}
	p = rec->pool + rec->poolused;
	memcpy(p, s, n);
	rec->poolused += (uint32_t)n;
	return p;
}

/* Calls after which a cached resolution may be wrong. */
static int
invalidates(const struct sb_sysrec *rec)
{
	switch (rec->sys) {
	case SB_SYS_rename:
	case SB_SYS_renameat:
	case SB_SYS_renameat2:
	case SB_SYS_rmdir:
	case SB_SYS_symlink:
	case SB_SYS_symlinkat:
	case SB_SYS_mount:
	case SB_SYS_umount2:
	case SB_SYS_chroot:
		return 1;
	case SB_SYS_unlink:
	case SB_SYS_unlinkat:
		return rec->path[0].is_link || rec->path[0].vtype == SB_VT_DIR;
	default:
		return 0;
	}
}

/*
** The path of descriptor P->fd (ours, a copy of the target's) joined with
** P->literal: the kernel's own path for the directory, symlinks resolved,
** then ROOT stripped. Closes the descriptor.
*/
static void
fromfd(struct sb_resolver *r, struct sb_sysrec *rec, struct sb_sysrec_path *p)
{
	char base[PATH_MAX], link[64], *out;
	const char *hit = NULL;
	struct stat st;
	uint64_t id[2] = { 0, 0 };
	ssize_t n = 0;
	size_t bl, ll;

	/* directories by inode: find(1) asks relative to the same few */
	if (fstat(p->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		id[0] = st.st_dev;
		id[1] = st.st_ino;
		hit = sb_strmap_get(&r->inodes, (const char *)id, sizeof id);
	}
	if (hit) {
		snprintf(base, sizeof base, "%s", hit);
		n = (ssize_t)strlen(base);
	} else {
		snprintf(link, sizeof link, "/proc/self/fd/%d", p->fd);
		n = readlink(link, base, sizeof base - 1);
	}
	close(p->fd);
	p->fd = -1;
	if (n <= 0 || base[0] != '/')
		return;         /* a pipe, a socket, an anonymous inode */
	base[n] = 0;
	if (!hit && n > 10 && strcmp(base + n - 10, " (deleted)") == 0)
		base[n - 10] = 0;
	if (!hit)
		unroot(base, rec->root);
	if (!hit && id[1])
		sb_strmap_put(&r->inodes, (const char *)id, sizeof id,
		    xstrdup(base));
	bl = strlen(base);
	ll = p->literal ? strlen(p->literal) : 0;
	if (ll == 0) {
		p->abs = keep(rec, base);
		return;
	}
	if (bl + 1 + ll >= PATH_MAX || rec->poolused + bl + ll + 2 >
	    sizeof rec->pool) {
		rec->lost = 1;
		return;
	}
	out = rec->pool + rec->poolused;
	memcpy(out, base, bl);
	if (bl > 1)
		out[bl++] = '/';
	memcpy(out + bl, p->literal, ll + 1);
	rec->poolused += (uint32_t)(bl + ll + 1);
	p->abs = out;
}

/*
** A followed final symlink: its content (P->link), taken relative to the
** link's directory, resolved in turn. The link itself may be gone by now.
*/
static int
throughlink(struct sb_resolver *r, const struct sb_sysrec *rec,
    const struct sb_sysrec_path *p, char *out)
{
	char target[PATH_MAX];
	const char *slash = strrchr(p->abs, '/');
	size_t dl = slash ? (size_t)(slash - p->abs) : 0;

	if (p->link[0] == '/') {
		if (strlen(p->link) >= sizeof target)
			return -1;
		strcpy(target, p->link);
	} else if (snprintf(target, sizeof target, "%.*s/%s", (int)dl, p->abs,
	    p->link) >= (int)sizeof target) {
		return -1;
	}
	resolvepath(r, rec->root, target, 1, out);
	return 0;
}

void
sb_resolve(struct sb_resolver *r, struct sb_sysrec *rec)
{
	char out[PATH_MAX];
	struct sb_sysrec_path *p;
	const char *k;
	int i;

	for (i = 0; i < 2; i++) {
		p = &rec->path[i];
		if (p->fd >= 0)
			fromfd(r, rec, p);
		if (!p->abs || p->abs[0] != '/')
			continue;
		if (p->follow && p->is_link && p->link &&
		    throughlink(r, rec, p, out) == 0)
			;       /* the link's target, read while blocked */
		else
			resolvepath(r, rec->root, p->abs, p->follow &&
			    p->is_link, out);
		p->resolved = strcmp(out, p->abs) == 0 ? p->abs :
		    keep(rec, out);
	}
	if (rec->interp && rec->interp[0] == '/') {
		resolvepath(r, rec->root, rec->interp, 1, out);
		if (strcmp(out, rec->interp) != 0 && (k = keep(rec, out)))
			rec->interp = k;
	}
	if (invalidates(rec)) {
		sb_strmap_clear(&r->dirs);
		sb_strmap_clear(&r->links);
		sb_strmap_clear(&r->inodes);
	}
}
