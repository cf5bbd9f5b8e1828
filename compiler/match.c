/*
** match.c: the reference evaluator on the IR. Path semantics are those of
** LANGUAGE.md §7.3: literal is equality, prefix a plain string prefix,
** subpath the path itself or anything below it on a component boundary,
** regex an AppleMatch search. Network addresses follow §7.4: protocol
** bits (1 IPv4, 2 IPv6, 4 TCP, 8 UDP), host "*" or "localhost" or a name,
** port "*" or a number.
*/
#include <stdlib.h>
#include <string.h>

#include "compiler/match.h"
#include "compiler/pattern.h"
#include "common/xml.h"
#include "compiler/regex.h"
#include "kext/target.h"

struct sb_matcher {
	const struct sb_profile *p;
	int f_load, f_bool, f_string;   /* %entitlement-* filter ids, or -1 */
	int f_present, f_true;
	const struct sb_plist *loaded;  /* value of the last %entitlement-load */
	int haveloaded;
	uint32_t *matched;              /* nrules entries */
	uint32_t *scratch;              /* for the regex VM */
	uint32_t nscratch;
};

static void
sizescratch(struct sb_matcher *m, const struct sb_filter *f)
{
	uint32_t i;

	if (!f)
		return;
	if (f->rx && 3 * f->rx->n > m->nscratch)
		m->nscratch = 3 * f->rx->n;
	for (i = 0; i < f->nkids; i++)
		sizescratch(m, f->kids[i]);
}

struct sb_matcher *
sb_matcher_new(struct sb_arena *a, const struct sb_profile *p)
{
	struct sb_matcher *m = sb_arena_calloc(a, sizeof *m);
	uint32_t i;

	m->p = p;
	m->f_load = sb_target_filter_find(p->target, "%entitlement-load", 17);
	m->f_bool = sb_target_filter_find(p->target, "%entitlement-boolean", 20);
	m->f_string = sb_target_filter_find(p->target, "%entitlement-string",
	    19);
	m->f_present = sb_target_filter_find(p->target,
	    "%entitlement-is-present", 23);
	m->f_true = sb_target_filter_find(p->target,
	    "%entitlement-is-bool-true", 25);
	m->matched = sb_arena_alloc(a, (p->nrules + 1) * sizeof *m->matched);
	for (i = 0; i < p->nrules; i++)
		sizescratch(m, p->rules[i]->filter);
	m->scratch = sb_arena_alloc(a, (m->nscratch + 1) *
	    sizeof *m->scratch);
	return m;
}

/*
** ARG with each ${NAME} replaced by the query's value, into BUF (SIZE
** bytes); NULL when a name has no value (the kernel's variable does not
** match then) or the result does not fit.
*/
static const char *
expand(const struct sb_mquery *q, const char *arg, uint32_t n, char *buf,
    size_t size, uint32_t *outlen)
{
	uint32_t i = 0, k = 0, j;
	const char *close;
	size_t vlen;

	while (i < n) {
		if (arg[i] == '$' && i + 1 < n && arg[i + 1] == '{' &&
		    (close = memchr(arg + i, '}', n - i))) {
			const char *name = arg + i + 2;
			size_t nlen = (size_t)(close - name);
			for (j = 0; j < q->nvars; j++)
				if (strlen(q->vars[j].name) == nlen &&
				    memcmp(q->vars[j].name, name, nlen) == 0)
					break;
			if (j == q->nvars)
				return NULL;
			vlen = strlen(q->vars[j].value);
			if (k + vlen >= size)
				return NULL;
			memcpy(buf + k, q->vars[j].value, vlen);
			k += (uint32_t)vlen;
			i = (uint32_t)(close - arg) + 1;
			continue;
		}
		if (k + 1 >= size)
			return NULL;
		buf[k++] = arg[i++];
	}
	buf[k] = 0;
	*outlen = k;
	return buf;
}

