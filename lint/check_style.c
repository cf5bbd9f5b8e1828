/*
** Style and portability (LINT.md §3.8), off by default: ordering (T1),
** shorter equivalent forms with a replacement text (T2), retired names
** (T3), denies without a message (T4), forms with no effect (T5), and
** names another target lacks (T6).
**
** T6 reads the rules the profile emitted on the compile target: each
** operation, filter and modifier of a rule whose name a --also-target
** target does not know (targets.c) is reported where the user wrote that
** name, found in the rule's (allow …) form or in the calls and expansions
** of its provenance frames. A name the user did not write there (an alias
** such as process-exec, a name a library procedure supplies, an operation
** held in a variable) is not reported: the other release's library and
** spelling decide those. A use is clean when it, its rule form or one of
** its frames lies where a `defined?` guard holds: the consequent of an
** `if` or the body of a `when` or `cond` clause whose test is
** (defined? 'NAME), an `and` after such a test, the alternative of an
** `if` or the body of an `unless` testing (not (defined? 'NAME)). NAME is
** the reported name itself or any other name the target lacks, since
** either keeps the branch from running there. Guards are read from the
** text (the evaluator keeps no record of them), so a guard written
** through a procedure of one's own is not seen.
*/
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "compiler/eval.h"
#include "compiler/filter.h"
#include "compiler/profile.h"
#include "kext/target.h"
#include "lint/lint.h"
#include "parser/cst.h"

/* LANGUAGE.md §8.4: names written where a current one exists. */
static const struct {
	const char *old, *now;
} retired[] = {
	{ "process-exec", "process-exec*" },
	{ "iokit-open", "iokit-open*" },
	{ "ipc-posix-shm", "ipc-posix-shm*" },
	{ "ipc-posix-sem", "ipc-posix-sem*" },
	{ "ipc-posix-shm-read*", "ipc-posix-shm-read-data" },
	{ "file-write-mount", "file-mount" },
	{ "file-write-unmount", "file-unmount" },
	{ "file-write-umount", "file-unmount" },
	{ "file-unlink", "file-write-unlink" },
	{ "file-fsctl", "system-fsctl" },
	{ "system-misc", "system*" },
	{ "time-set", "system-set-time" },
	{ "managed-preference*", "managed-preference-read" },
	{ "file-issue-extension*", "file-issue-extension" },
	{ "process-codesigning-status*", "process-legacy-codesigning-status*" },
};

static int
head(const struct sb_node *n, const char *name)
{
	return n->kind == SB_N_LIST && n->u.list.n > 0 &&
	    n->u.list.items[0]->kind == SB_N_SYMBOL &&
	    strcmp(n->u.list.items[0]->u.sym->name, name) == 0;
}

static void
text(const struct sb_source *s, struct sb_span span, struct sb_buf *b)
{
	b->len = 0;
	sb_buf_put(b, s->text + span.off, span.len);
	if (b->data)
		b->data[b->len] = 0;
}

