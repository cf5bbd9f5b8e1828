/*
** The mirror kext's state (DESIGN.md §8), kept out of mirror_kext.c so
** that it is plain C tested on Linux: the loaded profiles, keyed by the
** SHA-256 of their blob and reference-counted; the per-process labels
** that say which profile a process opted into; the opt-in itself, read
** from the environment at exec; the pool of work areas hooks build
** their queries in; and the evaluation and counting of one access.
**
** Process labels. The MAC framework's credential labels are not
** reachable through public KPIs (no mac_cred_label() for kexts) and
** credentials are shared between processes, so the kext keeps its own
** label per process: one entry per pid, holding the profile and the
** process's unique id (a reused pid never inherits a label). A process
** that execs with SBPLCOV_PROFILE=<16 hex> gets the loaded profile whose
** key starts with those digits; children get their parent's at fork;
** the entry is dropped at exit. Hooks read their own process's entry
** with one atomic load and return at once when it is empty.
**
** Lifetimes. A profile holds one reference for the daemon while it is
** loaded and one per labelled process. Unload drops the daemon's: the
** profile stops accepting new processes and is freed when the last
** labelled process exits. Hooks never take references: a process's
** entry cannot change while one of its threads runs a hook, except by
** that process's own exec or exit, which wait for its other threads.
**
** Locking. The host (mirror_kext.c, or a test) gives a lock; loads,
** unloads, fork, exec and exit take it; hooks do not. Memory comes from
** the host's allocator, only when a profile is loaded and when the
** registry starts; hooks never allocate.
**
** Freestanding (kext/freestanding.h).
*/
#ifndef SB_KEXT_MACOS_REGISTRY_H
#define SB_KEXT_MACOS_REGISTRY_H

#include "kext/bin.h"
#include "kext/eval.h"
#include "kext/freestanding.h"
#include "kext/macos/counters.h"
#include "kext/macos/ctl.h"
#include "kext/macos/query_build.h"

#define SB_KENV_NAME "SBPLCOV_PROFILE"  /* the opt-in variable */

enum {
	SB_KREG_MAX_PROFILES = 16,      /* loaded at once */
	SB_KREG_TAG = 16,               /* hex digits of the key in the opt-in */
	SB_KWORK_PATH = 1024,           /* xnu's MAXPATHLEN */
	SB_KWORK_NAME = 256             /* xattr, sysctl, IPC, property names */
};

/* What the host provides. */
struct sb_kenv {
	/* N zeroed bytes, 8-aligned, or NULL; may sleep */
	void *(*alloc)(void *ctx, size_t n);
	void (*free)(void *ctx, void *p, size_t n);
	void (*lock)(void *ctx);
	void (*unlock)(void *ctx);
	/* SHA-256 of N bytes at P into OUT; NULL: keys are taken as given */
	void (*sha256)(void *ctx, const void *p, size_t n, uint8_t out[32]);
	void *ctx;
};

/* One loaded profile: all of it is one allocation of SIZE bytes. */
struct sb_kprof {
	struct sb_kprof *next;
	uint8_t key[32];                /* SHA-256 of the blob */
	char tag[SB_KREG_TAG];          /* the key's first 8 bytes as lower-case hex */
	uint32_t refs;                  /* daemon (while loaded) + labelled processes */
	bool loaded;                    /* the daemon's reference is held (under the lock) */
	size_t size;
	uint32_t nrules;                /* rule ids 1..nrules; 0 implicit */
	const uint8_t *blob;            /* the copy sb_decode() validated */
	uint32_t bloblen;
	const uint32_t *rule_map;       /* per node: its rule id */
	uint32_t nmap;
	struct sb_bin bin;
	struct sb_qb qb;                /* hooks.def for the blob's target */
	struct sb_kcounters counters;
};

/* The label of one pid. */
struct sb_kproc {
	struct sb_kprof *prof;          /* NULL: not opted in (atomic) */
	uint64_t uniqueid;              /* the process it belongs to */
};

/* A hook's working memory: taken from the pool, never from the stack. */
struct sb_kwork {
	uint32_t busy;                  /* atomic: 1 while a hook holds it */
	struct sb_qb_args args;
	struct sb_query q;
	struct sb_scratch scratch;
	char path[SB_KWORK_PATH];       /* the vnode's path, for args.path */
	char name[SB_KWORK_NAME];       /* a name copied in, for args.name */
};

