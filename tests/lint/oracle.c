/*
** The differential oracle for lint's proofs (LINT.md §10, DESIGN.md
** §13.5): lint a profile in-process, then check every R2, R3 and R6 claim
** against the reference evaluator compiler/match.c on generated queries.
** Removing the reported rule or alternative must change no decision, one
** claim at a time and all of them at once; an R3 rule must decide no
** query. Queries cross every operation the rule applies to with values
** drawn from the profile's own arguments, their mutations, and samples
** of its regexes; paths are canonical (LINT.md §2.5), as lint's model
** says requests are.
**
** Usage: oracle [-D N=V] [-I DIR] [--cpp] [--fragment] [--prelude=F]
**        [--queries=N] FILE
** Prints "oracle: FILE: N claims, N queries, N failures" and exits 1 on
** a failure.
*/
#define _DEFAULT_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "compiler/match.h"
#include "compiler/profile.h"
#include "compiler/regex.h"
#include "kext/target.h"
#include "lint/automaton.h"
#include "lint/lint.h"
#include "lint/sets.h"

#define MAXFACTS 8

struct pool {                           /* candidate values of one filter */
	uint16_t filter;
	int kind;                       /* SB_MF_* */
	char **s;
	uint32_t ns, caps;
	int64_t *iv;
	uint32_t ni, capi;
};

struct oracle {
	struct sb_arena *a;
	const struct sb_profile *p;
	const struct sb_target *t;
	struct pool *pools;
	uint32_t npools;
	uint64_t rng;
	struct sb_alpha canonal;
	struct sb_fa *canon;
	int pathid;
	uint32_t queries, failures;
	uint32_t perclaim;
};

static uint32_t
rnd(struct oracle *o, uint32_t n)
{
	o->rng = o->rng * 6364136223846793005ull + 1442695040888963407ull;
	return n ? (uint32_t)((o->rng >> 33) % n) : 0;
}

static struct pool *
poolfor(struct oracle *o, uint16_t filter, int kind)
{
	uint32_t i;

	for (i = 0; i < o->npools; i++)
		if (o->pools[i].filter == filter)
			return &o->pools[i];
	o->pools = xrealloc(o->pools, (o->npools + 1) * sizeof *o->pools);
	memset(&o->pools[o->npools], 0, sizeof *o->pools);
	o->pools[o->npools].filter = filter;
	o->pools[o->npools].kind = kind;
	return &o->pools[o->npools++];
}

static void
addstr(struct pool *p, const char *s, size_t n)
{
	uint32_t i;

	if (n > 200)
		return;
	for (i = 0; i < p->ns; i++)
		if (strlen(p->s[i]) == n && memcmp(p->s[i], s, n) == 0)
			return;
	if (p->ns == p->caps) {
		p->caps = p->caps ? 2 * p->caps : 16;
		p->s = xrealloc(p->s, p->caps * sizeof *p->s);
	}
	p->s[p->ns] = xmalloc(n + 1);
	memcpy(p->s[p->ns], s, n);
	p->s[p->ns++][n] = 0;
}

static void
addint(struct pool *p, int64_t v)
{
	uint32_t i;

	for (i = 0; i < p->ni; i++)
		if (p->iv[i] == v)
			return;
	if (p->ni == p->capi) {
		p->capi = p->capi ? 2 * p->capi : 16;
		p->iv = xrealloc(p->iv, p->capi * sizeof *p->iv);
	}
	p->iv[p->ni++] = v;
}

