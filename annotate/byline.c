/*
** byline.c: the rules counted in one file in line order (byline.h). The
** order and the index on a line follow sb_ann_rule_name(), which numbers
** the rules of a line in emission order, so ".k" names and lcov's block
** numbers agree.
*/
#include <stdlib.h>
#include <string.h>

#include "annotate/byline.h"

static int
cmpline(const void *a, const void *b)
{
	const struct sb_ann_entry *x = a, *y = b;

	if (x->r->line != y->r->line)
		return x->r->line < y->r->line ? -1 : 1;
	/* the rules sit in one array: address order is emission order */
	return x->r < y->r ? -1 : x->r > y->r;
}

struct sb_ann_entry *
sb_ann_byline(struct sb_ann_model *m, uint32_t file, uint32_t *n)
{
	struct sb_ann_entry *v;
	char name[512];
	uint32_t i, k = 0;

	*n = 0;
	for (i = 0; i < m->nrules; i++)
		*n += m->rules[i].file == file && m->rules[i].line > 0;
	if (!*n)
		return NULL;
	v = sb_arena_calloc(&m->arena, *n * sizeof *v);
	for (i = 0; i < m->nrules; i++)
		if (m->rules[i].file == file && m->rules[i].line > 0)
			v[k++].r = &m->rules[i];
	qsort(v, *n, sizeof *v, cmpline);
	for (i = 0; i < *n; i++) {
		v[i].k = i && v[i - 1].r->line == v[i].r->line ?
		    v[i - 1].k + 1 : 0;
		sb_ann_rule_name(m, v[i].r, name, sizeof name);
		v[i].name = sb_arena_strndup(&m->arena, name, strlen(name));
	}
	return v;
}

int
sb_ann_observable(const struct sb_ann_rule *r)
{
	/* a rule new since the counted runs has no data: not found, as the
	** gcov view and every summary leave it out */
	return r->state == SB_ANN_HIT || r->state == SB_ANN_NEVER;
}
