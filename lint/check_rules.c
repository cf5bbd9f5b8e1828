/*
** Redundancy, shadowing and dead code (LINT.md §3.3), on the exact sets of
** sets.c. For each distinct per-operation rule list (slots with identical
** lists and implicit decisions are one group) two passes give, for every
** position i: A[i], the requests some later rule matches; D[i][d], those
** whose last matching later rule decides d; B[i][d], those the rules
** before i (and the implicit decision) decide d. Then, for rule r at i:
**
**   removing r changes a decision  iff  M(r) \ A[i] meets ¬B[i][dec(r)]
**   r is dead                      iff  M(r) ⊆ A[i]
**
** on every operation the rule applies to. R2 is the first claim proven
** empty, R3 a dead rule with a request decided differently, R6 an empty
** M(r); each is also made per alternative of a top-level require-any.
** Proofs that need a later rule on a strict ancestor operation to
** override a specific one become R8 (LINT.md §2.7). Covers name the rules
** that make a claim true. Also R1 (canonical text), R7 (path spelling),
** R4/R5 (overlapping pairs) and R9 (unused definitions).
*/
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "compiler/eval.h"
#include "compiler/profile.h"
#include "kext/target.h"
#include "lint/lint.h"
#include "lint/sets.h"

#define MAXCOVER 5

/* One distinct rule list: the slots that share it. */
struct group {
	uint32_t slot;                  /* first slot with this list */
	const struct sb_oplist *list;
	int path;                       /* requests carry a path */
	uint32_t ndec;
	uint32_t *dec;                  /* per position: decision index */
	uint32_t *B;                    /* per position x ndec */
	int built;
	/*
	** A and D are kept for one position at a time, moving down: rules
	** are judged newest first, so a group is asked about decreasing
	** positions, and a rule found removable is gone before the
	** positions below it are reached.
	*/
	uint32_t cur;                   /* the position A and D describe */
	uint32_t Acur;                  /* requests later rules match */
	uint32_t *Dcur;                 /* per decision: decided later so */
};

struct rctx {
	struct sb_lint *L;
	struct sb_sets *S;
	const struct sb_profile *p;
	const struct sb_target *t;
	struct group *g;
	uint32_t ng;
	uint32_t *rgroups;              /* per rule: groups (flattened) */
	uint32_t *rgoff, *rgn;          /* per rule id: offset and count */
	uint32_t *rpos;                 /* per (rule, group) entry: position */
	uint32_t *decid;                /* per rule id: decision index */
	char **deckeys;                 /* decision keys */
	uint32_t ndeckeys;
	uint8_t *r7;                    /* per rule id: has an R7 argument */
	uint8_t *r8;                    /* per rule id: converted to R8 */
	uint64_t (*gbits)[4];           /* per rule id: its groups */
	uint8_t *removed;               /* per rule id: reported removable */
	uint32_t *mov;                  /* per rule id: matches left, or 0 */
	uint8_t *hasmov;
};

/* --- preparation ---------------------------------------------------------- */

struct sb_sets *
sb_lint_sets_prepare(struct sb_lint *L)
{
	const struct sb_profile *p = L->cur->unit.profile;
	struct sb_sets *S = sb_sets_new(L->cur->unit.target);
	uint32_t i;

	for (i = 0; i < L->o->nassume; i++)
		sb_sets_assume(S, L->o->assume[i].fact, L->o->assume[i].value);
	for (i = 0; i < p->nrules; i++)
		sb_sets_register(S, p->rules[i]->filter);
	L->sets = S;
	sb_lint_security_register(L);
	if (sb_lint_assert_prepare(L) < 0) {
		sb_sets_free(S);
		L->sets = NULL;
		return NULL;
	}
	sb_sets_seal(S);
	return S;
}

/* --- decisions ------------------------------------------------------------ */

/* A decision: the action and the modifiers that change what happens. */
static void
deckey(const struct sb_target *t, const struct sb_rule *r, struct sb_buf *b)
{
	uint32_t i;

	sb_buf_puts(b, r->action == SB_ALLOW ? "allow" : "deny");
	for (i = 0; i < r->mods.n; i++) {
		const struct sb_mod *m = &r->mods.v[i];
		sb_buf_printf(b, " (with %s", t->modifiers[m->id].name);
		if (m->arg.kind == SB_FA_STRING)
			sb_buf_printf(b, " \"%s\"", m->arg.s);
		else if (m->arg.kind == SB_FA_BLOCK)
			sb_buf_printf(b, " %s", m->arg.s);
		else if (m->arg.kind == SB_FA_INT && m->arg.cname)
			sb_buf_printf(b, " %s", m->arg.cname);
		else if (m->arg.kind == SB_FA_INT)
			sb_buf_printf(b, " %lld", (long long)m->arg.i);
		sb_buf_putc(b, ')');
	}
}

static uint32_t
decindex(struct rctx *x, const char *key)
{
	uint32_t i;

	for (i = 0; i < x->ndeckeys; i++)
		if (strcmp(x->deckeys[i], key) == 0)
			return i;
	x->deckeys = xrealloc(x->deckeys, (x->ndeckeys + 1) *
	    sizeof *x->deckeys);
	x->deckeys[x->ndeckeys] = xstrdup(key);
	return x->ndeckeys++;
}

static const char *
actword(enum sb_action a)
{
	return a == SB_ALLOW ? "allow" : "deny";
}

/* --- groups ------------------------------------------------------------- */

static int
samelist(const struct sb_oplist *a, const struct sb_oplist *b)
{
	return a->n == b->n && a->implicit == b->implicit &&
	    memcmp(a->rules, b->rules, a->n * sizeof *a->rules) == 0;
}

static int
pathslot(const struct sb_target *t, uint32_t slot)
{
	int f = sb_target_op_find(t, "file*", 5);
	int x = sb_target_op_find(t, "process-exec*", 13);

	return (f >= 0 && sb_target_op_within(t, slot, (unsigned)f)) ||
	    (x >= 0 && sb_target_op_within(t, slot, (unsigned)x));
}

static void
makegroups(struct rctx *x)
{
	const struct sb_profile *p = x->p;
	uint32_t slot, k, i, total = 0, *fill;

	x->g = xcalloc(x->t->op_count, sizeof *x->g);
	for (slot = 0; slot < x->t->op_count; slot++) {
		const struct sb_oplist *l = &p->ops[slot];
		int path = pathslot(x->t, slot);
		if (l->n == 0)
			continue;
		for (k = 0; k < x->ng; k++)
			if (x->g[k].path == path && samelist(x->g[k].list, l))
				break;
		if (k < x->ng)
			continue;
		x->g[x->ng].slot = slot;
		x->g[x->ng].list = l;
		x->g[x->ng].path = path;
		x->ng++;
		total += l->n;
	}
	x->rgoff = xcalloc(p->nrules + 2, sizeof *x->rgoff);
	x->rgn = xcalloc(p->nrules + 2, sizeof *x->rgn);
	for (k = 0; k < x->ng; k++)
		for (i = 0; i < x->g[k].list->n; i++)
			x->rgn[x->g[k].list->rules[i]]++;
	for (i = 1; i <= p->nrules; i++)
		x->rgoff[i + 1] = x->rgoff[i] + x->rgn[i];
	x->gbits = xcalloc(p->nrules + 1, sizeof *x->gbits);
	x->rgroups = xmalloc((total + 1) * sizeof *x->rgroups);
	x->rpos = xmalloc((total + 1) * sizeof *x->rpos);
	fill = xcalloc(p->nrules + 2, sizeof *fill);
	for (k = 0; k < x->ng; k++)
		for (i = 0; i < x->g[k].list->n; i++) {
			uint32_t id = x->g[k].list->rules[i];
			x->rgroups[x->rgoff[id] + fill[id]] = k;
			x->rpos[x->rgoff[id] + fill[id]] = i;
			x->gbits[id][k / 64] |= (uint64_t)1 << (k % 64);
			fill[id]++;
		}
	free(fill);
}

