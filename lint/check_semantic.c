/*
** Checks that the profile works as written (LINT.md §3.2): the compiler's
** errors adopted as E1-E8, and what the compiler does not reject but
** should be said: filters an operation cannot test (E3), text that needs a
** pre-step (E10), backslashes the reader drops (E11), no default rule
** (E12). Format limits (E9) come from emission.
*/
#include <string.h>

#include "compiler/profile.h"
#include "kext/target.h"
#include "lint/lint.h"
#include "parser/cst.h"

/* --- adopted compiler diagnostics --------------------------------------- */

static int
has(const char *msg, const char *what)
{
	return strstr(msg, what) != NULL;
}

/* Which E check an evaluation error is (LINT.md §3.2, §3.1). */
static enum sb_check_id
classify(const char *check, const char *msg)
{
	if (check && strcmp(check, "syntax") == 0)
		return SB_CHK_E1;
	if ((check && strcmp(check, "format") == 0) ||
	    has(msg, "the format allows"))
		return SB_CHK_E9;
	if (has(msg, "parameter '") && has(msg, "is not set"))
		return SB_CHK_E5;
	if (strncmp(msg, "unbound variable", 16) == 0 ||
	    strncmp(msg, "set!: unbound variable", 22) == 0)
		return SB_CHK_E2;
	if (has(msg, "version"))
		return SB_CHK_E6;
	if (strncmp(msg, "modifier '", 10) == 0 ||
	    strncmp(msg, "duplicate modifier", 18) == 0 ||
	    strncmp(msg, "with: ", 6) == 0)
		return SB_CHK_E7;
	if (strncmp(msg, "invalid regex", 13) == 0 ||
	    strncmp(msg, "invalid data type", 17) == 0 ||
	    strncmp(msg, "invalid network address", 23) == 0 ||
	    has(msg, "is not a value of") || has(msg, "is not a protocol") ||
	    strncmp(msg, "path must start with", 20) == 0 ||
	    (strncmp(msg, "argument ", 9) == 0 && has(msg, "is not a filter")))
		return SB_CHK_E4;
	return SB_CHK_E8;
}

void
sb_lint_adopt(struct sb_lint *L)
{
	struct sb_lint_file *F = L->cur;
	const struct sb_diag *d = &F->unit.ctx.diag;
	uint32_t i, j;

	for (i = 0; i < d->nrecs; i++) {
		const struct sb_record *r = &d->recs[i];
		struct sb_finding *f;
		if (r->level != SB_ERROR)
			continue;
		f = sb_lint_report_raw(L, classify(r->check, r->msg), r->span,
		    r->msg);
		for (j = 0; f && j < r->nnotes; j++)
			sb_lint_note(L, f, r->notes[j].span, "%s",
			    r->notes[j].msg);
	}
}

/* --- E3 ----------------------------------------------------------------- */

/*
** Whether operation OP can test filter ID: OP or an operation below it
** takes the filter's category (a family takes what its members take). An
** operation the tables give no category at all is not judged.
*/
static int
accepts(const struct sb_target *t, unsigned op, unsigned id)
{
	unsigned k;
	int known = 0;

	for (k = 0; k < t->op_count; k++) {
		if (!sb_target_op_within(t, k, op))
			continue;
		known |= t->ops[k].categories != 0;
		if (sb_target_op_accepts_filter(t, k, id))
			return 1;
	}
	return !known;
}

static void
fit(struct sb_lint *L, const struct sb_rule *r, const struct sb_filter *f)
{
	const struct sb_target *t = L->cur->unit.target;
	char buf[96];
	uint32_t i;

	if (!f)
		return;
	if (f->kind != SB_F_TEST) {
		for (i = 0; i < f->nkids; i++)
			fit(L, r, f->kids[i]);
		return;
	}
	for (i = 0; i < r->nops; i++) {
		struct sb_finding *x;
		struct sb_span at = f->span;
		if (r->ops[i] == 0 || accepts(t, r->ops[i], f->filter))
			continue;
		if (sb_lint_attribute(L, at).src == SB_NOSRC ||
		    at.src != r->site.src)
			at = r->site;
		x = sb_lint_report(L, SB_CHK_E3, at, "filter '%s' does not "
		    "apply to '%s'", sb_filter_spelling(t, f->filter, f->pat,
		    buf, sizeof buf), t->ops[r->ops[i]].name);
		sb_lint_about(x, r);
		sb_lint_disc(x, "%s", t->ops[r->ops[i]].name);
	}
}

/* --- E12 ---------------------------------------------------------------- */

static void
nodefault(struct sb_lint *L)
{
	const struct sb_profile *p = L->cur->unit.profile;
	const struct sb_cst *main = L->cur->unit.files[L->cur->unit.nfiles - 1];
	struct sb_span at = { main->src, 0, 0 };
	uint32_t i, j;

	if (L->o->fragment)
		return;
	for (i = 0; i < p->nrules; i++)
		for (j = 0; j < p->rules[i]->nops; j++)
			if (p->rules[i]->ops[j] == 0)
				return;
	if (main->nforms)
		at = main->forms[0]->span;
	sb_lint_report(L, SB_CHK_E12, at, "profile has no rule on 'default'; "
	    "requests no rule matches get the built-in default");
}

