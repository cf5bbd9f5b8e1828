/*
** Special forms (LANGUAGE.md §4.2). Each handler gets the whole form X and
** either returns its value, or returns NULL with *TAIL set to an
** expression the loop evaluates in *ENV (tail position), or returns NULL
** after an error. if/when/unless/cond/case/begin open no scope, so a
** define inside them at top level defines a global (Chromium relies on
** this).
*/
#include <string.h>

#include "common/buf.h"
#include "compiler/eval.h"

#define car(v) ((v)->u.pair.car)
#define cdr(v) ((v)->u.pair.cdr)
#define ispair(v) ((v)->kind == SB_V_PAIR)

static const char *
formname(struct sb_value *x)
{
	return car(x)->kind == SB_V_SYMBOL ? car(x)->u.sym->name : "form";
}

static struct sb_value *
malformed(struct sb_eval *e, struct sb_value *x, const char *what)
{
	return sb_eval_error(e, x->span, "malformed '%s': %s", formname(x),
	    what);
}

/* Argument I (0-based, after the keyword), or NULL. */
static struct sb_value *
nth(struct sb_value *x, uint32_t i)
{
	struct sb_value *p = cdr(x);

	while (i-- > 0 && ispair(p))
		p = cdr(p);
	return ispair(p) ? car(p) : NULL;
}

/* The forms after the first I arguments. */
static struct sb_value *
from(struct sb_value *x, uint32_t i)
{
	struct sb_value *p = cdr(x);

	while (i-- > 0 && ispair(p))
		p = cdr(p);
	return p;
}

/* Evaluate all of BODY but the last form; that one becomes *TAIL. */
static struct sb_value *
tailbody(struct sb_eval *e, struct sb_value *body, struct sb_env *env,
    struct sb_value **tail)
{
	if (!ispair(body))
		return e->unspec;
	for (; ispair(cdr(body)); body = cdr(body))
		if (!sb_eval_expr(e, car(body), env))
			return NULL;
	*tail = car(body);
	return NULL;
}

static struct sb_value *
form_quote(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	(void)env;
	(void)tail;
	if (sb_list_length(x) != 2)
		return malformed(e, x, "expected one datum");
	return nth(x, 0);
}

static int
istagged(struct sb_value *v, struct sb_sym *tag)
{
	return ispair(v) && car(v)->kind == SB_V_SYMBOL &&
	    car(v)->u.sym == tag && ispair(cdr(v)) &&
	    cdr(cdr(v))->kind == SB_V_NIL;
}

static struct sb_value *qq(struct sb_eval *e, struct sb_value *t,
    struct sb_env *env, int depth);

/* Append list A (copied) in front of B. */
static struct sb_value *
append2(struct sb_eval *e, struct sb_value *a, struct sb_value *b,
    struct sb_span span)
{
	if (a->kind == SB_V_NIL)
		return b;
	return sb_value_cons(e->a, car(a), append2(e, cdr(a), b, span), span);
}

static struct sb_value *
qqlist(struct sb_eval *e, struct sb_value *t, struct sb_env *env, int depth)
{
	struct sb_value *item, *rest, *v;

	if (!ispair(t))
		return qq(e, t, env, depth);
	if (istagged(t, e->s_unquote) || istagged(t, e->s_quasiquote))
		return qq(e, t, env, depth);    /* `(a . ,b) */
	item = car(t);
	if (!(rest = qqlist(e, cdr(t), env, depth)))
		return NULL;
	if (istagged(item, e->s_splice) && depth == 1) {
		if (!(v = sb_eval_expr(e, car(cdr(item)), env)))
			return NULL;
		if (sb_list_length(v) < 0)
			return sb_eval_error(e, item->span, "unquote-splicing: "
			    "the value is not a list");
		return append2(e, v, rest, t->span);
	}
	if (!(v = qq(e, item, env, depth)))
		return NULL;
	return sb_value_cons(e->a, v, rest, t->span);
}