static void
walk(struct sb_lint *L, const struct sb_source *s, const struct sb_node *n)
{
	struct sb_buf b = SB_BUF_INIT;
	struct sb_finding *f;
	uint32_t i, k;

	if (n->kind >= SB_N_QUOTE && n->kind != SB_N_UNQUOTE &&
	    n->kind != SB_N_SPLICE)
		return;         /* quoted data is not code */
	if (n->kind != SB_N_LIST)
		return;
	if (head(n, "allow") || head(n, "deny"))
		for (i = 1; i < n->u.list.n; i++) {
			const struct sb_node *a = n->u.list.items[i];
			if (a->kind != SB_N_SYMBOL)
				continue;
			for (k = 0; k < countof(retired); k++)
				if (strcmp(a->u.sym->name, retired[k].old) == 0) {
					f = sb_lint_report(L, SB_CHK_T3, a->span,
					    "'%s' is a retired name; write '%s'",
					    retired[k].old, retired[k].now);
					if (f)
						f->suggestion = xstrdup(
						    retired[k].now);
				}
		}
	if ((head(n, "require-any") || head(n, "require-all")) &&
	    n->u.list.n == 2) {
		text(s, n->u.list.items[1]->span, &b);
		f = sb_lint_report(L, SB_CHK_T2, n->span, "'%s' of one filter "
		    "is that filter", n->u.list.items[0]->u.sym->name);
		if (f)
			f->suggestion = xstrdup(b.data);
	}
	if (head(n, "require-not") && n->u.list.n == 2 &&
	    head(n->u.list.items[1], "require-not") &&
	    n->u.list.items[1]->u.list.n == 2) {
		text(s, n->u.list.items[1]->u.list.items[1]->span, &b);
		f = sb_lint_report(L, SB_CHK_T2, n->span, "double negation");
		if (f)
			f->suggestion = xstrdup(b.data);
	}
	for (i = 1; (head(n, "require-any") || head(n, "require-all")) &&
	    i < n->u.list.n; i++)
		if (head(n->u.list.items[i], n->u.list.items[0]->u.sym->name))
			sb_lint_report(L, SB_CHK_T2, n->u.list.items[i]->span,
			    "nested '%s' inside '%s': its filters can stand in "
			    "the outer one", n->u.list.items[0]->u.sym->name,
			    n->u.list.items[0]->u.sym->name);
	if (head(n, "debug") || head(n, "eliminate-duplicate-rules") ||
	    head(n, "record"))
		sb_lint_report(L, SB_CHK_T5, n->span, "'%s' has no effect",
		    n->u.list.items[0]->u.sym->name);
	for (i = 0; i < n->u.list.n; i++)
		walk(L, s, n->u.list.items[i]);
	sb_buf_free(&b);
}

static int
ondefault(const struct sb_rule *r)
{
	uint32_t i;

	for (i = 0; i < r->nops; i++)
		if (r->ops[i] == 0)
			return 1;
	return 0;
}

static void
ordering(struct sb_lint *L, const struct sb_cst *cst)
{
	const struct sb_profile *p = L->cur->unit.profile;
	const struct sb_rule *firstrule = NULL;
	uint32_t i;

	for (i = 1; i < cst->nforms; i++)
		if (head(cst->forms[i], "version") && !head(cst->forms[0],
		    "version"))
			sb_lint_report(L, SB_CHK_T1, cst->forms[i]->span,
			    "'(version …)' is not the first form");
	for (i = 0; i < p->nrules; i++) {
		const struct sb_rule *r = p->rules[i];
		if (r->site.src != L->cur->main_src)
			continue;
		if (!firstrule)
			firstrule = r;
		if (ondefault(r) && r != firstrule) {
			sb_lint_report(L, SB_CHK_T1, r->site, "the default rule "
			    "is not the first rule");
			break;
		}
	}
}

static int
sameops(const struct sb_rule *a, const struct sb_rule *b)
{
	return a->nops == b->nops && memcmp(a->ops, b->ops, a->nops *
	    sizeof *a->ops) == 0;
}

/* Adjacent rules with the same decision and operations merge. */
static void
merges(struct sb_lint *L)
{
	const struct sb_profile *p = L->cur->unit.profile;
	uint32_t i;

	for (i = 1; i < p->nrules; i++) {
		const struct sb_rule *a = p->rules[i - 1], *b = p->rules[i];
		struct sb_finding *f;
		if (a->site.src != L->cur->main_src || b->site.src !=
		    L->cur->main_src || a->site.off == b->site.off ||
		    a->action != b->action || !sameops(a, b) || a->mods.n ||
		    b->mods.n || !a->filter || !b->filter)
			continue;
		f = sb_lint_report(L, SB_CHK_T2, b->site, "this rule and the "
		    "one before it have the same decision and operations; "
		    "one rule with both filters says it once");
		sb_lint_about(f, b);
		sb_lint_note(L, f, a->site, "merge with this rule");
	}
}

static void
untagged(struct sb_lint *L)
{
	const struct sb_profile *p = L->cur->unit.profile;
	int msg = sb_target_modifier_find(p->target, "message", 7);
	uint32_t i, k;

	for (i = 0; i < p->nrules; i++) {
		const struct sb_rule *r = p->rules[i];
		int tagged = 0;
		if (r->action != SB_DENY || r->site.src != L->cur->main_src)
			continue;
		for (k = 0; k < r->mods.n; k++)
			tagged |= r->mods.v[k].id == msg;
		if (!tagged)
			sb_lint_about(sb_lint_report(L, SB_CHK_T4, r->site,
			    "deny without '(with message …)'"), r);
	}
}

