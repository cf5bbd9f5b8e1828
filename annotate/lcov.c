/*
** lcov.c: the geninfo(1) tracefile as lcov 1.16 reads it (COVERAGE.md
** §4.4). Rules are functions and lines, a rule's alternatives are
** branches. One record per reported file with rules counted in it
** (byline.h says which and in what order); with --per-run, one section
** of such records per counted run. Field order and the BRF/BRH rule
** (written only when there are branches) follow lcov's own writer, so
** `lcov -a` of our output gives back the same bytes.
**
** What the model decides is left to it: the counts (approx, ambiguous),
** which rules are observable, the paths relative to --root and the
** names (sb_ann_rule_name()).
*/
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "annotate/annotate.h"
#include "annotate/byline.h"

/* Which counts a section shows: all counted runs, or run RUN alone. */
struct section {
	const char *tn;                 /* sanitized test name */
	int run;                        /* -1: the sums; else a run index */
	uint32_t nruns;
};

static uint64_t
count(const struct section *s, const struct sb_ann_rule *r)
{
	if (s->run < 0)
		return r->count;
	/* a rule without per-run counts (new after a remap) has none */
	return r->by_run ? r->by_run[s->run] : 0;
}

static uint64_t
matched(const struct section *s, const struct sb_ann_rule *r, uint32_t a)
{
	if (s->run < 0)
		return r->arms[a].matched;
	return r->arm_by_run ?
	    r->arm_by_run[(size_t)a * s->nruns + (uint32_t)s->run] : 0;
}

static int
branched(const struct sb_ann_rule *r)
{
	return sb_ann_observable(r) && r->narms >= 2 && r->arms;
}

/*
** A test name as genhtml keeps it: ASCII letters, digits and '_', every
** other character (a UTF-8 sequence counts as one) becomes '_'. genhtml
** would replace them itself, with a warning. Into B (BSIZE).
*/
static void
sanitize(const char *s, char *b, size_t bsize)
{
	size_t o = 0;

	for (; *s && o + 1 < bsize; s++) {
		unsigned char c = (unsigned char)*s;

		/* a continuation byte after a replaced byte: same character */
		if ((c & 0xc0) == 0x80 && o && (unsigned char)s[-1] >= 0x80)
			continue;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_')
			b[o++] = (char)c;
		else
			b[o++] = '_';
	}
	b[o] = 0;
}

static void
functions(FILE *out, const struct section *s, const struct sb_ann_entry *v,
    uint32_t n)
{
	uint32_t i, found = 0, hit = 0;

	for (i = 0; i < n; i++)
		if (sb_ann_observable(v[i].r))
			fprintf(out, "FN:%" PRIu32 ",%s\n", v[i].r->line,
			    v[i].name);
	for (i = 0; i < n; i++) {
		if (!sb_ann_observable(v[i].r))
			continue;
		fprintf(out, "FNDA:%" PRIu64 ",%s\n", count(s, v[i].r),
		    v[i].name);
		found++;
		hit += count(s, v[i].r) > 0;
	}
	fprintf(out, "FNF:%" PRIu32 "\nFNH:%" PRIu32 "\n", found, hit);
}

/* BRDA:<line>,<rule index on the line>,<alternative>,<matched or -> */
static void
branches(FILE *out, const struct section *s, const struct sb_ann_entry *v,
    uint32_t n)
{
	uint32_t i, a, found = 0, hit = 0;

	for (i = 0; i < n; i++) {
		const struct sb_ann_rule *r = v[i].r;

		if (!branched(r))
			continue;
		for (a = 0; a < r->narms; a++) {
			found++;
			if (!count(s, r)) {
				fprintf(out, "BRDA:%" PRIu32 ",%" PRIu32 ",%"
				    PRIu32 ",-\n", r->line, v[i].k, a);
				continue;
			}
			fprintf(out, "BRDA:%" PRIu32 ",%" PRIu32 ",%" PRIu32
			    ",%" PRIu64 "\n", r->line, v[i].k, a,
			    matched(s, r, a));
			hit += matched(s, r, a) > 0;
		}
	}
	if (found)
		fprintf(out, "BRF:%" PRIu32 "\nBRH:%" PRIu32 "\n", found, hit);
}

/* DA per anchor line with observable rules: the sum of their counts. */
static void
lines(FILE *out, const struct section *s, const struct sb_ann_entry *v,
    uint32_t n)
{
	uint32_t i, j, found = 0, hit = 0;

	for (i = 0; i < n; i = j) {
		uint64_t sum = 0;
		int any = 0;

		for (j = i; j < n && v[j].r->line == v[i].r->line; j++)
			if (sb_ann_observable(v[j].r)) {
				any = 1;
				sum += count(s, v[j].r);
			}
		if (!any)
			continue;
		fprintf(out, "DA:%" PRIu32 ",%" PRIu64 "\n", v[i].r->line,
		    sum);
		found++;
		hit += sum > 0;
	}
	fprintf(out, "LF:%" PRIu32 "\nLH:%" PRIu32 "\n", found, hit);
}

static void
record(FILE *out, const struct section *s, const struct sb_ann_file *f,
    const struct sb_ann_entry *v, uint32_t n)
{
	fprintf(out, "TN:%s\nSF:%s\n", s->tn, f->path);
	functions(out, s, v, n);
	branches(out, s, v, n);
	lines(out, s, v, n);
	fputs("end_of_record\n", out);
}

static void
section(FILE *out, const struct section *s, const struct sb_ann_model *m,
    struct sb_ann_entry *const *byfile, const uint32_t *nbyfile)
{
	uint32_t f;

	for (f = 0; f < m->nfiles; f++)
		if (m->files[f].reported && nbyfile[f])
			record(out, s, &m->files[f], byfile[f], nbyfile[f]);
}

/*
** Write the tracefile of M to OUT: every counted run summed under
** O->test_name, or with O->per_run one section per run, named by its
** label or run_<id>. Returns 0, or -1 after a write error. Scratch lives
** in M's arena and is released before returning.
*/
int
sb_ann_emit_lcov(struct sb_ann_model *m, const struct sb_ann_opts *o,
    FILE *out)
{
	struct sb_arena_mark mark = sb_arena_mark(&m->arena);
	struct sb_ann_entry **byfile;
	uint32_t *nbyfile, f, i;
	struct section s;
	char tn[256];

	byfile = sb_arena_calloc(&m->arena, (m->nfiles + 1) * sizeof *byfile);
	nbyfile = sb_arena_calloc(&m->arena, (m->nfiles + 1) *
	    sizeof *nbyfile);
	for (f = 0; f < m->nfiles; f++)
		if (m->files[f].reported)
			byfile[f] = sb_ann_byline(m, f, &nbyfile[f]);
	s.nruns = m->nruns;
	s.tn = tn;
	if (!o->per_run || !m->nruns) {
		/* without runs to split by, --per-run has one section */
		sanitize(o->test_name ? o->test_name : "", tn, sizeof tn);
		s.run = -1;
		section(out, &s, m, byfile, nbyfile);
	}
	for (i = 0; o->per_run && i < m->nruns; i++) {
		const struct sb_ann_run *run = &m->runs[i];

		sanitize(run->label ? run->label : "", tn, sizeof tn);
		if (!*tn)
			snprintf(tn, sizeof tn, "run_%" PRId64, run->id);
		s.run = (int)i;
		section(out, &s, m, byfile, nbyfile);
	}
	sb_arena_reset(&m->arena, mark);
	return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