static struct sb_value *
qq(struct sb_eval *e, struct sb_value *t, struct sb_env *env, int depth)
{
	struct sb_value *inner;

	if (!ispair(t))
		return t;
	if (istagged(t, e->s_unquote)) {
		if (depth == 1)
			return sb_eval_expr(e, car(cdr(t)), env);
		if (!(inner = qq(e, car(cdr(t)), env, depth - 1)))
			return NULL;
		return sb_value_cons(e->a, car(t), sb_value_cons(e->a, inner,
		    e->nil, t->span), t->span);
	}
	if (istagged(t, e->s_quasiquote)) {
		if (!(inner = qq(e, car(cdr(t)), env, depth + 1)))
			return NULL;
		return sb_value_cons(e->a, car(t), sb_value_cons(e->a, inner,
		    e->nil, t->span), t->span);
	}
	return qqlist(e, t, env, depth);
}

static struct sb_value *
form_quasiquote(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	(void)tail;
	if (sb_list_length(x) != 2)
		return malformed(e, x, "expected one template");
	return qq(e, nth(x, 0), *env, 1);
}

/* Build a closure from parameter list PARAMS and BODY. */
static struct sb_value *
mkclosure(struct sb_eval *e, struct sb_value *x, struct sb_value *params,
    struct sb_value *body, struct sb_env *env, struct sb_sym *name)
{
	struct sb_closure *c = sb_arena_calloc(e->a, sizeof *c);
	struct sb_value *p, *v;
	uint32_t n = 0;

	for (p = params; ispair(p); p = cdr(p))
		n++;
	c->params = sb_arena_alloc(e->a, (n ? n : 1) * sizeof *c->params);
	for (p = params; ispair(p); p = cdr(p)) {
		if (car(p)->kind != SB_V_SYMBOL)
			return sb_eval_error(e, car(p)->span, "malformed "
			    "parameter list: a parameter must be a symbol");
		c->params[c->nparams++] = car(p)->u.sym;
	}
	if (p->kind == SB_V_SYMBOL)
		c->rest = p->u.sym;
	else if (p->kind != SB_V_NIL)
		return sb_eval_error(e, p->span, "malformed parameter list");
	if (sb_list_length(body) < 0)
		return malformed(e, x, "the body is not a list");
	c->body = body;
	c->env = env;
	c->name = name;
	c->span = x->span;
	v = sb_value_new(e->a, SB_V_CLOSURE, x->span);
	v->u.clo = c;
	return v;
}

static struct sb_value *
form_lambda(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	(void)tail;
	if (sb_list_length(x) < 3)
		return malformed(e, x, "expected parameters and a body");
	return mkclosure(e, x, nth(x, 0), from(x, 1), *env, NULL);
}

static struct sb_value *
form_define(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	struct sb_value *target = nth(x, 0), *v;

	(void)tail;
	if (!target || sb_list_length(x) < 2)
		return malformed(e, x, "expected a name");
	if (ispair(target)) {
		if (car(target)->kind != SB_V_SYMBOL)
			return malformed(e, x, "the procedure name must be a "
			    "symbol");
		if (sb_list_length(x) < 3)
			return malformed(e, x, "expected a body");
		v = mkclosure(e, x, cdr(target), from(x, 1), *env,
		    car(target)->u.sym);
		if (!v)
			return NULL;
		sb_env_define(e, *env, car(target)->u.sym, v, x->span);
		return e->unspec;
	}
	if (target->kind != SB_V_SYMBOL)
		return sb_eval_error(e, target->span, "malformed 'define': the "
		    "name must be a symbol");
	if (sb_list_length(x) > 3)
		return malformed(e, x, "expected one value");
	if (sb_list_length(x) == 2)
		v = e->unspec;
	else if (!(v = sb_eval_expr(e, nth(x, 1), *env)))
		return NULL;
	if (v->kind == SB_V_CLOSURE && !v->u.clo->name)
		v->u.clo->name = target->u.sym;
	sb_env_define(e, *env, target->u.sym, v, x->span);
	return e->unspec;
}

static struct sb_value *
form_set(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	struct sb_value *target = nth(x, 0), *v;
	struct sb_binding *b;

	(void)tail;
	if (sb_list_length(x) != 3 || target->kind != SB_V_SYMBOL)
		return malformed(e, x, "expected a name and a value");
	if (!(b = sb_env_lookup(e, *env, target->u.sym)))
		return sb_eval_error(e, target->span, "set!: unbound variable "
		    "'%s'", target->u.sym->name);
	if (!(v = sb_eval_expr(e, nth(x, 1), *env)))
		return NULL;
	b->val = v;
	return e->unspec;
}

