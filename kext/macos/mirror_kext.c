/*
** mirror_kext.c: the mirror kext (DESIGN.md §8, COVERAGE.md §8.3), the
** only file of the project that includes Apple's kernel headers. It
** registers a MAC policy whose hooks never deny, and a kernel-control
** socket for sbpl-mirrord. Everything it decides is portable C tested on
** Linux: the queries (query_build.c, rows in hooks.def), the counting
** and sampling (counters.c), the loaded profiles, process labels and
** opt-in (registry.c), and the control messages (ctl.c). What stays here
** is taking xnu's objects apart into plain values: paths of vnodes,
** socket addresses, process relations.
**
** Built only by `make kext` on macOS, against the macOS 14 KPI
** (xnu-10002): the whole file is empty elsewhere. It links the private
** and unsupported KPIs for proc_selfexecutableargs(), proc_uniqueid()
** and vnode_istty(), which only a Mac with SIP off loads (README.md).
**
** Opt-in. No exec hook sees the new image's environment, so the kext
** reads it when exec completes (proc_notify_exec_complete, in the new
** process, before it runs user code) through proc_selfexecutableargs(),
** and labels the process there (registry.c: the MAC framework's
** credential labels are out of a kext's reach). Children are labelled at
** fork (cred_label_associate_fork) and labels go at exit
** (proc_notify_exit).
**
** Hooks. Each returns 0 whatever the profile says. A process without a
** label returns after one load; one with a label takes a work area from
** the registry's pool (the kernel stack is too small for a path, a query
** and the evaluator's scratch), fills the arguments, and hands over.
**
** Global state: the registry, the lock and the two registration handles
** below are this file's only mutable globals; MAC hooks and kernel-
** control callbacks get no context pointer to carry them instead.
*/
#if defined(__APPLE__) && defined(KERNEL)

#include <IOKit/IOLib.h>
#include <kern/locks.h>
#include <libkern/crypto/sha2.h>
#include <libkern/libkern.h>
#include <mach/mach_types.h>
#include <netinet/in.h>
#include <sys/errno.h>
#include <sys/fcntl.h>
#include <sys/kern_control.h>
#include <sys/kernel_types.h>
#include <sys/kpi_socket.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/proc.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/vnode.h>
#include <security/mac_policy.h>

#include "kext/macos/ctl.h"
#include "kext/macos/query_build.h"
#include "kext/macos/registry.h"

/* Private KPIs (com.apple.kpi.private), declared in no public header. */
extern int proc_selfexecutableargs(uint8_t *buf, size_t *buflen);
extern uint64_t proc_uniqueid(proc_t p);
extern int vnode_istty(vnode_t vp);

enum {
	MAXPID = 100000,                /* xnu's PID_MAX is 99999 */
	NWORK = 128,                    /* hooks in flight at once */
	ARGS_MAX = 1 << 20              /* bytes of an exec's arguments read */
};

static struct sb_kreg reg;
static lck_grp_t *lock_group;
static lck_mtx_t *lock;
static kern_ctl_ref ctl_ref;
static mac_policy_handle_t policy_handle;

/* --- the registry's host -------------------------------------------------- */

static void *
host_alloc(void *ctx, size_t n)
{
	(void)ctx;
	return IOMallocZero(n);
}

static void
host_free(void *ctx, void *p, size_t n)
{
	(void)ctx;
	IOFree(p, n);
}

static void
host_lock(void *ctx)
{
	(void)ctx;
	lck_mtx_lock(lock);
}

static void
host_unlock(void *ctx)
{
	(void)ctx;
	lck_mtx_unlock(lock);
}

static void
host_sha256(void *ctx, const void *p, size_t n, uint8_t out[32])
{
	SHA256_CTX c;

	(void)ctx;
	SHA256_Init(&c);
	SHA256_Update(&c, p, n);
	SHA256_Final(out, &c);
}

/* --- taking xnu's objects apart --------------------------------------------- */