/* --- T6 ------------------------------------------------------------------ */

/* The syntax tree of one source, for finding names and guards. */
struct srccst {
	uint32_t src;
	const struct sb_cst *cst;       /* NULL: none (library text, unread) */
};

struct port {
	struct sb_lint *L;
	const struct sb_target *t;      /* the compile target */
	const struct sb_lint_names *T;  /* the other target */
	struct srccst *c;
	uint32_t nc;
	struct sb_ctx tmp;              /* imported files, read again */
	int tmpinit;
	const struct sb_node **path;    /* scratch for pathto() */
	uint32_t cap;
};

static const char *const kindword[SB_NAME_NKINDS] = {
	"operation", "filter", "modifier",
};

/*
** The tree of SRC: an input's own (the main file, a prelude), or an
** imported user file read again into a context of our own, so the unit
** is left as the compiler made it.
*/
static const struct sb_cst *
cstof(struct port *P, uint32_t src)
{
	const struct sb_unit *u = &P->L->cur->unit;
	const struct sb_cst *cst = NULL;
	const struct sb_source *s;
	uint32_t i, id;

	if (src == SB_NOSRC)
		return NULL;
	for (i = 0; i < P->nc; i++)
		if (P->c[i].src == src)
			return P->c[i].cst;
	for (i = 0; i < u->nfiles; i++)
		if (u->files[i]->src == src)
			cst = u->files[i];
	s = sb_source_get(&u->ctx.sources, src);
	if (!cst && s && s->kind != SB_SRC_EMBEDDED &&
	    sb_lint_in_target(P->L, src)) {
		if (!P->tmpinit) {
			sb_ctx_init(&P->tmp);
			P->tmpinit = 1;
		}
		id = sb_source_add(&P->tmp.sources, s->kind == SB_SRC_CPP ?
		    SB_SRC_CPP : SB_SRC_MEMORY, s->path, s->text, s->len, 0);
		cst = sb_read(&P->tmp, id);
	}
	P->c = xrealloc(P->c, (P->nc + 1) * sizeof *P->c);
	P->c[P->nc].src = src;
	P->c[P->nc++].cst = cst;
	return cst;
}

static int
within(const struct sb_node *n, struct sb_span sp)
{
	return n->span.off <= sp.off && sp.off + sp.len <= n->span.off +
	    n->span.len;
}

/* The child of N whose text holds SP, or NULL. */
static const struct sb_node *
childat(const struct sb_node *n, struct sb_span sp)
{
	uint32_t lo = 0, hi;

	switch (n->kind) {
	case SB_N_LIST:
	case SB_N_VECTOR:
		for (hi = n->u.list.n; lo < hi;) {
			uint32_t mid = lo + (hi - lo) / 2;
			const struct sb_node *k = n->u.list.items[mid];
			if (k->span.off + k->span.len <= sp.off)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n->u.list.n && within(n->u.list.items[lo], sp))
			return n->u.list.items[lo];
		if (n->u.list.tail && within(n->u.list.tail, sp))
			return n->u.list.tail;
		return NULL;
	case SB_N_QUOTE:
	case SB_N_QUASI:
	case SB_N_UNQUOTE:
	case SB_N_SPLICE:
		return within(n->u.quoted, sp) ? n->u.quoted : NULL;
	default:
		return NULL;
	}
}

/*
** The nodes of CST from a top-level form down to the innermost one whose
** text holds SP, into P->path; their number (0: none holds it).
*/
static uint32_t
pathto(struct port *P, const struct sb_cst *cst, struct sb_span sp)
{
	const struct sb_node *n = NULL;
	uint32_t lo = 0, hi = cst->nforms, depth = 0;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const struct sb_node *k = cst->forms[mid];
		if (k->span.off + k->span.len <= sp.off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < cst->nforms && within(cst->forms[lo], sp))
		n = cst->forms[lo];
	for (; n; n = childat(n, sp)) {
		if (depth == P->cap) {
			P->cap = P->cap ? 2 * P->cap : 64;
			P->path = xrealloc(P->path, P->cap * sizeof *P->path);
		}
		P->path[depth++] = n;
	}
	return depth;
}

