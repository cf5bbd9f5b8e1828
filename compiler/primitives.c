/*
** SBPL primitives (LANGUAGE.md §2.2 step 1, §5, §6.4, §7): the target's
** vocabulary bound as globals (operations, filter constructors and their
** derived names, named constants, modifier kinds), and the native
** procedures the library in stdlib-sb/sbpl/ is written on: allow, deny,
** require-all/-any/-not, with, sbpl-filter?, param, %trace-path. Import and
** library loading are in import.c.
*/
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/limits.h"
#include "compiler/compile.h"
#include "compiler/eval.h"
#include "compiler/filter.h"
#include "compiler/primitives.h"
#include "compiler/profile.h"
#include "compiler/regex.h"
#include "kext/target.h"

#define ARGS struct sb_eval *e, struct sb_value **a, uint32_t n, \
    struct sb_span call

/* Modifier ids above the table's, for the deprecated library kinds (§5.9). */
enum {
	MOD_NO_CALLOUT = 0xff00,
	MOD_PARTIAL_SYMBOLICATION,
	MOD_TERMINATION
};

static struct sb_value *
badvalue(struct sb_eval *e, uint32_t argno, struct sb_value *v,
    const char *fmt, const char *arg)
{
	struct sb_buf b = SB_BUF_INIT;
	struct sb_span at = sb_eval_argspan(e, argno, v);

	sb_value_write(&b, e->target, v, 0, 60);
	if (v->param)
		sb_eval_error(e, at, "%s, got %s: parameter '%s' is not "
		    "set (define it with -D %s=VALUE)", arg, b.data,
		    v->param->name, v->param->name);
	else
		sb_eval_error(e, at, fmt, arg, b.data);
	sb_buf_free(&b);
	return NULL;
}

/* --- filters ----------------------------------------------------------- */

static const char *
filtername(struct sb_eval *e, uint16_t id, uint8_t pat, char *buf,
    size_t size)
{
	return sb_filter_spelling(e->target, id, pat, buf, size);
}

/* Resolve constant V against the named values of filter ID. */
static int
constvalue(struct sb_eval *e, uint16_t id, struct sb_value *v, int64_t *out,
    const char **cname)
{
	const struct sb_value_info *vals;
	unsigned nv, i;

	if (v->kind == SB_V_INT) {
		*out = v->u.i;
		*cname = NULL;
		return 0;
	}
	if (v->kind != SB_V_CONST)
		return -1;
	vals = sb_target_filter_values(e->target, id, &nv);
	if (nv == 0) {
		/*
		** A filter without named values takes any constant's number:
		** profiles write (socket-protocol IPPROTO_TCP), whose name the
		** tables list only under socket-option-level.
		*/
		*out = v->u.cnst.value;
		*cname = v->u.cnst.name->name;
		return 0;
	}
	for (i = 0; i < nv; i++)
		if (strcmp(vals[i].name, v->u.cnst.name->name) == 0) {
			*out = vals[i].value;
			*cname = vals[i].name;
			return 0;
		}
	return -2;
}

/* A regex TEST, compiled now so that a bad pattern is located. */
static const struct sb_filter *
regextest(struct sb_eval *e, uint16_t id, struct sb_value *v, uint32_t argno,
    const struct sb_farg *arg)
{
	struct sb_regex *rx = sb_arena_alloc(e->a, sizeof *rx);
	struct sb_filter *f;
	struct sb_rx_error err;
	struct sb_span at = sb_eval_argspan(e, argno, v);

	if (sb_regex_compile(e->a, arg->s, arg->len, rx, &err) < 0) {
		/* point into the literal when it was written as one */
		const struct sb_source *s = sb_source_get(&e->ctx->sources,
		    at.src);
		if (s && at.len == arg->len + 3 && s->text[at.off] == '#') {
			at.off += 2 + err.off;
			at.len = 1;
		}
		sb_eval_error(e, at, "invalid regex \"%s\": %s", arg->s,
		    err.msg);
		return NULL;
	}
	f = (struct sb_filter *)sb_filter_test(e->a, id, SB_PAT_REGEX, arg,
	    v->span);
	f->rx = rx;
	return f;
}

