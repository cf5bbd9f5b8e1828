/*
** The rules the multi-file outputs count in one file (COVERAGE.md §4.2),
** in line order, with their lcov/Cobertura names and their index on
** their line: what lcov.c and cobertura.c both walk. model.h keeps the
** rules in emission order, which is not line order when a rule comes
** from a macro or an import.
*/
#ifndef SB_ANNOTATE_BYLINE_H
#define SB_ANNOTATE_BYLINE_H

#include "annotate/model.h"

struct sb_ann_entry {
	const struct sb_ann_rule *r;
	uint32_t k;                     /* index among the rules on its line,
	                                ** from 0, as in sb_ann_rule_name() */
	const char *name;               /* sb_ann_rule_name() */
};

/*
** The rules counted in FILE (rules[i].file == FILE, line > 0), sorted by
** line and then by emission order, as an array of *N entries in M's
** arena (NULL when *N is 0). Unobservable rules are included: callers
** skip them where the format says so.
*/
struct sb_ann_entry *sb_ann_byline(struct sb_ann_model *m, uint32_t file,
    uint32_t *n);

/* Whether R counts as found: observable, or new after a remap (§4.4). */
int sb_ann_observable(const struct sb_ann_rule *r);

#endif