static int
stringtest(struct sb_matcher *m, const struct sb_filter *f,
    const struct sb_mfact *x, const struct sb_mquery *q)
{
	const char *a = f->arg.s;
	uint32_t n = f->arg.len;
	char buf[4096];

	if (f->pat != SB_PAT_REGEX && q && sb_pattern_has_var(a, n) &&
	    !(a = expand(q, a, n, buf, sizeof buf, &n)))
		return 0;

	switch (f->pat) {
	case SB_PAT_PREFIX:
		return x->len >= n && memcmp(x->s, a, n) == 0;
	case SB_PAT_SUBPATH:
		if (x->len < n || memcmp(x->s, a, n) != 0)
			return 0;
		return x->len == n || (n > 0 && a[n - 1] == '/') ||
		    x->s[n] == '/';
	case SB_PAT_REGEX:
		return f->rx && sb_regex_match(f->rx, x->s, x->len, m->scratch);
	default:
		return x->len == n && memcmp(x->s, a, n) == 0;
	}
}

/* "host:port" of a network filter against the fact's host and port. */
static int
addresstest(const struct sb_filter *f, const struct sb_mfact *x)
{
	const char *colon;
	size_t hlen;
	const char *port;

	if (!f->arg.s)
		return 1;
	colon = strrchr(f->arg.s, ':');
	if (!colon)
		return 0;
	hlen = (size_t)(colon - f->arg.s);
	port = colon + 1;
	if (!(hlen == 1 && f->arg.s[0] == '*')) {
		int local = hlen == 9 && memcmp(f->arg.s, "localhost", 9) == 0;
		int same = x->s && x->len == hlen &&
		    memcmp(x->s, f->arg.s, hlen) == 0;
		int xlocal = x->s && ((x->len == 9 &&
		    memcmp(x->s, "localhost", 9) == 0) || (x->len == 9 &&
		    memcmp(x->s, "127.0.0.1", 9) == 0) || (x->len == 3 &&
		    memcmp(x->s, "::1", 3) == 0));
		if (!same && !(local && xlocal))
			return 0;
	}
	if (strcmp(port, "*") == 0)
		return 1;
	return x->port >= 0 && strtoll(port, NULL, 10) == x->port;
}

static int
networktest(const struct sb_filter *f, const struct sb_mfact *x)
{
	int64_t ff = f->arg.i & 3, ft = f->arg.i & 12;
	int64_t xf = x->i & 3, xt = x->i & 12;

	if (!(ff & xf))
		return 0;
	if (ft && !(ft & xt))
		return 0;
	return addresstest(f, x);
}

/*
** Entitlement filters (LANGUAGE.md §7.5) read the --entitlements
** dictionary: %entitlement-load selects a value, which the following
** %entitlement-boolean and %entitlement-string tests of the same
** require-all examine. Without a dictionary they are unknown facts.
*/
static int
isent(const struct sb_matcher *m, int id)
{
	return id == m->f_load || id == m->f_bool || id == m->f_string ||
	    id == m->f_present || id == m->f_true;
}

static int
enttest(struct sb_matcher *m, const struct sb_filter *f, int *assumed)
{
	const struct sb_plist *ents = m->p->entitlements, *v;
	struct sb_mfact x;
	uint32_t i;

	if (!ents) {
		*assumed = 1;
		return 0;
	}
	if (f->filter == m->f_load || f->filter == m->f_present ||
	    f->filter == m->f_true) {
		v = sb_plist_get(ents, f->arg.s);
		if (f->filter == m->f_load) {
			m->loaded = v;
			m->haveloaded = 1;
		}
		if (f->filter == m->f_true)
			return v && v->kind == SB_PL_BOOL && v->i;
		return v != NULL;
	}
	v = m->loaded;
	if (!m->haveloaded || !v)
		return 0;
	if (f->filter == m->f_bool)
		return v->kind == SB_PL_BOOL && (v->i != 0) == (f->arg.i != 0);
	memset(&x, 0, sizeof x);
	x.kind = SB_MF_STRING;
	if (v->kind == SB_PL_STRING) {
		x.s = v->s;
		x.len = (uint32_t)strlen(v->s);
		return stringtest(m, f, &x, NULL);
	}
	for (i = 0; v->kind == SB_PL_ARRAY && i < v->n; i++) {
		if (v->v[i]->kind != SB_PL_STRING)
			continue;
		x.s = v->v[i]->s;
		x.len = (uint32_t)strlen(x.s);
		if (stringtest(m, f, &x, NULL))
			return 1;
	}
	return 0;
}

