/*
** gcov.c: the gcov text view and annotated SBPL (COVERAGE.md §3.3, §4.3),
** the two single-file views: every line of one file, with the rules
** anchored on it summed (sb_ann_lines()).
*/
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "annotate/annotate.h"
#include "lexer/lex.h"

/* The count field of a line (§4.3); "" for a line with no field. */
static void
countfield(const struct sb_ann_line *l, char *b, size_t n)
{
	if (!l->nobservable)
		snprintf(b, n, "-");
	else if (l->count)
		snprintf(b, n, "%" PRIu64 "%s", l->count, l->partial ? "*" : "");
	else
		snprintf(b, n, "#####");
}

/* Offsets of the starts of the lines of F, NLINES + 2 entries. */
static size_t *
linestarts(struct sb_ann_model *m, const struct sb_ann_file *f,
    uint32_t nlines)
{
	size_t *v = sb_arena_alloc(&m->arena, (nlines + 2) * sizeof *v);
	uint32_t k = 1;
	size_t i;

	v[1] = 0;
	for (i = 0; i < f->len && k <= nlines; i++)
		if (f->text[i] == '\n')
			v[++k] = i + 1;
	if (k <= nlines)
		v[++k] = f->len;
	else
		v[nlines + 1] = f->len;
	return v;
}

/* Line L of F without its newline: start and length. */
static void
linetext(const struct sb_ann_file *f, const size_t *st, uint32_t l,
    const char **p, size_t *n)
{
	size_t a = st[l], b = st[l + 1];

	if (b > a && f->text[b - 1] == '\n')
		b--;
	*p = f->text + a;
	*n = b - a;
}

static void
branches(struct sb_ann_model *m, const struct sb_ann_line *l, uint32_t line,
    uint32_t file, FILE *out)
{
	uint32_t i, k, b = 0;

	for (i = l->first; i < m->nrules; i++) {
		const struct sb_ann_rule *r = &m->rules[i];
		if (r->anchor_file != file || r->anchor_line != line ||
		    r->narms < 2)
			continue;
		for (k = 0; k < r->narms; k++, b++)
			if (r->count)
				fprintf(out, "branch %2u taken %" PRIu64 "\n", b,
				    r->arms[k].matched);
			else
				fprintf(out, "branch %2u never executed\n", b);
	}
}

int
sb_ann_emit_gcov(struct sb_ann_model *m, const struct sb_ann_opts *o,
    FILE *out)
{
	const struct sb_ann_file *f = &m->files[o->file];
	struct sb_ann_line *lines;
	uint32_t n, i;
	size_t *st;

	lines = sb_ann_lines(m, o->file, &n);
	st = linestarts(m, f, n);
	fprintf(out, "%9s:%5u:Source:%s\n", "-", 0, f->path);
	fprintf(out, "%9s:%5u:Graph:sha256:%.16s\n", "-", 0, m->blob_sha256);
	fprintf(out, "%9s:%5u:Data:%s\n", "-", 0, m->data);
	fprintf(out, "%9s:%5u:Runs:%u\n", "-", 0, m->chains);
	for (i = 1; i <= n; i++) {
		char field[32];
		const char *p;
		size_t len;

		countfield(&lines[i], field, sizeof field);
		linetext(f, st, i, &p, &len);
		fprintf(out, "%9s:%5u:", field, i);
		fwrite(p, 1, len, out);
		if (i < n || (f->len && f->text[f->len - 1] == '\n'))
			fputc('\n', out);
		if (o->branches && lines[i].nrules)
			branches(m, &lines[i], i, o->file, out);
	}
	return ferror(out) ? -1 : 0;
}

/* The payload of an annotated line (§3.3). */
static void
payload(const struct sb_ann_model *m, const struct sb_ann_line *l, char *b,
    size_t n)
{
	const struct sb_ann_rule *r = &m->rules[l->first];
	int k;

	if (l->nrules > 1) {
		snprintf(b, n, "%" PRIu64 " (%u rules: %u hit)", l->count,
		    l->nrules, l->nhit);
		return;
	}
	switch (r->state) {
	case SB_ANN_HIT:
		k = snprintf(b, n, "%" PRIu64 "%s", r->count, r->partial ?
		    "*" : "");
		break;
	case SB_ANN_NEVER:
		k = snprintf(b, n, "#####");
		break;
	case SB_ANN_UNOBSERVABLE:
		snprintf(b, n, "unobservable");
		return;
	default:
		snprintf(b, n, "new");
		return;
	}
	if (r->matched_overridden && k >= 0 && (size_t)k < n)
		snprintf(b + k, n - (size_t)k, " (%" PRIu64 " overridden)",
		    r->matched_overridden);
}

/* Per line of F: 1 when its newline lies inside a string literal. */
static uint8_t *
instring(struct sb_ann_model *m, const struct sb_ann_file *f, uint32_t n)
{
	uint8_t *v = sb_arena_calloc(&m->arena, n + 2);
	struct sb_lexer lx;
	struct sb_token t;
	uint32_t line = 1;
	size_t i, at = 0;

	sb_lex_init(&lx, f->text, (uint32_t)f->len);
	while ((t = sb_lex_next(&lx)).code != TK_EOF) {
		for (; at < t.off; at++)
			line += f->text[at] == '\n';
		for (i = t.off; i < (size_t)t.off + t.len && i < f->len; i++)
			if (f->text[i] == '\n') {
				if (t.code != TK_COMMENT && line <= n)
					v[line] = 1;
				line++;
			}
		at = (size_t)t.off + t.len;
		if (t.code == TK_ILLEGAL)
			break;
	}
	return v;
}

int
sb_ann_emit_sbpl(struct sb_ann_model *m, const struct sb_ann_opts *o,
    FILE *out)
{
	const struct sb_ann_file *f = &m->files[o->file];
	struct sb_ann_line *lines;
	uint8_t *str;
	uint32_t n, i, pending = 0;
	size_t *st;
	char (*pay)[96];

	lines = sb_ann_lines(m, o->file, &n);
	st = linestarts(m, f, n);
	str = instring(m, f, n);
	pay = sb_arena_calloc(&m->arena, (n + 2) * sizeof *pay);
	for (i = 1; i <= n; i++) {
		const char *p;
		size_t len;
		uint32_t k;

		if (lines[i].nrules)
			payload(m, &lines[i], pay[i], sizeof pay[i]);
		linetext(f, st, i, &p, &len);
		if (str[i] && (lines[i].nrules || pending)) {
			/* the line ends inside a string: annotate the first
			** following line that does not */
			if (!pending)
				pending = i;
			fwrite(p, 1, len, out);
			fputc('\n', out);
			continue;
		}
		if (len && p[len - 1] == '\r')
			len--;
		fwrite(p, 1, len, out);
		for (k = pending ? pending : i; k <= i; k++)
			if (lines[k].nrules)
				fprintf(out, " ;@cov %s", pay[k]);
		pending = 0;
		if (p + len < f->text + f->len && p[len] == '\r')
			fputc('\r', out);
		fputc('\n', out);
	}
	fprintf(out, ";@cov-file v1 profile=%.16s runs=%u rules=%u/%u",
	    m->key, m->chains, m->total_hit, m->total_observable);
	if (m->nlost)
		fprintf(out, " lost=%u", m->nlost);
	fprintf(out, " eol=%d\n", f->len && f->text[f->len - 1] == '\n');
	return ferror(out) ? -1 : 0;
}
