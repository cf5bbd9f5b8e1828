/*
** What the mirror kext counts for one loaded profile (DESIGN.md §8):
** u64 counters[rule][decision], one such table per operation the hooks
** can ask about (a column), incremented atomically with no message per
** check; and up to K sample accesses per rule, kept in a bounded ring
** of slots until the daemon takes them (they become event rows).
**
** The hot path, sb_kcounters_count() and sb_kcounters_sample(), is
** lock-free and allocates nothing: hooks of many threads run it at once.
** Reading (sb_kcounters_read(), sb_kcounters_take()) is the control
** socket's job and is serialised by its caller. Memory is one block the
** caller allocates when the profile is loaded, sized by
** sb_kcounters_bytes().
**
** Freestanding (kext/freestanding.h).
*/
#ifndef SB_KEXT_MACOS_COUNTERS_H
#define SB_KEXT_MACOS_COUNTERS_H

#include "kext/freestanding.h"
#include "kext/query.h"

/*
** Atomic access to counters and ring state: the compiler's __atomic
** builtins, which the kernel's clang and user-space compilers share.
** Counters need no ordering among themselves (RELAXED); a sample slot
** is published with RELEASE and read with ACQUIRE.
*/
#define SB_ATOMIC_ADD(p, v) ((void)__atomic_fetch_add((p), (v), \
                                                      __ATOMIC_RELAXED))
#define SB_ATOMIC_FETCH_ADD(p, v) __atomic_fetch_add((p), (v), \
                                                     __ATOMIC_RELAXED)
#define SB_ATOMIC_SUB(p, v) ((void)__atomic_fetch_sub((p), (v), \
                                                      __ATOMIC_RELAXED))
#define SB_ATOMIC_LOAD(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define SB_ATOMIC_ACQUIRE(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define SB_ATOMIC_RELEASE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define SB_ATOMIC_CAS(p, expected, v) \
	__atomic_compare_exchange_n((p), (expected), (v), false, \
	                            __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)

enum {
	SB_KCOUNTERS_MAX_SLOTS = 512,   /* op-table slots a target may have */
	SB_KSAMPLE_FACTS = 6,           /* facts a sample keeps */
	SB_KSAMPLE_TEXT = 1280          /* bytes of their strings: a path and a name */
};

/* One non-zero counter: how often RULE decided OP with DENY, so far. */
struct sb_kcell {
	uint32_t rule;
	uint16_t op;                    /* op-table slot */
	uint8_t deny;                   /* 0 allow, 1 deny */
	uint64_t count;
};

/* A fact of a sample; strings are [off, off + len) of the sample's text. */
struct sb_ksfact {
	uint8_t filter;                 /* base filter id */
	uint8_t kind;                   /* enum sb_fact_kind */
	uint16_t off;                   /* STRING, NETWORK host */
	uint16_t len;                   /* 0 and no host for NETWORK '*' */
	uint32_t i;                     /* INT, BOOL; NETWORK protocol bits */
	int32_t port;                   /* NETWORK: -1 for none */
};

enum sb_ksample_flag {
	SB_KSAMPLE_TRUNCATED = 1,       /* facts or text did not all fit */
	SB_KSAMPLE_MISSING = 2          /* a test on the walk lacked its fact */
};

/* One access, as the hook asked it and the profile answered. */
struct sb_ksample {
	uint64_t seq;                   /* order of sampling, from 0 */
	int64_t ts;                     /* ns since the epoch */
	int32_t pid;
	uint32_t rule;                  /* the deciding rule */
	uint16_t op;                    /* op-table slot */
	uint8_t deny;
	uint8_t flags;                  /* enum sb_ksample_flag */
	uint8_t nfacts;
	struct sb_ksfact facts[SB_KSAMPLE_FACTS];
	uint16_t textlen;
	char text[SB_KSAMPLE_TEXT];
};

/* A ring slot: free, being written, or ready for the daemon. */
enum { SB_KSLOT_FREE, SB_KSLOT_BUSY, SB_KSLOT_READY };

