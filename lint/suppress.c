/*
** Suppression directives (LINT.md §7.2): comments of the comment table
** (DESIGN.md §2.3) whose text, after the semicolons and blanks, starts with
** "sbpl-lint:". They are trivia, never grammar. A trailing directive covers
** the first datum that starts on its line; one on a line of its own covers
** the next datum after it; disable-file covers the file. Malformed ones are
** D1; with --enable=D2, one that suppressed nothing is D2.
*/
#include <string.h>

#include "lexer/lex.h"
#include "lint/lint.h"
#include "parser/cst.h"

struct cover {
	uint32_t lo;            /* first offset a datum may start at */
	uint32_t hi;            /* and the first it may not (UINT32_MAX) */
	const struct sb_node *best;
};

/* The outermost datum starting earliest in [lo, hi). */
static void
findnode(const struct sb_node *n, struct cover *c)
{
	uint32_t i;

	if (n->span.off >= c->lo && n->span.off < c->hi &&
	    (!c->best || n->span.off < c->best->span.off))
		c->best = n;
	if (n->span.off + n->span.len <= c->lo)
		return;
	if (n->kind == SB_N_LIST || n->kind == SB_N_VECTOR) {
		for (i = 0; i < n->u.list.n; i++)
			findnode(n->u.list.items[i], c);
		if (n->u.list.tail)
			findnode(n->u.list.tail, c);
	} else if (n->kind >= SB_N_QUOTE) {
		findnode(n->u.quoted, c);
	}
}

static void
covered(const struct sb_cst *cst, const struct sb_source *s, uint32_t off,
    struct sb_directive *d)
{
	uint32_t ls = off, i;
	int trailing = 0;
	struct cover c;

	while (ls > 0 && s->text[ls - 1] != '\n')
		ls--;
	for (i = ls; i < off; i++)
		if (s->text[i] != ' ' && s->text[i] != '\t')
			trailing = 1;
	c.lo = trailing ? ls : off;
	c.hi = trailing ? off : UINT32_MAX;
	c.best = NULL;
	for (i = 0; i < cst->nforms; i++)
		findnode(cst->forms[i], &c);
	d->covers = c.best ? c.best->span : (struct sb_span){ SB_NOSRC, 0, 0 };
}

static void
parseone(struct sb_lint *L, const struct sb_cst *cst, const struct sb_source *s,
    const struct sb_comment *cm)
{
	struct sb_lint_file *F = L->cur;
	const char *p = s->text + cm->off, *end = p + cm->len, *list;
	struct sb_span at = { s->id, cm->off, cm->len };
	struct sb_directive *d;
	int bad = 0;

	while (p < end && *p == ';')
		p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) < 10 || memcmp(p, "sbpl-lint:", 10) != 0)
		return;
	p += 10;
	F->dirs = xrealloc(F->dirs, (F->ndirs + 1) * sizeof *F->dirs);
	d = &F->dirs[F->ndirs++];
	memset(d, 0, sizeof *d);
	d->span = at;
	d->valid = 1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(end - p) >= 13 && memcmp(p, "disable-file=", 13) == 0) {
		d->file_wide = 1;
		p += 13;
	} else if ((size_t)(end - p) >= 8 && memcmp(p, "disable=", 8) == 0) {
		p += 8;
	} else {
		d->valid = 0;
		sb_lint_report(L, SB_CHK_D1, at, "malformed directive: expected "
		    "'disable=ID[,ID…] REASON' or 'disable-file=ID[,ID…] "
		    "REASON'");
		return;
	}
	list = p;
	while (p < end && *p != ' ' && *p != '\t' && *p != '\r') {
		const char *q = p;
		int c;
		while (q < end && *q != ',' && *q != ' ' && *q != '\t' &&
		    *q != '\r')
			q++;
		c = q > p ? sb_lint_check_find(p, (size_t)(q - p)) : -1;
		if (c < 0) {
			sb_lint_report(L, SB_CHK_D1, (struct sb_span){ s->id,
			    (uint32_t)(p - s->text), (uint32_t)(q - p) },
			    q > p ? "unknown check '%.*s' in directive; it "
			    "suppresses nothing" : "empty check name in "
			    "directive%.*s", (int)(q - p), p);
			bad = 1;
		} else {
			d->checks[c] = 1;
		}
		p = q < end && *q == ',' ? q + 1 : q;
	}
	if (p == list)
		bad = 1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r'))
		end--;
	if (p < end)
		d->reason = sb_arena_strndup(&F->unit.ctx.arena, p,
		    (size_t)(end - p));
	if (bad) {
		d->valid = 0;
		return;
	}
	if (!d->reason && L->o->require_reason)
		sb_lint_report(L, SB_CHK_D1, at, "suppression has no reason; "
		    "say why after the list");
	if (!d->file_wide)
		covered(cst, s, cm->off, d);
}

/*
** A file that did not read has no CST: its comments come from the lexer,
** up to the first token it cannot scan, and only disable-file applies.
*/
static void
lexcomments(struct sb_lint *L, const struct sb_source *s)
{
	static const struct sb_cst none;
	struct sb_lexer lx;
	struct sb_token t;

	sb_lex_init(&lx, s->text, s->len);
	for (;;) {
		t = sb_lex_next(&lx);
		if (t.code == TK_EOF || t.code == TK_ILLEGAL)
			break;
		if (t.code == TK_COMMENT) {
			struct sb_comment cm = { t.off, t.len };
			parseone(L, &none, s, &cm);
		}
	}
}

void
sb_lint_directives_read(struct sb_lint *L)
{
	struct sb_lint_file *F = L->cur;
	const struct sb_cst *cst;
	const struct sb_source *s;
	uint32_t i;

	if (!F->unit.nfiles || F->unit.files[F->unit.nfiles - 1]->src !=
	    F->main_src) {
		if ((s = sb_source_get(&F->unit.ctx.sources, F->main_src)))
			lexcomments(L, s);
		return;
	}
	cst = F->unit.files[F->unit.nfiles - 1];
	s = sb_source_get(&F->unit.ctx.sources, cst->src);
	for (i = 0; i < cst->ncomments; i++)
		parseone(L, cst, s, &cst->comments[i]);
}

static int
inside(struct sb_span x, struct sb_span c)
{
	return x.src == c.src && x.off >= c.off &&
	    x.off + x.len <= c.off + c.len;
}

static void
suppress(struct sb_lint_file *F, uint32_t from)
{
	uint32_t i, k;

	for (i = from; i < F->nf; i++) {
		struct sb_finding *f = &F->f[i];
		if (f->suppressed)
			continue;
		for (k = 0; k < F->ndirs; k++) {
			struct sb_directive *d = &F->dirs[k];
			if (!d->valid || !d->checks[f->check])
				continue;
			if (!(d->file_wide ? f->span.src == d->span.src :
			    inside(f->span, d->covers)))
				continue;
			f->suppressed = SB_SUPP_SOURCE;
			f->reason = xstrdup(d->reason ? d->reason : "");
			d->used = 1;
			break;
		}
	}
}

void
sb_lint_directives_apply(struct sb_lint *L)
{
	struct sb_lint_file *F = L->cur;
	uint32_t k, from;

	suppress(F, 0);
	from = F->nf;
	for (k = 0; k < F->ndirs; k++)
		if (F->dirs[k].valid && !F->dirs[k].used)
			sb_lint_report(L, SB_CHK_D2, F->dirs[k].span,
			    "directive suppressed nothing");
	suppress(F, from);
}