static struct sb_value *
form_if(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	int64_t n = sb_list_length(x);
	struct sb_value *c;

	if (n != 3 && n != 4)
		return malformed(e, x, "expected a test and one or two arms");
	if (!(c = sb_eval_expr(e, nth(x, 0), *env)))
		return NULL;
	if (sb_truthy(c))
		*tail = nth(x, 1);
	else if (n == 4)
		*tail = nth(x, 2);
	else
		return e->unspec;
	return NULL;
}

static struct sb_value *
whenunless(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail, int want)
{
	struct sb_value *c;

	if (sb_list_length(x) < 2)
		return malformed(e, x, "expected a test");
	if (!(c = sb_eval_expr(e, nth(x, 0), *env)))
		return NULL;
	if (sb_truthy(c) != want)
		return e->unspec;
	return tailbody(e, from(x, 1), *env, tail);
}

static struct sb_value *
form_when(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	return whenunless(e, x, env, tail, 1);
}

static struct sb_value *
form_unless(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	return whenunless(e, x, env, tail, 0);
}

static int
iselse(struct sb_eval *e, struct sb_value *v)
{
	return v->kind == SB_V_SYMBOL && v->u.sym == e->s_else;
}

static struct sb_value *
form_cond(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	struct sb_value *p, *clause, *c, *f;

	if (sb_list_length(x) < 0)
		return malformed(e, x, "not a list");
	for (p = cdr(x); ispair(p); p = cdr(p)) {
		clause = car(p);
		if (!ispair(clause) || sb_list_length(clause) < 0)
			return sb_eval_error(e, clause->span, "malformed 'cond' "
			    "clause");
		if (iselse(e, car(clause)))
			return tailbody(e, cdr(clause), *env, tail);
		if (!(c = sb_eval_expr(e, car(clause), *env)))
			return NULL;
		if (!sb_truthy(c))
			continue;
		if (cdr(clause)->kind == SB_V_NIL)
			return c;
		if (car(cdr(clause))->kind == SB_V_SYMBOL &&
		    car(cdr(clause))->u.sym == e->s_arrow) {
			if (!ispair(cdr(cdr(clause))))
				return malformed(e, x, "'=>' needs a procedure");
			if (!(f = sb_eval_expr(e, car(cdr(cdr(clause))), *env)))
				return NULL;
			return sb_apply(e, f, &c, 1, clause->span);
		}
		return tailbody(e, cdr(clause), *env, tail);
	}
	return e->unspec;
}

static struct sb_value *
form_case(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	struct sb_value *key, *p, *clause, *d;

	if (sb_list_length(x) < 2)
		return malformed(e, x, "expected a key");
	if (!(key = sb_eval_expr(e, nth(x, 0), *env)))
		return NULL;
	for (p = from(x, 1); ispair(p); p = cdr(p)) {
		clause = car(p);
		if (!ispair(clause) || sb_list_length(clause) < 0)
			return sb_eval_error(e, clause->span, "malformed 'case' "
			    "clause");
		if (iselse(e, car(clause)))
			return tailbody(e, cdr(clause), *env, tail);
		if (sb_list_length(car(clause)) < 0)
			return sb_eval_error(e, clause->span, "malformed 'case' "
			    "clause: expected a list of datums or 'else'");
		for (d = car(clause); ispair(d); d = cdr(d))
			if (sb_value_eqv(car(d), key))
				return tailbody(e, cdr(clause), *env, tail);
	}
	return e->unspec;
}

static struct sb_value *
andor(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail, int isand)
{
	struct sb_value *p = cdr(x), *v;

	if (sb_list_length(x) < 0)
		return malformed(e, x, "not a list");
	if (!ispair(p))
		return sb_value_bool(e->a, isand, x->span);
	for (; ispair(cdr(p)); p = cdr(p)) {
		if (!(v = sb_eval_expr(e, car(p), *env)))
			return NULL;
		if (sb_truthy(v) != isand)
			return v;
	}
	*tail = car(p);
	return NULL;
}

