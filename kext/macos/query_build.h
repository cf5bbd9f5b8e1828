/*
** From a MAC hook's arguments to the query of kext/query.h (DESIGN.md §8):
** the kext's hooks (mirror_kext.c) take what xnu hands them apart into
** plain values (a path, a vnode type, a socket address, a target class)
** and this module turns those into facts keyed by the target's filter
** ids, with the operation's op-table slot. Which hook asks which
** operations, and with which builder, is kext/macos/hooks.def.
**
** Everything version-specific is resolved once per loaded profile by
** sb_qb_init() from the target's tables: operation slots by name, filter
** ids by name, vnode types and target classes by their named values.
** After that, building a query is table lookups and copies.
**
** Freestanding (kext/freestanding.h): nothing is allocated; the strings
** a query points at are the caller's (struct sb_qb_args) and must outlive
** the evaluation.
*/
#ifndef SB_KEXT_MACOS_QUERY_BUILD_H
#define SB_KEXT_MACOS_QUERY_BUILD_H

#include "kext/freestanding.h"
#include "kext/query.h"
#include "kext/target.h"

/* How a hook's arguments become facts: the third column of hooks.def. */
enum sb_qb_kind {
	SB_QB_NONE,     /* no facts: fork, System V IPC, pseudo-tty */
	SB_QB_PATH,     /* path, vnode type */
	SB_QB_XATTR,    /* path, vnode type, xattr name */
	SB_QB_IOCTL,    /* path, vnode type, ioctl-command */
	SB_QB_MOUNT,    /* mount point path, filesystem-name */
	SB_QB_FSCTL,    /* mount point path, fsctl-command */
	SB_QB_SIGNAL,   /* target classes, signal-number */
	SB_QB_TARGET,   /* target classes of another process */
	SB_QB_REMOTE,   /* socket address as remote (or a unix socket path) */
	SB_QB_LOCAL,    /* socket address as local (or a unix socket path) */
	SB_QB_SOCKET,   /* socket-domain, socket-type, socket-protocol */
	SB_QB_SYSCTL,   /* sysctl-name */
	SB_QB_IPC,      /* ipc-posix-name */
	SB_QB_IOKIT,    /* iokit-user-client-type */
	SB_QB_PROPERTY  /* iokit-property */
};

/* The rows of hooks.def, numbered. */
enum sb_hook {
#define HOOK(name, operations, builder) SB_HOOK_##name,
#include "kext/macos/hooks.def"
	SB_HOOK_COUNT
};

/* One row of hooks.def. */
struct sb_hook_info {
	const char *name;               /* "vnode_check_open" */
	const char *operations;         /* space-separated SBPL names */
	uint8_t kind;                   /* enum sb_qb_kind */
};

/* Row H of hooks.def (H < SB_HOOK_COUNT). */
const struct sb_hook_info *sb_hook_info(unsigned h);

enum {
	SB_QB_MAX_OPS = 8,              /* operations in one hooks.def row */
	SB_QB_MAX_COLUMNS = 64,         /* distinct operations over all rows */
	SB_QB_HOST_MAX = 48             /* an IPv6 address as text, and more */
};

/*
** Vnode types as the hooks see them (xnu's enum vtype, and a terminal);
** each becomes the vnode-type value of the same name in the target.
** ORDER: vtype_names in query_build.c.
*/
enum sb_qb_vtype {
	SB_QB_VNONE,            /* unknown: no vnode-type fact */
	SB_QB_VREG,             /* REGULAR-FILE */
	SB_QB_VDIR,             /* DIRECTORY */
	SB_QB_VBLK,             /* BLOCK-DEVICE */
	SB_QB_VCHR,             /* CHARACTER-DEVICE */
	SB_QB_VLNK,             /* SYMLINK */
	SB_QB_VSOCK,            /* SOCKET */
	SB_QB_VFIFO,            /* FIFO */
	SB_QB_VTTY,             /* TTY: a character device that is a terminal */
	SB_QB_VCOUNT
};

/*
** Target classes of a process a hook acts on (the target filter, LANGUAGE.md
** §7.4): every class that applies is a fact, so (target others) and
** (target children) both match a child. ORDER: target_names in
** query_build.c.
*/
enum sb_qb_target {
	SB_QB_T_SELF = 1 << 0,          /* self */
	SB_QB_T_PGRP = 1 << 1,          /* pgrp: same process group */
	SB_QB_T_OTHERS = 1 << 2,        /* others: any process but self */
	SB_QB_T_CHILDREN = 1 << 3,      /* children */
	SB_QB_T_SAME = 1 << 4,          /* same-sandbox: opted into the same profile */
	SB_QB_T_INIT = 1 << 5,          /* initproc: pid 1 */
	SB_QB_T_COUNT = 6
};

