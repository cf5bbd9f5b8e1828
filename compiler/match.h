/*
** The reference evaluator on the rule IR (DESIGN.md §2.4): for a query,
** walk the operation's rule list from the newest rule back and return the
** deciding rule, every matching rule, and whether the answer depended on
** a fact the query did not give (such a test is taken as not matching,
** as the graph evaluator does). Slow and obviously right; the graph
** evaluator must agree with it.
*/
#ifndef SB_COMPILER_MATCH_H
#define SB_COMPILER_MATCH_H

#include <stdint.h>

#include "common/arena.h"
#include "compiler/profile.h"

enum sb_mfact_kind { SB_MF_STRING, SB_MF_INT, SB_MF_BOOL, SB_MF_NETWORK };

/* What an access presents to one filter. */
struct sb_mfact {
	uint16_t filter;                /* filter id */
	enum sb_mfact_kind kind;
	const char *s;                  /* STRING: the value; NETWORK: host */
	uint32_t len;
	int64_t i;                      /* INT, BOOL; NETWORK: protocol bits */
	int64_t port;                   /* NETWORK: port, or -1 for none */
};

/* The value of a ${NAME} placeholder for this query. */
struct sb_mvar {
	const char *name;               /* without "${}" */
	const char *value;
};

struct sb_mquery {
	uint16_t op;                    /* op-table slot */
	const struct sb_mfact *facts;
	uint32_t nfacts;
	const struct sb_mvar *vars;     /* ${NAME} values; unknown names do not match */
	uint32_t nvars;
};

struct sb_mresult {
	uint32_t rule;                  /* deciding rule id; 0: implicit */
	enum sb_action decision;
	const struct sb_modset *mods;   /* the deciding rule's, or NULL */
	uint32_t *matched;              /* every matching rule id, newest first */
	uint32_t nmatched;
	int assumed;                    /* a test lacked its fact */
};

struct sb_matcher;

/* A matcher for profile P; scratch comes from A once. */
struct sb_matcher *sb_matcher_new(struct sb_arena *a,
    const struct sb_profile *p);
/* Answer Q into *OUT (whose matched array lives in the matcher). */
void sb_match(struct sb_matcher *m, const struct sb_mquery *q,
    struct sb_mresult *out);
/* Whether filter F matches Q; sets *ASSUMED when a fact was missing. */
int sb_match_filter(struct sb_matcher *m, const struct sb_filter *f,
    const struct sb_mquery *q, int *assumed);

#endif