static struct sb_value *
form_and(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	return andor(e, x, env, tail, 1);
}

static struct sb_value *
form_or(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	return andor(e, x, env, tail, 0);
}

static struct sb_value *
form_begin(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	if (sb_list_length(x) < 0)
		return malformed(e, x, "not a list");
	return tailbody(e, cdr(x), *env, tail);
}

/* Check a binding list ((name expr) …); its length, or -1. */
static int64_t
bindings(struct sb_eval *e, struct sb_value *x, struct sb_value *list)
{
	struct sb_value *p;
	int64_t n = 0;

	for (p = list; ispair(p); p = cdr(p), n++)
		if (!ispair(car(p)) || car(car(p))->kind != SB_V_SYMBOL ||
		    sb_list_length(car(p)) > 2 ||
		    sb_list_length(car(p)) < 1) {
			sb_eval_error(e, car(p)->span, "malformed '%s': a "
			    "binding must be (name value)", formname(x));
			return -1;
		}
	if (p->kind != SB_V_NIL) {
		malformed(e, x, "the bindings are not a list");
		return -1;
	}
	return n;
}

static struct sb_value *
bindvalue(struct sb_eval *e, struct sb_value *binding, struct sb_env *env)
{
	if (cdr(binding)->kind == SB_V_NIL)
		return e->unspec;
	return sb_eval_expr(e, car(cdr(binding)), env);
}

static struct sb_value *
form_let(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	struct sb_value *list = nth(x, 0), *p, *body, *v, *loopv;
	struct sb_sym *name = NULL;
	struct sb_env *inner, *loopenv;
	int64_t n;

	if (!list || sb_list_length(x) < 3)
		return malformed(e, x, "expected bindings and a body");
	body = from(x, 1);
	if (list->kind == SB_V_SYMBOL) {          /* named let */
		name = list->u.sym;
		list = nth(x, 1);
		body = from(x, 2);
		if (!list || !ispair(body))
			return malformed(e, x, "expected bindings and a body");
	}
	if ((n = bindings(e, x, list)) < 0)
		return NULL;
	inner = sb_env_new(e, *env, (uint32_t)n + 2);
	for (p = list; ispair(p); p = cdr(p)) {
		if (!(v = bindvalue(e, car(p), *env)))
			return NULL;
		sb_env_define(e, inner, car(car(p))->u.sym, v, car(p)->span);
	}
	if (name) {
		/* the loop procedure sees itself; its body sees the bindings */
		struct sb_value *params = e->nil;
		struct sb_value **pv = sb_arena_alloc(e->a,
		    (size_t)(n ? n : 1) * sizeof *pv);
		uint32_t i;
		for (p = list, i = 0; ispair(p); p = cdr(p), i++)
			pv[i] = car(car(p));
		params = sb_list_from(e, pv, (uint32_t)n, list->span);
		loopenv = sb_env_new(e, *env, 1);
		if (!(loopv = mkclosure(e, x, params, body, loopenv, name)))
			return NULL;
		sb_env_define(e, loopenv, name, loopv, x->span);
		inner->parent = loopenv;
	}
	*env = inner;
	return tailbody(e, body, inner, tail);
}

static struct sb_value *
form_letstar(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	struct sb_value *list = nth(x, 0), *p, *v;
	struct sb_env *inner = *env;

	if (!list || sb_list_length(x) < 3)
		return malformed(e, x, "expected bindings and a body");
	if (bindings(e, x, list) < 0)
		return NULL;
	for (p = list; ispair(p); p = cdr(p)) {
		if (!(v = bindvalue(e, car(p), inner)))
			return NULL;
		inner = sb_env_new(e, inner, 2);
		sb_env_define(e, inner, car(car(p))->u.sym, v, car(p)->span);
	}
	inner = sb_env_new(e, inner, 2);
	*env = inner;
	return tailbody(e, from(x, 1), inner, tail);
}