/* One TEST from argument V of filter ID written with pattern PAT. */
static const struct sb_filter *
testfor(struct sb_eval *e, uint16_t id, uint8_t pat, struct sb_value *v,
    uint32_t argno, struct sb_span call)
{
	const struct sb_filter_info *fi = &e->target->filters[id];
	struct sb_farg arg;
	char buf[96], msg[160];
	const char *name = filtername(e, id, pat, buf, sizeof buf);
	int r;

	memset(&arg, 0, sizeof arg);
	switch (fi->argkind) {
	case SB_ARG_PATH:
	case SB_ARG_PATTERN:
	case SB_ARG_PREFIX:
	case SB_ARG_STRING:
	case SB_ARG_STATE_FLAG:
	case SB_ARG_PROFILE_FLAG:
		if (v->kind != SB_V_STRING) {
			snprintf(msg, sizeof msg, "invalid data type for %s: "
			    "expected %s", name, fi->argkind == SB_ARG_STRING ?
			    "string" : "pattern");
			badvalue(e, argno, v, "%s, got %s", msg);
			return NULL;
		}
		arg.kind = SB_FA_STRING;
		arg.s = v->u.str.s;
		arg.len = v->u.str.len;
		if (pat == SB_PAT_REGEX)
			return regextest(e, id, v, argno, &arg);
		break;
	case SB_ARG_BOOL:
		if (v->kind != SB_V_BOOL) {
			snprintf(msg, sizeof msg, "invalid data type for %s: "
			    "expected boolean", name);
			badvalue(e, argno, v, "%s, got %s", msg);
			return NULL;
		}
		arg.kind = SB_FA_BOOL;
		arg.i = v->u.boolean;
		break;
	case SB_ARG_INT:
	case SB_ARG_BITFIELD:
		r = constvalue(e, id, v, &arg.i, &arg.cname);
		if (r == -2) {
			snprintf(msg, sizeof msg, "'%s' is not a value of %s",
			    v->u.cnst.name->name, name);
			sb_eval_error(e, sb_eval_argspan(e, argno, v), "%s", msg);
			return NULL;
		}
		if (r < 0) {
			snprintf(msg, sizeof msg, "invalid data type for %s: "
			    "expected number", name);
			badvalue(e, argno, v, "%s, got %s", msg);
			return NULL;
		}
		arg.kind = SB_FA_INT;
		break;
	default:
		sb_eval_error(e, call, "%s: this filter's arguments are not "
		    "supported", name);
		return NULL;
	}
	return sb_filter_test(e->a, id, pat, &arg, v->span);
}

/* (local PROTO ["host:port"…]) and (remote …). */
static const struct sb_filter *
network(struct sb_eval *e, uint16_t id, struct sb_value **a, uint32_t n,
    struct sb_span call)
{
	const struct sb_filter **kids;
	struct sb_farg arg;
	char msg[160];
	uint32_t i;
	int r;

	memset(&arg, 0, sizeof arg);
	arg.kind = SB_FA_NETWORK;
	r = constvalue(e, id, a[0], &arg.i, &arg.cname);
	if (r < 0) {
		snprintf(msg, sizeof msg, "invalid data type for %s: expected "
		    "a protocol (ip, tcp, udp, …)", e->target->filters[id].name);
		if (r == -2)
			sb_eval_error(e, sb_eval_argspan(e, 1, a[0]), "'%s' is not a protocol "
			    "of %s", a[0]->u.cnst.name->name,
			    e->target->filters[id].name);
		else
			badvalue(e, 1, a[0], "%s, got %s", msg);
		return NULL;
	}
	if (n == 1)
		return sb_filter_test(e->a, id, SB_PAT_NONE, &arg, call);
	kids = sb_arena_alloc(e->a, (n - 1) * sizeof *kids);
	for (i = 1; i < n; i++) {
		if (a[i]->kind != SB_V_STRING) {
			snprintf(msg, sizeof msg, "invalid data type for %s: "
			    "expected \"host:port\"",
			    e->target->filters[id].name);
			badvalue(e, i + 1, a[i], "%s, got %s", msg);
			return NULL;
		}
		if (!memchr(a[i]->u.str.s, ':', a[i]->u.str.len)) {
			sb_eval_error(e, sb_eval_argspan(e, i + 1, a[i]), "invalid network address "
			    "\"%s\": expected \"host:port\" (\"*:*\", "
			    "\"localhost:443\")", a[i]->u.str.s);
			return NULL;
		}
		arg.s = a[i]->u.str.s;
		arg.len = a[i]->u.str.len;
		kids[i - 1] = sb_filter_test(e->a, id, SB_PAT_NONE, &arg,
		    a[i]->span);
	}
	return sb_filter_join(e->a, SB_F_ANY, kids, n - 1, call);
}

