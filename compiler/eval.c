/*
** The eval/apply loop (LANGUAGE.md §2, §4). Tail positions (the last form
** of a body, the arms of if/cond/case/when/unless/and/or, procedure
** application) continue the loop instead of recursing, so named-let loops
** run in constant C stack; everything else recurses through sb_eval_expr(),
** which bounds the depth. The evaluator stops at the first error: every
** function returns NULL and the callers unwind (DESIGN.md §10.3).
**
** Rule provenance: e->site is the innermost procedure call written in user
** source (not stdlib-sb/). It is set when such a call is applied and
** restored when a non-tail evaluation returns, so a rule emitted through a
** library wrapper (with-filter) is sited at the user's (allow …) form.
** e->rulesite is the innermost such call whose head is the symbol allow or
** deny; a rule is sited there when there is one (a profile's own wrapper
** that ends in (apply action args) still points at the (allow …) form).
*/
#include <stdarg.h>
#include <string.h>

#include <stdio.h>

#include "common/buf.h"
#include "common/embed.h"
#include "common/limits.h"
#include "compiler/eval.h"
#include "compiler/primitives.h"

/* ORDER: enum sb_frame_kind */
static const char *const framenote[] = {
	"in call to '%s' here", "in expansion of '%s' here",
	"in file imported from here", "in the finaliser called here",
};

struct sb_value *
sb_eval_error(struct sb_eval *e, struct sb_span span, const char *fmt, ...)
{
	struct sb_buf b = SB_BUF_INIT;
	va_list ap;
	uint32_t i;

	struct sb_span lib = { SB_NOSRC, 0, 0 };
	uint32_t calls = 0, skipped = 0;

	if (e->failed)
		return NULL;
	e->failed = 1;
	/*
	** An error the library raises on the user's behalf (a check in
	** stdlib-sb/sbpl/v1.sb) is shown at the user's form that led to it,
	** with the library's line as a note.
	*/
	if (sb_eval_in_library(e, span) && e->site.src != SB_NOSRC &&
	    !sb_eval_in_library(e, e->site)) {
		lib = span;
		span = e->site;
	}
	va_start(ap, fmt);
	sb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	sb_diag(&e->ctx->diag, SB_ERROR, "eval", span, "%s", b.data);
	sb_buf_free(&b);
	if (lib.src != SB_NOSRC)
		sb_diag_note(&e->ctx->diag, lib, "raised by the library here");
	/* the chain, innermost first; at most four calls, then a count */
	for (i = e->nstack; i-- > 0;) {
		const struct sb_frame *f = &e->stack[i];
		if (f->span.src == SB_NOSRC || (f->span.src == span.src &&
		    f->span.off == span.off && f->span.len == span.len))
			continue;
		if (f->kind == SB_FRAME_CALL && (sb_eval_in_library(e,
		    f->span) || ++calls > 4)) {
			skipped += !sb_eval_in_library(e, f->span);
			continue;
		}
		sb_diag_note(&e->ctx->diag, f->span, framenote[f->kind],
		    f->name ? f->name->name : "");
	}
	if (skipped)
		sb_diag_note(&e->ctx->diag, (struct sb_span){ SB_NOSRC, 0, 0 },
		    "and %u more calls", skipped);
	return NULL;
}

int
sb_eval_in_library(const struct sb_eval *e, struct sb_span span)
{
	const struct sb_source *s = sb_source_get(&e->ctx->sources, span.src);

	return !s || s->kind == SB_SRC_EMBEDDED;
}

/* --- environments ------------------------------------------------------ */

struct sb_env *
sb_env_new(struct sb_eval *e, struct sb_env *parent, uint32_t cap)
{
	struct sb_env *env = sb_arena_alloc(e->a, sizeof *env);

	env->parent = parent;
	env->n = 0;
	env->cap = cap ? cap : 4;
	env->b = sb_arena_alloc(e->a, env->cap * sizeof *env->b);
	return env;
}