static int64_t
now_ns(void)
{
	struct timespec ts;

	nanotime(&ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The label of process P, without touching anything when it has none. */
static struct sb_kprof *
label_of(proc_t p)
{
	int pid = proc_pid(p);

	if (pid < 0 || (uint32_t)pid >= reg.maxpid ||
	    !SB_ATOMIC_LOAD(&reg.procs[pid].prof))
		return NULL;
	return sb_kreg_proc(&reg, pid, proc_uniqueid(p));
}

/*
** The start of every hook: the calling process's profile and a work
** area, or NULL when the process has no label (the common case) or the
** pool is empty (counted as missed).
*/
static struct sb_kwork *
begin(proc_t p, struct sb_kprof **prof)
{
	if (!(*prof = label_of(p)))
		return NULL;
	return sb_kreg_work_get(&reg);
}

/* Ask operation K of hook H with W's arguments; then W goes back. */
static void
ask(struct sb_kprof *prof, struct sb_kwork *w, unsigned h, unsigned k)
{
	if (sb_qb_build(&prof->qb, h, k, &w->args, &w->q) == 0)
		sb_kprof_check(prof, w, proc_selfpid(), now_ns());
}

static void
end(struct sb_kwork *w)
{
	sb_kreg_work_put(&reg, w);
}

static uint8_t
vtype_of(vnode_t vp)
{
	switch (vnode_vtype(vp)) {
	case VREG: return SB_QB_VREG;
	case VDIR: return SB_QB_VDIR;
	case VBLK: return SB_QB_VBLK;
	case VCHR: return vnode_istty(vp) ? SB_QB_VTTY : SB_QB_VCHR;
	case VLNK: return SB_QB_VLNK;
	case VSOCK: return SB_QB_VSOCK;
	case VFIFO: return SB_QB_VFIFO;
	default: return SB_QB_VNONE;
	}
}

/* VP's path and type into W's arguments. */
static void
set_vnode(struct sb_kwork *w, vnode_t vp)
{
	int len = SB_KWORK_PATH;

	if (!vp)
		return;
	if (vn_getpath(vp, w->path, &len) == 0 && len > 0) {
		w->args.path = w->path;
		w->args.pathlen = (uint32_t)len - 1;    /* len counts the NUL */
	}
	w->args.vtype = vtype_of(vp);
}

/* The path of name CNP in directory DVP: a file not created yet. */
static void
set_child(struct sb_kwork *w, vnode_t dvp, struct componentname *cnp)
{
	int len = SB_KWORK_PATH;
	size_t n;

	if (!dvp || !cnp || vn_getpath(dvp, w->path, &len) != 0 || len <= 0)
		return;
	n = (size_t)len - 1;
	if (n + 1 + (size_t)cnp->cn_namelen + 1 > SB_KWORK_PATH)
		return;         /* longer than a path can be: no fact */
	if (n == 0 || w->path[n - 1] != '/')
		w->path[n++] = '/';
	memcpy(w->path + n, cnp->cn_nameptr, (size_t)cnp->cn_namelen);
	n += (size_t)cnp->cn_namelen;
	w->path[n] = 0;
	w->args.path = w->path;
	w->args.pathlen = (uint32_t)n;
}

/* A name argument, copied so the query can outlive the caller's buffer. */
static void
set_name(struct sb_kwork *w, const char *name)
{
	size_t n;

	if (!name)
		return;
	n = strnlen(name, SB_KWORK_NAME);
	if (n == SB_KWORK_NAME)
		return;
	memcpy(w->name, name, n + 1);
	w->args.name = w->name;
	w->args.namelen = (uint32_t)n;
}

static void
set_number(struct sb_kwork *w, uint32_t v)
{
	w->args.has_number = true;
	w->args.number = v;
}

/* Socket address SA of socket SO into W's arguments. */
static void
set_sockaddr(struct sb_kwork *w, socket_t so, const struct sockaddr *sa)
{
	enum sb_qb_transport tp = SB_QB_TP_OTHER;
	int domain, type, protocol;

	if (!sa)
		return;
	if (so && sock_gettype(so, &domain, &type, &protocol) == 0)
		tp = type == SOCK_STREAM ? SB_QB_TP_TCP : type == SOCK_DGRAM ?
		     SB_QB_TP_UDP : SB_QB_TP_OTHER;
	if (sa->sa_family == AF_INET && sa->sa_len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const void *)sa;
		sb_qb_set_inet(&w->args, SB_QB_AF_INET, tp,
		               (const uint8_t *)&in->sin_addr, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6 &&
	           sa->sa_len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		sb_qb_set_inet(&w->args, SB_QB_AF_INET6, tp,
		               in6->sin6_addr.s6_addr, ntohs(in6->sin6_port));
	} else if (sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *un = (const void *)sa;
		size_t max = sa->sa_len > offsetof(struct sockaddr_un, sun_path) ?
		             sa->sa_len - offsetof(struct sockaddr_un, sun_path) : 0;
		size_t n = strnlen(un->sun_path, max < sizeof un->sun_path ?
		                   max : sizeof un->sun_path);
		w->args.family = SB_QB_AF_UNIX;
		memcpy(w->path, un->sun_path, n);
		w->path[n] = 0;
		w->args.path = w->path;
		w->args.pathlen = (uint32_t)n;
	}
}

/* SO's local (PEER false) or remote address into W's arguments. */
static void
set_socket_end(struct sb_kwork *w, socket_t so, bool peer)
{
	struct sockaddr_storage ss;
	errno_t err;

	memset(&ss, 0, sizeof ss);
	err = peer ? sock_getpeername(so, (struct sockaddr *)&ss, sizeof ss) :
	      sock_getsockname(so, (struct sockaddr *)&ss, sizeof ss);
	if (err == 0)
		set_sockaddr(w, so, (struct sockaddr *)&ss);
}

/* The target classes of process T as seen from the caller. */
static uint32_t
classes(proc_t t, struct sb_kprof *prof)
{
	proc_t self = current_proc();
	uint32_t bits = 0;

	if (!t)
		return 0;
	if (t == self)
		return SB_QB_T_SELF;
	bits |= SB_QB_T_OTHERS;
	if (proc_pgrpid(t) == proc_pgrpid(self))
		bits |= SB_QB_T_PGRP;
	if (proc_ppid(t) == proc_pid(self))
		bits |= SB_QB_T_CHILDREN;
	if (proc_pid(t) == 1)
		bits |= SB_QB_T_INIT;
	if (label_of(t) == prof)
		bits |= SB_QB_T_SAME;
	return bits;
}

/*
** The body shared by hooks on one vnode: operation K of hook H on VP.
** HOOK_VNODE defines hook_<name> for rows whose arguments are just that.
*/
static void
on_vnode(unsigned h, unsigned k, vnode_t vp)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	if (!w)
		return;
	set_vnode(w, vp);
	ask(prof, w, h, k);
	end(w);
}

/* Operation K of hook H with no arguments at all. */
static void
on_nothing(unsigned h, unsigned k)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	if (!w)
		return;
	ask(prof, w, h, k);
	end(w);
}