static struct sb_value *
filterv(struct sb_eval *e, const struct sb_filter *f, struct sb_span span)
{
	struct sb_value *v;

	if (!f)
		return NULL;
	v = sb_value_new(e->a, SB_V_FILTER, span);
	v->u.filter = f;
	return v;
}

/* Apply a filter constructor: several arguments mean any of them. */
struct sb_value *
sb_prim_filter(struct sb_eval *e, const struct sb_value *ctor,
    struct sb_value **a, uint32_t n, struct sb_span call)
{
	uint16_t id = ctor->u.fctor.filter;
	const struct sb_filter **kids;
	char buf[96];
	const char *name = filtername(e, id, ctor->u.fctor.pat, buf,
	    sizeof buf);
	uint32_t i;

	if (n == 0)
		return sb_eval_error(e, call, "%s: too few arguments (expected "
		    "at least 1, got 0)", name);
	if (e->target->filters[id].argkind == SB_ARG_NETWORK)
		return filterv(e, network(e, id, a, n, call), call);
	kids = sb_arena_alloc(e->a, n * sizeof *kids);
	for (i = 0; i < n; i++)
		if (!(kids[i] = testfor(e, id, ctor->u.fctor.pat, a[i], i + 1,
		    call)))
			return NULL;
	return filterv(e, n == 1 ? kids[0] : sb_filter_join(e->a, SB_F_ANY,
	    kids, n, call), call);
}

static struct sb_value *
metafilter(struct sb_eval *e, const char *name, enum sb_fkind kind,
    struct sb_value **a, uint32_t n, struct sb_span call)
{
	const struct sb_filter **kids = sb_arena_alloc(e->a,
	    (n ? n : 1) * sizeof *kids);
	int load = sb_target_filter_find(e->target, "%entitlement-load", 17);
	int ordered = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		if (a[i]->kind != SB_V_FILTER) {
			struct sb_buf b = SB_BUF_INIT;
			sb_value_write(&b, e->target, a[i], 0, 60);
			sb_eval_error(e, sb_eval_argspan(e, i + 1, a[i]), "argument %u of %s is not "
			    "a filter: %s", i + 1, name, b.data);
			sb_buf_free(&b);
			return NULL;
		}
		kids[i] = a[i]->u.filter;
		ordered |= kids[i]->kind == SB_F_TEST && kids[i]->filter == load;
	}
	/* an entitlement load and the tests of its value stay together, in
	** order (FORMAT.md §5.2 rule 4) */
	if (kind == SB_F_ALL && ordered)
		return filterv(e, sb_filter_seq(e->a, kids, n, call), call);
	return filterv(e, sb_filter_join(e->a, kind, kids, n, call), call);
}

static struct sb_value *
p_require_all(ARGS)
{
	return metafilter(e, "require-all", SB_F_ALL, a, n, call);
}

static struct sb_value *
p_require_any(ARGS)
{
	return metafilter(e, "require-any", SB_F_ANY, a, n, call);
}

static struct sb_value *
p_require_not(ARGS)
{
	if (n != 1)
		return sb_eval_error(e, call, "require-not takes exactly one "
		    "filter, got %u arguments", n);
	if (a[0]->kind != SB_V_FILTER)
		return metafilter(e, "require-not", SB_F_ALL, a, n, call);
	return filterv(e, sb_filter_not(e->a, a[0]->u.filter, call), call);
}