/*
** The requests rule ID matches, as the analysis now sees it: rules found
** removable are gone and removable alternatives dropped. Rules are visited
** newest first, so everything removed lies after the rule being judged,
** and each claim holds with the rules removed before it in place or not.
*/
static uint32_t
M(struct rctx *x, uint32_t id)
{
	if (x->removed[id])
		return SB_SETS_FALSE;
	if (x->hasmov[id])
		return x->mov[id];
	return sb_sets_of(x->S, x->p->rules[id - 1]->filter);
}

static void
removerule(struct rctx *x, uint32_t id)
{
	x->removed[id] = 1;
}

static void
removealt(struct rctx *x, uint32_t id, uint32_t left)
{
	x->hasmov[id] = 1;
	x->mov[id] = left;
}

/* The forward pass: B, what the rules before each position decide. */
static void
buildgroup(struct rctx *x, struct group *g)
{
	struct sb_sets *S = x->S;
	const struct sb_oplist *l = g->list;
	uint32_t n = l->n, nd, i, d, d0;

	if (g->built)
		return;
	g->built = 1;
	/* an implicit decision no rule states is its own, unknown one */
	d0 = decindex(x, sb_lint_implicit_known(x->L, x->p, g->slot) ?
	    actword(l->implicit) : "(implicit)");
	nd = g->ndec = x->ndeckeys;
	g->dec = xmalloc(n * sizeof *g->dec);
	for (i = 0; i < n; i++)
		g->dec[i] = x->decid[l->rules[i]];
	g->B = xcalloc((size_t)n * nd, sizeof *g->B);
	g->Dcur = xcalloc(nd, sizeof *g->Dcur);
	g->cur = n - 1;
	g->Acur = SB_SETS_FALSE;
	g->B[d0] = SB_SETS_TRUE;
	for (i = 0; i + 1 < n; i++) {
		uint32_t m = M(x, l->rules[i]);
		for (d = 0; d < nd; d++)
			g->B[(size_t)(i + 1) * nd + d] = sb_sets_diff(S,
			    g->B[(size_t)i * nd + d], m);
		g->B[(size_t)(i + 1) * nd + g->dec[i]] = sb_sets_or(S,
		    g->B[(size_t)(i + 1) * nd + g->dec[i]], m);
	}
}

/* Move the running A and D of G down to position POS. */
static void
advance(struct rctx *x, struct group *g, uint32_t pos)
{
	buildgroup(x, g);
	assert(pos <= g->cur);
	while (g->cur > pos) {
		uint32_t i = g->cur, m = M(x, g->list->rules[i]);
		g->Dcur[g->dec[i]] = sb_sets_or(x->S, g->Dcur[g->dec[i]],
		    sb_sets_diff(x->S, m, g->Acur));
		g->Acur = sb_sets_or(x->S, g->Acur, m);
		g->cur--;
	}
}

/* The requests rules after POS match. */
static uint32_t
Aat(struct rctx *x, struct group *g, uint32_t pos)
{
	advance(x, g, pos);
	return g->Acur;
}

/* The requests whose last matching rule after POS decides D. */
static uint32_t
Dat(struct rctx *x, struct group *g, uint32_t pos, uint32_t d)
{
	advance(x, g, pos);
	return g->Dcur[d];
}

/* --- operation levels (LINT.md §2.7) ----------------------------------- */

static uint32_t
depth(const struct sb_target *t, uint32_t op)
{
	uint32_t d = 0;

	while (op < t->op_name_count && t->ops[op].parent != SB_NONE &&
	    d < 64) {
		op = t->ops[op].parent;
		d++;
	}
	return d;
}

/* How specifically RULE names SLOT: the depth of its nearest operation. */
static uint32_t
level(const struct sb_target *t, const struct sb_rule *r, uint32_t slot)
{
	uint32_t i, best = 0;

	for (i = 0; i < r->nops; i++)
		if (sb_target_op_within(t, slot, r->ops[i]) &&
		    depth(t, r->ops[i]) + 1 > best)
			best = depth(t, r->ops[i]) + 1;
	return best;
}

/* --- claims --------------------------------------------------------------- */

/* What a rule (or alternative) claim found. */
struct claim {
	int r6, r2, r3, r8;
	uint32_t bwho;                  /* R8: an earlier rule that decides
	                                   otherwise if it is not overridden */
	uint32_t group;                 /* where R3's contradiction shows */
	uint32_t pos;
	int needtraps;
	uint32_t other;                 /* R3: the contradicting decision */
};

static int
isempty(struct rctx *x, uint32_t set, int path)
{
	return set == SB_SETS_FALSE || sb_sets_empty(x->S, set, path) ==
	    SB_TRI_YES;
}

/*
** The other reading of LINT.md §2.7: a rule is not overridden by a later
** rule on a wider operation, so for a request the rules that name its
** operation most specifically decide, the last of them winning. Of M,
** the requests ID would decide that way in group G (nothing names the
** operation more specifically, nor as specifically after it), in *WIN;
** returns whether those are decided the same way without ID, and if not,
** in *WHO the position of a rule that decides one of them otherwise (or
** UINT32_MAX for the implicit decision).
*/
static int
sameunderb(struct rctx *x, struct group *g, uint32_t pos, uint32_t m,
    uint32_t *win, uint32_t *who)
{
	const struct sb_oplist *l = g->list;
	const struct sb_rule *r = x->p->rules[l->rules[pos] - 1];
	uint32_t lr = level(x->t, r, g->slot), lmax = 0, lmin = UINT32_MAX;
	uint32_t *lev = xmalloc((l->n + 1) * sizeof *lev);
	uint32_t lv, j, rem, h;
	int same = 1;

	h = SB_SETS_FALSE;
	for (j = 0; j < l->n; j++) {
		lev[j] = level(x->t, x->p->rules[l->rules[j] - 1], g->slot);
		if (lev[j] > lmax)
			lmax = lev[j];
		if (lev[j] < lmin)
			lmin = lev[j];
		if (j != pos && (lev[j] > lr || (j > pos && lev[j] == lr)))
			h = sb_sets_or(x->S, h, M(x, l->rules[j]));
	}
	*win = rem = sb_sets_diff(x->S, m, h);
	*who = UINT32_MAX;
	/*
	** Every rule of the slot names its operation alike: the other
	** reading is last match wins itself, under which the caller has
	** already shown the claim (claims() asks only after R2 holds).
	*/
	if (lmin == lmax) {
		free(lev);
		return 1;
	}
	/* without the rule: level by level, most specific first */
	for (lv = lmax + 1; lv-- > 0 && same && !isempty(x, rem, g->path);) {
		uint32_t cur = rem;
		for (j = l->n; j-- > 0 && same;) {
			uint32_t hit;
			if (j == pos || lev[j] != lv)
				continue;
			hit = sb_sets_and(x->S, cur, M(x, l->rules[j]));
			if (hit == SB_SETS_FALSE)
				continue;
			if (g->dec[j] != g->dec[pos] &&
			    !isempty(x, hit, g->path)) {
				same = 0;
				*who = j;
			}
			cur = sb_sets_diff(x->S, cur, hit);
			rem = sb_sets_diff(x->S, rem, hit);
		}
	}
	/* what no rule matches: the implicit decision, never a rule's */
	if (same && !isempty(x, rem, g->path)) {
		buildgroup(x, g);
		same = isempty(x, sb_sets_diff(x->S, rem, g->B[g->dec[pos]]),
		    g->path);
	}
	free(lev);
	return same;
}

