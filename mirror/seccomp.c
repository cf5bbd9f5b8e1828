/*
** seccomp.c: the libseccomp adapter. Builds the filter that traps the
** watched syscalls (syscalls.def) with their argument checks, for the
** native arch and the compat arches the kernel would also run (x86_64:
** i386 and x32), so that compat calls cannot slip past (DESIGN.md §7.4);
** and maps trapped (arch, number) pairs back to SB_SYS_* ids. What the
** backends do with a trapped call is theirs.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "mirror/kernel.h"
#include "mirror/seccomp.h"

/* Most BPF a filter may take (the kernel's BPF_MAXINSNS). */
#define MAXINSNS 4096

enum cond {
	C_ALL, C_NOT_OPATH, C_NOT_EMPTY_PATH, C_NOT_THREAD, C_EXEC_MAP,
	C_NONNULL, C_FAMILY, C_ATTACH
};

struct row {
	const char *name;
	enum cond cond;
	int cpos;
	int fdops;              /* watched only with --fd-ops */
};

static const struct row rows[SB_SYS_COUNT] = {
#define W_ALL 0
#define W_FDOPS 1
#define SYSCALL(name, d, p, d2, p2, fd, fol, fpos, x, e1, e2, c, cpos, w) \
	[SB_SYS_##name] = { #name, c, cpos, w },
#include "mirror/syscalls.def"
#undef SYSCALL
#undef W_ALL
#undef W_FDOPS
};

/* The compat arches of the native one; 0 ends the list. */
static void
archlist(uint32_t out[SB_SYSMAP_ARCHES])
{
	memset(out, 0, SB_SYSMAP_ARCHES * sizeof *out);
	out[0] = seccomp_arch_native();
	if (out[0] == SCMP_ARCH_X86_64) {
		out[1] = SCMP_ARCH_X86;
		out[2] = SCMP_ARCH_X32;
	} else if (out[0] == SCMP_ARCH_AARCH64) {
		out[1] = SCMP_ARCH_ARM;
	}
}

uint32_t
sb_seccomp_native_arch(void)
{
	return seccomp_arch_native();
}

static int
rule(scmp_filter_ctx ctx, uint32_t act, int nr, unsigned n,
    const struct scmp_arg_cmp *cmp)
{
	int rc = seccomp_rule_add_array(ctx, act, nr, n, cmp);

	/* a name some arch lacks, or a condition it cannot express */
	return rc == -EDOM || rc == -EINVAL ? 0 : rc;
}

/* Trap syscall NR under the row's condition (COVERAGE.md §6.3). */
static int
addrow(scmp_filter_ctx ctx, uint32_t act, int nr, const struct row *r,
    const struct sb_seccomp_opts *o)
{
	struct scmp_arg_cmp c[2];
	static const int families[] = { 0, 3, 4, 5, 6, 7, 8, 9 };
	unsigned p = (unsigned)r->cpos;
	size_t i;
	int rc;

	switch (r->cond) {
	case C_NOT_OPATH:
		c[0] = SCMP_CMP(p, SCMP_CMP_MASKED_EQ, O_PATH, 0);
		return rule(ctx, act, nr, 1, c);
	case C_NOT_EMPTY_PATH:
		if (o->fd_ops)
			return rule(ctx, act, nr, 0, NULL);
		c[0] = SCMP_CMP(p, SCMP_CMP_MASKED_EQ, AT_EMPTY_PATH, 0);
		return rule(ctx, act, nr, 1, c);
	case C_NOT_THREAD:
		c[0] = SCMP_CMP(p, SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0);
		return rule(ctx, act, nr, 1, c);
	case C_EXEC_MAP:
		c[0] = SCMP_CMP(p, SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC);
		c[1] = SCMP_CMP(p + 1, SCMP_CMP_MASKED_EQ, MAP_ANONYMOUS, 0);
		return rule(ctx, act, nr, 2, c);
	case C_NONNULL:
		c[0] = SCMP_CMP(p, SCMP_CMP_NE, 0, 0);
		return rule(ctx, act, nr, 1, c);
	case C_FAMILY:
		/* every family but AF_UNIX (1), AF_INET (2), AF_INET6 (10) */
		for (i = 0; i < sizeof families / sizeof families[0]; i++) {
			c[0] = SCMP_CMP(p, SCMP_CMP_EQ, families[i], 0);
			if ((rc = rule(ctx, act, nr, 1, c)) < 0)
				return rc;
		}
		c[0] = SCMP_CMP(p, SCMP_CMP_GT, 10, 0);
		return rule(ctx, act, nr, 1, c);
	case C_ATTACH:
		c[0] = SCMP_CMP(0, SCMP_CMP_EQ, PTRACE_ATTACH, 0);
		if ((rc = rule(ctx, act, nr, 1, c)) < 0)
			return rc;
		c[0] = SCMP_CMP(0, SCMP_CMP_EQ, PTRACE_SEIZE, 0);
		return rule(ctx, act, nr, 1, c);
	default:
		return rule(ctx, act, nr, 0, NULL);
	}
}

/*
** Load the filter CTX describes ourselves, so that the listener can be
** asked to wait killably once its notification is received (Linux 5.19;
** libseccomp 2.5 cannot pass the flag): otherwise a signal arriving while
** the supervisor reads a blocked call makes a stat or an open, which
** never fail with EINTR, fail with EINTR. Returns the listener (NOTIFY),
** 0 (TRACE), or -errno.
*/
static int
load(scmp_filter_ctx ctx, const struct sb_seccomp_opts *o)
{
	struct sock_filter insns[MAXINSNS];     /* 32 KiB, in the child */
	struct sock_fprog prog;
	unsigned long flags = 0;
	int p[2], fd;
	ssize_t n;

	if (pipe(p) < 0)
		return -errno;
	if ((fd = seccomp_export_bpf(ctx, p[1])) < 0) {
		close(p[0]);
		close(p[1]);
		return fd;
	}
	close(p[1]);
	n = read(p[0], insns, sizeof insns);
	close(p[0]);
	if (n <= 0 || n % (ssize_t)sizeof insns[0] != 0)
		return -EINVAL;
	prog.len = (unsigned short)(n / (ssize_t)sizeof insns[0]);
	prog.filter = insns;
	if (o->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (o->action == SB_SECCOMP_NOTIFY)
		flags = SECCOMP_FILTER_FLAG_NEW_LISTENER |
		    SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
	fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
	if (fd < 0 && errno == EINVAL && flags) {
		flags &= ~SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
		fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags,
		    &prog);
	}
	return fd < 0 ? -errno : fd;
}

int
sb_seccomp_install(const struct sb_seccomp_opts *o)
{
	uint32_t arches[SB_SYSMAP_ARCHES];
	uint32_t act = o->action == SB_SECCOMP_NOTIFY ? SCMP_ACT_NOTIFY :
	    SCMP_ACT_TRACE(0);
	scmp_filter_ctx ctx;
	int i, nr, rc = 0, fd = 0;

	if (!(ctx = seccomp_init(SCMP_ACT_ALLOW))) {
		errno = ENOMEM;
		return -1;
	}
	archlist(arches);
	for (i = 1; i < SB_SYSMAP_ARCHES && rc == 0; i++)
		if (arches[i])
			rc = seccomp_arch_add(ctx, arches[i]);
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	for (i = 1; i < SB_SYS_COUNT && rc == 0; i++) {
		const struct row *r = &rows[i];
		if ((r->fdops && !o->fd_ops) || (o->skip && o->skip[i]))
			continue;
		if ((nr = seccomp_syscall_resolve_name(r->name)) ==
		    __NR_SCMP_ERROR)
			continue;
		if (i == SB_SYS_io_uring_setup && o->deny_io_uring)
			rc = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0, NULL);
		else
			rc = addrow(ctx, act, nr, r, o);
	}
	if (rc == 0 && (fd = load(ctx, o)) < 0)
		rc = fd;
	seccomp_release(ctx);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return fd;
}