struct sb_kreg {
	struct sb_kenv env;
	struct sb_kprof *profiles;      /* loaded and unloading, newest first */
	uint32_t nprofiles;
	struct sb_kproc *procs;         /* by pid */
	uint32_t maxpid;                /* entries in procs */
	struct sb_kwork *work;
	uint32_t nwork;
	uint32_t workhint;              /* atomic: where the next hook looks */
	uint64_t missed;                /* atomic: accesses with no free work area */
	/* the last LOAD or UNLOAD, for STATUS */
	uint32_t last;                  /* enum sb_kstatus */
	struct sb_decode_error lasterr;
};

/*
** Set up *R with labels for pids below MAXPID (xnu's PID_MAX is 99999)
** and NWORK work areas, allocated from ENV. Returns 0, or -1 when the
** allocation fails.
*/
int sb_kreg_init(struct sb_kreg *r, const struct sb_kenv *env,
                 uint32_t maxpid, uint32_t nwork);
/*
** Release what R holds. Returns -1, freeing nothing, while any profile
** is still referenced (the kext must then refuse to stop).
*/
int sb_kreg_fini(struct sb_kreg *r);

/*
** The host's lock: the control socket's readers hold it while they use a
** profile (sb_ctl_serve_get()). Not recursive.
*/
void sb_kreg_lock(struct sb_kreg *r);
void sb_kreg_unlock(struct sb_kreg *r);

/*
** Load M (decoded by sb_ctl_decode()): check the key against the blob's
** SHA-256 when the host can hash, validate the blob and rule map with
** sb_decode() for M's target, and allocate the copy, the counters and
** the ring. Loading a key that is there takes the daemon's reference
** again and keeps the counters. Returns an enum sb_kstatus; the decode
** error of SB_KST_BLOB is kept in R->lasterr.
*/
int sb_kreg_load(struct sb_kreg *r, const struct sb_ctl_load *m);
/* Drop the daemon's reference to KEY: SB_KST_OK or SB_KST_NOTFOUND. */
int sb_kreg_unload(struct sb_kreg *r, const uint8_t key[32]);
/* The profile with KEY, loaded or unloading, or NULL. Under the lock. */
struct sb_kprof *sb_kreg_find(const struct sb_kreg *r, const uint8_t key[32]);

/*
** Exec: look for SBPLCOV_PROFILE in ARGS, the LEN bytes that xnu's
** proc_selfexecutableargs() gives (argc, the executable path, argv,
** then the environment). Returns 1 when PID now carries the profile it
** names, 0 when the variable is absent (an inherited label stays), -1
** when it names no loaded profile or is not 16 hex digits.
*/
int sb_kreg_exec(struct sb_kreg *r, int32_t pid, uint64_t uniqueid,
                 const uint8_t *args, size_t len);
/* Fork: the child gets the parent's label, if any. */
void sb_kreg_fork(struct sb_kreg *r, int32_t ppid, uint64_t puniq,
                  int32_t pid, uint64_t uniq);
/* Exit: drop PID's label and its reference. */
void sb_kreg_exit(struct sb_kreg *r, int32_t pid, uint64_t uniqueid);

/*
** The profile process PID (with UNIQUEID) opted into, or NULL. Lock-free,
** for hooks: valid until that process's next exec or its exit.
*/
struct sb_kprof *sb_kreg_proc(const struct sb_kreg *r, int32_t pid,
                              uint64_t uniqueid);

/*
** The value of NAME in the environment part of ARGS (the layout of
** sb_kreg_exec()): 1 with *VAL and *VLEN pointing into ARGS, or 0.
*/
int sb_kenv_find(const uint8_t *args, size_t len, const char *name,
                 const char **val, uint32_t *vlen);

/* A free work area (zeroed arguments), or NULL: all busy, missed counted. */
struct sb_kwork *sb_kreg_work_get(struct sb_kreg *r);
void sb_kreg_work_put(struct sb_kreg *r, struct sb_kwork *w);

/*
** Evaluate W's query on P, count the verdict, and sample it when the
** rule's quota allows. Returns 0, or -1 when the evaluator gave no
** verdict (counted in P's failures). Never denies anything: the caller
** returns 0 to the MAC framework whatever this says.
*/
int sb_kprof_check(struct sb_kprof *p, struct sb_kwork *w, int32_t pid,
                   int64_t ts);

#endif