/* --- hooks: files ------------------------------------------------------------ */

static int
hook_vnode_check_open(kauth_cred_t cred, struct vnode *vp, struct label *l,
                      int acc_mode)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	(void)cred;
	(void)l;
	if (!w)
		return 0;
	set_vnode(w, vp);
	if (acc_mode & FREAD)
		ask(prof, w, SB_HOOK_vnode_check_open, 0);
	if (acc_mode & (FWRITE | O_TRUNC))
		ask(prof, w, SB_HOOK_vnode_check_open, 1);
	end(w);
	return 0;
}

static int
hook_vnode_check_create(kauth_cred_t cred, struct vnode *dvp,
                        struct label *dl, struct componentname *cnp,
                        struct vnode_attr *vap)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	(void)cred;
	(void)dl;
	if (!w)
		return 0;
	set_child(w, dvp, cnp);
	if (vap && VATTR_IS_ACTIVE(vap, va_type)) {
		switch (vap->va_type) {
		case VREG: w->args.vtype = SB_QB_VREG; break;
		case VDIR: w->args.vtype = SB_QB_VDIR; break;
		case VLNK: w->args.vtype = SB_QB_VLNK; break;
		case VSOCK: w->args.vtype = SB_QB_VSOCK; break;
		case VFIFO: w->args.vtype = SB_QB_VFIFO; break;
		case VBLK: w->args.vtype = SB_QB_VBLK; break;
		case VCHR: w->args.vtype = SB_QB_VCHR; break;
		default: break;
		}
	}
	ask(prof, w, SB_HOOK_vnode_check_create, 0);
	end(w);
	return 0;
}

static int
hook_vnode_check_unlink(kauth_cred_t cred, struct vnode *dvp,
                        struct label *dl, struct vnode *vp, struct label *l,
                        struct componentname *cnp)
{
	(void)cred;
	(void)dvp;
	(void)dl;
	(void)l;
	(void)cnp;
	on_vnode(SB_HOOK_vnode_check_unlink, 0, vp);
	return 0;
}

static int
hook_vnode_check_rename(kauth_cred_t cred, struct vnode *dvp,
                        struct label *dl, struct vnode *vp, struct label *l,
                        struct componentname *cnp, struct vnode *tdvp,
                        struct label *tdl, struct vnode *tvp,
                        struct label *tl, struct componentname *tcnp)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	(void)cred;
	(void)dvp;
	(void)dl;
	(void)l;
	(void)cnp;
	(void)tdl;
	(void)tvp;
	(void)tl;
	if (!w)
		return 0;
	set_vnode(w, vp);               /* the source goes away */
	ask(prof, w, SB_HOOK_vnode_check_rename, 0);
	memset(&w->args, 0, sizeof w->args);
	set_child(w, tdvp, tcnp);       /* the target appears */
	w->args.vtype = vp ? vtype_of(vp) : SB_QB_VNONE;
	ask(prof, w, SB_HOOK_vnode_check_rename, 1);
	end(w);
	return 0;
}

static int
hook_vnode_check_link(kauth_cred_t cred, struct vnode *dvp, struct label *dl,
                      struct vnode *vp, struct label *l,
                      struct componentname *cnp)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	(void)cred;
	(void)dl;
	(void)l;
	if (!w)
		return 0;
	set_child(w, dvp, cnp);         /* the new name */
	w->args.vtype = vp ? vtype_of(vp) : SB_QB_VNONE;
	ask(prof, w, SB_HOOK_vnode_check_link, 0);
	memset(&w->args, 0, sizeof w->args);
	set_vnode(w, vp);               /* the file linked to */
	ask(prof, w, SB_HOOK_vnode_check_link, 1);
	end(w);
	return 0;
}

static int
hook_vnode_check_stat(struct ucred *active, struct ucred *file,
                      struct vnode *vp, struct label *l)
{
	(void)active;
	(void)file;
	(void)l;
	on_vnode(SB_HOOK_vnode_check_stat, 0, vp);
	return 0;
}

static int
hook_vnode_check_getattrlist(kauth_cred_t cred, struct vnode *vp,
                             struct label *l, struct attrlist *alist,
                             uint64_t options)
{
	(void)cred;
	(void)l;
	(void)alist;
	(void)options;
	on_vnode(SB_HOOK_vnode_check_getattrlist, 0, vp);
	return 0;
}

/* Hooks whose arguments are (cred, vp, label): one vnode, nothing else. */
#define VNODE_HOOK(name) \
	static int \
	hook_##name(kauth_cred_t cred, struct vnode *vp, struct label *l) \
	{ \
		(void)cred; \
		(void)l; \
		on_vnode(SB_HOOK_##name, 0, vp); \
		return 0; \
	}

VNODE_HOOK(vnode_check_readlink)
VNODE_HOOK(vnode_check_listextattr)
VNODE_HOOK(vnode_check_fsgetpath)
VNODE_HOOK(vnode_check_revoke)

/* The xattr hooks: a vnode and an attribute name. */
static void
on_xattr(unsigned h, vnode_t vp, const char *name)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	if (!w)
		return;
	set_vnode(w, vp);
	set_name(w, name);
	ask(prof, w, h, 0);
	end(w);
}