static struct sb_value *
p_sbpl_filterp(ARGS)
{
	(void)n;
	return sb_value_bool(e->a, a[0]->kind == SB_V_FILTER, call);
}

/* --- modifiers --------------------------------------------------------- */

static const char *
modname(struct sb_eval *e, uint16_t id)
{
	switch (id) {
	case MOD_NO_CALLOUT: return "no-callout";
	case MOD_PARTIAL_SYMBOLICATION: return "partial-symbolication";
	case MOD_TERMINATION: return "termination";
	}
	return e->target->modifiers[id].name;
}

/*
** A message-filter block, as apply-message-filter collects it: a list of
** (allow|deny ARG…) entries whose arguments are message-filter
** operations, filters and modifiers (LANGUAGE.md §5.8, §8.2). Checked
** here and rendered as the canonical text of its rules, in order.
*/
static const char *
policyblock(struct sb_eval *e, struct sb_value *block)
{
	struct sb_buf b = SB_BUF_INIT, w = SB_BUF_INIT;
	struct sb_value *p, *q, *v;
	const char *r = NULL, *what;
	int first = 1;

	if (sb_list_length(block) < 0) {
		badvalue(e, 2, block, "modifier '%s': expected a list of rules, "
		    "got %s", "message-filter");
		return NULL;
	}
	for (p = block; p->kind == SB_V_PAIR; p = p->u.pair.cdr) {
		struct sb_value *entry = p->u.pair.car;
		int haveop = 0;
		if (sb_list_length(entry) < 1 ||
		    entry->u.pair.car->kind != SB_V_SYMBOL) {
			badvalue(e, 2, entry, "modifier '%s': expected (allow …) "
			    "or (deny …), got %s", "message-filter");
			goto out;
		}
		what = entry->u.pair.car->u.sym->name;
		if (strcmp(what, "allow") && strcmp(what, "deny")) {
			badvalue(e, 2, entry, "modifier '%s': expected (allow …) "
			    "or (deny …), got %s", "message-filter");
			goto out;
		}
		sb_buf_printf(&b, "%s(%s", first ? "" : " ", what);
		first = 0;
		for (q = entry->u.pair.cdr; q->kind == SB_V_PAIR;
		    q = q->u.pair.cdr) {
			v = q->u.pair.car;
			w.len = 0;
			if (v->kind == SB_V_OP && (e->target->ops[v->u.op].flags &
			    SB_OP_MESSAGE_FILTER)) {
				haveop = 1;
				sb_buf_printf(&b, " %s", e->target->ops[v->u.op].name);
				continue;
			}
			if (v->kind == SB_V_FILTER) {
				sb_buf_putc(&b, ' ');
				sb_filter_text(&b, e->target, v->u.filter);
				continue;
			}
			if (v->kind == SB_V_MODIFIER) {
				sb_buf_printf(&b, " (with %s)",
				    modname(e, v->u.mod.id));
				continue;
			}
			sb_value_write(&w, e->target, v, 0, 60);
			sb_eval_error(e, v->span.src != SB_NOSRC ? v->span :
			    entry->span, "invalid rule argument to %s in a "
			    "message filter: %s is not a message-filter "
			    "operation, filter or modifier", what, w.data);
			goto out;
		}
		if (!haveop) {
			sb_eval_error(e, entry->span, "invalid rule in a message "
			    "filter: %s needs a message-filter operation", what);
			goto out;
		}
		sb_buf_putc(&b, ')');
	}
	r = sb_arena_strndup(e->a, b.data ? b.data : "", b.len);
out:
	sb_buf_free(&b);
	sb_buf_free(&w);
	return r;
}