/*
** The claims for matches M (the rule's, or one alternative's with REST
** the other alternatives) of rule ID.
*/
static void
claims(struct rctx *x, uint32_t id, uint32_t m, uint32_t rest,
    struct claim *c)
{
	uint32_t k, e, nd;

	memset(c, 0, sizeof *c);
	if (x->rgn[id] == 0)
		return;
	c->r6 = 1;
	for (k = 0; k < x->rgn[id] && c->r6; k++)
		c->r6 = isempty(x, m, x->g[x->rgroups[x->rgoff[id] + k]].path);
	if (c->r6)
		return;
	/* R2: removing changes nothing, on every group */
	c->r2 = 1;
	for (k = 0; k < x->rgn[id] && c->r2; k++) {
		struct group *g = &x->g[x->rgroups[x->rgoff[id] + k]];
		uint32_t pos = x->rpos[x->rgoff[id] + k];
		e = sb_sets_diff(x->S, sb_sets_diff(x->S, m, rest),
		    Aat(x, g, pos));
		nd = g->ndec;
		e = sb_sets_diff(x->S, e, g->B[(size_t)pos * nd + g->dec[pos]]);
		c->r2 = isempty(x, e, g->path);
	}
	if (!c->r2)
		return;
	/* dead everywhere, and some request decided otherwise: R3 */
	c->r3 = 1;
	for (k = 0; k < x->rgn[id] && c->r3; k++) {
		struct group *g = &x->g[x->rgroups[x->rgoff[id] + k]];
		uint32_t pos = x->rpos[x->rgoff[id] + k];
		c->r3 = isempty(x, sb_sets_diff(x->S, m, Aat(x, g, pos)),
		    g->path);
	}
	if (c->r3) {
		/*
		** Decided otherwise: the later rules' decisions other than
		** the rule's, together (one for some values of an opaque fact,
		** another for the rest still contradicts the rule). The one to
		** name: first one of the other action (a deny against an
		** allow), then one that differs only in its modifiers.
		*/
		c->r3 = 0;
		for (k = 0; k < x->rgn[id] && !c->r3; k++) {
			struct group *g = &x->g[x->rgroups[x->rgoff[id] + k]];
			uint32_t pos = x->rpos[x->rgoff[id] + k], d, any;
			int pass;
			any = SB_SETS_FALSE;
			for (d = 0; d < g->ndec; d++)
				if (d != g->dec[pos])
					any = sb_sets_or(x->S, any,
					    Dat(x, g, pos, d));
			if (any == SB_SETS_FALSE ||
			    sb_sets_exists(x->S, sb_sets_and(x->S, m, any),
			    g->path, NULL) != SB_TRI_YES)
				continue;
			c->r3 = 1;
			c->group = x->rgroups[x->rgoff[id] + k];
			c->pos = pos;
			c->other = UINT32_MAX;
			for (pass = 0; pass < 2 && c->other == UINT32_MAX;
			    pass++)
				for (d = 0; d < g->ndec && c->other ==
				    UINT32_MAX; d++) {
					if (d == g->dec[pos] || (pass == 0 &&
					    x->deckeys[d][0] ==
					    x->deckeys[g->dec[pos]][0]))
						continue;
					if (!isempty(x, sb_sets_and(x->S, m,
					    Dat(x, g, pos, d)), g->path))
						c->other = d;
				}
			/* none alone shown to meet M: name any other one */
			for (d = 0; c->other == UINT32_MAX && d < g->ndec; d++)
				if (d != g->dec[pos])
					c->other = d;
		}
	}
	/*
	** LINT.md §2.7: the claim must also hold if a later rule on a wider
	** operation does not override an earlier specific one. Otherwise the
	** proof depends on the unsettled reading: R8. R3 says the rule never
	** decides, so it must not decide under that reading either.
	*/
	for (k = 0; k < x->rgn[id]; k++) {
		struct group *g = &x->g[x->rgroups[x->rgoff[id] + k]];
		uint32_t pos = x->rpos[x->rgoff[id] + k], win, who;
		if (!sameunderb(x, g, pos, sb_sets_diff(x->S, m, rest), &win,
		    &who) || (c->r3 && !isempty(x, win, g->path))) {
			c->r8 = 1;
			c->bwho = who < pos ? g->list->rules[who] : 0;
			return;
		}
	}
}

/* --- covers (LINT.md §2.6) ---------------------------------------------- */

/*
** Rules of group G among CAND (positions, in the order to try) whose
** match sets together contain NEED; pruned so that every member is needed.
** Returns the count in *OUT (positions); 0 when they do not cover it.
*/
static uint32_t
cover(struct rctx *x, struct group *g, uint32_t need, const uint32_t *cand,
    uint32_t ncand, uint32_t *out)
{
	uint32_t rem = need, n = 0, i, j;

	for (i = 0; i < ncand && !isempty(x, rem, g->path); i++) {
		uint32_t m = M(x, g->list->rules[cand[i]]);
		if (sb_sets_and(x->S, rem, m) == SB_SETS_FALSE)
			continue;
		if (isempty(x, sb_sets_and(x->S, rem, m), g->path))
			continue;
		out[n++] = cand[i];
		rem = sb_sets_diff(x->S, rem, m);
	}
	if (!isempty(x, rem, g->path))
		return 0;
	for (i = 0; i < n && n > 1; ) {
		uint32_t u = SB_SETS_FALSE;
		for (j = 0; j < n; j++)
			if (j != i)
				u = sb_sets_or(x->S, u,
				    M(x, g->list->rules[out[j]]));
		if (isempty(x, sb_sets_diff(x->S, need, u), g->path)) {
			memmove(out + i, out + i + 1, (n - i - 1) *
			    sizeof *out);
			n--;
		} else {
			i++;
		}
	}
	return n;
}

/*
** The covers of every group the rule applies to, merged: a rule that
** decides the claim on one operation may not be the one on another
** (a rule on file-read* and file-write*). Collected as rule ids.
*/
struct covers {
	uint32_t *id;
	uint32_t n;
};

static void
addcover(struct covers *cv, uint32_t id)
{
	uint32_t i;

	for (i = 0; i < cv->n; i++)
		if (cv->id[i] == id)
			return;
	cv->id[cv->n++] = id;
}

static int
bylater(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return (a < b) - (a > b);
}

static uint32_t spanuses(const struct sb_filter *f, struct sb_span s,
    const struct sb_filter *skip);

static int
samesite(const struct sb_rule *a, const struct sb_rule *b)
{
	return a->site.src == b->site.src && a->site.off == b->site.off;
}

/*
** Where to name rule R. Its site is the innermost (allow …) in user
** source; when a helper emits several rules from that one form, the site
** does not say which. Then the text its filter was made from, when that
** is where an argument of this rule alone was written (a domain string
** passed to a helper); otherwise the site.
*/
static struct sb_span
rulesite(struct rctx *x, const struct sb_rule *r)
{
	const struct sb_filter *fl = r->filter;
	uint32_t i, n = 0;

	for (i = 0; i < x->p->nrules && !n; i++)
		n = x->p->rules[i] != r && samesite(x->p->rules[i], r);
	if (!n || !fl || fl->span.src != r->site.src ||
	    sb_lint_attribute(x->L, fl->span).src == SB_NOSRC)
		return r->site;
	n = 0;
	for (i = 0; i < x->p->nrules && n == 0; i++)
		n += spanuses(x->p->rules[i]->filter, fl->span,
		    x->p->rules[i] == r ? fl : NULL);
	return n ? r->site : fl->span;
}