void
sb_env_define(struct sb_eval *e, struct sb_env *env, struct sb_sym *sym,
    struct sb_value *val, struct sb_span def)
{
	struct sb_binding *b;
	uint32_t i;

	if (!env) {
		b = sym->global;
		if (!b) {
			b = sb_arena_calloc(e->a, sizeof *b);
			b->sym = sym;
			b->next = e->globals;
			e->globals = b;
			sym->global = b;
		}
		b->val = val;
		b->def = def;
		return;
	}
	for (i = 0; i < env->n; i++)
		if (env->b[i].sym == sym) {
			env->b[i].val = val;
			env->b[i].def = def;
			return;
		}
	if (env->n == env->cap) {
		struct sb_binding *nb = sb_arena_alloc(e->a,
		    2 * env->cap * sizeof *nb);
		memcpy(nb, env->b, env->n * sizeof *nb);
		env->b = nb;
		env->cap *= 2;
	}
	b = &env->b[env->n++];
	memset(b, 0, sizeof *b);
	b->sym = sym;
	b->val = val;
	b->def = def;
}

struct sb_binding *
sb_env_lookup(struct sb_eval *e, struct sb_env *env, struct sb_sym *sym)
{
	uint32_t i;

	for (; env; env = env->parent)
		for (i = 0; i < env->n; i++)
			if (env->b[i].sym == sym)
				return &env->b[i];
	if (!sym->global)
		sb_prim_const(e, sym);
	return sym->global;
}

void
sb_env_global(struct sb_eval *e, const char *name, struct sb_value *val)
{
	static const struct sb_span nospan = { SB_NOSRC, 0, 0 };

	sb_env_define(e, NULL, sb_intern(&e->ctx->syms, name, strlen(name)),
	    val, nospan);
}

/* --- frames ------------------------------------------------------------ */

void
sb_frame_push(struct sb_eval *e, enum sb_frame_kind kind, struct sb_span span,
    const struct sb_sym *name)
{
	struct sb_frame *f;

	if (e->nstack == e->capstack) {
		e->capstack = e->capstack ? e->capstack * 2 : 16;
		e->stack = xrealloc(e->stack, e->capstack * sizeof *e->stack);
	}
	f = &e->stack[e->nstack++];
	f->kind = kind;
	f->span = span;
	f->name = name;
	f->up = NULL;
}

void
sb_frame_pop(struct sb_eval *e)
{
	e->nstack--;
}

const struct sb_frame *
sb_frame_capture(struct sb_eval *e)
{
	struct sb_frame *chain = NULL, *f;
	uint32_t i;

	for (i = 0; i < e->nstack; i++) {
		f = sb_arena_memdup(e->a, &e->stack[i], sizeof *f);
		f->up = chain;
		chain = f;
	}
	return chain;
}

/* --- helpers ----------------------------------------------------------- */

struct sb_value *
sb_list_from(struct sb_eval *e, struct sb_value **v, uint32_t n,
    struct sb_span span)
{
	struct sb_value *l = e->nil;

	while (n-- > 0)
		l = sb_value_cons(e->a, v[n], l, span);
	return l;
}

int
sb_want(struct sb_eval *e, const char *proc, uint32_t argno,
    struct sb_value *v, enum sb_vkind kind, const char *what)
{
	struct sb_buf b = SB_BUF_INIT;

	struct sb_span at;

	if (v->kind == kind)
		return 0;
	at = sb_eval_argspan(e, argno, v);
	sb_value_write(&b, e->target, v, 0, 60);
	if (v->param)
		sb_eval_error(e, at, "%s: argument %u must be %s, got %s: "
		    "parameter '%s' is not set (define it with -D %s=VALUE)",
		    proc, argno, what, b.data, v->param->name, v->param->name);
	else
		sb_eval_error(e, at, "%s: argument %u must be %s, got %s",
		    proc, argno, what, b.data);
	sb_buf_free(&b);
	return -1;
}

