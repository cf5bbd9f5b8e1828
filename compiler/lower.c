/*
** IR → graph (FORMAT.md §5.2). For each slot, start from its implicit
** leaf and wrap the graph so far with each rule in emission order:
** next = lower(rule.filter, leaf(rule), next), so the newest rule is
** tested first ("last match wins"). require-any, require-all and
** require-not are wiring of plain test nodes:
**
**   lower(any(a, b…), T, F) = lower(a, T, lower(any(b…), T, F))
**   lower(all(a, b…), T, F) = lower(a, lower(all(b…), T, F), F)
**   lower(not(a), T, F)     = lower(a, F, T)
**
** Nodes are hash-consed by the graph, so slots with the same rule list
** share their graph; the list itself is memoised too, which keeps the
** work per profile linear in the rules, not in rules times slots. Leaves
** are per rule (DESIGN.md §2.5).
*/
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "compiler/lower.h"
#include "compiler/pattern.h"
#include "compiler/regex.h"
#include "kext/target.h"

struct lowerer {
	struct sb_graph *g;
	const struct sb_profile *p;
	const struct sb_target *t;
	struct sb_diag *d;
	uint32_t *leaves;               /* per rule id, SB_GRAPH_NONE until made */
	int failed;
	struct memo {                   /* slot lists already lowered */
		uint64_t hash;
		const struct sb_oplist *list;
		uint32_t entry;
	} *memo;
	uint32_t nmemo, capmemo;
};

static uint32_t
fail(struct lowerer *l, struct sb_span at, const char *fmt, const char *arg)
{
	if (!l->failed)
		sb_diag(l->d, SB_ERROR, "format", at, fmt, arg);
	l->failed = 1;
	return SB_GRAPH_NONE;
}

static int
varindex(void *ctx, const char *name, size_t len)
{
	struct sb_graph *g = ctx;
	uint32_t v = sb_graph_var(g, name, len);

	return v > 255 ? -1 : (int)v;
}

/* The leaf of RULE: decision, flag modifiers, at most one inline one. */
static uint32_t
leaf(struct lowerer *l, const struct sb_rule *r)
{
	uint32_t flags = r->action == SB_DENY ? 0x000005 : 0x000000;
	uint32_t arg = 0, i;
	enum sb_garg argkind = SB_GARG_IMM;
	uint8_t inl = 0;

	if (l->leaves[r->id] != SB_GRAPH_NONE)
		return l->leaves[r->id];
	for (i = 0; i < r->mods.n; i++) {
		const struct sb_mod *m = &r->mods.v[i];
		const struct sb_modifier_info *mi = &l->t->modifiers[m->id];
		if (mi->argkind == SB_ARG_POLICY)
			return fail(l, r->site, "message filters cannot be "
			    "compiled yet (modifier '%s')", mi->name);
		if (!mi->is_inline) {
			flags = (flags & ~mi->mask) | mi->flag;
			continue;
		}
		if (inl)
			return fail(l, r->site, "a rule may carry only one "
			    "modifier with an argument; '%s' is a second one",
			    mi->name);
		inl = (uint8_t)m->id;
		flags |= 0x800000;
		if (m->arg.kind == SB_FA_STRING) {
			argkind = SB_GARG_ITEM;
			arg = sb_graph_string(l->g, m->arg.s, m->arg.len);
		} else {
			if (m->arg.i < 0 || m->arg.i > 0xffff)
				return fail(l, r->site, "the argument of modifier "
				    "'%s' does not fit in 16 bits", mi->name);
			arg = (uint32_t)m->arg.i;
		}
	}
	l->leaves[r->id] = sb_graph_leaf(l->g, flags, inl, 0, argkind, arg,
	    r->id);
	return l->leaves[r->id];
}

/* A network item from "host:port" (FORMAT.md §7.2). */
static uint32_t
network(struct lowerer *l, const struct sb_filter *f)
{
	const char *colon;
	uint8_t place = 0;
	long port = 0;
	char *end;

	if (f->arg.s) {
		colon = strrchr(f->arg.s, ':');
		if (!colon)
			return fail(l, f->span, "invalid network address '%s'",
			    f->arg.s);
		if ((size_t)(colon - f->arg.s) == 9 &&
		    memcmp(f->arg.s, "localhost", 9) == 0)
			place = 1;
		else if (!(colon - f->arg.s == 1 && f->arg.s[0] == '*'))
			return fail(l, f->span, "network host in '%s' cannot be "
			    "compiled: only '*' and 'localhost' can",
			    f->arg.s);
		if (strcmp(colon + 1, "*") != 0) {
			port = strtol(colon + 1, &end, 10);
			if (*end || port <= 0 || port > 0xffff)
				return fail(l, f->span, "invalid port in '%s'",
				    f->arg.s);
		}
	}
	return sb_graph_network(l->g, (uint8_t)f->arg.i, place,
	    (uint16_t)port);
}