/* Test F against fact X (one value the access presents to F). */
static int
test1(struct sb_matcher *m, const struct sb_filter *f,
    const struct sb_mfact *x, const struct sb_mquery *q)
{
	switch (f->arg.kind) {
	case SB_FA_STRING:
		return x->kind == SB_MF_STRING && stringtest(m, f, x, q);
	case SB_FA_BOOL:
		return x->kind == SB_MF_BOOL && (x->i != 0) == (f->arg.i != 0);
	case SB_FA_INT:
		if (x->kind != SB_MF_INT)
			return 0;
		if (f->filter < m->p->target->filter_count &&
		    m->p->target->filters[f->filter].argkind == SB_ARG_BITFIELD)
			return (x->i & f->arg.i) == f->arg.i;
		return x->i == f->arg.i;
	case SB_FA_NETWORK:
		return x->kind == SB_MF_NETWORK && networktest(f, x);
	default:
		return 1;
	}
}

/* A filter matches when any value the access presents to it does. */
static int
test(struct sb_matcher *m, const struct sb_filter *f,
    const struct sb_mquery *q, int *assumed)
{
	uint32_t i;
	int seen = 0;

	if (isent(m, f->filter))
		return enttest(m, f, assumed);
	for (i = 0; i < q->nfacts; i++) {
		if (q->facts[i].filter != f->filter)
			continue;
		seen = 1;
		if (test1(m, f, &q->facts[i], q))
			return 1;
	}
	if (!seen)
		*assumed = 1;
	return 0;
}

int
sb_match_filter(struct sb_matcher *m, const struct sb_filter *f,
    const struct sb_mquery *q, int *assumed)
{
	uint32_t i;

	if (!f)
		return 1;
	switch (f->kind) {
	case SB_F_TRUE:
		return 1;
	case SB_F_FALSE:
		return 0;
	case SB_F_NOT:
		return !sb_match_filter(m, f->kids[0], q, assumed);
	case SB_F_ALL:
		/* an entitlement load goes first: the value tests need it */
		for (i = 0; i < f->nkids; i++)
			if (f->kids[i]->kind == SB_F_TEST &&
			    f->kids[i]->filter == m->f_load &&
			    !sb_match_filter(m, f->kids[i], q, assumed))
				return 0;
		for (i = 0; i < f->nkids; i++)
			if (!(f->kids[i]->kind == SB_F_TEST &&
			    f->kids[i]->filter == m->f_load) &&
			    !sb_match_filter(m, f->kids[i], q, assumed))
				return 0;
		return 1;
	case SB_F_ANY:
		for (i = 0; i < f->nkids; i++)
			if (sb_match_filter(m, f->kids[i], q, assumed))
				return 1;
		return 0;
	default:
		return test(m, f, q, assumed);
	}
}

void
sb_match(struct sb_matcher *m, const struct sb_mquery *q,
    struct sb_mresult *out)
{
	const struct sb_oplist *l = &m->p->ops[q->op];
	uint32_t i;

	memset(out, 0, sizeof *out);
	out->matched = m->matched;
	out->decision = l->implicit;
	for (i = l->n; i-- > 0;) {
		const struct sb_rule *r = m->p->rules[l->rules[i] - 1];
		int assumed = 0;
		if (!sb_match_filter(m, r->filter, q, &assumed)) {
			/* an assumption only matters until a rule decides */
			if (!out->rule)
				out->assumed |= assumed;
			continue;
		}
		if (!out->rule) {
			out->rule = r->id;
			out->decision = r->action;
			out->mods = &r->mods;
			out->assumed |= assumed;
		}
		m->matched[out->nmatched++] = r->id;
	}
}