/* --- the loop ---------------------------------------------------------- */

/* Levenshtein distance of A and B, or LIMIT + 1 when above LIMIT. */
static unsigned
distance(const char *a, size_t na, const char *b, size_t nb, unsigned limit)
{
	unsigned row[64], i, j, prev, best, cur;

	if (na >= 64 || nb >= 64 || (na > nb ? na - nb : nb - na) > limit)
		return limit + 1;
	for (j = 0; j <= nb; j++)
		row[j] = j;
	for (i = 1; i <= na; i++) {
		prev = row[0];
		row[0] = i;
		best = row[0];
		for (j = 1; j <= nb; j++) {
			cur = row[j];
			row[j] = a[i - 1] == b[j - 1] ? prev :
			    1 + (prev < row[j] ? (prev < row[j - 1] ? prev :
			    row[j - 1]) : (row[j] < row[j - 1] ? row[j] :
			    row[j - 1]));
			prev = cur;
			if (row[j] < best)
				best = row[j];
		}
		if (best > limit)
			return limit + 1;
	}
	return row[nb];
}

/* The bound name nearest to SYM, or NULL when none is close. */
static const char *
nearest(struct sb_eval *e, struct sb_env *env, const struct sb_sym *sym)
{
	unsigned limit = sym->len < 5 ? 1 : sym->len < 10 ? 2 : 3;
	unsigned best = limit + 1, d, i;
	const char *name = NULL, *cname;
	struct sb_binding *b;

	for (; env; env = env->parent)
		for (i = 0; i < env->n; i++) {
			d = distance(sym->name, sym->len, env->b[i].sym->name,
			    env->b[i].sym->len, limit);
			if (d < best) {
				best = d;
				name = env->b[i].sym->name;
			}
		}
	for (i = 0; (cname = sb_prim_constname(e, i)); i++) {
		d = distance(sym->name, sym->len, cname, strlen(cname), limit);
		if (d < best) {
			best = d;
			name = cname;
		}
	}
	for (b = e->globals; b; b = b->next) {
		if (b->sym->name[0] == '%' && sym->name[0] != '%')
			continue;
		d = distance(sym->name, sym->len, b->sym->name, b->sym->len,
		    limit);
		if (d < best || (d == best && name && strcmp(b->sym->name,
		    name) < 0)) {
			best = d;
			name = b->sym->name;
		}
	}
	return name;
}

/* Whether the version-1 library defines NAME (it is not loaded yet). */
static int
libraryname(const char *name)
{
	const struct sb_embedded *lib = NULL;
	char pat[160];
	unsigned i;

	for (i = 0; i < sb_stdlib_count; i++)
		if (strcmp(sb_stdlib[i].name, "sbpl/v1.sb") == 0)
			lib = &sb_stdlib[i];
	if (!lib)
		return 0;
	snprintf(pat, sizeof pat, "(%%define-alias %s ", name);
	if (strstr(lib->text, pat))
		return 1;
	snprintf(pat, sizeof pat, "(define (%s ", name);
	if (strstr(lib->text, pat))
		return 1;
	snprintf(pat, sizeof pat, "(define (%s)", name);
	if (strstr(lib->text, pat))
		return 1;
	snprintf(pat, sizeof pat, "(define %s ", name);
	if (strstr(lib->text, pat))
		return 1;
	snprintf(pat, sizeof pat, "(macro (%s ", name);
	return strstr(lib->text, pat) != NULL;
}