/* One test node for TEST F. */
static uint32_t
test(struct lowerer *l, const struct sb_filter *f, uint32_t t, uint32_t e)
{
	const struct sb_filter_info *fi = &l->t->filters[f->filter];
	struct sb_buf b = SB_BUF_INIT;
	const char *why = NULL;
	uint32_t item;

	switch (f->arg.kind) {
	case SB_FA_STRING:
		if (fi->argkind == SB_ARG_STATE_FLAG)
			return sb_graph_test(l->g, (uint8_t)f->filter,
			    SB_GARG_STATE, sb_graph_state(l->g, f->arg.s,
			    f->arg.len), t, e);
		if (fi->argkind == SB_ARG_STRING)
			return sb_graph_test(l->g, (uint8_t)f->filter,
			    SB_GARG_ITEM, sb_graph_string(l->g, f->arg.s,
			    f->arg.len), t, e);
		if (f->pat == SB_PAT_REGEX) {
			if (!f->rx || sb_regex_item(f->rx, &b) < 0) {
				sb_buf_free(&b);
				return fail(l, f->span, "regex '%s' is too long "
				    "for the format", f->arg.s);
			}
			item = sb_graph_item(l->g, SB_ITEM_REGEX, b.data, b.len);
			sb_buf_free(&b);
			return sb_graph_test(l->g, (uint8_t)(f->filter | 0x80),
			    SB_GARG_REGEX, sb_graph_regex(l->g, item), t, e);
		}
		if (sb_pattern_item(&b, f->pat, f->arg.s, f->arg.len, varindex,
		    l->g, &why) < 0) {
			sb_buf_free(&b);
			return fail(l, f->span, "%s", why);
		}
		item = sb_graph_item(l->g, SB_ITEM_PATTERN, b.data, b.len);
		sb_buf_free(&b);
		return sb_graph_test(l->g, (uint8_t)f->filter, SB_GARG_ITEM,
		    item, t, e);
	case SB_FA_INT:
	case SB_FA_BOOL:
		if (f->arg.i < 0 || f->arg.i > 0xffff)
			return fail(l, f->span, "filter argument %s does not fit "
			    "in 16 bits", f->arg.cname ? f->arg.cname : "value");
		return sb_graph_test(l->g, (uint8_t)f->filter, SB_GARG_IMM,
		    (uint32_t)f->arg.i, t, e);
	case SB_FA_NETWORK:
		item = network(l, f);
		if (item == SB_GRAPH_NONE)
			return item;
		return sb_graph_test(l->g, (uint8_t)f->filter, SB_GARG_ITEM,
		    item, t, e);
	default:
		return fail(l, f->span, "filter %s cannot be compiled",
		    fi->name ? fi->name : "?");
	}
}

static uint32_t
lowerf(struct lowerer *l, const struct sb_filter *f, uint32_t t, uint32_t e)
{
	uint32_t i, next;

	if (l->failed)
		return SB_GRAPH_NONE;
	if (!f)
		return t;
	switch (f->kind) {
	case SB_F_TRUE:
		return t;
	case SB_F_FALSE:
		return e;
	case SB_F_NOT:
		return lowerf(l, f->kids[0], e, t);
	case SB_F_ANY:
		next = e;
		for (i = f->nkids; i-- > 0;)
			next = lowerf(l, f->kids[i], t, next);
		return next;
	case SB_F_ALL:
		next = t;
		for (i = f->nkids; i-- > 0;)
			next = lowerf(l, f->kids[i], next, e);
		return next;
	default:
		return test(l, f, t, e);
	}
}

static uint64_t
listhash(const struct sb_oplist *list)
{
	return sb_hash_mix(sb_hash_bytes(list->rules, list->n *
	    sizeof *list->rules, list->n), (uint64_t)list->implicit * 2 +
	    (uint64_t)list->terminal);
}

static int
samelist(const struct sb_oplist *a, const struct sb_oplist *b)
{
	return a->n == b->n && a->implicit == b->implicit &&
	    a->terminal == b->terminal &&
	    memcmp(a->rules, b->rules, a->n * sizeof *a->rules) == 0;
}

static uint32_t
lowerlist(struct lowerer *l, const struct sb_oplist *list)
{
	uint64_t h = listhash(list);
	uint32_t i, next;

	for (i = 0; i < l->nmemo; i++)
		if (l->memo[i].hash == h && samelist(l->memo[i].list, list))
			return l->memo[i].entry;
	/* the implicit decision: a terminal operation's fixed answer, or
	** the built-in allow of a profile without a default rule */
	next = sb_graph_leaf(l->g, list->implicit == SB_DENY ? 0x000005 : 0,
	    0, 0, SB_GARG_IMM, 0, 0);
	for (i = 0; i < list->n; i++) {
		const struct sb_rule *r = l->p->rules[list->rules[i] - 1];
		next = lowerf(l, r->filter, leaf(l, r), next);
		if (l->failed)
			return SB_GRAPH_NONE;
	}
	if (l->nmemo == l->capmemo) {
		l->capmemo = l->capmemo ? 2 * l->capmemo : 16;
		l->memo = xrealloc(l->memo, l->capmemo * sizeof *l->memo);
	}
	l->memo[l->nmemo].hash = h;
	l->memo[l->nmemo].list = list;
	l->memo[l->nmemo++].entry = next;
	return next;
}

struct sb_graph *
sb_lower(struct sb_arena *a, const struct sb_profile *p, struct sb_diag *d)
{
	struct lowerer l;
	uint32_t slot, entry;

	memset(&l, 0, sizeof l);
	l.g = sb_graph_new(a, p->target);
	l.p = p;
	l.t = p->target;
	l.d = d;
	l.leaves = xmalloc((p->nrules + 1) * sizeof *l.leaves);
	memset(l.leaves, 0xff, (p->nrules + 1) * sizeof *l.leaves);
	for (slot = 0; slot < l.t->op_count && !l.failed; slot++) {
		entry = lowerlist(&l, &p->ops[slot]);
		if (l.failed)
			break;
		sb_graph_set_entry(l.g, slot, entry);
	}
	if (!l.failed) {
		/* the default slot's decision is the default terminal when
		** it is a leaf; otherwise the built-in allow */
		entry = sb_graph_entry(l.g, 0);
		if (l.g->nodes[entry].kind != SB_GN_LEAF)
			entry = sb_graph_leaf(l.g, 0, 0, 0, SB_GARG_IMM, 0, 0);
		sb_graph_set_default(l.g, entry);
	}
	free(l.leaves);
	free(l.memo);
	return l.failed ? NULL : l.g;
}
