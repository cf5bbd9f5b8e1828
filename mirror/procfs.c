/*
** procfs.c: reading a traced process from outside. Memory goes through
** process_vm_readv(2), one call per page so that a string ending just
** before an unmapped page is still read; /proc/TID/mem is the fallback
** where that call is refused. Links and status come from /proc/TID/,
** whether a thread leads its group from pidfd_open(2).
** Nothing here caches or interprets: capture.c decides what to read.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "mirror/kernel.h"
#include "mirror/procfs.h"

#define PAGE 4096u

static ssize_t
memread(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/mem", (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = pread(fd, buf, len, (off_t)addr);
	close(fd);
	return n;
}

ssize_t
sb_procfs_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec l = { buf, len }, r = { (void *)(uintptr_t)addr, len };
	ssize_t n;

	if (len == 0)
		return 0;
	n = process_vm_readv(tid, &l, 1, &r, 1, 0);
	if (n < 0 && (errno == ENOSYS || errno == EPERM))
		n = memread(tid, addr, buf, len);
	return n;
}

ssize_t
sb_procfs_string(pid_t tid, uint64_t addr, char *buf, size_t cap, int *cut)
{
	size_t got = 0, want;
	ssize_t n;
	char *nul;

	*cut = 0;
	if (cap == 0)
		return -1;
	while (got < cap - 1) {
		/* up to the end of the page, so one bad page fails alone */
		want = PAGE - (size_t)((addr + got) % PAGE);
		if (want > cap - 1 - got)
			want = cap - 1 - got;
		n = sb_procfs_read(tid, addr + got, buf + got, want);
		if (n <= 0) {
			if (got == 0)
				return -1;
			break;
		}
		if ((nul = memchr(buf + got, 0, (size_t)n)))
			return (ssize_t)(nul - buf);
		got += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	buf[got] = 0;
	*cut = 1;
	return (ssize_t)got;
}

ssize_t
sb_procfs_link(pid_t tid, const char *name, char *buf, size_t cap)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)tid, name);
	if ((n = readlink(path, buf, cap - 1)) < 0)
		return -1;
	buf[n] = 0;
	return n;
}

ssize_t
sb_procfs_fdlink(pid_t tid, int fd, char *buf, size_t cap)
{
	char name[32];

	snprintf(name, sizeof name, "fd/%d", fd);
	return sb_procfs_link(tid, name, buf, cap);
}

/* Read /proc/TID/NAME into BUF (CAP bytes, terminated); length or -1. */
static ssize_t
slurp(pid_t tid, const char *name, char *buf, size_t cap)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)tid, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

/* The number after "KEY:" in BUF, or -1. */
static int64_t
field(const char *buf, const char *key)
{
	const char *p = strstr(buf, key);

	return p ? strtoll(p + strlen(key), NULL, 10) : -1;
}

int
sb_procfs_stat(pid_t tid, struct sb_procinfo *out)
{
	char buf[2048], *p;
	unsigned long long v;
	int i;

	if (slurp(tid, "stat", buf, sizeof buf) <= 0)
		return -1;
	/* "pid (comm) state ppid pgrp ..."; comm may hold spaces and ')' */
	if (!(p = strrchr(buf, ')')))
		return -1;
	p += 2;
	memset(out, 0, sizeof *out);
	for (i = 3; i <= 22 && *p; i++) {
		while (*p == ' ')
			p++;
		v = strtoull(p, &p, 10);
		if (i == 4)
			out->ppid = (int64_t)v;
		else if (i == 5)
			out->pgrp = (int64_t)v;
		else if (i == 22)
			out->start = v;
		if (i == 3) {   /* the state is a letter */
			while (*p && *p != ' ')
				p++;
		}
	}
	out->tgid = tid;
	return 0;
}

/*
** Whether TID leads its thread group: pidfd_open(2) takes only leaders
** (EINVAL for another thread). Two calls instead of formatting the whole
** of /proc/TID/status for its Tgid line. -1 when it cannot tell.
*/
static int
leader(pid_t tid)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, 0);

	if (fd >= 0) {
		close(fd);
		return 1;
	}
	return errno == EINVAL ? 0 : -1;
}

int
sb_procfs_info(pid_t tid, struct sb_procinfo *out)
{
	char buf[2048];

	if (sb_procfs_stat(tid, out) < 0)
		return -1;
	if (leader(tid) == 1)
		return 0;
	if (slurp(tid, "status", buf, sizeof buf) > 0) {
		int64_t t = field(buf, "\nTgid:");
		if (t > 0)
			out->tgid = t;
	}
	return 0;
}

ssize_t
sb_procfs_cmdline(pid_t tid, char *buf, size_t cap)
{
	char path[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)tid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, cap);
	close(fd);
	return n;
}

int
sb_procfs_boot(int64_t *boot_ns, long *hz)
{
	char buf[8192], *p;
	ssize_t n;
	int fd;

	*hz = sysconf(_SC_CLK_TCK);
	*boot_ns = 0;
	if ((fd = open("/proc/stat", O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	if (!(p = strstr(buf, "\nbtime ")))
		return -1;
	*boot_ns = strtoll(p + 7, NULL, 10) * 1000000000;
	return 0;
}

int64_t
sb_procfs_pidfd_pid(pid_t tid, int fd)
{
	char name[48], buf[512];

	snprintf(name, sizeof name, "fdinfo/%d", fd);
	if (slurp(tid, name, buf, sizeof buf) <= 0)
		return -1;
	return field(buf, "\nPid:");
}