/*
** Notes at the rules of CV, latest first, at most MAXCOVER: MSG, or
** OTHER (when not null) at a rule that decides otherwise than rule ID.
*/
static void
notecover(struct rctx *x, struct sb_finding *f, struct covers *cv,
    uint32_t shown, const char *msg, uint32_t id, const char *other)
{
	uint32_t i;

	qsort(cv->id, cv->n, sizeof *cv->id, bylater);
	for (i = 0; i < cv->n && shown + i < MAXCOVER; i++)
		sb_lint_note(x->L, f, rulesite(x, x->p->rules[cv->id[i] - 1]),
		    "%s", other && x->decid[cv->id[i]] != x->decid[id] ?
		    other : msg);
	if (shown + cv->n > MAXCOVER)
		sb_lint_note(x->L, f, (struct sb_span){ SB_NOSRC, 0, 0 },
		    "and %u more", shown + cv->n - MAXCOVER);
}

/*
** Whether every rule of CV is another evaluation of rule ID's own form (a
** helper called twice): what that says of the form is not a finding.
*/
static int
selfcover(struct rctx *x, uint32_t id, const struct covers *cv)
{
	uint32_t i;

	for (i = 0; i < cv->n; i++)
		if (!samesite(x->p->rules[cv->id[i] - 1], x->p->rules[id - 1]))
			return 0;
	return cv->n > 0;
}

/*
** Name the later rules that decide everything in M, on every group; and
** MUST (a rule id, or 0), R3's contradicting rule, when no rule named has
** its decision (the cover may all decide as the rule does). OTHER, when
** not null, is the note at a rule that decides otherwise. With F null,
** only say whether the cover is the rule's own form (selfcover).
*/
static int
deadcover(struct rctx *x, struct sb_finding *f, uint32_t id, uint32_t m,
    const char *msg, const char *other, uint32_t must)
{
	struct covers cv;
	uint32_t k, *cand, *out, nc, n, j, nmax = 1;
	int self;

	for (k = 0; k < x->rgn[id]; k++)
		nmax += x->g[x->rgroups[x->rgoff[id] + k]].list->n;
	cv.id = xmalloc((nmax + 1) * sizeof *cv.id);
	cv.n = 0;
	for (k = 0; k < x->rgn[id]; k++) {
		struct group *g = &x->g[x->rgroups[x->rgoff[id] + k]];
		uint32_t pos = x->rpos[x->rgoff[id] + k];
		cand = xmalloc((g->list->n + 1) * sizeof *cand);
		out = xmalloc((g->list->n + 1) * sizeof *out);
		nc = 0;
		for (j = g->list->n; j-- > pos + 1;)
			cand[nc++] = j;
		n = cover(x, g, m, cand, nc, out);
		for (j = 0; j < n; j++)
			addcover(&cv, g->list->rules[out[j]]);
		free(cand);
		free(out);
	}
	for (j = 0; must && j < cv.n; j++)
		if (x->decid[cv.id[j]] == x->decid[must])
			must = 0;
	if (must)
		addcover(&cv, must);
	self = selfcover(x, id, &cv);
	if (f)
		notecover(x, f, &cv, 0, msg, id, other);
	free(cv.id);
	return self;
}

/*
** The alternatives of a rule, for an alternative's claim: the others
** that are still in place (those before it, and those after it not
** found removable), whose matches REST unites.
*/
struct alts {
	const struct sb_filter *fl;     /* the rule's top-level require-any */
	uint32_t self;                  /* the alternative judged */
	const uint8_t *kept;            /* per alternative: still in place */
	uint32_t rest;
};

static struct sb_span altspan(struct rctx *x, const struct sb_rule *r,
    const struct sb_filter *alt, int *exact);
static int anypath(struct rctx *x, uint32_t id);

/*
** Name the earlier rules that already decide what M decides, on every
** group; for an alternative, also the other alternatives of the rule that
** match the same requests (the rule decides them without it). Chosen
** latest first (the rule's own alternatives, then earlier rules), then
** pruned while every group stays covered.
*/
static int
beforecover(struct rctx *x, struct sb_finding *f, uint32_t id, uint32_t m,
    const struct alts *a)
{
	const struct sb_rule *r = x->p->rules[id - 1];
	const char *done = r->action == SB_ALLOW ? "allowed" : "denied";
	uint32_t ng = x->rgn[id], k, j, i, n, nalt = 0, nu = 0;
	uint32_t *live = xcalloc(ng + 1, sizeof *live);
	uint32_t *rem = xcalloc(ng + 1, sizeof *rem);
	uint32_t **ch = xcalloc(ng + 1, sizeof *ch), *nch = xcalloc(ng + 1,
	    sizeof *nch);
	uint8_t *ok = xcalloc(ng + 1, 1);
	uint32_t *alt = NULL, *uid = NULL;
	uint8_t *altoff = NULL, *uoff = NULL;
	struct covers cv;
	int implicit = 0, self;
	char msg[64];

	for (k = 0; k < ng; k++) {
		struct group *g = &x->g[x->rgroups[x->rgoff[id] + k]];
		buildgroup(x, g);
		live[k] = rem[k] = sb_sets_diff(x->S, m, Aat(x, g,
		    x->rpos[x->rgoff[id] + k]));
	}
	/* the rule's other alternatives in place, latest first */
	if (a) {
		alt = xmalloc((a->fl->nkids + 1) * sizeof *alt);
		altoff = xcalloc(a->fl->nkids + 1, 1);
		for (j = a->fl->nkids; j-- > 0;) {
			uint32_t mk;
			int use = 0;
			if (j == a->self || !a->kept[j])
				continue;
			mk = sb_sets_of(x->S, a->fl->kids[j]);
			for (k = 0; k < ng && !use; k++)
				use = !isempty(x, sb_sets_and(x->S, rem[k], mk),
				    x->g[x->rgroups[x->rgoff[id] + k]].path);
			if (!use)
				continue;
			alt[nalt++] = j;
			for (k = 0; k < ng; k++)
				rem[k] = sb_sets_diff(x->S, rem[k], mk);
		}
	}
	/* then the earlier rules of the same decision, per group */
	for (k = 0; k < ng; k++) {
		struct group *g = &x->g[x->rgroups[x->rgoff[id] + k]];
		uint32_t pos = x->rpos[x->rgoff[id] + k], *cand, nc = 0;
		if (isempty(x, rem[k], g->path)) {
			ok[k] = 1;
			continue;
		}
		cand = xmalloc((g->list->n + 1) * sizeof *cand);
		ch[k] = xmalloc((g->list->n + 1) * sizeof **ch);
		for (j = pos; j-- > 0;)
			if (g->dec[j] == g->dec[pos])
				cand[nc++] = j;
		n = cover(x, g, rem[k], cand, nc, ch[k]);
		for (j = 0; j < n; j++)
			ch[k][j] = g->list->rules[ch[k][j]];
		nch[k] = n;
		ok[k] = n > 0;
		if (!n)
			implicit = 1;
		free(cand);
	}
	/* the union of the chosen rules */
	for (k = 0, n = 0; k < ng; k++)
		n += nch[k];
	uid = xmalloc((n + 1) * sizeof *uid);
	uoff = xcalloc(n + 1, 1);
	for (k = 0; k < ng; k++)
		for (j = 0; j < nch[k]; j++) {
			for (i = 0; i < nu && uid[i] != ch[k][j]; i++)
				;
			if (i == nu)
				uid[nu++] = ch[k][j];
		}
	/* prune: drop a member when every covered group stays covered */
	for (i = 0; i < nalt + nu; i++) {
		int need = 0;
		if (i < nalt)
			altoff[alt[i]] = 1;
		else
			uoff[i - nalt] = 1;
		for (k = 0; k < ng && !need; k++) {
			struct group *g = &x->g[x->rgroups[x->rgoff[id] + k]];
			uint32_t u = SB_SETS_FALSE, q;
			if (!ok[k])
				continue;
			for (q = 0; q < nalt; q++)
				if (!altoff[alt[q]])
					u = sb_sets_or(x->S, u, sb_sets_of(x->S,
					    a->fl->kids[alt[q]]));
			for (q = 0; q < nch[k]; q++) {
				uint32_t t;
				for (t = 0; t < nu && uid[t] != ch[k][q]; t++)
					;
				if (!uoff[t])
					u = sb_sets_or(x->S, u, M(x, ch[k][q]));
			}
			need = !isempty(x, sb_sets_diff(x->S, live[k], u),
			    g->path);
		}
		if (need) {
			if (i < nalt)
				altoff[alt[i]] = 0;
			else
				uoff[i - nalt] = 0;
		}
	}
	cv.id = xmalloc((nu + 1) * sizeof *cv.id);
	cv.n = 0;
	for (i = 0; i < nu; i++)
		if (!uoff[i])
			cv.id[cv.n++] = uid[i];
	n = 0;
	for (i = 0; i < nalt; i++)
		n += !altoff[alt[i]];
	self = !n && !implicit && selfcover(x, id, &cv);
	n = 0;
	for (i = 0; i < nalt && f; i++) {
		struct sb_buf t = SB_BUF_INIT;
		struct sb_span at;
		int exact;
		if (altoff[alt[i]] || n++ >= MAXCOVER)
			continue;
		at = altspan(x, r, a->fl->kids[alt[i]], &exact);
		if (exact) {
			sb_lint_note(x->L, f, at, "already %s by this "
			    "alternative of the same rule", done);
		} else {
			sb_filter_text(&t, x->t, a->fl->kids[alt[i]]);
			sb_lint_note(x->L, f, at, "already %s by its "
			    "alternative %s", done, t.data);
		}
		sb_buf_free(&t);
	}
	snprintf(msg, sizeof msg, "already %s by this rule", done);
	if (!f) {
		/* only the question of selfcover */
	} else if (n > MAXCOVER) {
		/* more alternatives than notes: count the rules in too */
		sb_lint_note(x->L, f, (struct sb_span){ SB_NOSRC, 0, 0 },
		    "and %u more", n + cv.n - MAXCOVER);
	} else {
		notecover(x, f, &cv, n, msg, id, NULL);
	}
	if (implicit && f)
		sb_lint_note(x->L, f, (struct sb_span){ SB_NOSRC, 0, 0 },
		    "what it decides is decided the same way by the rules "
		    "before it or the implicit decision");
	for (k = 0; k < ng; k++)
		free(ch[k]);
	free(ch);
	free(nch);
	free(ok);
	free(live);
	free(rem);
	free(alt);
	free(altoff);
	free(uid);
	free(uoff);
	free(cv.id);
	return self;
}

