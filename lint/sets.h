/*
** Exact request sets (LINT.md §2; DESIGN.md §4): a BDD over atomic
** predicates, one variable per distinct (filter, pattern, argument) test,
** with every path checked for feasibility by a per-dimension theory:
** automata (automaton.h) for string dimensions, equality for integers,
** bit constraints for bit fields, a finite enumeration for network
** addresses. Tests the linter cannot decide are opaque atoms: free
** booleans. Answers are three-valued; a state budget that runs out, a
** placeholder, or an unsupported construct gives "unknown", never a guess.
**
** Use: sb_sets_new(), sb_sets_register() every filter that will be asked
** about (every unit: profile, assertions, old profile), sb_sets_seal(),
** then build sets with sb_sets_of() and the connectives and ask
** sb_sets_empty() / sb_sets_exists(). Set handles are plain integers valid
** until sb_sets_free(); filters registered must outlive the sets.
*/
#ifndef SB_LINT_SETS_H
#define SB_LINT_SETS_H

#include <stdint.h>

#include "common/buf.h"
#include "compiler/filter.h"
#include "compiler/match.h"

struct sb_target;
struct sb_sets;

enum sb_tri { SB_TRI_NO, SB_TRI_YES, SB_TRI_UNKNOWN };

#define SB_SETS_FALSE 0u
#define SB_SETS_TRUE 1u
/* LINT.md §2.4: DFA states per question. */
#define SB_SETS_BUDGET 100000u
#define SB_REQ_MAX 16

/* A concrete request: the facts a witness needs (compiler/match.h form). */
struct sb_req {
	struct sb_mfact facts[SB_REQ_MAX];
	uint32_t nfacts;
	char *strs[SB_REQ_MAX];         /* owned copies behind facts[i].s */
};

struct sb_sets *sb_sets_new(const struct sb_target *t);
void sb_sets_free(struct sb_sets *s);
/* Fix opaque atoms named FACT ("entitlement:KEY", "FILTER:ARG") to VALUE. */
void sb_sets_assume(struct sb_sets *s, const char *fact, int value);
/* Collect the atoms of F (NULL is fine). Before sb_sets_seal() only. */
void sb_sets_register(struct sb_sets *s, const struct sb_filter *f);
/* Fix the variable order and build the automata. */
void sb_sets_seal(struct sb_sets *s);

/* The requests F matches (NULL: every request). */
uint32_t sb_sets_of(struct sb_sets *s, const struct sb_filter *f);
uint32_t sb_sets_and(struct sb_sets *s, uint32_t a, uint32_t b);
uint32_t sb_sets_or(struct sb_sets *s, uint32_t a, uint32_t b);
uint32_t sb_sets_not(struct sb_sets *s, uint32_t a);
/* A with the atom of test F fixed to VALUE (F must have been registered). */
uint32_t sb_sets_restrict(struct sb_sets *s, uint32_t a,
    const struct sb_filter *f, int value);
/* A without B. */
uint32_t sb_sets_diff(struct sb_sets *s, uint32_t a, uint32_t b);

/*
** Whether A is empty for every valuation of the opaque atoms (YES),
** holds a request under some valuation (NO), or could not be decided.
** PATH: the requests carry a path (file and exec operations).
*/
enum sb_tri sb_sets_empty(struct sb_sets *s, uint32_t a, int path);
/*
** Whether one request lies in A under every valuation of the opaque atoms
** (YES, with that request in *W when W is not NULL; free with
** sb_req_free()), none does (NO), or could not be decided.
*/
enum sb_tri sb_sets_exists(struct sb_sets *s, uint32_t a, int path,
    struct sb_req *w);
void sb_req_free(struct sb_req *w);
/* Append the opaque atoms A depends on, as "'NAME'" items, to B. */
void sb_sets_opaque_names(struct sb_sets *s, uint32_t a, struct sb_buf *b);
/* Whether set A depends on any opaque atom. */
int sb_sets_has_opaque(struct sb_sets *s, uint32_t a);
/* Whether the product budget ran out in the last question. */
int sb_sets_over(const struct sb_sets *s);
/* Append W's facts, readably, to B: "/Users/a/.ssh" or "tcp4 localhost:443". */
void sb_req_text(const struct sb_sets *s, const struct sb_req *w,
    struct sb_buf *b);
/* Whether the string dimension for filter FILTER is modelled exactly. */
int sb_sets_exact_filter(const struct sb_target *t, uint16_t filter);

#endif
