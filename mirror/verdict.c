/*
** verdict.c: access → query → compiler/match.c, counted per rule, with
** the summary `sbpl-mirror run` prints at the end. The query is built as
** sbpl-query builds one: the argument goes to the filter its kind and
** operation call for (path, a network address, a sysctl or IPC name),
** and each fact to the filter it names, named values looked up in the
** target's tables.
*/
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/source.h"
#include "common/util.h"
#include "compiler/eval.h"
#include "compiler/profile.h"
#include "compiler/value.h"
#include "kext/target.h"
#include "mirror/verdict.h"

#define MAXFACTS (SB_ACCESS_MAX_FACTS + 2)

struct cached {
	uint32_t rule;
	enum sb_action decision;
	uint32_t nmatched;
	uint32_t matched[];     /* every matching rule, the decider first */
};

struct denial {
	uint32_t rule;
	uint64_t count;
};

void
sb_verdicts_init(struct sb_verdicts *v, struct sb_unit *u)
{
	uint32_t n = u->profile->nrules + 1;

	memset(v, 0, sizeof *v);
	v->unit = u;
	v->m = sb_matcher_new(&u->ctx.arena, u->profile);
	v->cache.freeval = free;
	v->denied.freeval = free;
	v->decided = xcalloc(n, sizeof *v->decided);
	v->approx = xcalloc(n, sizeof *v->approx);
	v->overridden = xcalloc(n, sizeof *v->overridden);
	v->untrapped = xcalloc(u->target->op_count + 1, 1);
}

void
sb_verdicts_free(struct sb_verdicts *v)
{
	sb_strmap_free(&v->ops);
	sb_strmap_free(&v->cache);
	sb_strmap_free(&v->denied);
	sb_buf_free(&v->key);
	free(v->decided);
	free(v->approx);
	free(v->overridden);
	free(v->untrapped);
}

/* The op-table slot NAME names, as the profile's bindings resolve it. */
static int
findop(struct sb_verdicts *v, const char *name)
{
	struct sb_unit *u = v->unit;
	size_t n = strlen(name);
	uintptr_t hit = (uintptr_t)sb_strmap_get(&v->ops, name, n);
	struct sb_sym *s;
	struct sb_binding *b;
	int op;

	if (hit)
		return (int)hit - 1;
	s = sb_intern_find(&u->ctx.syms, name, n);
	b = s ? s->global : NULL;
	if (b && b->val && b->val->kind == SB_V_OP)
		op = b->val->u.op;
	else
		op = sb_target_op_find(u->target, name, n);
	if (op >= (int)u->target->op_count)
		op = -1;
	sb_strmap_put(&v->ops, name, n, (void *)(uintptr_t)(op + 1));
	return op;
}

int
sb_verdicts_fixed(struct sb_verdicts *v, const char *name, uint32_t *rule)
{
	const struct sb_profile *p = v->unit->profile;
	const struct sb_oplist *l;
	const struct sb_filter *f;
	int op = findop(v, name);

	*rule = 0;
	if (op < 0)
		return 1;
	l = &p->ops[op];
	if (l->n == 0)
		return 1;
	*rule = l->rules[l->n - 1];
	f = p->rules[*rule - 1]->filter;
	return !f || f->kind == SB_F_TRUE;
}

void
sb_verdicts_untrapped(struct sb_verdicts *v, const char *name)
{
	int op = findop(v, name);

	if (op >= 0 && !v->untrapped[op]) {
		v->untrapped[op] = 1;
		v->nuntrapped++;
	}
}

/* Protocol bits of "tcp", "udp6", … (filters.def VALUE rows of local). */
static int64_t
protobits(const char *s, size_t n)
{
	static const struct { const char *name; int64_t bits; } p[] = {
		{ "ip", 1 }, { "ip4", 1 }, { "ip6", 2 }, { "tcp", 5 },
		{ "tcp4", 5 }, { "tcp6", 6 }, { "udp", 9 }, { "udp4", 9 },
		{ "udp6", 10 },
	};
	size_t i;

	for (i = 0; i < sizeof p / sizeof p[0]; i++)
		if (strlen(p[i].name) == n && memcmp(p[i].name, s, n) == 0)
			return p[i].bits;
	return 0;
}

