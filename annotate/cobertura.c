/*
** cobertura.c: Cobertura XML (COVERAGE.md §4.5) for GitLab merge-request
** diffs and the Jenkins and Azure DevOps trend views, valid against the
** coverage-04 DTD (tests/annotate/coverage-04.dtd) and written through
** the libxml2 adapter (common/xml.h).
**
** The mapping: a package per directory of the shown paths ("." at the
** top), a class per reported file with rules counted in it, a method per
** observable rule, a line per anchor line with observable rules (hits:
** their sum), and a rule's alternatives as the line's conditions.
** Packages are sorted by name and classes by path, so the document does
** not depend on import order. A rate over nothing is 1, as Cobertura
** itself writes it; rates are rounded to four decimals, and a line's
** condition-coverage percentage is rounded down, so 100% means all.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate/annotate.h"
#include "annotate/byline.h"
#include "common/xml.h"

#define DTD_URL "http://cobertura.sourceforge.net/xml/coverage-04.dtd"

/* Lines and alternatives, found and hit. */
struct tally {
	uint64_t lines, lines_hit;
	uint64_t branches, branches_hit;
};

/* One reported file as a class. */
struct cls {
	const struct sb_ann_file *f;
	const char *package;            /* its directory, "." at the top */
	const char *name;               /* its base name */
	struct sb_ann_entry *v;         /* its rules, in line order */
	uint32_t n;
	struct tally t;
};

static int
branched(const struct sb_ann_rule *r)
{
	return sb_ann_observable(r) && r->narms >= 2 && r->arms;
}

/* Alternatives of R that matched; none when R was never hit. */
static uint32_t
arms_hit(const struct sb_ann_rule *r)
{
	uint32_t a, n = 0;

	if (!r->count)
		return 0;
	for (a = 0; a < r->narms; a++)
		n += r->arms[a].matched > 0;
	return n;
}

/* HIT / VALID rounded to four decimals, trailing zeros dropped, into B. */
static void
rate(char *b, size_t bsize, uint64_t hit, uint64_t valid)
{
	uint64_t q;
	int n;

	if (!valid) {
		snprintf(b, bsize, "1");
		return;
	}
	q = (hit * 20000 + valid) / (2 * valid);
	n = snprintf(b, bsize, "%" PRIu64, q / 10000);
	if (q % 10000 && n > 0 && (size_t)n < bsize) {
		snprintf(b + n, bsize - (size_t)n, ".%04" PRIu64, q % 10000);
		n = (int)strlen(b);
		while (b[n - 1] == '0')
			b[--n] = 0;
	}
}

static void
attr_u64(struct sb_xmlw *w, const char *name, uint64_t v)
{
	char b[32];

	snprintf(b, sizeof b, "%" PRIu64, v);
	sb_xmlw_attr(w, name, b);
}

static void
attr_rate(struct sb_xmlw *w, const char *name, uint64_t hit, uint64_t valid)
{
	char b[32];

	rate(b, sizeof b, hit, valid);
	sb_xmlw_attr(w, name, b);
}

static void
rates(struct sb_xmlw *w, const struct tally *t)
{
	attr_rate(w, "line-rate", t->lines_hit, t->lines);
	attr_rate(w, "branch-rate", t->branches_hit, t->branches);
}

static void
add(struct tally *to, const struct tally *t)
{
	to->lines += t->lines;
	to->lines_hit += t->lines_hit;
	to->branches += t->branches;
	to->branches_hit += t->branches_hit;
}

/* <line number= hits= branch= [condition-coverage=]/> */
static void
line(struct sb_xmlw *w, uint32_t number, uint64_t hits, uint64_t valid,
    uint64_t hit)
{
	char b[80];

	sb_xmlw_start(w, "line");
	attr_u64(w, "number", number);
	attr_u64(w, "hits", hits);
	sb_xmlw_attr(w, "branch", valid ? "true" : "false");
	if (valid) {
		snprintf(b, sizeof b, "%" PRIu64 "%% (%" PRIu64 "/%" PRIu64 ")",
		    hit * 100 / valid, hit, valid);
		sb_xmlw_attr(w, "condition-coverage", b);
	}
	sb_xmlw_end(w);
}

/*
** Walk the line starting at V[I]: the sum and alternatives of its
** observable rules into *L (lines 0 when it has none). Returns the index
** of the next line's first rule.
*/
static uint32_t
oneline(const struct sb_ann_entry *v, uint32_t n, uint32_t i,
    uint64_t *hits, struct tally *l)
{
	uint32_t j;

	memset(l, 0, sizeof *l);
	*hits = 0;
	for (j = i; j < n && v[j].r->line == v[i].r->line; j++) {
		const struct sb_ann_rule *r = v[j].r;

		if (!sb_ann_observable(r))
			continue;
		l->lines = 1;
		*hits += r->count;
		if (branched(r)) {
			l->branches += r->narms;
			l->branches_hit += arms_hit(r);
		}
	}
	l->lines_hit = l->lines && *hits > 0;
	return j;
}

static void
tally(struct cls *c)
{
	struct tally l;
	uint64_t hits;
	uint32_t i;

	for (i = 0; i < c->n;) {
		i = oneline(c->v, c->n, i, &hits, &l);
		add(&c->t, &l);
	}
}

static void
method(struct sb_xmlw *w, const struct sb_ann_entry *e)
{
	const struct sb_ann_rule *r = e->r;
	uint64_t valid = branched(r) ? r->narms : 0;
	uint64_t hit = valid ? arms_hit(r) : 0;

	sb_xmlw_start(w, "method");
	sb_xmlw_attr(w, "name", e->name);
	sb_xmlw_attr(w, "signature", "");
	attr_rate(w, "line-rate", r->count > 0, 1);
	attr_rate(w, "branch-rate", hit, valid);
	sb_xmlw_attr(w, "complexity", "0");
	sb_xmlw_start(w, "lines");
	line(w, r->line, r->count, valid, hit);
	sb_xmlw_end(w);
	sb_xmlw_end(w);
}