void
sb_seccomp_sysmap(struct sb_sysmap *m)
{
	int a, i, nr;

	memset(m, 0, sizeof *m);
	archlist(m->arch);
	for (a = 0; a < SB_SYSMAP_ARCHES; a++) {
		if (!m->arch[a])
			continue;
		for (i = 1; i < SB_SYS_COUNT; i++) {
			nr = seccomp_syscall_resolve_name_arch(m->arch[a],
			    rows[i].name);
			if (nr < 0)
				continue;
			nr &= ~0x40000000;      /* __X32_SYSCALL_BIT */
			if (nr < SB_SYSMAP_NR)
				m->sys[a][nr] = (uint16_t)i;
		}
	}
}

enum sb_sys
sb_seccomp_sys(const struct sb_sysmap *m, uint32_t arch, int64_t nr,
    int *compat)
{
	int a;

	/* x32 reports the x86_64 arch with __X32_SYSCALL_BIT in the number */
	if (arch == SCMP_ARCH_X86_64 && (nr & 0x40000000))
		arch = SCMP_ARCH_X32;
	nr &= ~(int64_t)0x40000000;
	for (a = 0; a < SB_SYSMAP_ARCHES; a++) {
		if (m->arch[a] != arch)
			continue;
		*compat = a != 0;
		if (nr < 0 || nr >= SB_SYSMAP_NR)
			return SB_SYS_NONE;
		return (enum sb_sys)m->sys[a][nr];
	}
	*compat = 1;
	return SB_SYS_NONE;
}