/* Strings a regex accepts: random walks on its automaton. */
static void
samples(struct oracle *o, struct pool *p, const struct sb_regex *rx)
{
	struct sb_alpha al;
	struct sb_fa *fa;
	struct sb_buf b = SB_BUF_INIT;
	uint32_t k, step;

	sb_alpha_init(&al);
	sb_alpha_regex(&al, rx);
	sb_alpha_single(&al, '/');
	sb_alpha_finish(&al);
	fa = sb_fa_new(&al, SB_FAK_REGEX, NULL, 0, rx);
	for (k = 0; k < 12; k++) {
		uint32_t st = sb_fa_start(fa);
		b.len = 0;
		for (step = 0; step < 60 && st != SB_FA_OVER; step++) {
			uint16_t c;
			uint32_t tries, next = SB_FA_DEAD;
			if (sb_fa_accepting(fa, st) && rnd(o, 4) == 0)
				break;
			for (tries = 0; tries < 8 && (next == SB_FA_DEAD ||
			    next == SB_FA_OVER); tries++) {
				c = (uint16_t)rnd(o, al.n);
				next = sb_fa_step(fa, st, c);
				if (next != SB_FA_DEAD && next != SB_FA_OVER)
					sb_buf_putc(&b, (char)al.rep[c]);
			}
			if (next == SB_FA_DEAD || next == SB_FA_OVER)
				break;
			st = next;
		}
		if (st != SB_FA_OVER && sb_fa_accepting(fa, st))
			addstr(p, b.data ? b.data : "", b.len);
	}
	sb_buf_free(&b);
	sb_fa_free(fa);
	sb_alpha_free(&al);
}

static void
collect(struct oracle *o, const struct sb_filter *f)
{
	const struct sb_filter_info *fi;
	struct pool *p;
	uint32_t i;

	if (!f)
		return;
	if (f->kind != SB_F_TEST) {
		for (i = 0; i < f->nkids; i++)
			collect(o, f->kids[i]);
		return;
	}
	if (f->filter >= o->t->filter_count)
		return;
	fi = &o->t->filters[f->filter];
	switch (f->arg.kind) {
	case SB_FA_STRING:
		p = poolfor(o, f->filter, SB_MF_STRING);
		if (f->pat == SB_PAT_REGEX && f->rx) {
			samples(o, p, f->rx);
		} else {
			char buf[256];
			addstr(p, f->arg.s, f->arg.len);
			if (f->arg.len && f->arg.len < 200) {
				addstr(p, f->arg.s, f->arg.len - 1);
				snprintf(buf, sizeof buf, "%s/x", f->arg.s);
				addstr(p, buf, strlen(buf));
				snprintf(buf, sizeof buf, "%sx", f->arg.s);
				addstr(p, buf, strlen(buf));
				snprintf(buf, sizeof buf, "%s/.ssh", f->arg.s);
				addstr(p, buf, strlen(buf));
			}
		}
		break;
	case SB_FA_INT:
	case SB_FA_BOOL:
		p = poolfor(o, f->filter, fi->argkind == SB_ARG_BOOL ?
		    SB_MF_BOOL : SB_MF_INT);
		addint(p, f->arg.i);
		addint(p, f->arg.i + 1);
		addint(p, f->arg.i | 0x1ff);
		break;
	case SB_FA_NETWORK:
		p = poolfor(o, f->filter, SB_MF_NETWORK);
		if (f->arg.s && strrchr(f->arg.s, ':'))
			addint(p, strtoll(strrchr(f->arg.s, ':') + 1, NULL, 10));
		break;
	default:
		break;
	}
}

static void
parents(struct pool *p)
{
	uint32_t i, n = p->ns;

	/* parents of every path, so subpath and literal rules overlap */
	for (i = 0; i < n; i++) {
		const char *s = p->s[i], *slash = strrchr(s, '/');
		if (slash && slash > s)
			addstr(p, s, (size_t)(slash - s));
	}
	addstr(p, "/", 1);
	addstr(p, "/q", 2);
	addstr(p, "/Users/a/.ssh", 13);
}