/* (with KIND [ARG]) */
static struct sb_value *
p_with(ARGS)
{
	struct sb_value *v;
	const struct sb_modifier_info *mi;
	uint16_t id;

	if (a[0]->kind != SB_V_MODKIND) {
		struct sb_buf b = SB_BUF_INIT;
		sb_value_write(&b, e->target, a[0], 0, 60);
		sb_eval_error(e, sb_eval_argspan(e, 1, a[0]), "with: %s is not a modifier",
		    b.data);
		sb_buf_free(&b);
		return NULL;
	}
	id = a[0]->u.mod.id;
	if (id >= MOD_NO_CALLOUT || e->target->modifiers[id].argkind ==
	    SB_ARG_NONE) {
		if (n > 1)
			return sb_eval_error(e, sb_eval_argspan(e, 2, a[1]),
			    "modifier '%s': unexpected argument", modname(e, id));
	} else {
		mi = &e->target->modifiers[id];
		if (n < 2)
			return sb_eval_error(e, call, "modifier '%s' takes one "
			    "argument", mi->name);
		if (n > 2)
			return sb_eval_error(e, sb_eval_argspan(e, 3, a[2]),
			    "modifier '%s' takes one argument", mi->name);
		if (mi->argkind == SB_ARG_STRING && a[1]->kind != SB_V_STRING)
			return badvalue(e, 2, a[1], "modifier '%s': expected a "
			    "string, got %s", mi->name);
		if (mi->argkind == SB_ARG_INT && a[1]->kind != SB_V_INT &&
		    a[1]->kind != SB_V_CONST)
			return badvalue(e, 2, a[1], "modifier '%s': expected a "
			    "number, got %s", mi->name);
	}
	v = sb_value_new(e->a, SB_V_MODIFIER, call);
	v->u.mod.id = id;
	v->u.mod.arg = n > 1 ? a[1] : NULL;
	if (id < MOD_NO_CALLOUT && e->target->modifiers[id].argkind ==
	    SB_ARG_POLICY && !(v->u.mod.block = policyblock(e, a[1])))
		return NULL;
	return v;
}

/* Resolve a modifier value into a rule modifier; -1 after an error. */
static int
addmod(struct sb_eval *e, struct sb_profile *p, enum sb_action action,
    struct sb_value *m, uint32_t argno, struct sb_mod *out, uint32_t *nout)
{
	struct sb_span at = sb_eval_argspan(e, argno, m);
	uint16_t id = m->u.mod.id;
	const struct sb_modifier_info *mi;
	struct sb_mod mod;
	unsigned nv, i;
	const struct sb_value_info *vals;

	memset(&mod, 0, sizeof mod);
	if (id == MOD_NO_CALLOUT) {
		p->no_callout = 1;
		return 0;
	}
	if (id == MOD_PARTIAL_SYMBOLICATION) {
		p->partial_symbolication = 1;
		return 0;
	}
	if (id == MOD_TERMINATION) {
		int sk = sb_target_modifier_find(e->target, "send-signal", 11);
		if (sk < 0)
			return 0;
		id = (uint16_t)sk;
		mod.arg.kind = SB_FA_INT;
		mod.arg.i = 9;
		mod.arg.cname = "SIGKILL";
	}
	mi = &e->target->modifiers[id];
	if (!(mi->actions & (action == SB_ALLOW ? SB_ACTION_ALLOW :
	    SB_ACTION_DENY))) {
		sb_eval_error(e, at, "modifier '%s' is only valid on %s "
		    "rules", mi->name, action == SB_ALLOW ? "deny" : "allow");
		return -1;
	}
	for (i = 0; i < *nout; i++)
		if (out[i].id == id) {
			sb_eval_error(e, at, "duplicate modifier '%s'",
			    mi->name);
			return -1;
		}
	mod.id = id;
	if (m->u.mod.arg && mod.arg.kind == SB_FA_NONE) {
		struct sb_value *v = m->u.mod.arg;
		if (v->kind == SB_V_STRING) {
			mod.arg.kind = SB_FA_STRING;
			mod.arg.s = v->u.str.s;
			mod.arg.len = v->u.str.len;
		} else if (v->kind == SB_V_INT) {
			mod.arg.kind = SB_FA_INT;
			mod.arg.i = v->u.i;
		} else if (v->kind == SB_V_CONST) {
			mod.arg.kind = SB_FA_INT;
			mod.arg.i = v->u.cnst.value;
			mod.arg.cname = v->u.cnst.name->name;
			vals = sb_target_modifier_values(e->target, id, &nv);
			for (i = 0; i < nv; i++)
				if (strcmp(vals[i].name, mod.arg.cname) == 0)
					mod.arg.i = vals[i].value;
		} else {
			/* message-filter: its rules, as canonical text */
			mod.arg.kind = SB_FA_BLOCK;
			mod.arg.s = m->u.mod.block;
			mod.arg.len = (uint32_t)strlen(m->u.mod.block);
		}
	}
	out[(*nout)++] = mod;
	return 0;
}

