/*
** The run's own attribution, for its summary and for the decision and
** rule written with each --trace-out record: an access becomes a query
** for the reference evaluator (compiler/match.h), which names the
** deciding rule (COVERAGE.md §5 steps 1, 2 and 5). coverage/attrib.c is
** the full attribution (both evaluators, statuses, assumptions) that
** goes into coverage.db; this one only counts, so that `run` is useful
** without a database. Results are cached per query.
*/
#ifndef SB_MIRROR_VERDICT_H
#define SB_MIRROR_VERDICT_H

#include <stdint.h>
#include <stdio.h>

#include "compiler/compile.h"
#include "common/buf.h"
#include "compiler/match.h"
#include "coverage/access.h"
#include "mirror/strmap.h"

/* What one access came to. */
struct sb_verdict {
	int known;              /* the operation exists in the target */
	uint32_t rule;          /* deciding rule id, 0 for the implicit decision */
	enum sb_action decision;
	uint64_t fingerprint;   /* of the deciding rule; 0 when implicit */
};

struct sb_verdicts {
	struct sb_unit *unit;           /* the compiled profile (borrowed) */
	struct sb_matcher *m;
	struct sb_strmap ops;           /* operation name → op + 1 */
	struct sb_strmap cache;         /* query key → struct cached */
	uint64_t *decided;              /* [rule id]: accesses decided */
	uint64_t *approx;               /* [rule id]: of them approximate */
	uint64_t *overridden;           /* [rule id]: matched, did not decide */
	uint64_t naccesses, napprox, nunknown, ndenied;
	struct sb_strmap denied;        /* "op arg" → struct denial */
	struct sb_buf key;              /* the cache key being built */
	unsigned char *untrapped;       /* [op slot]: not trapped (decisive) */
	uint32_t nuntrapped;
};

/* Set up V over the compiled unit U (its profile must be built). */
void sb_verdicts_init(struct sb_verdicts *v, struct sb_unit *u);
void sb_verdicts_free(struct sb_verdicts *v);

/*
** Whether the profile decides every access to operation NAME the same
** way, whatever its argument and facts: the newest rule of its list
** matches everything (its rule id in *RULE), or no rule can decide it
** (*RULE 0: the implicit decision). An operation the target lacks counts
** as fixed too: no rule of this profile can decide it.
*/
int sb_verdicts_fixed(struct sb_verdicts *v, const char *name, uint32_t *rule);

/* Mark operation NAME as not trapped (--trap=decisive), for the summary. */
void sb_verdicts_untrapped(struct sb_verdicts *v, const char *name);

/* Attribute A, count it, and say what it came to in *OUT. */
void sb_verdicts_put(struct sb_verdicts *v, const struct sb_access *a,
    struct sb_verdict *out);

/*
** Print the summary: accesses, rules that decided something (with their
** counts), rules that never did, and the accesses the profile would have
** denied with the deciding rule. LIMIT caps each list (0: no cap).
*/
void sb_verdicts_summary(struct sb_verdicts *v, FILE *f, uint32_t limit);

#endif