/* A random query on SLOT; strings point into the pools. */
static void
query(struct oracle *o, uint32_t slot, int path, struct sb_mfact *facts,
    uint32_t *nfacts)
{
	uint32_t i, n = 0;

	for (i = 0; i < o->npools && n < MAXFACTS; i++) {
		struct pool *p = &o->pools[i];
		struct sb_mfact *f = &facts[n];
		int need = path && (int)p->filter == o->pathid;
		if (!need && rnd(o, 3) == 0)
			continue;
		memset(f, 0, sizeof *f);
		f->filter = p->filter;
		f->kind = p->kind;
		f->port = -1;
		if (p->kind == SB_MF_STRING) {
			uint32_t tries = 0;
			if (!p->ns)
				continue;
			do {
				f->s = p->s[rnd(o, p->ns)];
				f->len = (uint32_t)strlen(f->s);
			} while ((int)p->filter == o->pathid && !sb_fa_run(
			    o->canon, f->s, f->len) && ++tries < 20);
			if ((int)p->filter == o->pathid && !sb_fa_run(o->canon,
			    f->s, f->len))
				continue;
		} else if (p->kind == SB_MF_NETWORK) {
			static const int64_t protos[] = { 5, 6, 9, 10, 1, 2 };
			f->i = protos[rnd(o, 6)];
			f->s = rnd(o, 2) ? "localhost" : "example.com";
			f->len = (uint32_t)strlen(f->s);
			f->port = p->ni && rnd(o, 3) ? p->iv[rnd(o, p->ni)] :
			    rnd(o, 2) ? 65001 : -1;
		} else {
			if (!p->ni)
				continue;
			f->i = p->iv[rnd(o, p->ni)];
		}
		n++;
	}
	(void)slot;
	*nfacts = n;
}

/* The decision as text: action and modifiers. */
static void
decision(const struct sb_target *t, const struct sb_mresult *r,
    struct sb_buf *b)
{
	uint32_t i;

	b->len = 0;
	sb_buf_puts(b, r->decision == SB_ALLOW ? "allow" : "deny");
	for (i = 0; r->mods && i < r->mods->n; i++)
		sb_buf_printf(b, " %s:%lld:%s", t->modifiers[r->mods->v[i].id].name,
		    (long long)r->mods->v[i].arg.i, r->mods->v[i].arg.s ?
		    r->mods->v[i].arg.s : "");
	if (b->data)
		b->data[b->len] = 0;
}

/* A claim: rule ID, or one alternative of it (KID), to remove. */
struct claim {
	uint32_t id;
	int kid;                        /* -1: the whole rule */
	int r3;
};

/* P with the claims removed, in arena A. */
static struct sb_profile *
without(struct oracle *o, const struct claim *c, uint32_t n)
{
	struct sb_profile *q = sb_arena_alloc(o->a, sizeof *q);
	uint32_t i, k;

	*q = *o->p;
	q->rules = sb_arena_alloc(o->a, o->p->nrules * sizeof *q->rules);
	for (i = 0; i < o->p->nrules; i++) {
		q->rules[i] = sb_arena_alloc(o->a, sizeof *q->rules[i]);
		*q->rules[i] = *o->p->rules[i];
	}
	for (k = 0; k < n; k++) {
		struct sb_rule *r = q->rules[c[k].id - 1];
		const struct sb_filter *f = o->p->rules[c[k].id - 1]->filter;
		if (c[k].kid < 0) {
			r->filter = sb_filter_const(o->a, 0, r->site);
			continue;
		}
		/* drop one alternative: the ANY of the others */
		{
			const struct sb_filter **kids = sb_arena_alloc(o->a,
			    f->nkids * sizeof *kids);
			uint32_t j, m = 0;
			for (j = 0; j < f->nkids; j++)
				if ((int)j != c[k].kid && !(f->kids[j]->kind ==
				    SB_F_FALSE))
					kids[m++] = f->kids[j];
			/* keep the other removed alternatives removed too */
			for (i = 0; i < n; i++)
				if (i != k && c[i].id == c[k].id && c[i].kid >= 0)
					for (j = 0; j < m; j++)
						if (kids[j] == f->kids[c[i].kid]) {
							kids[j] = kids[--m];
							break;
						}
			r->filter = sb_filter_join(o->a, SB_F_ANY, kids, m,
			    r->site);
		}
	}
	return q;
}

static int
applies(const struct sb_target *t, const struct sb_rule *r, uint32_t slot)
{
	uint32_t i;

	for (i = 0; i < r->nops; i++)
		if (sb_target_op_within(t, slot, r->ops[i]))
			return 1;
	return 0;
}