static struct sb_value *
unbound(struct sb_eval *e, struct sb_env *env, struct sb_value *x)
{
	const struct sb_sym *s = x->u.sym;
	struct sb_sym *v1 = sb_intern_find(&e->ctx->syms, "%define-alias", 13);
	const char *near;

	if (strcmp(s->name, "unquote") == 0 ||
	    strcmp(s->name, "unquote-splicing") == 0)
		return sb_eval_error(e, x->span, "unbound variable '%s': '%s' is "
		    "only valid inside a quasiquote", s->name,
		    s->name[7] ? ",@" : ",");
	if ((!v1 || !v1->global) && libraryname(s->name))
		return sb_eval_error(e, x->span, "unbound variable '%s': it "
		    "comes from the version-1 library; is this a fragment "
		    "missing (version 1)?", s->name);
	if ((near = nearest(e, env, s)) != NULL)
		return sb_eval_error(e, x->span, "unbound variable '%s'; did "
		    "you mean '%s'?", s->name, near);
	return sb_eval_error(e, x->span, "unbound variable '%s'", s->name);
}

/* Bind a closure's parameters to ARGS in a new frame. */
static struct sb_env *
bindargs(struct sb_eval *e, struct sb_closure *c, struct sb_value **args,
    uint32_t nargs, struct sb_span call)
{
	struct sb_env *env;
	uint32_t i;

	if (nargs < c->nparams || (!c->rest && nargs > c->nparams)) {
		sb_eval_error(e, call, "'%s': too %s arguments (expected %s%u, "
		    "got %u)", c->name ? c->name->name : "lambda",
		    nargs < c->nparams ? "few" : "many",
		    c->rest ? "at least " : "", c->nparams, nargs);
		return NULL;
	}
	env = sb_env_new(e, c->env, c->nparams + (c->rest ? 1 : 0) + 2);
	for (i = 0; i < c->nparams; i++)
		sb_env_define(e, env, c->params[i], args[i], c->span);
	if (c->rest)
		sb_env_define(e, env, c->rest, sb_list_from(e, args + i,
		    nargs - i, call), c->span);
	return env;
}

static struct sb_value *
callbuiltin(struct sb_eval *e, const struct sb_builtin *bi,
    struct sb_value **args, uint32_t nargs, struct sb_span call)
{
	if ((int32_t)nargs < bi->min)
		return sb_eval_error(e, call, "%s: too few arguments "
		    "(expected %s%d, got %u)", bi->name,
		    bi->max != bi->min ? "at least " : "", bi->min, nargs);
	if (bi->max >= 0 && (int32_t)nargs > bi->max)
		return sb_eval_error(e, call, "%s: too many arguments "
		    "(expected %s%d, got %u)", bi->name,
		    bi->max != bi->min ? "at most " : "", bi->max, nargs);
	return bi->fn(e, args, nargs, call);
}

static struct sb_value *
illegal(struct sb_eval *e, struct sb_value *f, struct sb_span span)
{
	struct sb_buf b = SB_BUF_INIT;

	sb_value_write(&b, e->target, f, 0, 60);
	sb_eval_error(e, span, "illegal function: %s is not a procedure",
	    b.data);
	sb_buf_free(&b);
	return NULL;
}

/* Expand a macro call X with transformer M; the expansion to evaluate. */
static struct sb_value *
expand(struct sb_eval *e, struct sb_value *m, struct sb_value *x)
{
	struct sb_value *r;

	if (m->u.clo->defmacro) {
		struct sb_value **args, *p = x->u.pair.cdr;
		uint32_t n = 0, i;
		for (; p->kind == SB_V_PAIR; p = p->u.pair.cdr)
			n++;
		args = sb_arena_alloc(e->a, (n ? n : 1) * sizeof *args);
		for (i = 0, p = x->u.pair.cdr; i < n; i++, p = p->u.pair.cdr)
			args[i] = p->u.pair.car;
		r = sb_apply(e, m, args, n, x->span);
	} else {
		r = sb_apply(e, m, &x, 1, x->span);
	}
	return r;
}