struct sb_kslot {
	uint32_t state;                 /* SB_KSLOT_*, atomic */
	struct sb_ksample s;
};

struct sb_kcounters {
	uint32_t nrules;                /* rule ids 0..nrules: nrules + 1 rows */
	uint32_t ncols;                 /* operations counted */
	uint32_t k;                     /* samples per rule */
	uint32_t nslots;                /* ring slots */
	uint16_t col[SB_KCOUNTERS_MAX_SLOTS];   /* op slot -> column + 1; 0: none */
	uint16_t slot_of[SB_KCOUNTERS_MAX_SLOTS];       /* column -> op slot */
	uint64_t *cells;                /* [(rule * ncols + col) * 2 + deny] */
	uint32_t *taken;                /* per rule: samples claimed (atomic) */
	struct sb_kslot *slots;
	/* atomic statistics */
	uint64_t seq;                   /* samples claimed so far */
	uint32_t probe;                 /* where the next sample looks for a slot */
	uint64_t evals;                 /* accesses evaluated */
	uint64_t failures;              /* evaluations that gave no verdict */
	uint64_t unmapped;              /* verdicts outside the table */
	uint64_t dropped;               /* samples lost to a full ring */
};

/*
** Bytes of the arrays for NRULES (ids 0..NRULES), NCOLS columns and
** NSLOTS ring slots, or 0 when that overflows or exceeds LIMIT.
*/
size_t sb_kcounters_bytes(uint32_t nrules, uint32_t ncols, uint32_t nslots,
                          size_t limit);

/*
** Set up *C in the MEMSIZE bytes at MEM (8-aligned, from
** sb_kcounters_bytes(); zeroed here). COLS lists the NCOLS op slots that
** get a column (each < SB_KCOUNTERS_MAX_SLOTS, no repeats); K is the
** sample quota per rule. Returns 0, or -1 when MEMSIZE is too small or a
** column is invalid. C borrows MEM.
*/
int sb_kcounters_init(struct sb_kcounters *c, void *mem, size_t memsize,
                      uint32_t nrules, const uint16_t *cols, uint32_t ncols,
                      uint32_t k, uint32_t nslots);

/*
** Count one verdict V of an access to op slot OP. Verdicts that fall
** outside the table (a rule id above nrules, a slot without a column)
** are counted in unmapped.
*/
void sb_kcounters_count(struct sb_kcounters *c, uint16_t op,
                        const struct sb_verdict *v);

/* Whether RULE may still be sampled: a cheap pre-check for hooks. */
bool sb_kcounters_want(const struct sb_kcounters *c, uint32_t rule);

/*
** Keep access Q with verdict V as a sample of V->rule if its quota and
** the ring allow: claims a slot and copies the facts (strings into the
** sample's text). Returns 1 when kept, 0 when not (quota used up, or
** the ring full: dropped is counted and the quota given back).
*/
int sb_kcounters_sample(struct sb_kcounters *c, const struct sb_query *q,
                        const struct sb_verdict *v, int32_t pid, int64_t ts);

/*
** Up to MAX non-zero counters from flat index START (rule-major) into
** OUT; *NEXT gets the index to continue from (the table's size when
** done). Returns how many were written. Values are read atomically one
** by one: a snapshot of counters still moving.
*/
uint32_t sb_kcounters_read(const struct sb_kcounters *c, uint32_t start,
                           struct sb_kcell *out, uint32_t max, uint32_t *next);

/* Counters in the table (rules x columns x 2): the end for START. */
uint32_t sb_kcounters_size(const struct sb_kcounters *c);

/*
** Hand ready samples to FN, which returns 0 when it took the sample (the
** slot is then freed) or -1 when it has no room (nothing more is handed
** over). Returns how many were taken. Callers serialise: one reader at
** a time. Order is the ring's, not seq's.
*/
typedef int (*sb_ksample_fn)(void *ctx, const struct sb_ksample *s);
uint32_t sb_kcounters_take(struct sb_kcounters *c, sb_ksample_fn fn,
                           void *ctx);

#endif