/* "PROTO:HOST:PORT" (HOST in brackets when IPv6) into F. */
static int
netfact(struct sb_mfact *f, const char *a)
{
	const char *c = strchr(a, ':'), *h, *port;

	if (!c || !(f->i = protobits(a, (size_t)(c - a))))
		return -1;
	h = c + 1;
	if (!(port = strrchr(h, ':')) || port == h)
		return -1;
	f->kind = SB_MF_NETWORK;
	f->s = h;
	f->len = (uint32_t)(port - h);
	if (f->len >= 2 && h[0] == '[' && h[f->len - 1] == ']') {
		f->s = h + 1;
		f->len -= 2;
	}
	if (f->len == 1 && f->s[0] == '*')
		f->s = NULL, f->len = 0;
	f->port = strcmp(port + 1, "*") == 0 ? -1 : strtoll(port + 1, NULL, 10);
	return 0;
}

/* The filter the main argument of an access to OP is for, or NULL. */
static const char *
argfilter(const char *op, enum sb_arg_kind kind)
{
	switch (kind) {
	case SB_ACC_PATH:
		return "path";
	case SB_ACC_ADDRESS:
		if (strcmp(op, "network-outbound") == 0)
			return "remote";
		return strncmp(op, "network", 7) == 0 ? "local" : NULL;
	case SB_ACC_NAME:
		if (strncmp(op, "sysctl", 6) == 0)
			return "sysctl-name";
		if (strncmp(op, "ipc-posix", 9) == 0)
			return "ipc-posix-name";
		return NULL;
	default:
		return NULL;
	}
}

/* Fill F for filter NAME with the text VALUE; -1 when it cannot be. */
static int
mkfact(const struct sb_target *t, struct sb_mfact *f, const char *name,
    const char *value)
{
	int id = sb_target_filter_find(t, name, strlen(name));
	const struct sb_value_info *vals;
	unsigned nv, i;
	char *end;

	if (id < 0 || !value)
		return -1;
	memset(f, 0, sizeof *f);
	f->filter = (uint16_t)id;
	switch (t->filters[id].argkind) {
	case SB_ARG_NETWORK:
		return netfact(f, value);
	case SB_ARG_INT:
	case SB_ARG_BITFIELD:
		f->kind = SB_MF_INT;
		vals = sb_target_filter_values(t, (unsigned)id, &nv);
		for (i = 0; i < nv; i++)
			if (strcmp(vals[i].name, value) == 0) {
				f->i = vals[i].value;
				return 0;
			}
		f->i = strtoll(value, &end, 10);
		return *value && !*end ? 0 : -1;
	case SB_ARG_BOOL:
		f->kind = SB_MF_BOOL;
		f->i = strcmp(value, "#t") == 0 || strcmp(value, "true") == 0 ||
		    strcmp(value, "1") == 0;
		return 0;
	default:
		f->kind = SB_MF_STRING;
		f->s = value;
		f->len = (uint32_t)strlen(value);
		return 0;
	}
}

/*
** The cache key of an access: what the query is built from (operation,
** argument kind and text, each fact), so that a hit skips building it.
*/
static void
accesskey(struct sb_buf *b, const struct sb_access *a)
{
	uint32_t i;

	b->len = 0;
	sb_buf_puts(b, a->operation);
	sb_buf_putc(b, 0);
	sb_buf_putc(b, '0' + (int)a->arg_kind);
	if (a->argument)
		sb_buf_puts(b, a->argument);
	for (i = 0; i < a->nfacts; i++) {
		sb_buf_putc(b, 0);
		sb_buf_puts(b, a->facts[i].filter);
		sb_buf_putc(b, '=');
		if (a->facts[i].value)
			sb_buf_puts(b, a->facts[i].value);
	}
}

/* Evaluate the query Q and keep the answer under the current key. */
static const struct cached *
evaluate(struct sb_verdicts *v, const struct sb_mquery *q)
{
	struct sb_mresult r;
	struct cached *c;
	uint32_t i;

	if (v->cache.n >= 65536)
		sb_strmap_clear(&v->cache);
	sb_match(v->m, q, &r);
	c = xmalloc(sizeof *c + (r.nmatched + 1) * sizeof c->matched[0]);
	c->rule = r.rule;
	c->decision = r.decision;
	c->nmatched = r.nmatched;
	for (i = 0; i < r.nmatched; i++)
		c->matched[i] = r.matched[i];
	sb_strmap_put(&v->cache, v->key.data, v->key.len, c);
	return c;
}