/*
** Record the call or expansion X in this activation's frame: a tail call
** replaces the activation's frame instead of pushing another, so a loop
** of tail calls keeps one. sb_eval_expr() drops the frame when it returns.
*/
static void
frame(struct sb_eval *e, uint32_t *slot, enum sb_frame_kind kind,
    struct sb_value *x, const struct sb_sym *name)
{
	/* an expansion's frame stays while its expansion runs */
	if (*slot == UINT32_MAX || e->stack[*slot].kind == SB_FRAME_EXPAND) {
		*slot = e->nstack;
		sb_frame_push(e, kind, x->span, name);
		return;
	}
	e->stack[*slot].kind = kind;
	e->stack[*slot].span = x->span;
	e->stack[*slot].name = name;
}

static struct sb_value *
loop(struct sb_eval *e, struct sb_value *x, struct sb_env *env)
{
	struct sb_value *f, *tail, **args, *p, *r;
	struct sb_binding *b;
	uint32_t n, i, slot = UINT32_MAX;

	for (;;) {
		if (e->failed)
			return NULL;
		if (++e->steps > e->maxsteps)
			return sb_eval_error(e, x->span, "evaluation took more "
			    "than %llu steps; is there an endless loop?",
			    (unsigned long long)e->maxsteps);
		if (e->a->total > SB_LIMIT_ARENA_BYTES / 2)
			return sb_eval_error(e, x->span, "evaluation used more "
			    "than %llu MiB of memory; is there an endless loop?",
			    (unsigned long long)(SB_LIMIT_ARENA_BYTES >> 21));
		if (x->kind == SB_V_SYMBOL) {
			if (!(b = sb_env_lookup(e, env, x->u.sym)))
				return unbound(e, env, x);
			b->uses++;
			return b->val;
		}
		if (x->kind != SB_V_PAIR)
			return x;
		f = x->u.pair.car;
		if (f->kind == SB_V_SYMBOL) {
			if (!(b = sb_env_lookup(e, env, f->u.sym)))
				return unbound(e, env, f);
			b->uses++;
			f = b->val;
		} else if (!(f = sb_eval_expr(e, f, env))) {
			return NULL;
		}
		if (f->kind == SB_V_FORM) {
			tail = NULL;
			r = sb_form_handlers[f->u.form](e, x, &env, &tail);
			if (r || !tail)
				return r;
			x = tail;
			continue;
		}
		if (!sb_eval_in_library(e, x->span))
			e->site = x->span;
		if (f->kind == SB_V_MACRO) {
			frame(e, &slot, SB_FRAME_EXPAND, x, f->u.clo->name);
			if (!(x = expand(e, f, x)))
				return NULL;
			continue;
		}
		n = 0;
		for (p = x->u.pair.cdr; p->kind == SB_V_PAIR; p = p->u.pair.cdr)
			n++;
		if (p->kind != SB_V_NIL)
			return sb_eval_error(e, x->span, "malformed call: the "
			    "argument list is not a proper list");
		args = sb_arena_alloc(e->a, (n ? n : 1) * sizeof *args);
		for (i = 0, p = x->u.pair.cdr; i < n; i++, p = p->u.pair.cdr)
			if (!(args[i] = sb_eval_expr(e, p->u.pair.car, env)))
				return NULL;
		if (!sb_eval_in_library(e, x->span)) {
			struct sb_value *h = x->u.pair.car;
			e->site = x->span;
			if (h->kind == SB_V_SYMBOL && (h->u.sym == e->s_allow ||
			    h->u.sym == e->s_deny))
				e->rulesite = x->span;
		}
		switch (f->kind) {
		case SB_V_BUILTIN:
			e->form = x;
			return callbuiltin(e, f->u.bi, args, n, x->span);
		case SB_V_FCTOR:
			e->form = x;
			return sb_prim_filter(e, f, args, n, x->span);
		case SB_V_CLOSURE:
			if (!(env = bindargs(e, f->u.clo, args, n, x->span)))
				return NULL;
			/* calls of library procedures make no note */
			if (!sb_eval_in_library(e, f->u.clo->span))
				frame(e, &slot, SB_FRAME_CALL, x,
				    f->u.clo->name);
			p = f->u.clo->body;
			if (p->kind == SB_V_NIL)
				return e->unspec;
			for (; p->u.pair.cdr->kind == SB_V_PAIR;
			    p = p->u.pair.cdr)
				if (!sb_eval_expr(e, p->u.pair.car, env))
					return NULL;
			x = p->u.pair.car;
			continue;
		default:
			return illegal(e, f, x->u.pair.car->span);
		}
	}
}