static int
hook_vnode_check_getextattr(kauth_cred_t cred, struct vnode *vp,
                            struct label *l, const char *name,
                            struct uio *uio)
{
	(void)cred;
	(void)l;
	(void)uio;
	on_xattr(SB_HOOK_vnode_check_getextattr, vp, name);
	return 0;
}

static int
hook_vnode_check_setextattr(kauth_cred_t cred, struct vnode *vp,
                            struct label *l, const char *name,
                            struct uio *uio)
{
	(void)cred;
	(void)l;
	(void)uio;
	on_xattr(SB_HOOK_vnode_check_setextattr, vp, name);
	return 0;
}

static int
hook_vnode_check_deleteextattr(kauth_cred_t cred, struct vnode *vp,
                               struct label *l, const char *name)
{
	(void)cred;
	(void)l;
	on_xattr(SB_HOOK_vnode_check_deleteextattr, vp, name);
	return 0;
}

static int
hook_vnode_check_setmode(kauth_cred_t cred, struct vnode *vp,
                         struct label *l, mode_t mode)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	(void)cred;
	(void)l;
	if (!w)
		return 0;
	set_vnode(w, vp);
	ask(prof, w, SB_HOOK_vnode_check_setmode, 0);
	if (mode & (S_ISUID | S_ISGID))
		ask(prof, w, SB_HOOK_vnode_check_setmode, 1);
	end(w);
	return 0;
}

static int
hook_vnode_check_setowner(kauth_cred_t cred, struct vnode *vp,
                          struct label *l, uid_t uid, gid_t gid)
{
	(void)cred;
	(void)l;
	(void)uid;
	(void)gid;
	on_vnode(SB_HOOK_vnode_check_setowner, 0, vp);
	return 0;
}

static int
hook_vnode_check_setutimes(kauth_cred_t cred, struct vnode *vp,
                           struct label *l, struct timespec atime,
                           struct timespec mtime)
{
	(void)cred;
	(void)l;
	(void)atime;
	(void)mtime;
	on_vnode(SB_HOOK_vnode_check_setutimes, 0, vp);
	return 0;
}

static int
hook_vnode_check_setflags(kauth_cred_t cred, struct vnode *vp,
                          struct label *l, u_long flags)
{
	(void)cred;
	(void)l;
	(void)flags;
	on_vnode(SB_HOOK_vnode_check_setflags, 0, vp);
	return 0;
}

static int
hook_vnode_check_setacl(kauth_cred_t cred, struct vnode *vp, struct label *l,
                        struct kauth_acl *acl)
{
	(void)cred;
	(void)l;
	(void)acl;
	on_vnode(SB_HOOK_vnode_check_setacl, 0, vp);
	return 0;
}

static int
hook_vnode_check_truncate(kauth_cred_t active, kauth_cred_t file,
                          struct vnode *vp, struct label *l)
{
	(void)active;
	(void)file;
	(void)l;
	on_vnode(SB_HOOK_vnode_check_truncate, 0, vp);
	return 0;
}

static int
hook_vnode_check_exec(kauth_cred_t cred, struct vnode *vp,
                      struct vnode *scriptvp, struct label *vl,
                      struct label *sl, struct label *el,
                      struct componentname *cnp, u_int *csflags,
                      void *attr, size_t attrlen)
{
	(void)cred;
	(void)vl;
	(void)sl;
	(void)el;
	(void)cnp;
	(void)csflags;
	(void)attr;
	(void)attrlen;
	/* the process as it was: a label taken at this exec counts later */
	on_vnode(SB_HOOK_vnode_check_exec, 0, scriptvp ? scriptvp : vp);
	return 0;
}

static int
hook_file_check_mmap(kauth_cred_t cred, struct fileglob *fg, struct label *l,
                     int prot, int flags, uint64_t pos, int *maxprot)
{
	(void)cred;
	(void)fg;
	(void)l;
	(void)flags;
	(void)pos;
	(void)maxprot;
	/*
	** A fileglob's vnode has no KPI accessor: the query carries no
	** path, and path tests count as missing facts (flagged in samples).
	*/
	if (prot & PROT_EXEC)
		on_nothing(SB_HOOK_file_check_mmap, 0);
	return 0;
}

static int
hook_vnode_check_ioctl(kauth_cred_t cred, struct vnode *vp, struct label *l,
                       unsigned long cmd)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	(void)cred;
	(void)l;
	if (!w)
		return 0;
	set_vnode(w, vp);
	set_number(w, (uint32_t)cmd);
	ask(prof, w, SB_HOOK_vnode_check_ioctl, 0);
	end(w);
	return 0;
}

static int
hook_vnode_check_chroot(kauth_cred_t cred, struct vnode *dvp,
                        struct label *dl, struct componentname *cnp)
{
	(void)cred;
	(void)dl;
	(void)cnp;
	on_vnode(SB_HOOK_vnode_check_chroot, 0, dvp);
	return 0;
}