/* --- R2, R3, R6, R8 per rule and per alternative ------------------------- */

static int
hasr7(struct rctx *x, uint32_t id)
{
	return x->r7[id];
}

/* The filter nodes of F, SKIP's subtree aside, written at span S. */
static uint32_t
spanuses(const struct sb_filter *f, struct sb_span s,
    const struct sb_filter *skip)
{
	uint32_t n, i;

	if (!f || f == skip)
		return 0;
	n = f->span.src == s.src && f->span.off == s.off &&
	    f->span.len == s.len;
	for (i = 0; i < f->nkids; i++)
		n += spanuses(f->kids[i], s, skip);
	return n;
}

/*
** Where to report alternative ALT of rule R: where it was written, when
** that text made this alternative alone. A filter built from a variable
** or by a helper carries the span of the string it was made from, which
** other alternatives or rules may share ((literal dir) (subpath dir) with
** dir defined above): then the rule (rulesite), and *EXACT is 0 so that
** the message names the alternative.
*/
static struct sb_span
altspan(struct rctx *x, const struct sb_rule *r, const struct sb_filter *alt,
    int *exact)
{
	uint32_t i, n = 0;

	*exact = 0;
	if (!alt)
		return rulesite(x, r);
	if (alt->span.src != r->site.src ||
	    sb_lint_attribute(x->L, alt->span).src == SB_NOSRC)
		return rulesite(x, r);
	for (i = 0; i < x->p->nrules && n == 0; i++)
		n += spanuses(x->p->rules[i]->filter, alt->span,
		    x->p->rules[i] == r ? alt : NULL);
	if (n)
		return rulesite(x, r);
	*exact = 1;
	return alt->span;
}

/*
** R3: the latest later rule that decides some of M otherwise, the last
** matching rule of those requests.
*/
static uint32_t
contradicting(struct rctx *x, uint32_t m, const struct claim *c)
{
	struct group *g = &x->g[c->group];
	uint32_t want = sb_sets_and(x->S, m, Dat(x, g, c->pos, c->other)), j;

	for (j = g->list->n; j-- > c->pos + 1;)
		if (g->dec[j] == c->other && !isempty(x, sb_sets_and(x->S, want,
		    M(x, g->list->rules[j])), g->path))
			return g->list->rules[j];
	return 0;
}

/* --explain: a request the rule matches that a later rule decides. */
static void
explainr3(struct rctx *x, struct sb_finding *f, const struct sb_rule *r,
    uint32_t m, const struct claim *c)
{
	struct group *g = &x->g[c->group];
	struct sb_buf b = SB_BUF_INIT;
	struct sb_req w;
	const struct sb_rule *d;

	if (sb_sets_exists(x->S, sb_sets_and(x->S, m, Dat(x, g, c->pos,
	    c->other)), g->path, &w) != SB_TRI_YES)
		return;
	sb_req_text(x->S, &w, &b);
	d = sb_lint_decider(x->L, x->p, g->slot, &w);
	sb_lint_note(x->L, f, d ? d->site : r->site, "for example, %s %s is "
	    "decided '%s' here", x->t->ops[g->slot].name, b.len ? b.data :
	    "(any request)", x->deckeys[c->other]);
	sb_lint_witness(f, x->t->ops[g->slot].name, b.data, d ?
	    d->fingerprint : 0);
	sb_req_free(&w);
	sb_buf_free(&b);
}