/* The node written exactly at SP, or NULL. */
static const struct sb_node *
nodeat(struct port *P, struct sb_span sp)
{
	const struct sb_cst *cst = cstof(P, sp.src);
	uint32_t n = cst ? pathto(P, cst, sp) : 0;

	while (n > 0 && (P->path[n - 1]->span.off != sp.off ||
	    P->path[n - 1]->span.len != sp.len))
		n--;
	return n ? P->path[n - 1] : NULL;
}

/* The first symbol NAME in N, quoted data left out. */
static const struct sb_node *
findsym(const struct sb_node *n, const char *name, uint32_t depth)
{
	const struct sb_node *r;
	uint32_t i;

	if (depth > 256)
		return NULL;
	switch (n->kind) {
	case SB_N_SYMBOL:
		return strcmp(n->u.sym->name, name) == 0 ? n : NULL;
	case SB_N_LIST:
	case SB_N_VECTOR:
		for (i = 0; i < n->u.list.n; i++)
			if ((r = findsym(n->u.list.items[i], name, depth + 1)))
				return r;
		return n->u.list.tail ? findsym(n->u.list.tail, name,
		    depth + 1) : NULL;
	case SB_N_QUASI:        /* a macro's template is code to be */
	case SB_N_UNQUOTE:
	case SB_N_SPLICE:
		return findsym(n->u.quoted, name, depth + 1);
	default:
		return NULL;
	}
}

/*
** Where the user wrote NAME for rule R: in the node at HINT (a filter's
** call), the rule's form, or a call or expansion of its frames, innermost
** first. 0 when it is written in none of them.
*/
static int
locate(struct port *P, const struct sb_rule *r, const char *name,
    struct sb_span hint, struct sb_span *at)
{
	const struct sb_frame *fr = r->frames;
	const struct sb_node *n, *sym;
	struct sb_span sp = hint;

	if (sp.src == SB_NOSRC)
		sp = r->site;
	for (;;) {
		if (sp.src != SB_NOSRC && (n = nodeat(P, sp)) &&
		    (sym = findsym(n, name, 0))) {
			*at = (struct sb_span){ sp.src, sym->span.off,
			    sym->span.len };
			return 1;
		}
		if (hint.src != SB_NOSRC) {
			hint.src = SB_NOSRC;
			sp = r->site;
			continue;
		}
		if (!fr)
			return 0;
		sp = fr->span;
		fr = fr->up;
	}
}

static const char *
headname(const struct sb_node *n)
{
	return n->kind == SB_N_LIST && n->u.list.n > 0 &&
	    n->u.list.items[0]->kind == SB_N_SYMBOL ?
	    n->u.list.items[0]->u.sym->name : NULL;
}

/* The base filter name SPELLED stands for on T ("subpath": "path"). */
static const char *
filterbase(const struct sb_target *t, const char *spelled, char *buf,
    size_t size)
{
	static const char *const suffix[] = { "-regex", "-prefix" };
	size_t n = strlen(spelled), k;
	const char *p;

	if (n >= size)
		return NULL;
	if (sb_target_filter_find(t, spelled, n) >= 0)
		return spelled;
	for (k = 0; k < countof(suffix); k++)
		if (n > strlen(suffix[k]) && strcmp(spelled + n -
		    strlen(suffix[k]), suffix[k]) == 0 &&
		    sb_target_filter_find(t, spelled, n -
		    strlen(suffix[k])) >= 0) {
			memcpy(buf, spelled, n - strlen(suffix[k]));
			buf[n - strlen(suffix[k])] = 0;
			return buf;
		}
	if ((p = strstr(spelled, "subpath")) != NULL) {
		memcpy(buf, spelled, (size_t)(p - spelled));
		strcpy(buf + (p - spelled), p + 3);
		if (sb_target_filter_find(t, buf, strlen(buf)) >= 0)
			return buf;
	}
	return NULL;
}