static int
hook_vnode_check_searchfs(kauth_cred_t cred, struct vnode *vp,
                          struct label *l, struct attrlist *ret,
                          struct attrlist *search)
{
	(void)cred;
	(void)l;
	(void)ret;
	(void)search;
	on_vnode(SB_HOOK_vnode_check_searchfs, 0, vp);
	return 0;
}

/* --- hooks: mounts ------------------------------------------------------------ */

static int
hook_mount_check_mount(kauth_cred_t cred, struct vnode *vp, struct label *l,
                       struct componentname *cnp, const char *vfc_name)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	(void)cred;
	(void)l;
	(void)cnp;
	if (!w)
		return 0;
	set_vnode(w, vp);
	set_name(w, vfc_name);
	ask(prof, w, SB_HOOK_mount_check_mount, 0);
	end(w);
	return 0;
}

/* A mount's mount point as the path, and an optional command. */
static void
on_mount(unsigned h, mount_t mp, bool has_cmd, unsigned long cmd)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);
	struct vfsstatfs *sf;

	if (!w)
		return;
	if (mp && (sf = vfs_statfs(mp))) {
		size_t n = strnlen(sf->f_mntonname, sizeof sf->f_mntonname);
		memcpy(w->path, sf->f_mntonname, n);
		w->path[n] = 0;
		w->args.path = w->path;
		w->args.pathlen = (uint32_t)n;
		w->args.vtype = SB_QB_VDIR;
	}
	if (has_cmd)
		set_number(w, (uint32_t)cmd);
	ask(prof, w, h, 0);
	end(w);
}

static int
hook_mount_check_remount(kauth_cred_t cred, struct mount *mp,
                         struct label *l)
{
	(void)cred;
	(void)l;
	on_mount(SB_HOOK_mount_check_remount, mp, false, 0);
	return 0;
}

static int
hook_mount_check_umount(kauth_cred_t cred, struct mount *mp, struct label *l)
{
	(void)cred;
	(void)l;
	on_mount(SB_HOOK_mount_check_umount, mp, false, 0);
	return 0;
}

static int
hook_mount_check_fsctl(kauth_cred_t cred, struct mount *mp, struct label *l,
                       unsigned long cmd)
{
	(void)cred;
	(void)l;
	on_mount(SB_HOOK_mount_check_fsctl, mp, true, cmd);
	return 0;
}

/* --- hooks: processes --------------------------------------------------------- */

static int
hook_proc_check_fork(kauth_cred_t cred, struct proc *p)
{
	(void)cred;
	(void)p;
	on_nothing(SB_HOOK_proc_check_fork, 0);
	return 0;
}

/* Operation K of hook H on process T (NULL: no target facts). */
static void
on_process(unsigned h, unsigned k, proc_t t, bool has_signal, int signum)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	if (!w)
		return;
	w->args.target = classes(t, prof);
	if (has_signal)
		set_number(w, (uint32_t)signum);
	ask(prof, w, h, k);
	end(w);
}

static int
hook_proc_check_signal(kauth_cred_t cred, struct proc *t, int signum)
{
	(void)cred;
	on_process(SB_HOOK_proc_check_signal, 0, t, true, signum);
	return 0;
}

static int
hook_proc_check_get_task_with_flavor(kauth_cred_t cred,
                                     struct proc_ident *pident,
                                     mach_task_flavor_t flavor)
{
	proc_t t;

	(void)cred;
	/* hooks.def's row is in task flavor order: CONTROL .. NAME */
	if (flavor > TASK_FLAVOR_NAME || !label_of(current_proc()))
		return 0;
	t = pident ? proc_find_ident(pident) : PROC_NULL;
	on_process(SB_HOOK_proc_check_get_task_with_flavor, flavor, t, false,
	           0);
	if (t != PROC_NULL)
		proc_rele(t);
	return 0;
}

static int
hook_proc_check_proc_info(kauth_cred_t cred, struct proc *t, int callnum,
                          int flavor)
{
	int k = sb_qb_proc_info_op(callnum);

	(void)cred;
	(void)flavor;
	if (k >= 0)
		on_process(SB_HOOK_proc_check_proc_info, (unsigned)k, t, false,
		           0);
	return 0;
}

static int
hook_proc_check_ledger(kauth_cred_t cred, struct proc *t, int op)
{
	(void)cred;
	(void)op;
	on_process(SB_HOOK_proc_check_ledger, 0, t, false, 0);
	return 0;
}

/* --- hooks: sockets ----------------------------------------------------------- */

/* Hook H on socket SO: ADDR when given, else the socket's PEER or local end. */
static void
on_socket(unsigned h, socket_t so, const struct sockaddr *addr, bool peer)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	if (!w)
		return;
	if (addr)
		set_sockaddr(w, so, addr);
	else if (so)
		set_socket_end(w, so, peer);
	ask(prof, w, h, 0);
	end(w);
}

static int
hook_socket_check_connect(kauth_cred_t cred, socket_t so, struct label *l,
                          struct sockaddr *addr)
{
	(void)cred;
	(void)l;
	on_socket(SB_HOOK_socket_check_connect, so, addr, true);
	return 0;
}

static int
hook_socket_check_send(kauth_cred_t cred, socket_t so, struct label *l,
                       struct sockaddr *addr)
{
	(void)cred;
	(void)l;
	on_socket(SB_HOOK_socket_check_send, so, addr, true);
	return 0;
}

