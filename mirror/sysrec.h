/*
** One watched syscall as the tracer saw it (DESIGN.md §7.1): who made it,
** its arguments, the strings and addresses read from the target while it
** was blocked, the paths joined with its cwd or directory descriptor,
** what those paths named at that moment, and, once the target runs on,
** the paths resolved inside its root. capture.c fills the first part,
** resolve.c the second; opmap.c reads it and nothing else.
**
** Strings point into the record's own pool (POOL), or anywhere the
** builder likes (tests build records from literals): a record is never
** copied, only filled in place in the supervisor's queue.
*/
#ifndef SB_MIRROR_SYSREC_H
#define SB_MIRROR_SYSREC_H

#include <stdint.h>

enum sb_sys {
	SB_SYS_NONE,
#define SYSCALL(name, d, p, d2, p2, fd, fol, fpos, x, e1, e2, c, cpos, w) \
	SB_SYS_##name,
#include "mirror/syscalls.def"
#undef SYSCALL
	SB_SYS_COUNT
};

/* What a path named while the target was blocked: from (l)stat. */
enum sb_vtype {
	SB_VT_UNKNOWN,          /* not looked at, or the lookup failed */
	SB_VT_REG,
	SB_VT_DIR,
	SB_VT_LNK,
	SB_VT_CHR,
	SB_VT_BLK,
	SB_VT_FIFO,
	SB_VT_SOCK
};

/* A path argument, or the path behind a descriptor argument. */
struct sb_sysrec_path {
	const char *literal;    /* as passed; NULL for a descriptor's path */
	const char *abs;        /* absolute in the target's root, not resolved */
	const char *resolved;   /* symlinks resolved in the root; NULL: use abs */
	int exists;             /* 1 present, 0 absent (ENOENT), -1 unknown */
	enum sb_vtype vtype;    /* of what the path names (after following) */
	uint32_t mode;          /* st_mode likewise, 0 when unknown */
	int is_link;            /* the last component is a symlink */
	const char *link;       /* its content, when followed (read while
	                           blocked: it may be gone by resolve time) */
	int follow;             /* the syscall follows a final symlink */
	int later;              /* EXISTS, VTYPE, MODE and LINK wait for
	                           sb_capture_late(): a metadata read, which
	                           changes nothing and maps alike whether the
	                           path exists or not */
	int fd;                 /* ours: a copy of the target's descriptor that
	                           LITERAL is relative to (or that the path is,
	                           when LITERAL is NULL); -1 none. resolve.c
	                           derives ABS from it and closes it */
};

/* Signal targets, as the target filter sees them (filters.def 0x0e). */
enum sb_sigtarget {
	SB_SIG_UNKNOWN,
	SB_SIG_SELF,            /* the caller's own process */
	SB_SIG_PGRP,            /* the caller's process group */
	SB_SIG_CHILDREN,        /* a direct child of the caller */
	SB_SIG_TREE,            /* another process of the traced tree */
	SB_SIG_OTHERS           /* anything else */
};

/* A socket address argument, and what the socket is. */
struct sb_sysrec_sock {
	int family;             /* Linux AF_* of the address; 0: none */
	int type;               /* SOCK_* of the socket; -1 unknown */
	const char *host;       /* numeric host, IPv6 without brackets */
	int port;               /* -1 when none */
	const char *path;       /* AF_UNIX: the literal path, "@name" if abstract */
	int abstract;           /* an abstract AF_UNIX name */
};

#define SB_SYSREC_POOL 12288

struct sb_sysrec {
	int64_t pid;            /* thread group (process) id */
	int64_t tid;            /* thread id */
	int64_t ppid;           /* parent process, -1 unknown */
	uint64_t pstart;        /* the process's start (ns since the epoch, to
	                           the clock tick); 0 unknown */
	int first;              /* the first record of this process */
	const char *argv;       /* with FIRST: its arguments, NUL-separated */
	uint32_t argvlen;       /* bytes at ARGV */
	const char *exe;        /* executable path, or NULL */
	const char *root;       /* the target's root seen from ours; NULL: "/" */
	int64_t ts;             /* nanoseconds since the epoch */
	enum sb_sys sys;        /* SB_SYS_NONE: not a watched syscall */
	int compat;             /* made through a compat arch (i386, x32) */
	uint64_t args[6];       /* raw, as the arch passed them */
	int has_ret;            /* ret and err are known (ptrace) */
	int64_t ret;            /* return value */
	int32_t err;            /* errno of the syscall, 0 when none or unknown */
	struct sb_sysrec_path path[2];  /* path (or descriptor) and path2 */
	uint64_t flags;         /* open flags (also from open_how), clone flags */
	struct sb_sysrec_sock sock;
	enum sb_sigtarget sigtarget;
	int64_t target_pid;     /* the signal's or attach's target, -1 none */
	int signo;              /* Linux signal number, -1 none */
	const char *interp;     /* execve of a '#!' script: its interpreter */
	int lost;               /* a string could not be read in full */
	uint32_t poolused;
	char pool[SB_SYSREC_POOL];
};

#endif
