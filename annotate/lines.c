/*
** lines.c: what several emitters compute from the model (model.h): the
** per-line view of one file, rule names, rates and times.
*/
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "annotate/model.h"

void
sb_ann_model_free(struct sb_ann_model *m)
{
	sb_arena_free(&m->arena);
	memset(m, 0, sizeof *m);
}

double
sb_ann_percent(uint32_t hit, uint32_t observable)
{
	return observable ? 100.0 * hit / observable : 0.0;
}

static uint32_t
countlines(const char *text, size_t len)
{
	uint32_t n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	if (len && text[len - 1] != '\n')
		n++;
	return n;
}

struct sb_ann_line *
sb_ann_lines(struct sb_ann_model *m, uint32_t file, uint32_t *nlines)
{
	const struct sb_ann_file *f = &m->files[file];
	struct sb_ann_line *v;
	uint32_t n = countlines(f->text, f->len), i;

	v = sb_arena_calloc(&m->arena, (n + 1) * sizeof *v);
	for (i = 0; i < m->nrules; i++) {
		const struct sb_ann_rule *r = &m->rules[i];
		struct sb_ann_line *l;

		if (r->anchor_file != file || r->anchor_line == 0 ||
		    r->anchor_line > n)
			continue;
		l = &v[r->anchor_line];
		if (!l->nrules)
			l->first = i;
		l->nrules++;
		if (r->state == SB_ANN_HIT || r->state == SB_ANN_NEVER)
			l->nobservable++;
		if (r->state == SB_ANN_HIT) {
			l->nhit++;
			l->partial |= r->partial;
		}
		l->isnew |= r->state == SB_ANN_NEW;
		l->count += r->count;
		l->overridden += r->matched_overridden;
	}
	*nlines = n;
	return v;
}

void
sb_ann_rule_name(const struct sb_ann_model *m, const struct sb_ann_rule *r,
    char *b, size_t bsize)
{
	uint32_t k = 0, i;
	int n;

	for (i = 0; i < m->nrules && &m->rules[i] != r; i++)
		if (m->rules[i].file == r->file && m->rules[i].line == r->line)
			k++;
	n = snprintf(b, bsize, "%s_%s", r->action, r->first_op);
	if (r->nops > 1 && n >= 0 && (size_t)n < bsize)
		n += snprintf(b + n, bsize - (size_t)n, "+%u", r->nops - 1);
	if (n >= 0 && (size_t)n < bsize)
		n += snprintf(b + n, bsize - (size_t)n, "@L%u", r->line);
	if (k && n >= 0 && (size_t)n < bsize)
		snprintf(b + n, bsize - (size_t)n, ".%u", k + 1);
}

void
sb_ann_iso8601(int64_t ns, char *b, size_t bsize)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	if (!gmtime_r(&t, &tm) ||
	    !strftime(b, bsize, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(b, bsize, "1970-01-01T00:00:00Z");
}