/* Whether the other target lacks NAME, a name of the compile target. */
static int
lacks(const struct port *P, const char *name)
{
	char buf[128];
	const char *base;

	if (sb_target_op_find(P->t, name, strlen(name)) >= 0)
		return sb_lint_names_has(P->T, SB_NAME_OP, name) == 0;
	if (sb_target_modifier_find(P->t, name, strlen(name)) >= 0)
		return sb_lint_names_has(P->T, SB_NAME_MODIFIER, name) == 0;
	if ((base = filterbase(P->t, name, buf, sizeof buf)))
		return sb_lint_names_has(P->T, SB_NAME_FILTER, base) == 0;
	return 0;
}

/* Whether test X holds only where WANT (or a name T lacks) is defined. */
static int
implies(const struct port *P, const char *want, const struct sb_node *x,
    uint32_t depth)
{
	const char *h = headname(x);
	const struct sb_node *q;
	uint32_t i;

	if (!h || depth > 32)
		return 0;
	if (strcmp(h, "defined?") == 0 && x->u.list.n == 2) {
		q = x->u.list.items[1];
		if (q->kind == SB_N_QUOTE)
			q = q->u.quoted;
		else if ((h = headname(q)) && strcmp(h, "quote") == 0 &&
		    q->u.list.n == 2)
			q = q->u.list.items[1];
		else
			return 0;
		return q->kind == SB_N_SYMBOL && (strcmp(q->u.sym->name,
		    want) == 0 || lacks(P, q->u.sym->name));
	}
	if (strcmp(h, "and") == 0) {
		for (i = 1; i < x->u.list.n; i++)
			if (implies(P, want, x->u.list.items[i], depth + 1))
				return 1;
		return 0;
	}
	if (strcmp(h, "or") == 0 && x->u.list.n > 1) {
		for (i = 1; i < x->u.list.n; i++)
			if (!implies(P, want, x->u.list.items[i], depth + 1))
				return 0;
		return 1;
	}
	return 0;
}

/* Whether test X holds only where WANT is not defined: (not TEST). */
static int
impliesnot(const struct port *P, const char *want, const struct sb_node *x)
{
	const char *h = headname(x);

	return h && strcmp(h, "not") == 0 && x->u.list.n == 2 &&
	    implies(P, want, x->u.list.items[1], 0);
}

/* The index of C among the items of list A, or -1 (the tail, not a list). */
static int
indexof(const struct sb_node *a, const struct sb_node *c)
{
	uint32_t i;

	if (a->kind != SB_N_LIST)
		return -1;
	for (i = 0; i < a->u.list.n; i++)
		if (a->u.list.items[i] == c)
			return (int)i;
	return -1;
}

/* Whether the code at SP runs only where a defined? guard for WANT holds. */
static int
guardedat(struct port *P, const char *want, struct sb_span sp)
{
	const struct sb_cst *cst = cstof(P, sp.src);
	uint32_t n = cst ? pathto(P, cst, sp) : 0, i, j;

	for (i = 0; i + 1 < n; i++) {
		const struct sb_node *a = P->path[i];
		const char *h = headname(a);
		int k = indexof(a, P->path[i + 1]);
		if (!h || k < 1)
			continue;
		if (strcmp(h, "if") == 0 && (a->u.list.n == 3 ||
		    a->u.list.n == 4) && ((k == 2 && implies(P, want,
		    a->u.list.items[1], 0)) || (k == 3 && impliesnot(P, want,
		    a->u.list.items[1]))))
			return 1;
		if (strcmp(h, "when") == 0 && k >= 2 && implies(P, want,
		    a->u.list.items[1], 0))
			return 1;
		if (strcmp(h, "unless") == 0 && k >= 2 && impliesnot(P, want,
		    a->u.list.items[1]))
			return 1;
		if (strcmp(h, "and") == 0)
			for (j = 1; j < (uint32_t)k; j++)
				if (implies(P, want, a->u.list.items[j], 0))
					return 1;
		if (strcmp(h, "cond") == 0 && i + 2 < n &&
		    P->path[i + 1]->kind == SB_N_LIST &&
		    P->path[i + 1]->u.list.n > 0 &&
		    indexof(P->path[i + 1], P->path[i + 2]) >= 1 &&
		    implies(P, want, P->path[i + 1]->u.list.items[0], 0))
			return 1;
	}
	return 0;
}

static int
guarded(struct port *P, const char *want, const struct sb_rule *r,
    struct sb_span at)
{
	const struct sb_frame *fr;