static int
bymodid(const void *pa, const void *pb)
{
	const struct sb_mod *x = pa, *y = pb;

	return (x->id > y->id) - (x->id < y->id);
}

/* --- rules ------------------------------------------------------------- */

static int
isnoop(struct sb_eval *e, struct sb_value *v)
{
	return v->kind == SB_V_SYMBOL && v->u.sym == e->s_noop;
}

static struct sb_value *
rule(struct sb_eval *e, enum sb_action action, struct sb_value **a,
    uint32_t n, struct sb_span call)
{
	const char *name = action == SB_ALLOW ? "allow" : "deny";
	struct sb_profile *p = e->profile;
	const struct sb_filter **fl;
	struct sb_rule *r;
	uint16_t *ops;
	struct sb_mod *mods;
	uint32_t i, j, nops = 0, nfl = 0, nmods = 0;

	if (n > 0 && isnoop(e, a[0]))
		return e->unspec;
	if (p->nrules >= SB_LIMIT_RULES)
		return sb_eval_error(e, call, "more than %u rules",
		    SB_LIMIT_RULES);
	ops = sb_arena_alloc(e->a, (n ? n : 1) * sizeof *ops);
	fl = sb_arena_alloc(e->a, (n ? n : 1) * sizeof *fl);
	mods = sb_arena_alloc(e->a, (n ? n : 1) * sizeof *mods);
	for (i = 0; i < n; i++) {
		struct sb_value *v = a[i];
		switch (v->kind) {
		case SB_V_OP:
			for (j = 0; j < nops && ops[j] != v->u.op; j++)
				;
			if (j == nops)
				ops[nops++] = v->u.op;
			break;
		case SB_V_FILTER:
			fl[nfl++] = v->u.filter;
			break;
		case SB_V_MODIFIER:
			if (addmod(e, p, action, v, i + 1, mods, &nmods) < 0)
				return NULL;
			break;
		default: {
			struct sb_buf b = SB_BUF_INIT;
			sb_value_write(&b, e->target, v, 0, 60);
			if (v->param)
				sb_eval_error(e, sb_eval_argspan(e, i + 1, v),
				    "invalid rule argument to %s: %s: parameter "
				    "'%s' is not set (define it with -D %s=VALUE)",
				    name, b.data, v->param->name,
				    v->param->name);
			else
				sb_eval_error(e, sb_eval_argspan(e, i + 1, v),
				    "invalid rule argument "
				    "to %s: %s is a %s, not an operation, "
				    "filter or modifier", name, b.data,
				    sb_value_kindname(v));
			sb_buf_free(&b);
			return NULL;
		}
		}
	}
	if (nops == 0)
		return sb_eval_error(e, call, "invalid rule: %s needs at least "
		    "one operation", name);
	for (i = 0; i < nops; i++)
		if (e->target->ops[ops[i]].flags & SB_OP_MESSAGE_FILTER)
			return sb_eval_error(e, call, "operation '%s' may only "
			    "be used inside a message filter",
			    e->target->ops[ops[i]].name);
	qsort(mods, nmods, sizeof *mods, bymodid);
	r = sb_arena_calloc(e->a, sizeof *r);
	r->action = action;
	r->ops = ops;
	r->nops = (uint16_t)nops;
	r->filter = nfl == 0 ? NULL : nfl == 1 ? fl[0] :
	    sb_filter_join(e->a, SB_F_ANY, fl, nfl, call);
	r->mods.v = mods;
	r->mods.n = nmods;
	r->site = e->rulesite.src != SB_NOSRC ? e->rulesite :
	    e->site.src != SB_NOSRC ? e->site : call;
	r->frames = sb_frame_capture(e);
	sb_profile_add(p, r);
	return e->unspec;
}