/* Compare P and Q on queries over the slots of rule ID (0: every slot). */
static void
compare(struct oracle *o, const struct sb_profile *q, const struct claim *c,
    uint32_t nq, const char *what)
{
	struct sb_matcher *m1 = sb_matcher_new(o->a, o->p);
	struct sb_matcher *m2 = sb_matcher_new(o->a, q);
	struct sb_buf d1 = SB_BUF_INIT, d2 = SB_BUF_INIT;
	struct sb_mfact facts[MAXFACTS];
	uint32_t slot, k, reported = 0;

	for (slot = 0; slot < o->t->op_count; slot++) {
		int path = sb_lint_path_slot(o->t, slot);
		if (c && !applies(o->t, o->p->rules[c->id - 1], slot))
			continue;
		if (!c && o->p->ops[slot].n == 0)
			continue;
		for (k = 0; k < nq; k++) {
			struct sb_mquery mq;
			struct sb_mresult r1, r2;
			uint32_t nf;
			query(o, slot, path, facts, &nf);
			memset(&mq, 0, sizeof mq);
			mq.op = (uint16_t)slot;
			mq.facts = facts;
			mq.nfacts = nf;
			sb_match(m1, &mq, &r1);
			decision(o->t, &r1, &d1);
			if (c && c->r3 && r1.rule == c->id && !reported++) {
				o->failures++;
				printf("FAIL %s: the shadowed rule decides %s on "
				    "%s\n", what, d1.data, o->t->ops[slot].name);
			}
			sb_match(m2, &mq, &r2);
			decision(o->t, &r2, &d2);
			o->queries++;
			if (strcmp(d1.data, d2.data) != 0 && !reported++) {
				uint32_t i;
				o->failures++;
				printf("FAIL %s: %s becomes %s on %s", what,
				    d1.data, d2.data, o->t->ops[slot].name);
				for (i = 0; i < nf; i++)
					if (facts[i].kind == SB_MF_STRING)
						printf(" %s=%s", o->t->filters[
						    facts[i].filter].name,
						    facts[i].s);
					else
						printf(" %s=%lld", o->t->filters[
						    facts[i].filter].name,
						    (long long)facts[i].i);
				printf(" (rule %u decided, then rule %u)\n",
				    r1.rule, r2.rule);
			}
		}
	}
	sb_buf_free(&d1);
	sb_buf_free(&d2);
}