static int
hook_socket_check_bind(kauth_cred_t cred, socket_t so, struct label *l,
                       struct sockaddr *addr)
{
	(void)cred;
	(void)l;
	on_socket(SB_HOOK_socket_check_bind, so, addr, false);
	return 0;
}

static int
hook_socket_check_listen(kauth_cred_t cred, socket_t so, struct label *l)
{
	(void)cred;
	(void)l;
	on_socket(SB_HOOK_socket_check_listen, so, NULL, false);
	return 0;
}

static int
hook_socket_check_receive(kauth_cred_t cred, socket_t so, struct label *l)
{
	(void)cred;
	(void)l;
	on_socket(SB_HOOK_socket_check_receive, so, NULL, false);
	return 0;
}

static int
hook_socket_check_create(kauth_cred_t cred, int domain, int type,
                         int protocol)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	(void)cred;
	if (!w)
		return 0;
	w->args.domain = domain;
	w->args.type = type;
	w->args.protocol = protocol;
	ask(prof, w, SB_HOOK_socket_check_create, 0);
	end(w);
	return 0;
}

static int
hook_vnode_check_uipc_connect(kauth_cred_t cred, struct vnode *vp,
                              struct label *l, socket_t so)
{
	(void)cred;
	(void)l;
	(void)so;
	on_vnode(SB_HOOK_vnode_check_uipc_connect, 0, vp);
	return 0;
}

static int
hook_vnode_check_uipc_bind(kauth_cred_t cred, struct vnode *dvp,
                           struct label *dl, struct componentname *cnp,
                           struct vnode_attr *vap)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	(void)cred;
	(void)dl;
	(void)vap;
	if (!w)
		return 0;
	set_child(w, dvp, cnp);
	w->args.vtype = SB_QB_VSOCK;
	ask(prof, w, SB_HOOK_vnode_check_uipc_bind, 0);
	end(w);
	return 0;
}

/* --- hooks: sysctl, IPC, IOKit, terminals --------------------------------------- */

static int
hook_system_check_sysctlbyname(kauth_cred_t cred, const char *namestring,
                               int *name, size_t namelen, user_addr_t old,
                               size_t oldlen, user_addr_t newvalue,
                               size_t newlen)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	(void)cred;
	(void)name;
	(void)namelen;
	(void)oldlen;
	(void)newlen;
	if (!w)
		return 0;
	set_name(w, namestring);
	if (old != USER_ADDR_NULL)
		ask(prof, w, SB_HOOK_system_check_sysctlbyname, 0);
	if (newvalue != USER_ADDR_NULL)
		ask(prof, w, SB_HOOK_system_check_sysctlbyname, 1);
	end(w);
	return 0;
}

/* Operation K of hook H on IPC object NAME (NULL when the hook has none). */
static void
on_ipc(unsigned h, unsigned k, const char *name)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	if (!w)
		return;
	set_name(w, name);
	ask(prof, w, h, k);
	end(w);
}

static int
hook_posixshm_check_create(kauth_cred_t cred, const char *name)
{
	(void)cred;
	on_ipc(SB_HOOK_posixshm_check_create, 0, name);
	return 0;
}

static int
hook_posixshm_check_open(kauth_cred_t cred, struct pshminfo *ps,
                         struct label *l, int fflags)
{
	(void)cred;
	(void)ps;
	(void)l;
	/* the name is not passed here: ipc-posix-name tests lack their fact */
	if (fflags & FREAD)
		on_ipc(SB_HOOK_posixshm_check_open, 0, NULL);
	if (fflags & FWRITE)
		on_ipc(SB_HOOK_posixshm_check_open, 1, NULL);
	return 0;
}

static int
hook_posixshm_check_unlink(kauth_cred_t cred, struct pshminfo *ps,
                           struct label *l, const char *name)
{
	(void)cred;
	(void)ps;
	(void)l;
	on_ipc(SB_HOOK_posixshm_check_unlink, 0, name);
	return 0;
}

static int
hook_posixsem_check_create(kauth_cred_t cred, const char *name)
{
	(void)cred;
	on_ipc(SB_HOOK_posixsem_check_create, 0, name);
	return 0;
}