/* The answer for A: cached, or built from its query. NULL: no such op. */
static const struct cached *
answer(struct sb_verdicts *v, const struct sb_access *a)
{
	const struct sb_target *t = v->unit->target;
	struct sb_mfact facts[MAXFACTS];
	struct sb_mquery q;
	const struct cached *c;
	const char *f;
	uint32_t i, n = 0;
	int op;

	accesskey(&v->key, a);
	if ((c = sb_strmap_get(&v->cache, v->key.data, v->key.len)))
		return c;
	if ((op = findop(v, a->operation)) < 0)
		return NULL;
	if (a->argument && (f = argfilter(a->operation, a->arg_kind)) &&
	    mkfact(t, &facts[n], f, a->argument) == 0)
		n++;
	for (i = 0; i < a->nfacts && n < MAXFACTS; i++)
		if (mkfact(t, &facts[n], a->facts[i].filter,
		    a->facts[i].value) == 0)
			n++;
	q.op = (uint16_t)op;
	q.facts = facts;
	q.nfacts = n;
	return evaluate(v, &q);
}

static void
deny(struct sb_verdicts *v, const struct sb_access *a, uint32_t rule)
{
	struct sb_buf *key = &v->key;   /* free again once answer() is done */
	struct denial *d;

	v->ndenied += a->count;
	key->len = 0;
	sb_buf_puts(key, a->operation);
	if (a->argument) {
		sb_buf_putc(key, ' ');
		sb_buf_puts(key, a->argument);
	}
	if (!(d = sb_strmap_get(&v->denied, key->data, key->len))) {
		if (v->denied.n >= 100000)
			return;
		d = xcalloc(1, sizeof *d);
		d->rule = rule;
		sb_strmap_put(&v->denied, key->data, key->len, d);
	}
	d->count += a->count;
}

void
sb_verdicts_put(struct sb_verdicts *v, const struct sb_access *a,
    struct sb_verdict *out)
{
	const struct cached *c;
	uint32_t i;

	memset(out, 0, sizeof *out);
	v->naccesses += a->count;
	if (a->approx)
		v->napprox += a->count;
	if (!(c = answer(v, a))) {
		v->nunknown += a->count;
		return;
	}
	out->known = 1;
	out->rule = c->rule;
	out->decision = c->decision;
	if (c->rule)
		out->fingerprint = v->unit->profile->rules[c->rule - 1]->
		    fingerprint;
	v->decided[c->rule] += a->count;
	if (a->approx)
		v->approx[c->rule] += a->count;
	for (i = 0; i < c->nmatched; i++)
		if (c->matched[i] != c->rule)
			v->overridden[c->matched[i]] += a->count;
	if (c->decision == SB_DENY)
		deny(v, a, c->rule);
}

/* "FILE:LINE:COL: TEXT" of rule ID into B. */
static void
ruleline(struct sb_verdicts *v, struct sb_buf *b, uint32_t id)
{
	const struct sb_rule *r = v->unit->profile->rules[id - 1];
	struct sb_source *s = sb_source_get(&v->unit->ctx.sources, r->site.src);
	struct sb_pos pos;

	memset(&pos, 0, sizeof pos);
	if (s)
		sb_source_pos(s, r->site.off, &pos);
	sb_buf_printf(b, "%s:%u:%u: ", pos.file ? pos.file : "?", pos.line,
	    pos.col);
	sb_rule_text(b, v->unit->target, r);
}

/* Whether some operation rule ID names (or covers) was left untrapped. */
static int
partlyunseen(const struct sb_verdicts *v, uint32_t id)
{
	const struct sb_rule *r = v->unit->profile->rules[id - 1];
	const struct sb_target *t = v->unit->target;
	unsigned op;
	uint16_t i;

	if (!v->nuntrapped)
		return 0;
	for (i = 0; i < r->nops; i++)
		for (op = 0; op < t->op_count; op++)
			if (v->untrapped[op] && sb_target_op_within(t, op,
			    r->ops[i]))
				return 1;
	return 0;
}