/* The alternative of rule R whose canonical text is TEXT, or -1. */
static int
altindex(const struct sb_target *t, const struct sb_rule *r, const char *text)
{
	struct sb_buf b = SB_BUF_INIT;
	uint32_t i;
	int found = -1;

	if (!r->filter || r->filter->kind != SB_F_ANY)
		return -1;
	for (i = 0; i < r->filter->nkids && found < 0; i++) {
		b.len = 0;
		sb_filter_text(&b, t, r->filter->kids[i]);
		if (strcmp(b.data, text) == 0)
			found = (int)i;
	}
	sb_buf_free(&b);
	return found;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "cpp", no_argument, NULL, 'c' },
		{ "fragment", no_argument, NULL, 'f' },
		{ "prelude", required_argument, NULL, 'p' },
		{ "queries", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct sb_lint_opts lo_;
	struct sb_lint L;
	struct sb_define *defs = NULL;
	const char **incs = NULL, **pre = NULL;
	uint32_t npre = 0, i, j, nclaims = 0;
	struct claim *claims = NULL;
	struct oracle o;
	struct sb_lint_file *F;
	uint32_t perclaim = 200;
	int c;

	sb_lint_opts_init(&lo_);
	while ((c = getopt_long(argc, argv, "D:I:", lo, NULL)) != -1) {
		char *eq;
		switch (c) {
		case 'D':
			if (!(eq = strchr(optarg, '=')))
				return 2;
			*eq = 0;
			defs = xrealloc(defs, (lo_.co.nparams + 1) * sizeof *defs);
			defs[lo_.co.nparams].name = optarg;
			defs[lo_.co.nparams++].value = eq + 1;
			lo_.co.params = defs;
			break;
		case 'I':
			incs = xrealloc(incs, (lo_.co.nincdirs + 1) * sizeof *incs);
			incs[lo_.co.nincdirs++] = optarg;
			lo_.co.incdirs = incs;
			break;
		case 'c':
			lo_.co.cpp = 1;
			break;
		case 'f':
			lo_.fragment = 1;
			break;
		case 'p':
			pre = xrealloc(pre, (npre + 1) * sizeof *pre);
			pre[npre++] = optarg;
			break;
		case 'q':
			perclaim = (uint32_t)atoi(optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: oracle [options] FILE\n");
		return 2;
	}
	lo_.preludes = pre;
	lo_.npreludes = npre;
	if (sb_lint_run(&L, &lo_, (const char *const *)argv + optind, 1) < 0)
		return 2;
	F = &L.files[0];
	memset(&o, 0, sizeof o);
	o.rng = 0x5eed;
	o.perclaim = perclaim;
	if (!F->unit.profile) {
		printf("oracle: %s: 0 claims (no profile)\n", argv[optind]);
		sb_lint_free(&L);
		return 0;
	}
	o.a = &F->unit.ctx.arena;
	o.p = F->unit.profile;
	o.t = o.p->target;
	o.pathid = sb_target_filter_find(o.t, "path", 4);
	sb_alpha_init(&o.canonal);
	for (i = 0; i < 256; i++)
		sb_alpha_single(&o.canonal, (uint8_t)i);
	sb_alpha_finish(&o.canonal);
	o.canon = sb_fa_new(&o.canonal, SB_FAK_CANON, NULL, 0, NULL);
	for (i = 0; i < o.p->nrules; i++)
		collect(&o, o.p->rules[i]->filter);
	for (i = 0; i < o.npools; i++)
		if ((int)o.pools[i].filter == o.pathid)
			parents(&o.pools[i]);
	/* the claims, in the order lint made them (newest rule first) */
	for (i = 0; i < F->nf; i++) {
		const struct sb_finding *f = &F->f[i];
		struct claim cl;
		if ((f->check != SB_CHK_R2 && f->check != SB_CHK_R3 &&
		    f->check != SB_CHK_R6) || f->nrules != 1)
			continue;
		memset(&cl, 0, sizeof cl);
		cl.kid = -1;
		for (j = 0; j < o.p->nrules; j++)
			if (o.p->rules[j]->fingerprint == f->rules[0])
				cl.id = j + 1;
		if (!cl.id)
			continue;
		if (f->disc)
			cl.kid = altindex(o.t, o.p->rules[cl.id - 1], f->disc);
		if (f->disc && cl.kid < 0)
			continue;
		cl.r3 = f->check == SB_CHK_R3 && cl.kid < 0;
		claims = xrealloc(claims, (nclaims + 1) * sizeof *claims);
		claims[nclaims++] = cl;
	}
	for (i = 0; i < nclaims; i++) {
		char what[128];
		snprintf(what, sizeof what, "%s: rule %u%s", argv[optind],
		    claims[i].id, claims[i].kid >= 0 ? " (alternative)" : "");
		compare(&o, without(&o, &claims[i], 1), &claims[i], perclaim,
		    what);
	}
	if (nclaims) {
		char what[128];
		snprintf(what, sizeof what, "%s: all %u claims at once",
		    argv[optind], nclaims);
		compare(&o, without(&o, claims, nclaims), NULL, perclaim / 2 +
		    1, what);
	}
	printf("oracle: %s: %u claims, %u queries, %u failures\n",
	    argv[optind], nclaims, o.queries, o.failures);
	for (i = 0; i < o.npools; i++) {
		for (j = 0; j < o.pools[i].ns; j++)
			free(o.pools[i].s[j]);
		free(o.pools[i].s);
		free(o.pools[i].iv);
	}
	free(o.pools);
	free(claims);
	sb_fa_free(o.canon);
	sb_alpha_free(&o.canonal);
	sb_lint_free(&L);
	free(defs);
	free(incs);
	free(pre);
	return o.failures ? 1 : 0;
}