struct sb_value *
sb_eval_expr(struct sb_eval *e, struct sb_value *x, struct sb_env *env)
{
	struct sb_span site = e->site, rulesite = e->rulesite;
	struct sb_value *form = e->form;
	uint32_t nstack = e->nstack;
	struct sb_value *r;

	if (e->failed)
		return NULL;
	if (++e->depth > SB_LIMIT_CALL_DEPTH) {
		e->depth--;
		return sb_eval_error(e, site.src != SB_NOSRC ? site : x->span,
		    "recursion deeper than %u levels; is there an endless "
		    "recursion?", SB_LIMIT_CALL_DEPTH);
	}
	r = loop(e, x, env);
	e->depth--;
	e->site = site;
	e->rulesite = rulesite;
	e->form = form;
	if (r)
		e->nstack = nstack;
	return r;
}

struct sb_span
sb_eval_argspan(const struct sb_eval *e, uint32_t argno,
    const struct sb_value *v)
{
	const struct sb_value *p;
	uint32_t i;

	if (e->form && e->form->kind == SB_V_PAIR) {
		p = e->form->u.pair.cdr;
		for (i = 1; i < argno && p->kind == SB_V_PAIR; i++)
			p = p->u.pair.cdr;
		if (p->kind == SB_V_PAIR && p->u.pair.car->span.src != SB_NOSRC)
			return p->u.pair.car->span;
	}
	if (v && v->span.src != SB_NOSRC)
		return v->span;
	if (e->form)
		return e->form->span;
	return e->site;
}

struct sb_value *
sb_eval_body(struct sb_eval *e, struct sb_value *body, struct sb_env *env)
{
	struct sb_value *r = e->unspec;

	for (; body->kind == SB_V_PAIR; body = body->u.pair.cdr)
		if (!(r = sb_eval_expr(e, body->u.pair.car, env)))
			return NULL;
	return r;
}

struct sb_value *
sb_apply(struct sb_eval *e, struct sb_value *f, struct sb_value **args,
    uint32_t nargs, struct sb_span call)
{
	struct sb_env *env;

	switch (f->kind) {
	case SB_V_BUILTIN:
		e->form = NULL;
		return callbuiltin(e, f->u.bi, args, nargs, call);
	case SB_V_FCTOR:
		e->form = NULL;
		return sb_prim_filter(e, f, args, nargs, call);
	case SB_V_CLOSURE:
	case SB_V_MACRO:
		if (++e->depth > SB_LIMIT_CALL_DEPTH) {
			e->depth--;
			return sb_eval_error(e, call, "recursion deeper than "
			    "%u levels", SB_LIMIT_CALL_DEPTH);
		}
		env = bindargs(e, f->u.clo, args, nargs, call);
		f = env ? sb_eval_body(e, f->u.clo->body, env) : NULL;
		e->depth--;
		return f;
	default:
		return illegal(e, f, call);
	}
}

int
sb_eval_cst(struct sb_eval *e, const struct sb_cst *cst)
{
	uint32_t i;

	for (i = 0; i < cst->nforms; i++) {
		struct sb_value *x = sb_value_from_node(e->ctx, cst->forms[i]);
		if (!x) {
			e->failed = 1;
			return -1;
		}
		if (!sb_eval_expr(e, x, NULL))
			return -1;
	}
	return 0;
}