static struct sb_value *
p_allow(ARGS)
{
	return rule(e, SB_ALLOW, a, n, call);
}

static struct sb_value *
p_deny(ARGS)
{
	return rule(e, SB_DENY, a, n, call);
}

/* --- parameters and trace ---------------------------------------------- */

/* (param "NAME"): the -D value, or #f remembering which parameter it was. */
static struct sb_value *
p_param(ARGS)
{
	const struct sb_options *o = e->opts;
	struct sb_value *v;
	uint32_t i;

	(void)n;
	if (sb_want(e, "param", 1, a[0], SB_V_STRING, "a string") < 0)
		return NULL;
	for (i = o->nparams; i-- > 0;)
		if (strcmp(o->params[i].name, a[0]->u.str.s) == 0) {
			v = sb_value_string(e->a, o->params[i].value,
			    (uint32_t)strlen(o->params[i].value), call);
			return v;
		}
	v = sb_value_bool(e->a, 0, call);
	v->param = sb_intern(&e->ctx->syms, a[0]->u.str.s, a[0]->u.str.len);
	return v;
}

static struct sb_value *
p_trace_path(ARGS)
{
	(void)n;
	(void)call;
	if (sb_want(e, "trace", 1, a[0], SB_V_STRING, "a string") < 0)
		return NULL;
	e->profile->trace = a[0]->u.str.s;
	return e->unspec;
}

/* --- the vocabulary ---------------------------------------------------- */

static const struct sb_builtin natives[] = {
	{ "allow", 0, -1, p_allow, 0, 0 },
	{ "deny", 0, -1, p_deny, 0, 0 },
	{ "require-all", 0, -1, p_require_all, 0, 0 },
	{ "require-any", 0, -1, p_require_any, 0, 0 },
	{ "require-not", 0, -1, p_require_not, 0, 0 },
	{ "with", 1, -1, p_with, 0, 0 },
	{ "sbpl-filter?", 1, 1, p_sbpl_filterp, 0, 0 },
	{ "param", 1, 1, p_param, 0, 0 },
	{ "%trace-path", 1, 1, p_trace_path, 0, 0 },
};

static void
bindbuiltin(struct sb_eval *e, const struct sb_builtin *bi)
{
	struct sb_value *v = sb_value_new(e->a, SB_V_BUILTIN,
	    (struct sb_span){ SB_NOSRC, 0, 0 });

	v->u.bi = bi;
	sb_env_global(e, bi->name, v);
}

static int
bound(struct sb_eval *e, const char *name)
{
	struct sb_sym *s = sb_intern_find(&e->ctx->syms, name, strlen(name));

	return s && s->global;
}

static void
bindfctor(struct sb_eval *e, const char *name, uint16_t id, uint8_t pat)
{
	struct sb_value *v;

	if (bound(e, name))
		return;
	v = sb_value_new(e->a, SB_V_FCTOR, (struct sb_span){ SB_NOSRC, 0, 0 });
	v->u.fctor.filter = id;
	v->u.fctor.pat = pat;
	sb_env_global(e, name, v);
}