static void
report(struct rctx *x, const struct sb_rule *r, const struct sb_filter *alt,
    uint32_t m, const struct claim *c, const struct alts *a)
{
	int exact;
	struct sb_span at = altspan(x, r, alt, &exact);
	struct sb_finding *f;
	struct sb_buf t = SB_BUF_INIT, w = SB_BUF_INIT;
	const char *what = "rule";

	if (alt) {
		sb_filter_text(&t, x->t, alt);
		/* reported at the rule: say which alternative */
		sb_buf_puts(&w, "alternative");
		if (!exact)
			sb_buf_printf(&w, " %s", t.data);
		what = w.data;
	}
	if (c->r6) {
		if (hasr7(x, r->id))
			goto out;
		f = sb_lint_report(x->L, SB_CHK_R6, at, "%s matches no request "
		    "at all", what);
		sb_lint_about(f, r);
		if (alt)
			sb_lint_disc(f, "%s", t.data);
		if (f && !alt)
			sb_lint_rule_mark(x->L, r->id, SB_CHK_R6);
		goto out;
	}
	if (c->r8) {
		f = sb_lint_report(x->L, SB_CHK_R8, at, "%s takes effect only if "
		    "an earlier specific-operation rule survives a later "
		    "wildcard-operation rule, which is not settled (LINT.md "
		    "§2.7); write the narrower rule after the wider one", what);
		sb_lint_about(f, r);
		if (alt)
			sb_lint_disc(f, "%s", t.data);
		deadcover(x, f, r->id, m, "overridden here only if the "
		    "wildcard-operation rule wins", NULL, 0);
		if (c->bwho)
			sb_lint_note(x->L, f, rulesite(x,
			    x->p->rules[c->bwho - 1]), "without it, this rule "
			    "decides otherwise if it survives a later "
			    "wildcard-operation rule");
		x->r8[r->id] = 1;
		goto out;
	}
	if (c->r3) {
		f = sb_lint_report(x->L, SB_CHK_R3, at, "%s never takes effect: "
		    "everything it matches is decided later by '%s'", what,
		    x->deckeys[c->other]);
		sb_lint_about(f, r);
		if (alt)
			sb_lint_disc(f, "%s", t.data);
		deadcover(x, f, r->id, m, "decided here", NULL,
		    contradicting(x, m, c));
		if (f && x->L->o->explain)
			explainr3(x, f, r, m, c);
		if (!alt)
			sb_lint_rule_mark(x->L, r->id, SB_CHK_R3);
		goto out;
	}
	if (c->r2) {
		int dead = 1;
		uint32_t k;
		for (k = 0; k < x->rgn[r->id] && dead; k++) {
			struct group *g = &x->g[x->rgroups[x->rgoff[r->id] + k]];
			dead = isempty(x, sb_sets_diff(x->S, m, Aat(x, g,
			    x->rpos[x->rgoff[r->id] + k])), g->path);
		}
		/*
		** Decided the same way by another evaluation of the same form
		** (a helper called twice), and named at that form: as with R1
		** (duplicates), nothing in the text to remove. The rule still
		** leaves the analysis.
		*/
		if ((dead ? deadcover(x, NULL, r->id, m, NULL, NULL, 0) :
		    beforecover(x, NULL, r->id, m, a)) &&
		    at.src == r->site.src && at.off == r->site.off)
			goto out;
		f = sb_lint_report(x->L, SB_CHK_R2, at, "%s has no effect: every "
		    "request it decides is decided the same way without it",
		    what);
		sb_lint_about(f, r);
		if (alt)
			sb_lint_disc(f, "%s", t.data);
		if (dead)
			/*
			** R3 could not prove a contradiction (it holds for
			** some values of an opaque fact only): a cover that
			** decides otherwise is not "decided the same way".
			*/
			deadcover(x, f, r->id, m, "decided the same way here",
			    "decided here", 0);
		else
			beforecover(x, f, r->id, m, a);
		if (!alt)
			sb_lint_rule_mark(x->L, r->id, SB_CHK_R2);
	}
out:
	sb_buf_free(&t);
	sb_buf_free(&w);
}

static void
rulechecks(struct rctx *x, const struct sb_rule *r)
{
	const struct sb_filter *fl = r->filter;
	uint32_t m = M(x, r->id), i, j;
	struct claim c;

	uint32_t *pre, after;
	uint8_t *kept;

	claims(x, r->id, m, SB_SETS_FALSE, &c);
	if (c.r6 || c.r2 || c.r8) {
		report(x, r, NULL, m, &c, NULL);
		if (!c.r8)
			removerule(x, r->id);
		return;
	}
	if (!fl || fl->kind != SB_F_ANY || fl->nkids < 2)
		return;
	/* newest alternative first, like rules: prefix ORs of the ones
	** before, a running OR of the ones after that are kept */
	pre = xmalloc((fl->nkids + 1) * sizeof *pre);
	kept = xmalloc(fl->nkids);
	memset(kept, 1, fl->nkids);
	pre[0] = SB_SETS_FALSE;
	for (j = 0; j < fl->nkids; j++)
		pre[j + 1] = sb_sets_or(x->S, pre[j], sb_sets_of(x->S,
		    fl->kids[j]));
	after = SB_SETS_FALSE;
	for (i = fl->nkids; i-- > 0;) {
		uint32_t mk = sb_sets_of(x->S, fl->kids[i]);
		uint32_t rest = sb_sets_or(x->S, pre[i], after);
		struct alts a = { fl, i, kept, rest };
		claims(x, r->id, mk, rest, &c);
		if (!(c.r6 || c.r2 || c.r8)) {
			after = sb_sets_or(x->S, after, mk);
			continue;
		}
		report(x, r, fl->kids[i], mk, &c, &a);
		if (c.r8) {
			after = sb_sets_or(x->S, after, mk);
		} else {
			removealt(x, r->id, rest);
			kept[i] = 0;
		}
	}
	free(pre);
	free(kept);
}

/* --- R4, R5, R8 on pairs ----------------------------------------------------- */

static int
shareop(struct rctx *x, uint32_t a, uint32_t b)
{
	uint32_t i;

	for (i = 0; i < 4; i++)
		if (x->gbits[a][i] & x->gbits[b][i])
			return 1;
	return 0;
}

/* Whether B's operations include a strict ancestor of one of A's. */
static int
wider(struct rctx *x, const struct sb_rule *a, const struct sb_rule *b)
{
	uint32_t i, j;

	for (i = 0; i < a->nops; i++)
		for (j = 0; j < b->nops; j++)
			if (a->ops[i] != b->ops[j] &&
			    sb_target_op_within(x->t, a->ops[i], b->ops[j]))
				return 1;
	return 0;
}

static int
anypath(struct rctx *x, uint32_t id)
{
	uint32_t k;

	for (k = 0; k < x->rgn[id]; k++)
		if (x->g[x->rgroups[x->rgoff[id] + k]].path)
			return 1;
	return 0;
}

/*
** Whether rules after position J, on R's operations at least as
** specifically as R names them, decide all of BOTH: then neither reading
** of LINT.md §2.7 lets R or the wider rule at J decide any of it.
*/
static int
settledlater(struct rctx *x, const struct sb_rule *r, uint32_t j,
    uint32_t both, int path)
{
	const struct sb_profile *p = x->p;
	uint32_t later = SB_SETS_FALSE, t, k;

	for (t = j + 1; t <= p->nrules; t++) {
		const struct sb_rule *u = p->rules[t - 1];
		int all = 1;
		for (k = 0; k < x->rgn[r->id] && all; k++) {
			struct group *g = &x->g[x->rgroups[x->rgoff[r->id] + k]];
			uint32_t lr = level(x->t, r, g->slot);
			all = level(x->t, u, g->slot) >= lr;
		}
		if (all)
			later = sb_sets_or(x->S, later, M(x, t));
	}
	return later != SB_SETS_FALSE &&
	    isempty(x, sb_sets_diff(x->S, both, later), path);
}