/* Socket families and transports, from the hook's socket. */
enum sb_qb_family { SB_QB_AF_OTHER, SB_QB_AF_INET, SB_QB_AF_INET6,
	SB_QB_AF_UNIX };
enum sb_qb_transport { SB_QB_TP_OTHER, SB_QB_TP_TCP, SB_QB_TP_UDP };

/* Network fact protocol bits (FORMAT.md §7.2: 1 ip4, 2 ip6, 4 tcp, 8 udp). */
enum {
	SB_QB_NET_IP4 = 1,
	SB_QB_NET_IP6 = 2,
	SB_QB_NET_TCP = 4,
	SB_QB_NET_UDP = 8
};

/*
** What a hook found out about one access. Zero it, then set what the
** builder of its row reads; unset strings are NULL and unset numbers
** are flagged absent.
*/
struct sb_qb_args {
	const char *path;               /* PATH, XATTR, IOCTL, MOUNT, FSCTL; unix sockets */
	uint32_t pathlen;
	uint8_t vtype;                  /* enum sb_qb_vtype */
	const char *name;               /* xattr, filesystem, sysctl, IPC or property name */
	uint32_t namelen;
	bool has_number;
	uint32_t number;                /* ioctl or fsctl command, signal, user-client type */
	uint32_t target;                /* enum sb_qb_target bits */
	uint8_t family;                 /* enum sb_qb_family */
	uint8_t transport;              /* enum sb_qb_transport */
	int32_t port;                   /* 0-65535, or -1 when the address has none */
	char host[SB_QB_HOST_MAX];      /* filled by sb_qb_set_inet() */
	uint32_t hostlen;
	int32_t domain, type, protocol; /* SOCKET: socket(2)'s arguments */
};

/*
** A target's resolved view of hooks.def. Filter ids are 0 when the target
** lacks the filter (no fact is then made); value tables hold UINT32_MAX
** for names the target lacks.
*/
struct sb_qb {
	const struct sb_target *target;
	uint16_t slot[SB_HOOK_COUNT][SB_QB_MAX_OPS];    /* op slots, SB_NONE when missing */
	uint8_t nops[SB_HOOK_COUNT];    /* operations in each row */
	uint16_t columns[SB_QB_MAX_COLUMNS];    /* distinct slots, first-use order */
	uint32_t ncolumns;
	uint32_t missing;               /* names the target lacks (rows keep SB_NONE) */
	uint8_t f_path, f_vtype, f_xattr, f_ioctl, f_fsctl, f_fsname;
	uint8_t f_target, f_signal, f_local, f_remote;
	uint8_t f_domain, f_type, f_protocol, f_sysctl, f_ipc;
	uint8_t f_uctype, f_property;
	uint32_t vtype[SB_QB_VCOUNT];   /* vnode-type values by enum sb_qb_vtype */
	uint32_t tclass[SB_QB_T_COUNT]; /* target values by bit number */
};

/*
** Resolve hooks.def for target T into *QB. Returns the number of
** operation names T lacks (their slots stay SB_NONE; the hook skips
** them), or -1 when T lacks the path filter, without which no file
** hook can work, or an operation row is longer than SB_QB_MAX_OPS.
*/
int sb_qb_init(struct sb_qb *qb, const struct sb_target *t);

/* The op-table slot of operation K of hook H, or SB_NONE. */
uint16_t sb_qb_slot(const struct sb_qb *qb, unsigned h, unsigned k);

/*
** Fill *Q for operation K of hook H from A. Facts come in a fixed order:
** the access's main argument first (path, address, name, target class),
** then the others. Returns 0, or -1 when the operation is missing from
** the target (Q is then unusable). Q points into A.
*/
int sb_qb_build(const struct sb_qb *qb, unsigned h, unsigned k,
                const struct sb_qb_args *a, struct sb_query *q);

/*
** Set A's family, transport, host text and port from a raw address:
** ADDR holds 4 (INET) or 16 (INET6) bytes in network order, PORT in host
** order (-1 none). Other families set only the family.
*/
void sb_qb_set_inet(struct sb_qb_args *a, enum sb_qb_family family,
                    enum sb_qb_transport transport, const uint8_t *addr,
                    int32_t port);

/*
** Text of an address, NUL-terminated, into OUT (SB_QB_HOST_MAX bytes):
** dotted quad for 4 bytes, RFC 5952 for 16 (longest run of two or more
** zero groups as "::", lower case, IPv4-mapped as ::ffff:a.b.c.d).
** Returns the length.
*/
uint32_t sb_qb_format_ip4(const uint8_t a[4], char *out);
uint32_t sb_qb_format_ip6(const uint8_t a[16], char *out);

/*
** The operation index in hooks.def's proc_check_proc_info row of a
** proc_info(2) call number, or -1 for calls that row does not list.
*/
int sb_qb_proc_info_op(int callnum);

#endif