/* Semaphore hooks with (cred, sem, label): no name. */
#define SEM_HOOK(name) \
	static int \
	hook_##name(kauth_cred_t cred, struct pseminfo *ps, struct label *l) \
	{ \
		(void)cred; \
		(void)ps; \
		(void)l; \
		on_ipc(SB_HOOK_##name, 0, NULL); \
		return 0; \
	}

SEM_HOOK(posixsem_check_open)
SEM_HOOK(posixsem_check_post)
SEM_HOOK(posixsem_check_wait)

static int
hook_posixsem_check_unlink(kauth_cred_t cred, struct pseminfo *ps,
                           struct label *l, const char *name)
{
	(void)cred;
	(void)ps;
	(void)l;
	on_ipc(SB_HOOK_posixsem_check_unlink, 0, name);
	return 0;
}

/* System V hooks: the operation alone. */
#define SYSV_HOOK(name, type) \
	static int \
	hook_##name(kauth_cred_t cred, type *obj, struct label *l) \
	{ \
		(void)cred; \
		(void)obj; \
		(void)l; \
		on_nothing(SB_HOOK_##name, 0); \
		return 0; \
	}

SYSV_HOOK(sysvmsq_check_msqget, struct msqid_kernel)
SYSV_HOOK(sysvmsq_check_msqsnd, struct msqid_kernel)
SYSV_HOOK(sysvmsq_check_msqrcv, struct msqid_kernel)
SYSV_HOOK(sysvsem_check_semget, struct semid_kernel)

static int
hook_sysvsem_check_semop(kauth_cred_t cred, struct semid_kernel *s,
                         struct label *l, size_t accesstype)
{
	(void)cred;
	(void)s;
	(void)l;
	(void)accesstype;
	on_nothing(SB_HOOK_sysvsem_check_semop, 0);
	return 0;
}

static int
hook_sysvshm_check_shmget(kauth_cred_t cred, struct shmid_kernel *s,
                          struct label *l, int shmflg)
{
	(void)cred;
	(void)s;
	(void)l;
	(void)shmflg;
	on_nothing(SB_HOOK_sysvshm_check_shmget, 0);
	return 0;
}

static int
hook_sysvshm_check_shmat(kauth_cred_t cred, struct shmid_kernel *s,
                         struct label *l, int shmflg)
{
	(void)cred;
	(void)s;
	(void)l;
	(void)shmflg;
	on_nothing(SB_HOOK_sysvshm_check_shmat, 0);
	return 0;
}

/* IOKit: the user-client type is all a plain-C kext can read. */
static void
on_iokit(unsigned h, unsigned int type)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(current_proc(), &prof);

	if (!w)
		return;
	set_number(w, type);
	ask(prof, w, h, 0);
	end(w);
}

static int
hook_iokit_check_open_service(kauth_cred_t cred, io_object_t service,
                              unsigned int type)
{
	(void)cred;
	(void)service;
	on_iokit(SB_HOOK_iokit_check_open_service, type);
	return 0;
}

static int
hook_iokit_check_open(kauth_cred_t cred, io_object_t client,
                      unsigned int type)
{
	(void)cred;
	(void)client;
	on_iokit(SB_HOOK_iokit_check_open, type);
	return 0;
}

static int
hook_iokit_check_get_property(kauth_cred_t cred, io_object_t entry,
                              const char *name)
{
	(void)cred;
	(void)entry;
	on_ipc(SB_HOOK_iokit_check_get_property, 0, name);
	return 0;
}

static int
hook_iokit_check_set_properties(kauth_cred_t cred, io_object_t entry,
                                io_object_t properties)
{
	(void)cred;
	(void)entry;
	(void)properties;
	on_nothing(SB_HOOK_iokit_check_set_properties, 0);
	return 0;
}

static void
hook_pty_notify_grant(proc_t p, struct tty *tp, dev_t dev, struct label *l)
{
	struct sb_kprof *prof;
	struct sb_kwork *w = begin(p, &prof);

	(void)tp;
	(void)dev;
	(void)l;
	if (!w)
		return;
	ask(prof, w, SB_HOOK_pty_notify_grant, 0);
	end(w);
}

/* --- labels: exec, fork, exit --------------------------------------------------- */

static void
hook_proc_notify_exec_complete(proc_t p)
{
	size_t len = 0;
	uint8_t *args;

	if (SB_ATOMIC_LOAD(&reg.nprofiles) == 0)
		return;         /* nothing to opt into: skip reading the arguments */
	if (proc_selfexecutableargs(NULL, &len) != 0 || len == 0)
		return;
	if (len > ARGS_MAX)
		len = ARGS_MAX;
	if (!(args = IOMallocZero(len)))
		return;
	{
		size_t n = len;
		if (proc_selfexecutableargs(args, &n) == 0)
			sb_kreg_exec(&reg, proc_pid(p), proc_uniqueid(p), args,
			             len);
	}
	IOFree(args, len);
}

static void
hook_cred_label_associate_fork(kauth_cred_t cred, proc_t child)
{
	proc_t parent = current_proc();

	(void)cred;
	if (label_of(parent))
		sb_kreg_fork(&reg, proc_pid(parent), proc_uniqueid(parent),
		             proc_pid(child), proc_uniqueid(child));
}

static void
hook_proc_notify_exit(proc_t p)
{
	if (label_of(p))
		sb_kreg_exit(&reg, proc_pid(p), proc_uniqueid(p));
}

/* --- registration ------------------------------------------------------------------ */

static struct mac_policy_ops policy_ops = {
#define HOOK(name, operations, builder) .mpo_##name = hook_##name,
#include "kext/macos/hooks.def"
	.mpo_proc_notify_exec_complete = hook_proc_notify_exec_complete,
	.mpo_cred_label_associate_fork = hook_cred_label_associate_fork,
	.mpo_proc_notify_exit = hook_proc_notify_exit,
};

static struct mac_policy_conf policy_conf = {
	.mpc_name = "sbpl_mirror",
	.mpc_fullname = "sbpl-tools mirror: counts sandbox rules, denies nothing",
	.mpc_labelnames = NULL,
	.mpc_labelname_count = 0,
	.mpc_ops = &policy_ops,
	.mpc_loadtime_flags = MPC_LOADTIME_FLAG_UNLOADOK,
	.mpc_field_off = NULL,          /* no MAC label slot: registry.c labels */
	.mpc_runtime_flags = 0,
};

static errno_t
status_errno(int st)
{
	switch (st) {
	case SB_KST_OK: return 0;
	case SB_KST_NOTFOUND: return ENOENT;
	case SB_KST_NOMEM: return ENOMEM;
	case SB_KST_LIMIT: return ENOSPC;
	case SB_KST_SPACE: return ENOBUFS;
	case SB_KST_VERSION: return EPROTONOSUPPORT;
	default: return EINVAL;         /* the reason is in a STATUS reply */
	}
}

static errno_t
ctl_connect(kern_ctl_ref ref, struct sockaddr_ctl *sac, void **unitinfo)
{
	(void)ref;
	(void)sac;
	*unitinfo = NULL;
	return 0;
}

static errno_t
ctl_disconnect(kern_ctl_ref ref, u_int32_t unit, void *unitinfo)
{
	(void)ref;
	(void)unit;
	(void)unitinfo;
	return 0;
}

static errno_t
ctl_setopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt,
           void *data, size_t len)
{
	(void)ref;
	(void)unit;
	(void)unitinfo;
	if (opt != SB_CTL_OPT_SET || !data)
		return EINVAL;
	return status_errno(sb_ctl_serve_set(&reg, data, len));
}