static struct sb_value *
form_letrec(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	struct sb_value *list = nth(x, 0), *p, *v;
	struct sb_env *inner;
	int64_t n;

	if (!list || sb_list_length(x) < 3)
		return malformed(e, x, "expected bindings and a body");
	if ((n = bindings(e, x, list)) < 0)
		return NULL;
	inner = sb_env_new(e, *env, (uint32_t)n + 2);
	for (p = list; ispair(p); p = cdr(p))
		sb_env_define(e, inner, car(car(p))->u.sym, e->unspec,
		    car(p)->span);
	for (p = list; ispair(p); p = cdr(p)) {
		if (!(v = bindvalue(e, car(p), inner)))
			return NULL;
		if (v->kind == SB_V_CLOSURE && !v->u.clo->name)
			v->u.clo->name = car(car(p))->u.sym;
		sb_env_define(e, inner, car(car(p))->u.sym, v, car(p)->span);
	}
	*env = inner;
	return tailbody(e, from(x, 1), inner, tail);
}

/*
** TinyScheme's (macro (name form) body…): a transformer given the whole
** call form; its result is evaluated where the call was. Also
** (macro name transformer-expression).
*/
static struct sb_value *
form_macro(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	struct sb_value *sig = nth(x, 0), *v;
	struct sb_sym *name;

	(void)tail;
	if (!sig || sb_list_length(x) < 3)
		return malformed(e, x, "expected (name form) and a body");
	if (ispair(sig)) {
		if (car(sig)->kind != SB_V_SYMBOL)
			return malformed(e, x, "the macro name must be a "
			    "symbol");
		name = car(sig)->u.sym;
		if (!(v = mkclosure(e, x, cdr(sig), from(x, 1), *env, name)))
			return NULL;
	} else if (sig->kind == SB_V_SYMBOL) {
		name = sig->u.sym;
		if (!(v = sb_eval_expr(e, nth(x, 1), *env)))
			return NULL;
		if (v->kind != SB_V_CLOSURE)
			return malformed(e, x, "the transformer must be a "
			    "procedure");
	} else {
		return malformed(e, x, "expected (name form)");
	}
	if (v->u.clo->nparams != 1 || v->u.clo->rest)
		return malformed(e, x, "a macro takes exactly one parameter, "
		    "the form");
	v->kind = SB_V_MACRO;
	v->u.clo->name = name;
	sb_env_define(e, *env, name, v, x->span);
	return e->unspec;
}

/* (define-macro (name . params) body…): called with the arguments. */
static struct sb_value *
form_defmacro(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	struct sb_value *sig = nth(x, 0), *v;

	(void)tail;
	if (!sig || !ispair(sig) || car(sig)->kind != SB_V_SYMBOL ||
	    sb_list_length(x) < 3)
		return malformed(e, x, "expected (name parameters…) and a body");
	if (!(v = mkclosure(e, x, cdr(sig), from(x, 1), *env,
	    car(sig)->u.sym)))
		return NULL;
	v->kind = SB_V_MACRO;
	v->u.clo->defmacro = 1;
	sb_env_define(e, *env, car(sig)->u.sym, v, x->span);
	return e->unspec;
}

/* (defined? 'name): bound anywhere in the current environment chain. */
static struct sb_value *
form_definedp(struct sb_eval *e, struct sb_value *x, struct sb_env **env,
    struct sb_value **tail)
{
	struct sb_value *v;

	(void)tail;
	if (sb_list_length(x) != 2)
		return sb_eval_error(e, x->span, "defined?: expected one "
		    "argument");
	if (!(v = sb_eval_expr(e, nth(x, 0), *env)))
		return NULL;
	if (sb_want(e, "defined?", 1, v, SB_V_SYMBOL, "a symbol") < 0)
		return NULL;
	return sb_value_bool(e->a, sb_env_lookup(e, *env, v->u.sym) != NULL,
	    x->span);
}

const sb_formfn sb_form_handlers[] = {
#define FORM(id, name, fn) fn,
#include "compiler/forms.def"
#undef FORM
};

void
sb_forms_install(struct sb_eval *e)
{
	static const char *const names[] = {
#define FORM(id, name, fn) name,
#include "compiler/forms.def"
#undef FORM
	};
	uint16_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct sb_value *v = sb_value_new(e->a, SB_V_FORM,
		    (struct sb_span){ SB_NOSRC, 0, 0 });
		v->u.form = i;
		sb_env_global(e, names[i], v);
	}
}