	if (guardedat(P, want, at) || guardedat(P, want, r->site))
		return 1;
	for (fr = r->frames; fr; fr = fr->up)
		if (fr->span.src != SB_NOSRC && guardedat(P, want, fr->span))
			return 1;
	return 0;
}

/* One name of rule R: report it unless T knows it, or it is guarded. */
static void
portuse(struct port *P, const struct sb_rule *r, enum sb_name_kind kind,
    const char *spelled, const char *base, struct sb_span hint)
{
	const char *tname = sb_lint_names_name(P->T);
	struct sb_finding *f;
	struct sb_span at;

	if (!base || sb_lint_names_has(P->T, kind, base) != 0 ||
	    !locate(P, r, spelled, hint, &at) || guarded(P, spelled, r, at))
		return;
	f = sb_lint_report(P->L, SB_CHK_T6, at, "%s '%s' is unknown on %s "
	    "(add (if (defined? '%s) …) to keep the profile portable)",
	    kindword[kind], spelled, tname, spelled);
	if (f)
		sb_lint_disc(f, "%s", tname);
}

static void
portfilter(struct port *P, const struct sb_rule *r, const struct sb_filter *f,
    uint32_t depth)
{
	char buf[128];
	uint32_t i;

	if (!f || depth > 256)
		return;
	if (f->kind == SB_F_TEST) {
		if (f->filter < P->t->filter_count)
			portuse(P, r, SB_NAME_FILTER, sb_filter_spelling(P->t,
			    f->filter, f->pat, buf, sizeof buf),
			    P->t->filters[f->filter].name, f->span);
		return;
	}
	for (i = 0; i < f->nkids; i++)
		portfilter(P, r, f->kids[i], depth + 1);
}

/* T6: every --also-target in turn, over the rules of the linted file. */
static void
portability(struct sb_lint *L)
{
	const struct sb_profile *p = L->cur->unit.profile;
	const struct sb_span none = { SB_NOSRC, 0, 0 };
	struct port P;
	uint32_t a, b, i, k;

	memset(&P, 0, sizeof P);
	P.L = L;
	P.t = p->target;
	for (a = 0; a < L->o->nalso_targets; a++) {
		for (b = 0; b < a && strcmp(L->o->also_targets[a],
		    L->o->also_targets[b]); b++)
			;
		P.T = sb_lint_names_find(L->o->also_targets[a]);
		if (b < a || !P.T || sb_lint_names_target(P.T) == P.t)
			continue;
		for (i = 0; i < p->nrules; i++) {
			const struct sb_rule *r = p->rules[i];
			if (!sb_lint_rule_in_target(L, r))
				continue;
			for (k = 0; k < r->nops; k++)
				if (r->ops[k] < P.t->op_name_count)
					portuse(&P, r, SB_NAME_OP,
					    P.t->ops[r->ops[k]].name,
					    P.t->ops[r->ops[k]].name, none);
			portfilter(&P, r, r->filter, 0);
			for (k = 0; k < r->mods.n; k++) {
				uint16_t id = r->mods.v[k].id;
				if (id < P.t->modifier_count &&
				    P.t->modifiers[id].name)
					portuse(&P, r, SB_NAME_MODIFIER,
					    P.t->modifiers[id].name,
					    P.t->modifiers[id].name, none);
			}
		}
	}
	if (P.tmpinit)
		sb_ctx_free(&P.tmp);
	free(P.c);
	free(P.path);
}

void
sb_lint_check_style(struct sb_lint *L)
{
	const struct sb_unit *u = &L->cur->unit;
	const struct sb_cst *cst = u->files[u->nfiles - 1];
	const struct sb_source *s = sb_source_get(&u->ctx.sources, cst->src);
	uint32_t i;
	int any = 0;

	for (i = SB_CHK_T1; i <= SB_CHK_T6; i++)
		any |= sb_lint_level(L, (enum sb_check_id)i) != SB_LV_OFF;
	if (!any)
		return;
	for (i = 0; i < cst->nforms; i++)
		walk(L, s, cst->forms[i]);
	ordering(L, cst);
	merges(L);
	untagged(L);
	if (sb_lint_level(L, SB_CHK_T6) != SB_LV_OFF && L->o->nalso_targets)
		portability(L);
}