static errno_t
ctl_getopt(kern_ctl_ref ref, u_int32_t unit, void *unitinfo, int opt,
           void *data, size_t *len)
{
	size_t out = 0;
	int st;

	(void)ref;
	(void)unit;
	(void)unitinfo;
	if (opt != SB_CTL_OPT_GET || !data)
		return EINVAL;
	st = sb_ctl_serve_get(&reg, data, *len, &out);
	if (out == 0)
		return status_errno(st);
	*len = out;             /* the status travels in the reply */
	return 0;
}

static kern_return_t
mirror_start(kmod_info_t *ki, void *d)
{
	struct kern_ctl_reg ctl;
	struct sb_kenv env;
	int err;

	(void)ki;
	lock_group = lck_grp_alloc_init("sbpl_mirror", LCK_GRP_ATTR_NULL);
	lock = lck_mtx_alloc_init(lock_group, LCK_ATTR_NULL);
	memset(&env, 0, sizeof env);
	env.alloc = host_alloc;
	env.free = host_free;
	env.lock = host_lock;
	env.unlock = host_unlock;
	env.sha256 = host_sha256;
	if (sb_kreg_init(&reg, &env, MAXPID, NWORK) != 0)
		goto nomem;
	memset(&ctl, 0, sizeof ctl);
	strlcpy(ctl.ctl_name, SB_CTL_NAME, sizeof ctl.ctl_name);
	ctl.ctl_flags = CTL_FLAG_PRIVILEGED;    /* root only */
	ctl.ctl_connect = ctl_connect;
	ctl.ctl_disconnect = ctl_disconnect;
	ctl.ctl_setopt = ctl_setopt;
	ctl.ctl_getopt = ctl_getopt;
	if ((err = ctl_register(&ctl, &ctl_ref)) != 0) {
		printf("sbpl_mirror: ctl_register: error %d\n", err);
		goto fail;
	}
	if ((err = mac_policy_register(&policy_conf, &policy_handle, d)) != 0) {
		printf("sbpl_mirror: mac_policy_register: error %d\n", err);
		ctl_deregister(ctl_ref);
		goto fail;
	}
	printf("sbpl_mirror: loaded (%s); counts only, never denies\n",
	       SB_KEXT_VERSION);
	return KERN_SUCCESS;
fail:
	sb_kreg_fini(&reg);
nomem:
	lck_mtx_free(lock, lock_group);
	lck_grp_free(lock_group);
	return KERN_FAILURE;
}

static kern_return_t
mirror_stop(kmod_info_t *ki, void *d)
{
	(void)ki;
	(void)d;
	/* processes still labelled hold profiles: refuse until they exit */
	if (SB_ATOMIC_LOAD(&reg.nprofiles) != 0) {
		printf("sbpl_mirror: %u profile(s) still in use; not "
		       "unloading\n", reg.nprofiles);
		return KERN_FAILURE;
	}
	/* a daemon still connected keeps the kext: nothing is torn down yet */
	if (ctl_deregister(ctl_ref) != 0) {
		printf("sbpl_mirror: sbpl-mirrord is still connected; not "
		       "unloading\n");
		return KERN_FAILURE;
	}
	/* waits for hooks in flight; none starts after it */
	mac_policy_unregister(policy_handle);
	sb_kreg_fini(&reg);
	lck_mtx_free(lock, lock_group);
	lck_grp_free(lock_group);
	return KERN_SUCCESS;
}

/* The kmod_info record and entry points the kext loader looks for. */
extern kern_return_t _start(kmod_info_t *ki, void *data);
extern kern_return_t _stop(kmod_info_t *ki, void *data);
KMOD_EXPLICIT_DECL(org.sbpl-tools.mirror, SB_KEXT_VERSION, _start, _stop)
__private_extern__ kmod_start_func_t *_realmain = mirror_start;
__private_extern__ kmod_stop_func_t *_antimain = mirror_stop;
__private_extern__ int _kext_apple_cc = __APPLE_CC__;

#else

/* Not macOS: nothing here (make kext says SKIP). */
typedef int sb_mirror_kext_needs_macos;

#endif