static void
bindfilters(struct sb_eval *e)
{
	const struct sb_target *t = e->target;
	char buf[128];
	unsigned id;

	for (id = 0; id < t->filter_count; id++) {
		const struct sb_filter_info *fi = &t->filters[id];
		uint8_t base = SB_PAT_NONE;
		if (!fi->name)
			continue;
		switch (fi->argkind) {
		case SB_ARG_PATH:
		case SB_ARG_PATTERN:
		case SB_ARG_STRING:
			base = SB_PAT_LITERAL;
			break;
		case SB_ARG_PREFIX:
			base = SB_PAT_PREFIX;
			break;
		}
		bindfctor(e, fi->name, (uint16_t)id, base);
		if (fi->argkind == SB_ARG_PATH || fi->argkind == SB_ARG_PATTERN ||
		    fi->argkind == SB_ARG_PREFIX) {
			snprintf(buf, sizeof buf, "%s-regex", fi->name);
			bindfctor(e, buf, (uint16_t)id, SB_PAT_REGEX);
		}
		if (fi->argkind == SB_ARG_PATH || fi->argkind == SB_ARG_PATTERN) {
			snprintf(buf, sizeof buf, "%s-prefix", fi->name);
			bindfctor(e, buf, (uint16_t)id, SB_PAT_PREFIX);
		}
		if (fi->argkind == SB_ARG_PATH)
			bindfctor(e, sb_filter_spelling(t, (uint16_t)id,
			    SB_PAT_SUBPATH, buf, sizeof buf), (uint16_t)id,
			    SB_PAT_SUBPATH);
	}
}

/* The constants of each target, sorted by name (compiler/mkconsts.sh). */
struct constrow {
	const char *name;
	uint16_t owner;         /* filter or modifier id */
	uint32_t value;
	uint8_t modifier;       /* owner is a modifier */
};

static const struct constrow consts_macos14[] = {
#define SB_CONST(name, owner, value, mod) { name, owner, value, mod },
#include "compiler/consts-macos14.h"
#undef SB_CONST
};

static const struct constrow *
consttable(const struct sb_target *t, size_t *n)
{
	if (strcmp(t->name, "macos14") == 0) {
		*n = sizeof consts_macos14 / sizeof consts_macos14[0];
		return consts_macos14;
	}
	*n = 0;
	return NULL;
}

void
sb_prim_const(struct sb_eval *e, struct sb_sym *sym)
{
	size_t n, lo = 0, hi;
	const struct constrow *rows = consttable(e->target, &n);
	struct sb_value *v;
	int c;

	for (hi = n; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;
		c = strcmp(sym->name, rows[mid].name);
		if (c == 0) {
			v = sb_value_new(e->a, SB_V_CONST,
			    (struct sb_span){ SB_NOSRC, 0, 0 });
			v->u.cnst.name = sym;
			v->u.cnst.value = rows[mid].value;
			sb_env_define(e, NULL, sym, v,
			    (struct sb_span){ SB_NOSRC, 0, 0 });
			return;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
}

const char *
sb_prim_constname(struct sb_eval *e, unsigned i)
{
	size_t n;
	const struct constrow *rows = consttable(e->target, &n);

	return i < n ? rows[i].name : NULL;
}

static void
bindmodkind(struct sb_eval *e, const char *name, uint16_t id)
{
	struct sb_value *v;

	if (bound(e, name))
		return;
	v = sb_value_new(e->a, SB_V_MODKIND, (struct sb_span){ SB_NOSRC, 0, 0 });
	v->u.mod.id = id;
	sb_env_global(e, name, v);
}

void
sb_primitives_install(struct sb_eval *e)
{
	const struct sb_target *t = e->target;
	unsigned i;
	size_t k;

	for (k = 0; k < sizeof natives / sizeof natives[0]; k++)
		bindbuiltin(e, &natives[k]);
	for (i = 0; i < t->op_name_count; i++) {
		struct sb_value *v = sb_value_new(e->a, SB_V_OP,
		    (struct sb_span){ SB_NOSRC, 0, 0 });
		v->u.op = (uint16_t)i;
		sb_env_global(e, t->ops[i].name, v);
	}
	bindfilters(e);
	for (i = 0; i < t->modifier_count; i++)
		if (t->modifiers[i].name)
			bindmodkind(e, t->modifiers[i].name, (uint16_t)i);
	bindmodkind(e, "no-callout", MOD_NO_CALLOUT);
	bindmodkind(e, "partial-symbolication", MOD_PARTIAL_SYMBOLICATION);
	bindmodkind(e, "termination", MOD_TERMINATION);
}