static void
pairs(struct rctx *x)
{
	const struct sb_profile *p = x->p;
	int r4 = sb_lint_level(x->L, SB_CHK_R4) != SB_LV_OFF;
	int r5 = sb_lint_level(x->L, SB_CHK_R5) != SB_LV_OFF;
	int r8 = sb_lint_level(x->L, SB_CHK_R8) != SB_LV_OFF;
	uint32_t i, j, k, q, **bydec, *nby;

	if (!r4 && !r5 && !r8)
		return;
	/* rules by decision, so a rule meets only the others' rules */
	bydec = xcalloc(x->ndeckeys + 1, sizeof *bydec);
	nby = xcalloc(x->ndeckeys + 1, sizeof *nby);
	for (i = 1; i <= p->nrules; i++)
		nby[x->decid[i]]++;
	for (k = 0; k < x->ndeckeys; k++)
		bydec[k] = xmalloc((nby[k] + 1) * sizeof **bydec);
	memset(nby, 0, (x->ndeckeys + 1) * sizeof *nby);
	for (i = 1; i <= p->nrules; i++)
		bydec[x->decid[i]][nby[x->decid[i]]++] = i;
	for (j = 1; j <= p->nrules; j++) {
		const struct sb_rule *s = p->rules[j - 1];
		uint32_t ms;
		if (!sb_lint_rule_in_target(x->L, s) ||
		    sb_lint_rule_has(x->L, j, SB_CHK_R6))
			continue;
		ms = M(x, j);
		for (k = 0; k < x->ndeckeys; k++)
		for (q = 0; k != x->decid[j] && q < nby[k] &&
		    bydec[k][q] < j; q++) {
			const struct sb_rule *r = p->rules[bydec[k][q] - 1];
			i = r->id;
			uint32_t mr, both;
			int path, trap;
			struct sb_finding *f;
			if (!shareop(x, i, j) ||
			    sb_lint_rule_has(x->L, i, SB_CHK_R6))
				continue;
			mr = M(x, i);
			both = sb_sets_and(x->S, mr, ms);
			if (both == SB_SETS_FALSE)
				continue;
			path = anypath(x, i) && anypath(x, j);
			trap = r8 && !x->r8[i] && wider(x, r, s) &&
			    !settledlater(x, r, j, both, path);
			if (!trap && !r4 && !r5)
				continue;
			if (sb_sets_exists(x->S, both, path, NULL) !=
			    SB_TRI_YES)
				continue;
			if (trap) {
				f = sb_lint_report(x->L, SB_CHK_R8, s->site,
				    "this wildcard-operation rule may or may not "
				    "override the earlier rule on a specific "
				    "operation (LINT.md §2.7); write the "
				    "exception after it");
				sb_lint_about(f, s);
				sb_lint_about(f, r);
				sb_lint_note(x->L, f, r->site, "this rule may or "
				    "may not survive");
				continue;
			}
			if (isempty(x, sb_sets_diff(x->S, ms, mr), path)) {
				if (!r5)
					continue;
				f = sb_lint_report(x->L, SB_CHK_R5, s->site,
				    "exception: a narrower '%s' carved out of an "
				    "earlier rule", actword(s->action));
				sb_lint_about(f, s);
				sb_lint_about(f, r);
				sb_lint_note(x->L, f, r->site, "carved out of this "
				    "rule");
				continue;
			}
			if (!r4 || isempty(x, sb_sets_diff(x->S, mr, ms), path))
				continue;
			f = sb_lint_report(x->L, SB_CHK_R4, s->site, "rule "
			    "partly overlaps an earlier rule of another "
			    "decision; their order matters");
			sb_lint_about(f, s);
			sb_lint_about(f, r);
			sb_lint_note(x->L, f, r->site, "overlaps this rule in "
			    "part");
		}
	}
	for (k = 0; k < x->ndeckeys; k++)
		free(bydec[k]);
	free(bydec);
	free(nby);
}

/* --- R1 ------------------------------------------------------------------- */

static uint64_t
texthash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static void
duplicates(struct rctx *x)
{
	const struct sb_profile *p = x->p;
	struct sb_buf b = SB_BUF_INIT;
	char **text = xcalloc(p->nrules + 1, sizeof *text);
	size_t *len = xcalloc(p->nrules + 1, sizeof *len);
	uint32_t cap = 64, i, k, *tab, *next;
	uint64_t *h = xcalloc(p->nrules + 1, sizeof *h);

	while (cap < 2 * p->nrules)
		cap *= 2;
	tab = xcalloc(cap, sizeof *tab);
	next = xcalloc(p->nrules + 1, sizeof *next);
	for (i = 0; i < p->nrules; i++) {
		b.len = 0;
		sb_rule_text(&b, x->t, p->rules[i]);
		sb_buf_putc(&b, 0);
		sb_buf_puts(&b, p->rules[i]->origin);
		text[i] = xmalloc(b.len + 1);
		memcpy(text[i], b.data, b.len);
		text[i][b.len] = 0;
		len[i] = b.len;
		h[i] = texthash(text[i], len[i]);
	}
	/* newest first into chains, so each rule finds the next copy */
	for (i = p->nrules; i-- > 0;) {
		const struct sb_rule *r = p->rules[i], *s;
		struct sb_finding *f;
		uint32_t j = 0;
		for (k = (uint32_t)h[i] & (cap - 1); tab[k]; k = (k + 1) &
		    (cap - 1)) {
			j = tab[k] - 1;
			if (h[j] == h[i] && len[j] == len[i] &&
			    memcmp(text[j], text[i], len[i]) == 0)
				break;
			j = 0;
		}
		if (!tab[k]) {
			tab[k] = i + 1;
			continue;
		}
		next[i] = j + 1;        /* the next copy after i */
		tab[k] = i + 1;
		s = p->rules[j];
		if (!sb_lint_rule_in_target(x->L, r))
			continue;
		if (s->site.src == r->site.src && s->site.off == r->site.off)
			continue;       /* one form evaluated twice */
		f = sb_lint_report(x->L, SB_CHK_R1, r->site, "duplicate "
		    "rule: the same rule is written again later");
		sb_lint_about(f, r);
		sb_lint_note(x->L, f, s->site, "written again here");
		sb_lint_rule_mark(x->L, r->id, SB_CHK_R1);
		/* the later copy is the same root cause (LINT.md §3.9) */
		sb_lint_rule_mark(x->L, s->id, SB_CHK_R1);
	}
	for (i = 0; i < p->nrules; i++)
		free(text[i]);
	free(text);
	free(len);
	free(h);
	free(tab);
	free(next);
	sb_buf_free(&b);
}

/* --- R7 ------------------------------------------------------------------- */

static const char *const symlinked[] = { "/tmp", "/var", "/etc" };

/* The canonical spelling of the N bytes at S into B; 0 when canonical. */
static int
canonical(const char *s, uint32_t n, uint8_t pat, struct sb_buf *b)
{
	uint32_t i;
	int bad = 0;

	b->len = 0;
	if (n == 0 || (s[0] != '/' && !(n >= 2 && s[0] == '$' && s[1] == '{')))
		return -1;      /* relative */
	if (s[0] == '$')
		return 0;
	for (i = 0; i < countof(symlinked); i++) {
		size_t k = strlen(symlinked[i]);
		if (n >= k && memcmp(s, symlinked[i], k) == 0 &&
		    ((n > k && s[k] == '/') || (n == k && pat != SB_PAT_LITERAL))) {
			sb_buf_puts(b, "/private");
			bad = 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '/' && i + 1 < n && s[i + 1] == '/') {
			bad = 1;
			continue;
		}
		if (s[i] == '/' && i + 1 < n && s[i + 1] == '.' &&
		    (i + 2 == n || s[i + 2] == '/')) {
			bad = 1;
			i++;
			continue;
		}
		if (s[i] == '/' && i + 2 < n && s[i + 1] == '.' && s[i + 2] ==
		    '.' && (i + 3 == n || s[i + 3] == '/')) {
			/* drop the previous component */
			while (b->len > 0 && b->data[b->len - 1] != '/')
				b->len--;
			if (b->len > 0)
				b->len--;
			bad = 1;
			i += 2;
			continue;
		}
		sb_buf_putc(b, s[i]);
	}
	if (b->len > 1 && b->data[b->len - 1] == '/' && pat != SB_PAT_PREFIX) {
		b->len--;
		bad = 1;
	}
	if (b->len == 0)
		sb_buf_putc(b, '/');
	if (b->data)
		b->data[b->len] = 0;
	return bad;
}

/* The literal prefix of an anchored regex, unescaped, into B. */
static int
regexprefix(const char *s, uint32_t n, struct sb_buf *b)
{
	uint32_t i;

	b->len = 0;
	if (n == 0 || s[0] != '^')
		return 0;
	for (i = 1; i < n; i++) {
		char c = s[i];
		if (c == '\\' && i + 1 < n && strchr(".^$()[]|*+?{}\\/-", s[i + 1])) {
			sb_buf_putc(b, s[++i]);
			continue;
		}
		if (strchr(".^$()[]|*+?{}\\", c))
			break;
		sb_buf_putc(b, c);
	}
	/* a quantifier applies to the last literal byte: not part of it */
	if (i < n && strchr("*+?{", s[i]) && b->len)
		b->len--;
	if (b->data)
		b->data[b->len] = 0;
	return 1;
}

