/*
** Filter trees (DESIGN.md §2.4): TEST(filter id, pattern kind, argument)
** and the connectives ALL, ANY, NOT, TRUE, FALSE, normalised as they are
** built: aliases resolved, nested ALL/ANY of the same kind flattened,
** duplicates removed, children sorted by structural hash, double negation
** removed, empty ANY false and empty ALL true, constants folded. Never
** converted to DNF. Trees live in the arena and are shared freely.
*/
#ifndef SB_COMPILER_FILTER_H
#define SB_COMPILER_FILTER_H

#include <stdint.h>

#include "common/arena.h"
#include "common/buf.h"
#include "common/source.h"

struct sb_regex;
struct sb_target;

enum sb_fkind { SB_F_TEST, SB_F_ALL, SB_F_ANY, SB_F_NOT, SB_F_TRUE,
	SB_F_FALSE };

/* How a string argument matches (LANGUAGE.md §7.1, §7.3). */
enum sb_pat {
	SB_PAT_NONE,            /* not a pattern: integers, booleans, … */
	SB_PAT_LITERAL,         /* the whole string */
	SB_PAT_PREFIX,          /* a plain prefix */
	SB_PAT_SUBPATH,         /* the path and everything below it */
	SB_PAT_REGEX            /* an AppleMatch regular expression */
};

enum sb_fargkind {
	SB_FA_NONE,             /* no argument */
	SB_FA_STRING,           /* s, len: a pattern or exact string */
	SB_FA_INT,              /* i, with cname when a named constant */
	SB_FA_BOOL,             /* i is 0 or 1 */
	SB_FA_NETWORK,          /* i: protocol constant; s: "host:port" or NULL */
	SB_FA_BLOCK             /* s: the canonical text of a message-filter block */
};

struct sb_farg {
	enum sb_fargkind kind;
	const char *s;          /* NUL-terminated, in the arena */
	uint32_t len;
	int64_t i;
	const char *cname;      /* the constant's name as written, or NULL */
};

struct sb_filter {
	enum sb_fkind kind;
	uint16_t filter;        /* TEST: filter id in the target table */
	uint8_t pat;            /* TEST: enum sb_pat */
	struct sb_farg arg;     /* TEST */
	const struct sb_filter **kids;  /* ALL, ANY, NOT (one) */
	uint32_t nkids;
	struct sb_span span;    /* where it was written */
	uint64_t hash;          /* structural: spans excluded */
	const struct sb_regex *rx;      /* TEST with SB_PAT_REGEX: compiled */
	int sealed;             /* ALL whose order matters: never flattened,
	                           sorted or deduplicated (an entitlement load
	                           and the value tests that read it) */
};

/* Constructors; every result is normalised. */
const struct sb_filter *sb_filter_test(struct sb_arena *a, uint16_t filter,
    uint8_t pat, const struct sb_farg *arg, struct sb_span span);
const struct sb_filter *sb_filter_const(struct sb_arena *a, int value,
    struct sb_span span);
/* ALL or ANY of the N filters in KIDS. */
const struct sb_filter *sb_filter_join(struct sb_arena *a, enum sb_fkind kind,
    const struct sb_filter *const *kids, uint32_t n, struct sb_span span);
/* ALL of the N filters in KIDS, in this order, kept as one unit. */
const struct sb_filter *sb_filter_seq(struct sb_arena *a,
    const struct sb_filter *const *kids, uint32_t n, struct sb_span span);
const struct sb_filter *sb_filter_not(struct sb_arena *a,
    const struct sb_filter *f, struct sb_span span);

/* Structural equality (spans ignored). */
int sb_filter_equal(const struct sb_filter *x, const struct sb_filter *y);
/*
** Append the canonical text of F to B, with names from target T:
** (require-any (literal "/a") (subpath "/b")).
*/
void sb_filter_text(struct sb_buf *b, const struct sb_target *t,
    const struct sb_filter *f);
/* The SBPL spelling of filter ID with pattern PAT: "subpath", "global-name-regex". */
const char *sb_filter_spelling(const struct sb_target *t, uint16_t id,
    uint8_t pat, char *buf, size_t size);

#endif