static void
untrappedline(const struct sb_verdicts *v, FILE *f)
{
	const struct sb_target *t = v->unit->target;
	unsigned op, n = 0;

	if (!v->nuntrapped)
		return;
	fprintf(f, "%s: not trapped (--trap=decisive; decided the same way "
	    "for every argument, so unobservable here):", sb_progname());
	for (op = 0; op < t->op_count; op++)
		if (v->untrapped[op])
			fprintf(f, "%s %s", n++ ? "," : "", t->ops[op].name);
	fprintf(f, "\n");
}

static int
bycount(const void *a, const void *b)
{
	const struct sb_strmap_slot *x = a, *y = b;
	const struct denial *dx = x->val, *dy = y->val;

	if (dx->count != dy->count)
		return dx->count < dy->count ? 1 : -1;
	return strcmp(x->key, y->key);
}

static void
denials(struct sb_verdicts *v, FILE *f, uint32_t limit)
{
	struct sb_strmap_slot *list;
	struct sb_buf b = SB_BUF_INIT;
	size_t i, n = 0;

	if (v->ndenied == 0)
		return;
	list = xcalloc(v->denied.n + 1, sizeof *list);
	for (i = 0; i < v->denied.cap; i++)
		if (v->denied.slots[i].key)
			list[n++] = v->denied.slots[i];
	qsort(list, n, sizeof *list, bycount);
	fprintf(f, "%s: %llu accesses (%zu distinct) the profile would "
	    "deny:\n", sb_progname(), (unsigned long long)v->ndenied, n);
	for (i = 0; i < n && (!limit || i < limit); i++) {
		const struct denial *d = list[i].val;
		b.len = 0;
		if (d->rule)
			ruleline(v, &b, d->rule);
		else
			sb_buf_puts(&b, "no rule matched: the implicit "
			    "decision");
		fprintf(f, "  %s  x%llu\n    denied by %s\n", list[i].key,
		    (unsigned long long)d->count, b.data);
	}
	if (i < n)
		fprintf(f, "  ... and %zu more\n", n - i);
	free(list);
	sb_buf_free(&b);
}

void
sb_verdicts_summary(struct sb_verdicts *v, FILE *f, uint32_t limit)
{
	const struct sb_profile *p = v->unit->profile;
	struct sb_buf b = SB_BUF_INIT;
	uint32_t id, hit = 0, shown = 0;

	for (id = 1; id <= p->nrules; id++)
		hit += v->decided[id] != 0;
	fprintf(f, "%s: %llu accesses (%llu approximate, %llu of "
	    "operations the target lacks)\n", sb_progname(),
	    (unsigned long long)v->naccesses, (unsigned long long)v->napprox,
	    (unsigned long long)v->nunknown);
	fprintf(f, "%s: rule coverage: %u of %u rules decided an access; "
	    "%llu accesses had no matching rule\n", sb_progname(), hit,
	    p->nrules, (unsigned long long)v->decided[0]);
	if (hit) {
		fprintf(f, "%s: rules hit (decided, of them approximate; "
		    "matched but overridden):\n", sb_progname());
		for (id = 1; id <= p->nrules; id++) {
			if (!v->decided[id])
				continue;
			if (limit && shown++ == limit) {
				fprintf(f, "  ... and more\n");
				break;
			}
			b.len = 0;
			ruleline(v, &b, id);
			fprintf(f, "  %llu %llu %llu  %s\n",
			    (unsigned long long)v->decided[id],
			    (unsigned long long)v->approx[id],
			    (unsigned long long)v->overridden[id], b.data);
		}
	}
	if (hit < p->nrules) {
		fprintf(f, "%s: rules never hit:\n", sb_progname());
		for (shown = 0, id = 1; id <= p->nrules; id++) {
			if (v->decided[id])
				continue;
			if (limit && shown++ == limit) {
				fprintf(f, "  ... and %u more\n",
				    p->nrules - hit - limit);
				break;
			}
			b.len = 0;
			ruleline(v, &b, id);
			fprintf(f, "  %s%s%s\n", b.data, v->overridden[id] ?
			    "  (matched, always overridden)" : "",
			    partlyunseen(v, id) ? "  (some of its operations "
			    "were not trapped)" : "");
		}
	}
	untrappedline(v, f);
	denials(v, f, limit);
	sb_buf_free(&b);
}