static void
class(struct sb_xmlw *w, const struct cls *c)
{
	struct tally l;
	uint64_t hits;
	uint32_t i, j;

	sb_xmlw_start(w, "class");
	sb_xmlw_attr(w, "name", c->name);
	sb_xmlw_attr(w, "filename", c->f->path);
	rates(w, &c->t);
	sb_xmlw_attr(w, "complexity", "0");
	sb_xmlw_start(w, "methods");
	for (i = 0; i < c->n; i++)
		if (sb_ann_observable(c->v[i].r))
			method(w, &c->v[i]);
	sb_xmlw_end(w);
	sb_xmlw_start(w, "lines");
	for (i = 0; i < c->n; i = j) {
		j = oneline(c->v, c->n, i, &hits, &l);
		if (l.lines)
			line(w, c->v[i].r->line, hits, l.branches,
			    l.branches_hit);
	}
	sb_xmlw_end(w);
	sb_xmlw_end(w);
}

/* Classes C[0..N) that share C[0]'s package, as one <package>. */
static uint32_t
package(struct sb_xmlw *w, const struct cls *c, uint32_t n)
{
	struct tally t = { 0, 0, 0, 0 };
	uint32_t i, k;

	for (k = 0; k < n && strcmp(c[k].package, c[0].package) == 0; k++)
		add(&t, &c[k].t);
	sb_xmlw_start(w, "package");
	sb_xmlw_attr(w, "name", c[0].package);
	rates(w, &t);
	sb_xmlw_attr(w, "complexity", "0");
	sb_xmlw_start(w, "classes");
	for (i = 0; i < k; i++)
		class(w, &c[i]);
	sb_xmlw_end(w);
	sb_xmlw_end(w);
	return k;
}

static int
cmpclass(const void *a, const void *b)
{
	const struct cls *x = a, *y = b;
	int d = strcmp(x->package, y->package);

	if (d)
		return d;
	d = strcmp(x->f->path, y->f->path);
	return d ? d : (x->f > y->f) - (x->f < y->f);
}

/* The classes of M, sorted, in M's arena; *N of them. */
static struct cls *
classes(struct sb_ann_model *m, uint32_t *n)
{
	struct cls *c = sb_arena_calloc(&m->arena, (m->nfiles + 1) *
	    sizeof *c);
	uint32_t f;

	*n = 0;
	for (f = 0; f < m->nfiles; f++) {
		const char *path = m->files[f].path, *slash;
		struct cls *k = &c[*n];

		if (!m->files[f].reported)
			continue;
		k->v = sb_ann_byline(m, f, &k->n);
		if (!k->n)
			continue;
		k->f = &m->files[f];
		slash = strrchr(path, '/');
		k->name = slash ? slash + 1 : path;
		if (!slash)
			k->package = ".";
		else
			k->package = sb_arena_strndup(&m->arena, path,
			    slash == path ? 1 : (size_t)(slash - path));
		tally(k);
		(*n)++;
	}
	qsort(c, *n, sizeof *c, cmpclass);
	return c;
}

static void
document(struct sb_xmlw *w, const struct sb_ann_model *m,
    const struct cls *c, uint32_t n)
{
	struct tally t = { 0, 0, 0, 0 };
	char b[32];
	uint32_t i;

	for (i = 0; i < n; i++)
		add(&t, &c[i].t);
	sb_xmlw_doctype(w, "coverage", NULL, DTD_URL);
	sb_xmlw_start(w, "coverage");
	rates(w, &t);
	attr_u64(w, "lines-covered", t.lines_hit);
	attr_u64(w, "lines-valid", t.lines);
	attr_u64(w, "branches-covered", t.branches_hit);
	attr_u64(w, "branches-valid", t.branches);
	sb_xmlw_attr(w, "complexity", "0");
	sb_xmlw_attr(w, "version", m->tool_version ? m->tool_version : "");
	snprintf(b, sizeof b, "%" PRId64, m->timestamp);
	sb_xmlw_attr(w, "timestamp", b);
	/* paths are relative to --root, the directory the report is about */
	sb_xmlw_start(w, "sources");
	sb_xmlw_start(w, "source");
	sb_xmlw_text(w, ".");
	sb_xmlw_end(w);
	sb_xmlw_end(w);
	sb_xmlw_start(w, "packages");
	for (i = 0; i < n;)
		i += package(w, c + i, n - i);
	sb_xmlw_end(w);
	sb_xmlw_end(w);
}

/*
** Write M as a Cobertura document to OUT. Returns 0, or -1 when the
** writer fails or OUT cannot be written. Scratch lives in M's arena and
** is released before returning.
*/
int
sb_ann_emit_cobertura(struct sb_ann_model *m, const struct sb_ann_opts *o,
    FILE *out)
{
	struct sb_arena_mark mark = sb_arena_mark(&m->arena);
	struct sb_xmlw *w = sb_xmlw_new();
	struct cls *c;
	uint32_t n;
	size_t len;
	char *doc;
	int rc = 0;

	(void)o;
	if (!w)
		return -1;
	c = classes(m, &n);
	document(w, m, c, n);
	sb_arena_reset(&m->arena, mark);
	doc = sb_xmlw_finish(w, &len);
	if (!doc)
		return -1;
	if (fwrite(doc, 1, len, out) != len || fflush(out) != 0 ||
	    ferror(out))
		rc = -1;
	free(doc);
	return rc;
}