static void
r7arg(struct rctx *x, const struct sb_rule *r, const struct sb_filter *f)
{
	struct sb_buf b = SB_BUF_INIT;
	struct sb_span at = f->span;
	struct sb_finding *g;
	const char *deny = r->action == SB_DENY ? "; this deny never applies, "
	    "so the path is not protected" : "";
	uint32_t i;
	int bad = 0;

	if (at.src != r->site.src || sb_lint_attribute(x->L, at).src ==
	    SB_NOSRC)
		at = r->site;
	if (f->pat == SB_PAT_REGEX) {
		if (!regexprefix(f->arg.s, f->arg.len, &b) || b.len < 4)
			goto out;
		for (i = 0; i < countof(symlinked); i++)
			if (strncmp(b.data, symlinked[i], 4) == 0 &&
			    (b.len == 4 || b.data[4] == '/'))
				bad = 1;
		if (!bad)
			goto out;
		x->r7[r->id] = 1;
		g = sb_lint_report(x->L, SB_CHK_R7, at, "regex '%s' can match no "
		    "resolved path: '%.4s' is a symlink into '/private'; write "
		    "'^(/private)?%s'%s", f->arg.s, b.data, f->arg.s + 1, deny);
		sb_lint_about(g, r);
		sb_lint_disc(g, "%s", f->arg.s);
		goto out;
	}
	bad = canonical(f->arg.s, f->arg.len, f->pat, &b);
	if (!bad || (bad < 0 && strchr(f->arg.s, '@')))
		goto out;       /* an @word@ template is E10's */
	x->r7[r->id] = 1;
	if (bad < 0)
		g = sb_lint_report(x->L, SB_CHK_R7, at, "'%s' is a relative "
		    "path, which no resolved path can equal%s", f->arg.s, deny);
	else
		g = sb_lint_report(x->L, SB_CHK_R7, at, "'%s' is not a resolved "
		    "path; write '%s'%s", f->arg.s, b.data, deny);
	sb_lint_about(g, r);
	sb_lint_disc(g, "%s", f->arg.s);
out:
	sb_buf_free(&b);
}

static void
r7walk(struct rctx *x, const struct sb_rule *r, const struct sb_filter *f,
    int path)
{
	uint32_t i;

	if (!f)
		return;
	if (f->kind != SB_F_TEST) {
		for (i = 0; i < f->nkids; i++)
			r7walk(x, r, f->kids[i], path);
		return;
	}
	if ((int)f->filter == path && f->arg.kind == SB_FA_STRING)
		r7arg(x, r, f);
}

static void
paths(struct rctx *x)
{
	int path = sb_target_filter_find(x->t, "path", 4);
	uint32_t i;

	for (i = 0; i < x->p->nrules; i++)
		if (sb_lint_rule_in_target(x->L, x->p->rules[i]))
			r7walk(x, x->p->rules[i], x->p->rules[i]->filter, path);
}

/* --- R9 ------------------------------------------------------------------- */

static void
unusedparams(struct rctx *x)
{
	const struct sb_options *co = &x->L->o->co;
	const struct sb_sources *t = &x->L->cur->unit.ctx.sources;
	uint32_t i, k;

	for (i = 0; i < co->nparams; i++) {
		const char *name = co->params[i].name;
		int found = 0;
		struct sb_finding *f;
		for (k = 0; k < t->n && !found; k++)
			found = strstr(t->v[k]->text, name) != NULL;
		if (found)
			continue;
		f = sb_lint_report(x->L, SB_CHK_R9, (struct sb_span){ SB_NOSRC,
		    0, 0 }, "parameter '%s' given with -D is never read", name);
		if (f)
			f->subject = xstrdup(name);
	}
}

static void
unuseddefines(struct rctx *x)
{
	const struct sb_intern *syms = &x->L->cur->unit.ctx.syms;
	uint32_t i;

	for (i = 0; i < syms->cap; i++) {
		const struct sb_sym *s = syms->slots[i];
		const struct sb_binding *b;
		if (!s || !s->global)
			continue;
		b = s->global;
		if (b->uses || b->def.src != x->L->cur->main_src)
			continue;
		sb_lint_report(x->L, SB_CHK_R9, b->def, "'%s' is defined but "
		    "never used", s->name);
	}
}

/* An imported user file none of whose rules decides anything. */
static void
unusedimports(struct rctx *x)
{
	struct sb_lint_file *F = x->L->cur;
	const struct sb_profile *p = x->p;
	uint32_t n = F->nimport_site, src, i;

	for (src = 0; src < n; src++) {
		struct sb_source *s = sb_source_get(&F->unit.ctx.sources, src);
		uint32_t rules = 0, dead = 0;
		if (!s || s->kind == SB_SRC_EMBEDDED ||
		    F->import_site[src].src != F->main_src)
			continue;
		for (i = 0; i < p->nrules; i++) {
			if (p->rules[i]->site.src != src)
				continue;
			rules++;
			dead += sb_lint_rule_has(x->L, i + 1, SB_CHK_R2) ||
			    sb_lint_rule_has(x->L, i + 1, SB_CHK_R3) ||
			    sb_lint_rule_has(x->L, i + 1, SB_CHK_R6);
		}
		if (rules && dead == rules)
			sb_lint_report(x->L, SB_CHK_R9, F->import_site[src],
			    "imported file '%s' has no effect: none of its %u "
			    "rules decides anything", s->path, rules);
	}
}

/* --- the pass ---------------------------------------------------------------- */

void
sb_lint_check_rules(struct sb_lint *L)
{
	struct rctx x;
	struct sb_buf b = SB_BUF_INIT;
	uint32_t i;
	int sem = sb_lint_level(L, SB_CHK_R2) || sb_lint_level(L, SB_CHK_R3) ||
	    sb_lint_level(L, SB_CHK_R6) || sb_lint_level(L, SB_CHK_R8);

	memset(&x, 0, sizeof x);
	x.L = L;
	x.S = L->sets;
	x.p = L->cur->unit.profile;
	x.t = L->cur->unit.target;
	if (x.p->nrules == 0)
		return;
	if (!x.S)
		sem = 0;        /* past the analysis limit: every claim unknown */
	x.decid = xcalloc(x.p->nrules + 1, sizeof *x.decid);
	x.r7 = xcalloc(x.p->nrules + 1, 1);
	x.r8 = xcalloc(x.p->nrules + 1, 1);
	sb_lint_rule_mark(L, 0, SB_CHK_E1);
	decindex(&x, "allow");
	decindex(&x, "deny");
	for (i = 0; i < x.p->nrules; i++) {
		b.len = 0;
		deckey(x.t, x.p->rules[i], &b);
		x.decid[i + 1] = decindex(&x, b.data);
	}
	makegroups(&x);
	duplicates(&x);
	paths(&x);
	x.removed = xcalloc(x.p->nrules + 1, 1);
	x.hasmov = xcalloc(x.p->nrules + 1, 1);
	x.mov = xcalloc(x.p->nrules + 1, sizeof *x.mov);
	for (i = x.p->nrules; sem && i-- > 0;) {
		const struct sb_rule *r = x.p->rules[i];
		if (!sb_lint_rule_in_target(L, r) ||
		    sb_lint_rule_has(L, r->id, SB_CHK_R1) || x.r7[r->id])
			continue;
		rulechecks(&x, r);
	}
	if (x.S)
		pairs(&x);
	unuseddefines(&x);
	unusedparams(&x);
	unusedimports(&x);
	for (i = 0; i < x.ng; i++) {
		free(x.g[i].dec);
		free(x.g[i].Dcur);
		free(x.g[i].B);
	}
	for (i = 0; i < x.ndeckeys; i++)
		free(x.deckeys[i]);
	free(x.deckeys);
	free(x.g);
	free(x.rgroups);
	free(x.rgoff);
	free(x.rgn);
	free(x.rpos);
	free(x.decid);
	free(x.r7);
	free(x.r8);
	free(x.gbits);
	free(x.removed);
	free(x.hasmov);
	free(x.mov);
	sb_buf_free(&b);
}