void
sb_lint_check_semantic(struct sb_lint *L)
{
	const struct sb_profile *p = L->cur->unit.profile;
	uint32_t i;

	for (i = 0; i < p->nrules; i++)
		if (sb_lint_rule_in_target(L, p->rules[i]))
			fit(L, p->rules[i], p->rules[i]->filter);
	nodefault(L);
}

/* --- E10, E11: the text itself ------------------------------------------ */

static int
isword(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_';
}

static struct sb_finding *
templates(struct sb_lint *L, const struct sb_source *s)
{
	const char *t = s->text, *line = t, *end = t + s->len;
	struct sb_finding *first = NULL, *f;
	int saw_cpp = 0, saw_at = 0;
	static const char *const directives[] = { "#if", "#ifdef", "#ifndef",
		"#include", "#define", "#else", "#elif", "#endif", "#undef" };

	if (s->len >= 4 && memcmp(t, "R\"\"(", 4) == 0) {
		f = sb_lint_report(L, SB_CHK_E10, (struct sb_span){ s->id, 0,
		    4 }, "C++ raw-string wrapper: strip 'R\"\"(' and ')\"\"' "
		    "before compiling");
		first = first ? first : f;
	}
	for (line = t; line < end; ) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *p = line, *q;
		size_t i;
		if (!nl)
			nl = end;
		while (p < nl && (*p == ' ' || *p == '\t'))
			p++;
		for (i = 0; !saw_cpp && !L->o->co.cpp && *p == '#' &&
		    i < countof(directives); i++) {
			size_t n = strlen(directives[i]);
			if ((size_t)(nl - p) >= n && memcmp(p, directives[i], n) ==
			    0 && (p + n == nl || !isword(p[n]))) {
				saw_cpp = 1;
				f = sb_lint_report(L, SB_CHK_E10, (struct sb_span){
				    s->id, (uint32_t)(p - t), (uint32_t)n },
				    "C preprocessor directive '%s': run the C "
				    "preprocessor first (--cpp)", directives[i]);
				first = first ? first : f;
			}
		}
		for (q = p; !saw_at && q < nl && *q != ';'; q++) {
			const char *w = q + 1;
			if (*q != '@')
				continue;
			while (w < nl && isword(*w))
				w++;
			if (w > q + 1 && w < nl && *w == '@' &&
			    !(q[1] >= '0' && q[1] <= '9')) {
				saw_at = 1;
				f = sb_lint_report(L, SB_CHK_E10, (struct sb_span){
				    s->id, (uint32_t)(q - t), (uint32_t)(w - q + 1)
				    }, "template placeholder '%.*s': substitute "
				    "it before compiling", (int)(w - q + 1), q);
				first = first ? first : f;
			}
		}
		line = nl + 1;
	}
	return first;
}

static void
escapes(struct sb_lint *L, const struct sb_source *s, const struct sb_node *n)
{
	uint32_t i;

	if (n->kind == SB_N_LIST || n->kind == SB_N_VECTOR) {
		for (i = 0; i < n->u.list.n; i++)
			escapes(L, s, n->u.list.items[i]);
		if (n->u.list.tail)
			escapes(L, s, n->u.list.tail);
		return;
	}
	if (n->kind >= SB_N_QUOTE) {
		escapes(L, s, n->u.quoted);
		return;
	}
	if (n->kind != SB_N_STRING || n->u.str.raw)
		return;
	for (i = n->span.off + 1; i + 1 < n->span.off + n->span.len; i++) {
		char c = s->text[i];
		if (c != '\\')
			continue;
		c = s->text[++i];
		if (strchr("ntr\"\\x", c) || (c >= '0' && c <= '7'))
			continue;
		if ((unsigned char)c < 0x20 || (unsigned char)c >= 0x7f)
			continue;
		sb_lint_report(L, SB_CHK_E11, (struct sb_span){ s->id, i - 1,
		    2 }, "'\\%c' in a normal string reads as '%c'; use a raw "
		    "string #\"…\" or write '\\\\%c'", c, c, c);
	}
}

void
sb_lint_check_templates(struct sb_lint *L)
{
	struct sb_lint_file *F = L->cur;
	const struct sb_source *s = sb_source_get(&F->unit.ctx.sources,
	    F->main_src);
	struct sb_finding *tmpl;
	const struct sb_cst *main = NULL;
	uint32_t i, j, nf;

	if (!s)
		return;
	nf = F->nf;
	tmpl = templates(L, s);
	if (F->unit.nfiles && F->unit.files[F->unit.nfiles - 1]->src ==
	    F->main_src)
		main = F->unit.files[F->unit.nfiles - 1];
	for (i = 0; main && i < main->nforms; i++)
		escapes(L, s, main->forms[i]);
	if (!tmpl)
		return;
	/* LINT.md §3.9: the E1 or E2 a template causes keeps a link to it */
	(void)nf;
	for (i = 0; i < F->unit.ctx.diag.nrecs; i++) {
		const struct sb_record *r = &F->unit.ctx.diag.recs[i];
		if (r->level != SB_ERROR)
			continue;
		j = classify(r->check, r->msg);
		if (j != SB_CHK_E1 && j != SB_CHK_E2)
			continue;
		sb_lint_note(L, tmpl, r->span, "which makes this fail: %s",
		    r->msg);
	}
}
