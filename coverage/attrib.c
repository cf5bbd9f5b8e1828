/*
** attrib.c: attribution (COVERAGE.md §5) and the recorder (§2.5) of
** coverage/attrib.h. Attribution builds match.c queries from an access
** (through coverage/facts.c), evaluates every variant the access leaves
** open, asks the graph evaluator for a second opinion, and caches the
** answer per access text. The recorder aggregates hits per (rule,
** operation, decision), keeps sampled events, and commits batches through
** coverage/covdb.c.
**
** Variants. An access that does not pin down everything the profile can
** test is evaluated once per possibility: each concrete member of a
** family name the target does not have as an operation (§7.3), each host
** the profile names for an address whose host was not reported ('*'), and
** each transport for an address without a protocol. When the deciding
** rule differs between variants, or a test lacked its fact (match.c's
** "assumed"), the access is ambiguous and its candidates are the deciding
** rules of every variant and every rule an unknown fact could have made
** match. The first variant is the access under the assumptions (the
** default: unknown facts do not match) and chooses the counted rule.
*/
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/util.h"
#include "compiler/compile.h"
#include "compiler/profile.h"
#include "coverage/attrib.h"
#include "compiler/facts.h"
#include "coverage/import.h"
#include "kext/bin.h"
#include "kext/eval.h"
#include "kext/query.h"
#include "kext/target.h"

#define MAXFACTS 16             /* query facts: main, the access's, --assume */
#define MAXVARIANTS 64
#define MAXHOSTS 15

/* A fact given as text: from --assume or an access. */
struct textfact {
	const char *filter, *value;
};

struct pathmap {
	const char *from, *to;
	size_t nfrom;
};

/* One cached attribution: the key is the access text. */
struct centry {
	uint64_t hash;
	char *key;
	size_t keylen;
	struct sb_attrib_result r;
};

struct sb_attrib {
	struct sb_unit *u;
	const struct sb_target *t;
	const struct sb_profile *p;
	struct sb_matcher *m;
	struct sb_attrib_opts o;
	struct textfact *assume;
	uint32_t nassume;
	struct pathmap *pmap;
	uint32_t npmap;
	/* the blob, when the unit has one and its entitlements allow */
	int havebin;
	struct sb_bin bin;
	struct sb_scratch *scratch;
	/* the cache: open addressing over entries in carena */
	struct centry **tab;
	uint32_t cap, n, limit;
	struct sb_arena carena;
	uint64_t hits, misses;
	struct sb_buf key;              /* the current access's key */
	char *mapped;                   /* the current argument after --path-map */
	size_t mappedcap;
	struct sb_attrib_result cur;    /* the current answer, for checks */
	char why[256];
	char **warned;                  /* names warned about once */
	uint32_t nwarned;
};

/* --- setup ------------------------------------------------------------------ */

static int
graphdefault(void *ctx, const struct sb_mquery *q, int *deny, uint32_t *rule)
{
	struct sb_attrib *a = ctx;
	struct sb_query kq;
	struct sb_verdict v;
	uint32_t i;

	memset(&kq, 0, sizeof kq);
	kq.op = q->op;
	for (i = 0; i < q->nfacts && i < SB_QUERY_MAX_FACTS; i++) {
		const struct sb_mfact *f = &q->facts[i];
		struct sb_fact *k = &kq.facts[kq.nfacts++];
		k->filter = (uint8_t)f->filter;
		k->s = f->s;
		k->len = f->len;
		k->i = (uint32_t)f->i;
		switch (f->kind) {
		case SB_MF_STRING:
			k->kind = SB_FACT_STRING;
			break;
		case SB_MF_INT:
			k->kind = SB_FACT_INT;
			break;
		case SB_MF_BOOL:
			k->kind = SB_FACT_BOOL;
			break;
		case SB_MF_NETWORK:
			k->kind = SB_FACT_NETWORK;
			k->port = (int32_t)f->port;
			break;
		}
	}
	if (sb_eval(&a->bin, &kq, a->scratch, &v) != SB_EVAL_OK)
		return -1;
	*deny = v.deny != 0;
	*rule = v.rule;
	return 0;
}

static void
setupgraph(struct sb_attrib *a)
{
	struct sb_decode_opts d;
	struct sb_decode_error err;

	if (a->o.graph || !a->u->blob || !a->u->rule_map)
		return;
	/* match.c reads --entitlements from the IR; the graph evaluator
	** wants them as facts, which no source supplies yet */
	if (a->p->entitlements)
		return;
	memset(&d, 0, sizeof d);
	d.target = a->t;
	d.rule_map = a->u->rule_map;
	d.rule_map_len = a->u->nnodes;
	d.nrules = a->p->nrules;
	if (sb_decode(&a->bin, a->u->blob, a->u->bloblen, &d, &err) < 0)
		return;
	a->scratch = xmalloc(sizeof *a->scratch);
	a->havebin = 1;
	a->o.graph = graphdefault;
	a->o.graphctx = a;
}

struct sb_attrib *
sb_attrib_new(struct sb_unit *u, const struct sb_attrib_opts *o)
{
	struct sb_attrib *a = xcalloc(1, sizeof *a);
	uint32_t i;

	a->u = u;
	a->t = u->target;
	a->p = u->profile;
	if (o)
		a->o = *o;
	a->m = sb_matcher_new(&u->ctx.arena, u->profile);
	a->assume = xcalloc(a->o.nassume + 1, sizeof *a->assume);
	for (i = 0; i < a->o.nassume; i++) {
		const char *eq = strchr(a->o.assume[i], '=');
		if (!eq)
			continue;
		a->assume[a->nassume].filter = sb_arena_strndup(&u->ctx.arena,
		    a->o.assume[i], (size_t)(eq - a->o.assume[i]));
		a->assume[a->nassume++].value = eq + 1;
	}
	a->pmap = xcalloc(a->o.npath_map + 1, sizeof *a->pmap);
	for (i = 0; i < a->o.npath_map; i++) {
		const char *eq = strchr(a->o.path_map[i], '=');
		if (!eq || eq == a->o.path_map[i])
			continue;
		a->pmap[a->npmap].from = a->o.path_map[i];
		a->pmap[a->npmap].nfrom = (size_t)(eq - a->o.path_map[i]);
		a->pmap[a->npmap++].to = eq + 1;
	}
	a->limit = a->o.cache_entries ? a->o.cache_entries : 65536;
	for (a->cap = 16; a->cap < 2 * a->limit; a->cap *= 2)
		;
	a->tab = xcalloc(a->cap, sizeof *a->tab);
	sb_arena_init(&a->carena);
	setupgraph(a);
	return a;
}

void
sb_attrib_free(struct sb_attrib *a)
{
	uint32_t i;

	if (!a)
		return;
	for (i = 0; i < a->nwarned; i++)
		free(a->warned[i]);
	free(a->warned);
	free(a->assume);
	free(a->pmap);
	free(a->tab);
	free(a->scratch);
	free(a->mapped);
	sb_buf_free(&a->key);
	sb_arena_free(&a->carena);
	free(a);
}

void
sb_attrib_cache_stats(const struct sb_attrib *a, uint64_t *hits,
    uint64_t *misses)
{
	*hits = a->hits;
	*misses = a->misses;
}

/* Say something about NAME once per attributor. */
static void
warnonce(struct sb_attrib *a, const char *name, const char *msg)
{
	uint32_t i;

	for (i = 0; i < a->nwarned; i++)
		if (strcmp(a->warned[i], name) == 0)
			return;
	a->warned = xrealloc(a->warned, (a->nwarned + 1) * sizeof *a->warned);
	a->warned[a->nwarned++] = xstrdup(name);
	fprintf(a->o.warn ? a->o.warn : stderr, "%s: warning: %s '%s'\n",
	    sb_progname(), msg, name);
}

/* --- one evaluation ---------------------------------------------------------- */

/* The variants' shared state while one access is evaluated. */
struct work {
	uint16_t ops[MAXVARIANTS];
	uint32_t nops;
	struct sb_mfact facts[MAXFACTS];
	uint32_t nfacts;
	int netfact;                    /* index of the main network fact, or -1 */
	int unknownhost, unknownproto;
	const char *hosts[MAXHOSTS + 1];
	uint32_t hostlen[MAXHOSTS + 1];
	uint32_t nhosts;
	int assumedfacts;               /* facts from --assume were added */
	uint32_t nreal;                 /* facts before the --assume ones */
	struct sb_mfact q0facts[MAXFACTS];      /* the first variant's */
	/* collected */
	uint32_t cands[1024];
	uint32_t ncands;
	int ambiguous;
};

static void
addcand(struct work *w, uint32_t rule)
{
	uint32_t i;

	for (i = 0; i < w->ncands; i++)
		if (w->cands[i] == rule)
			return;
	if (w->ncands < countof(w->cands))
		w->cands[w->ncands++] = rule;
}

/* Rules that could decide Q if the facts it lacks were otherwise. */
static void
assumedcands(struct sb_attrib *a, const struct sb_mquery *q, struct work *w)
{
	const struct sb_oplist *l = &a->p->ops[q->op];
	uint32_t i;

	for (i = l->n; i-- > 0;) {
		const struct sb_rule *r = a->p->rules[l->rules[i] - 1];
		int as = 0, m = sb_match_filter(a->m, r->filter, q, &as);
		if (m && !as) {
			addcand(w, r->id);
			return;
		}
		if (as)
			addcand(w, r->id);
	}
	addcand(w, 0);
}

/* Hosts the profile names in network tests of filter FILTER, for op OP. */
static void
collecthosts(struct sb_attrib *a, const struct sb_filter *f, uint16_t filter,
    struct work *w)
{
	uint32_t i;
	size_t n;
	const char *colon;

	if (!f)
		return;
	for (i = 0; i < f->nkids; i++)
		collecthosts(a, f->kids[i], filter, w);
	if (f->kind != SB_F_TEST || f->filter != filter ||
	    f->arg.kind != SB_FA_NETWORK || !f->arg.s)
		return;
	if (!(colon = strrchr(f->arg.s, ':')))
		return;
	n = (size_t)(colon - f->arg.s);
	if (n == 1 && f->arg.s[0] == '*')
		return;
	for (i = 1; i < w->nhosts; i++)
		if (w->hostlen[i] == n && memcmp(w->hosts[i], f->arg.s, n) == 0)
			return;
	if (w->nhosts <= MAXHOSTS) {
		w->hosts[w->nhosts] = f->arg.s;
		w->hostlen[w->nhosts++] = (uint32_t)n;
	}
}

/* Resolve the operation; fill w->ops. Returns 0, or -1 (unmatched, why set). */
static int
operations(struct sb_attrib *a, const char *name, struct work *w)
{
	int op = sb_fact_findop(a->u, name);
	size_t n = strlen(name);
	unsigned k;

	if (op >= 0 && (unsigned)op < a->t->op_count) {
		w->ops[w->nops++] = (uint16_t)op;
		return 0;
	}
	if (op >= 0) {
		snprintf(a->why, sizeof a->why, "'%s' is a message-filter "
		    "operation", name);
		return -1;
	}
	/* §7.3: a family name the target lacks: every concrete member */
	if (n > 1 && name[n - 1] == '*')
		for (k = 0; k < a->t->op_count && w->nops < MAXVARIANTS; k++)
			if (strncmp(a->t->ops[k].name, name, n - 1) == 0 &&
			    !(a->t->ops[k].flags & SB_OP_FAMILY))
				w->ops[w->nops++] = (uint16_t)k;
	if (w->nops)
		return 0;
	snprintf(a->why, sizeof a->why, "'%s' is not an operation of %s", name,
	    a->t->name);
	return -1;
}

/* The query's facts from the access (after --path-map) and --assume. */
static void
facts(struct sb_attrib *a, const struct sb_access *acc, const char *arg,
    const char *opname, struct work *w)
{
	const char *why;
	uint32_t i, k;

	w->netfact = -1;
	if (arg && acc->arg_kind != SB_ACC_NONE) {
		const char *fname = sb_fact_mainfilter(opname, arg);
		struct sb_mfact *f = &w->facts[w->nfacts];
		int id = sb_target_filter_find(a->t, fname, strlen(fname));
		int given = 1;

		if (id >= 0 && a->t->filters[id].argkind == SB_ARG_NETWORK) {
			if (sb_fact_network(f, arg, &given) == 0) {
				f->filter = (uint16_t)id;
				w->netfact = (int)w->nfacts++;
				w->unknownproto = !given;
				w->unknownhost = f->len == 1 && f->s[0] == '*';
			}
		} else if (sb_fact_make(a->t, f, fname, strlen(fname), arg,
		    &why) == 0) {
			w->nfacts++;
		}
	}
	for (i = 0; i < acc->nfacts && w->nfacts < MAXFACTS; i++) {
		const struct sb_access_fact *x = &acc->facts[i];
		if (!x->filter || !x->value ||
		    strcmp(x->filter, SB_FACT_PLATFORM) == 0)
			continue;
		if (sb_fact_make(a->t, &w->facts[w->nfacts], x->filter,
		    strlen(x->filter), x->value, &why) < 0) {
			warnonce(a, x->filter, strcmp(why, "unknown filter") ?
			    "a value the filter cannot take, ignored, for" :
			    "a fact for an unknown filter, ignored:");
			continue;
		}
		w->nfacts++;
	}
	w->nreal = w->nfacts;
	for (i = 0; i < a->nassume && w->nfacts < MAXFACTS; i++) {
		struct sb_mfact f;
		if (sb_fact_make(a->t, &f, a->assume[i].filter,
		    strlen(a->assume[i].filter), a->assume[i].value, &why) < 0) {
			warnonce(a, a->assume[i].filter, "an --assume the "
			    "target cannot take, ignored:");
			continue;
		}
		for (k = 0; k < w->nreal; k++)
			if (w->facts[k].filter == f.filter)
				break;
		if (k < w->nreal)
			continue;               /* the access knows better */
		w->facts[w->nfacts++] = f;
		w->assumedfacts = 1;
	}
}

static const int64_t transports[] = { 5, 6, 9, 10 };    /* tcp4 tcp6 udp4 udp6 */

/* Evaluate every variant; the first one's answer into *R0. */
static void
variants(struct sb_attrib *a, struct work *w, struct sb_mresult *r0,
    struct sb_mquery *q0)
{
	struct sb_mfact vf[MAXFACTS];
	uint32_t o, h, t, nt, nv = 0;
	struct sb_mresult r;

	w->hosts[0] = NULL;
	w->nhosts = 1;
	if (w->netfact >= 0 && w->unknownhost)
		for (o = 0; o < w->nops; o++) {
			const struct sb_oplist *l = &a->p->ops[w->ops[o]];
			for (h = 0; h < l->n; h++)
				collecthosts(a, a->p->rules[l->rules[h] - 1]->filter,
				    w->facts[w->netfact].filter, w);
		}
	nt = w->netfact >= 0 && w->unknownproto ? countof(transports) : 1;
	memcpy(vf, w->facts, w->nfacts * sizeof *vf);
	for (o = 0; o < w->nops; o++)
		for (h = 0; h < w->nhosts; h++)
			for (t = 0; t < nt && nv < MAXVARIANTS; t++, nv++) {
				struct sb_mquery q;
				if (w->netfact >= 0) {
					struct sb_mfact *f = &vf[w->netfact];
					*f = w->facts[w->netfact];
					if (h) {
						f->s = w->hosts[h];
						f->len = w->hostlen[h];
					}
					if (nt > 1)
						f->i = transports[t];
				}
				memset(&q, 0, sizeof q);
				q.op = w->ops[o];
				q.facts = vf;
				q.nfacts = w->nfacts;
				sb_match(a->m, &q, &r);
				if (nv == 0) {
					/* its matched list lives in the
					** matcher until the next sb_match():
					** evaluate() asks again */
					*r0 = r;
					memcpy(w->q0facts, vf, w->nfacts *
					    sizeof *vf);
					*q0 = q;
					q0->facts = w->q0facts;
				} else if (r.rule != r0->rule) {
					w->ambiguous = 1;
				}
				addcand(w, r.rule);
				if (r.assumed) {
					w->ambiguous = 1;
					assumedcands(a, &q, w);
				}
			}
}

/* The access text the cache is keyed on; ARG is after --path-map. */
static void
makekey(struct sb_attrib *a, const struct sb_access *acc, const char *arg)
{
	struct sb_buf *b = &a->key;
	uint32_t i;

	b->len = 0;
	sb_buf_puts(b, acc->operation ? acc->operation : "");
	sb_buf_putc(b, 0);
	sb_buf_putc(b, '0' + (int)acc->arg_kind);
	sb_buf_puts(b, arg ? arg : "");
	sb_buf_putc(b, 0);
	for (i = 0; i < acc->nfacts; i++) {
		sb_buf_puts(b, acc->facts[i].filter ? acc->facts[i].filter : "");
		sb_buf_putc(b, 1);
		sb_buf_puts(b, acc->facts[i].value ? acc->facts[i].value : "");
		sb_buf_putc(b, 0);
	}
}

static const char *
pathmapped(struct sb_attrib *a, const struct sb_access *acc)
{
	uint32_t i;

	if (!acc->argument || acc->arg_kind != SB_ACC_PATH)
		return acc->argument;
	for (i = 0; i < a->npmap; i++) {
		const struct pathmap *m = &a->pmap[i];
		const char *rest = acc->argument + m->nfrom;
		size_t need;
		if (strncmp(acc->argument, m->from, m->nfrom) != 0 ||
		    (*rest && *rest != '/' && m->from[m->nfrom - 1] != '/'))
			continue;
		need = strlen(m->to) + strlen(rest) + 1;
		if (need > a->mappedcap)
			a->mapped = xrealloc(a->mapped, a->mappedcap = 2 * need);
		snprintf(a->mapped, a->mappedcap, "%s%s", m->to, rest);
		return a->mapped;
	}
	return acc->argument;
}

static void
clearcache(struct sb_attrib *a)
{
	memset(a->tab, 0, a->cap * sizeof *a->tab);
	a->n = 0;
	sb_arena_free(&a->carena);
	sb_arena_init(&a->carena);
}

static uint32_t *
copyu32(struct sb_attrib *a, const uint32_t *v, uint32_t n)
{
	return n ? sb_arena_memdup(&a->carena, v, n * sizeof *v) : NULL;
}

static int
byu32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

/* Attribute the access behind A->key into *OUT, arrays in the cache arena. */
static void
evaluate(struct sb_attrib *a, const struct sb_access *acc, const char *arg,
    struct sb_attrib_result *out)
{
	struct work w;
	struct sb_mresult r0;
	struct sb_mquery q0;
	const struct sb_rule *rule;
	uint32_t i, k, nm = 0;
	uint32_t matched[1024];
	uint64_t arms[256];
	uint32_t narms = 0;

	memset(out, 0, sizeof *out);
	memset(&w, 0, sizeof w);
	out->op = -1;
	out->opname = NULL;
	for (i = 0; i < acc->nfacts; i++)
		if (acc->facts[i].filter && strcmp(acc->facts[i].filter,
		    SB_FACT_PLATFORM) == 0) {
			out->status = SB_MATCH_UNMATCHED;
			out->why = "platform policy";
			return;
		}
	if (!acc->operation || operations(a, acc->operation, &w) < 0) {
		out->status = SB_MATCH_UNMATCHED;
		out->why = sb_arena_strndup(&a->carena, a->why, strlen(a->why));
		return;
	}
	facts(a, acc, arg, a->t->ops[w.ops[0]].name, &w);
	variants(a, &w, &r0, &q0);
	/* an answer that holds only under --assume is ambiguous too */
	if (w.assumedfacts) {
		struct sb_mquery qa = q0;
		struct sb_mresult ra;
		qa.nfacts = w.nreal;
		sb_match(a->m, &qa, &ra);
		if (ra.assumed || ra.rule != r0.rule) {
			w.ambiguous = 1;
			addcand(&w, ra.rule);
			if (ra.assumed)
				assumedcands(a, &qa, &w);
		}
	}
	/* the first variant again: its matched list and alternatives */
	sb_match(a->m, &q0, &r0);
	for (i = 0; i < r0.nmatched && nm < countof(matched); i++)
		if (r0.matched[i] != r0.rule)
			matched[nm++] = r0.matched[i];
	rule = r0.rule ? a->p->rules[r0.rule - 1] : NULL;
	if (rule && rule->filter && rule->filter->kind == SB_F_ANY &&
	    rule->filter->nkids >= 2)
		for (k = 0; k < rule->filter->nkids && narms < countof(arms);
		    k++) {
			int as = 0;
			if (sb_match_filter(a->m, rule->filter->kids[k], &q0, &as))
				arms[narms++] = rule->filter->kids[k]->hash;
		}
	out->op = q0.op;
	out->opname = a->t->ops[q0.op].name;
	out->rule = r0.rule;
	out->decision = r0.decision == SB_ALLOW ? SB_DEC_ALLOW : SB_DEC_DENY;
	out->status = w.ambiguous ? SB_MATCH_AMBIGUOUS : SB_MATCH_EXACT;
	out->matched = copyu32(a, matched, nm);
	out->nmatched = nm;
	if (w.ambiguous) {
		qsort(w.cands, w.ncands, sizeof *w.cands, byu32);
		out->cands = copyu32(a, w.cands, w.ncands);
		out->ncands = w.ncands;
	}
	if (narms) {
		out->arms = sb_arena_memdup(&a->carena, arms,
		    narms * sizeof *arms);
		out->narms = narms;
	}
	/* GRAPH CHECK (§5 step 3): kext/eval.c on the blob and the rule map
	** must give the same rule and decision as match.c on the IR */
	if (a->o.graph) {
		int deny;
		uint32_t grule;
		if (a->o.graph(a->o.graphctx, &q0, &deny, &grule) < 0) {
			out->status = SB_MATCH_INCONSISTENT;
			out->why = "the graph evaluator could not answer";
		} else if (grule != r0.rule || deny != (r0.decision == SB_DENY)) {
			snprintf(a->why, sizeof a->why, "the evaluators disagree: "
			    "IR rule %u %s, graph rule %u %s", r0.rule,
			    r0.decision == SB_DENY ? "deny" : "allow", grule,
			    deny ? "deny" : "allow");
			out->status = SB_MATCH_INCONSISTENT;
			out->why = sb_arena_strndup(&a->carena, a->why,
			    strlen(a->why));
		}
	}
}

static int
samekey(const struct centry *e, uint64_t h, const struct sb_buf *k)
{
	return e->hash == h && e->keylen == k->len &&
	    memcmp(e->key, k->data, k->len) == 0;
}

/*
** An ambiguous access whose source reported a decision: the newest
** candidate that decides so is counted instead (§7.3, an unreported host:
** the log's allow says which rule allowed). Its overridden rules and
** alternatives are unknown. Returns 0 when no candidate fits.
*/
static int
pickreported(struct sb_attrib *a, const struct sb_access *acc,
    struct sb_attrib_result *out)
{
	uint32_t i;

	for (i = out->ncands; i-- > 0;) {
		uint32_t c = out->cands[i];
		enum sb_action act = c ? a->p->rules[c - 1]->action :
		    a->p->ops[out->op].implicit;
		enum sb_decision d = act == SB_ALLOW ? SB_DEC_ALLOW :
		    SB_DEC_DENY;
		if (d != acc->reported)
			continue;
		out->rule = c;
		out->decision = d;
		out->nmatched = 0;
		out->narms = 0;
		return 1;
	}
	return 0;
}

/* What the source claimed, checked against our answer (§5 step 4, §7.3). */
static void
checkreported(struct sb_attrib *a, const struct sb_access *acc,
    struct sb_attrib_result *out)
{
	char fp[17];
	const char *claimed = acc->reported_rule;
	const char *tag = acc->message;

	if (out->status == SB_MATCH_UNMATCHED ||
	    out->status == SB_MATCH_INCONSISTENT)
		return;
	if (acc->reported != SB_DEC_UNKNOWN && acc->reported != out->decision &&
	    out->status == SB_MATCH_AMBIGUOUS && pickreported(a, acc, out))
		/* the report chose among the candidates: still ambiguous */
		;
	else if (acc->reported != SB_DEC_UNKNOWN &&
	    acc->reported != out->decision) {
		snprintf(a->why, sizeof a->why, "the source reported %s, rule "
		    "%u %s", acc->reported == SB_DEC_ALLOW ? "allow" : "deny",
		    out->rule, out->decision == SB_DEC_ALLOW ? "allows" :
		    "denies");
		out->status = SB_MATCH_INCONSISTENT;
		out->why = a->why;
		return;
	}
	snprintf(fp, sizeof fp, "%016llx", out->rule ? (unsigned long long)
	    a->p->rules[out->rule - 1]->fingerprint : 0ull);
	/* "sbplcov:<8 hex of the blob hash>:<fingerprint>" (§9 question 1) */
	if (tag && strncmp(tag, "sbplcov:", 8) == 0 && strlen(tag) >= 33 &&
	    tag[16] == ':') {
		char hex[65];
		sb_cov_hex(a->u->blob ? a->u->blob_sha256 : (const uint8_t *)
		    "\0\0\0\0", 4, hex);
		if (a->u->blob && strncmp(tag + 8, hex, 8) != 0) {
			snprintf(a->why, sizeof a->why, "the message tag names "
			    "blob %.8s, not %.8s", tag + 8, hex);
			out->status = SB_MATCH_INCONSISTENT;
			out->why = a->why;
			return;
		}
		claimed = tag + 17;
	}
	if (claimed && strncmp(claimed, fp, 16) != 0) {
		snprintf(a->why, sizeof a->why, "the source names rule %.16s, "
		    "the evaluator rule %u (%s)", claimed, out->rule, fp);
		out->status = SB_MATCH_INCONSISTENT;
		out->why = a->why;
	}
}

void
sb_attrib_access(struct sb_attrib *a, const struct sb_access *acc,
    struct sb_attrib_result *out)
{
	const char *arg = pathmapped(a, acc);
	uint64_t h;
	uint32_t i;
	struct centry *e;

	makekey(a, acc, arg);
	h = sb_hash_bytes(a->key.data, a->key.len, 0x5bd1e995u) | 1;
	for (i = (uint32_t)h & (a->cap - 1); a->tab[i]; i = (i + 1) &
	    (a->cap - 1))
		if (samekey(a->tab[i], h, &a->key)) {
			a->hits++;
			*out = a->tab[i]->r;
			if (!out->opname)
				out->opname = acc->operation;
			checkreported(a, acc, out);
			return;
		}
	a->misses++;
	if (a->n >= a->limit) {
		clearcache(a);
		for (i = (uint32_t)h & (a->cap - 1); a->tab[i];
		    i = (i + 1) & (a->cap - 1))
			;
	}
	e = sb_arena_alloc(&a->carena, sizeof *e);
	e->hash = h;
	e->keylen = a->key.len;
	e->key = sb_arena_memdup(&a->carena, a->key.data, a->key.len);
	evaluate(a, acc, arg, &e->r);
	a->tab[i] = e;
	a->n++;
	*out = e->r;
	if (!out->opname)
		out->opname = acc->operation;
	checkreported(a, acc, out);
}

/* --- the recorder -------------------------------------------------------------- */

/* A map from 64-bit keys to indices, open addressing, key 0 excluded. */
struct map {
	uint64_t *keys;
	uint32_t *vals;
	uint32_t cap, n;
};

static uint32_t
slot(const struct map *m, uint64_t key)
{
	uint64_t h = key * 0x9e3779b97f4a7c15ull;
	uint32_t i = (uint32_t)(h >> 32) & (m->cap - 1);

	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static int
mapget(const struct map *m, uint64_t key, uint32_t *val)
{
	uint32_t i;

	if (!m->cap)
		return 0;
	i = slot(m, key);
	if (!m->keys[i])
		return 0;
	*val = m->vals[i];
	return 1;
}

static void
mapput(struct map *m, uint64_t key, uint32_t val)
{
	uint32_t i;

	if (2 * (m->n + 1) > m->cap) {
		struct map old = *m;
		m->cap = m->cap ? 2 * m->cap : 64;
		m->keys = xcalloc(m->cap, sizeof *m->keys);
		m->vals = xcalloc(m->cap, sizeof *m->vals);
		m->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.keys[i])
				mapput(m, old.keys[i], old.vals[i]);
		free(old.keys);
		free(old.vals);
	}
	i = slot(m, key);
	if (!m->keys[i])
		m->n++;
	m->keys[i] = key;
	m->vals[i] = val;
}

static void
mapclear(struct map *m)
{
	if (m->cap) {
		memset(m->keys, 0, m->cap * sizeof *m->keys);
		m->n = 0;
	}
}

static void
mapfree(struct map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* A (rule, operation) whose sampled arguments are tracked. */
struct sample {
	uint32_t n;                     /* arguments kept */
	uint64_t *args;                 /* their hashes, samples entries */
};

/* An alternative of the profile row: rule, structural hash → arm_no. */
struct armref {
	uint32_t rule, arm;
	uint64_t hash;
};

struct sb_covrec {
	struct sb_covdb *db;
	int64_t profile_id, run_id;
	char uuid[33];
	struct sb_unit *u;
	struct sb_attrib *at;
	struct sb_covrec_opts o;
	char err[512];
	/* pending batch */
	struct sb_arena ba;             /* strings of the batch */
	struct sb_covhit *hits;
	uint32_t nhits, caphits;
	struct map hitmap;
	struct sb_covarmhit *arms;
	uint32_t narms, caparms;
	struct map armmap;
	struct sb_covevent *events;
	uint32_t nevents, capevents;
	struct sb_covproc *procs;
	uint32_t nprocs, capprocs;
	uint64_t paccesses, pinconsistent, pdropped;
	uint32_t pputs;                 /* accesses put since the last commit */
	int64_t first_ms;               /* when the batch got its first access */
	/* busy handling */
	int64_t retry_ms, backoff_ms;
	/* per run */
	int64_t seq;
	struct map procmap;             /* pid → index in procstart */
	int64_t *procstart;
	uint32_t nprocstart, capprocstart;
	struct map samplemap;           /* (rule, op) → index in samples */
	struct sample *samples;
	uint32_t nsamples, capsamples;
	struct armref *armrefs;
	uint32_t narmrefs;
	uint64_t events_total;          /* committed and pending */
	struct sb_covrec_stats st;
	uint32_t warned;
};

static int64_t
monoms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
recerr(struct sb_covrec *r, const char *msg)
{
	snprintf(r->err, sizeof r->err, "%s", msg);
	return -1;
}

/* The profile row's alternatives: arm numbers are the database's. */
static void
loadarms(struct sb_covrec *r)
{
	struct sb_covarm_row *rows;
	struct sb_covsel none;
	int64_t nobody = -1;
	uint32_t n, i;

	memset(&none, 0, sizeof none);
	none.runs = &nobody;
	none.nruns = 1;
	if (sb_covdb_arms_read(r->db, r->profile_id, &none, &rows, &n) < 0)
		return;
	r->armrefs = xcalloc(n + 1, sizeof *r->armrefs);
	for (i = 0; i < n; i++) {
		r->armrefs[i].rule = rows[i].rule;
		r->armrefs[i].arm = rows[i].arm;
		r->armrefs[i].hash = strtoull(rows[i].hash, NULL, 16);
	}
	r->narmrefs = n;
	free(rows);
}

struct sb_covrec *
sb_covrec_new(struct sb_covdb *db, int64_t profile_id, struct sb_unit *u,
    const struct sb_covrec_opts *o)
{
	struct sb_covrec *r = xcalloc(1, sizeof *r);

	r->db = db;
	r->profile_id = profile_id;
	r->u = u;
	if (o)
		r->o = *o;
	if (!r->o.samples)
		r->o.samples = 8;
	if (!r->o.max_events)
		r->o.max_events = 1000000;
	if (!r->o.batch_accesses)
		r->o.batch_accesses = 1000;
	if (!r->o.batch_ms)
		r->o.batch_ms = 200;
	if (!r->o.max_warnings)
		r->o.max_warnings = 20;
	r->at = sb_attrib_new(u, &r->o.attrib);
	sb_arena_init(&r->ba);
	r->backoff_ms = 50;
	loadarms(r);
	return r;
}

void
sb_covrec_free(struct sb_covrec *r)
{
	uint32_t i;

	if (!r)
		return;
	sb_attrib_free(r->at);
	sb_arena_free(&r->ba);
	free(r->hits);
	free(r->arms);
	free(r->events);
	free(r->procs);
	free(r->procstart);
	for (i = 0; i < r->nsamples; i++)
		free(r->samples[i].args);
	free(r->samples);
	free(r->armrefs);
	mapfree(&r->hitmap);
	mapfree(&r->armmap);
	mapfree(&r->procmap);
	mapfree(&r->samplemap);
	free(r);
}

const char *
sb_covrec_errmsg(const struct sb_covrec *r)
{
	return r->err;
}

int
sb_covrec_begin(struct sb_covrec *r, const struct sb_covrun *run)
{
	struct sb_covrun x = *run;

	x.profile_id = r->profile_id;
	if (sb_covdb_run_begin(r->db, &x, &r->run_id, r->uuid) < 0)
		return recerr(r, sb_covdb_errmsg(r->db));
	return 0;
}

int64_t
sb_covrec_run_id(const struct sb_covrec *r)
{
	return r->run_id;
}

const char *
sb_covrec_run_uuid(const struct sb_covrec *r)
{
	return r->uuid;
}

void
sb_covrec_stats(const struct sb_covrec *r, struct sb_covrec_stats *st)
{
	*st = r->st;
}

static const char *
bdup(struct sb_covrec *r, const char *s)
{
	return s ? sb_arena_strndup(&r->ba, s, strlen(s)) : NULL;
}

static struct sb_covhit *
hitrow(struct sb_covrec *r, uint32_t rule, int op, const char *opname,
    enum sb_decision dec, int64_t ts)
{
	uint64_t key = ((uint64_t)rule << 20 | (uint64_t)(op & 0xffff) << 2 |
	    (uint64_t)dec) + 1;
	struct sb_covhit *h;
	uint32_t i;

	if (mapget(&r->hitmap, key, &i)) {
		h = &r->hits[i];
		if (ts < h->first_ns)
			h->first_ns = ts;
		if (ts > h->last_ns)
			h->last_ns = ts;
		return h;
	}
	if (r->nhits == r->caphits)
		r->hits = xrealloc(r->hits, (r->caphits = r->caphits ?
		    2 * r->caphits : 64) * sizeof *r->hits);
	h = &r->hits[r->nhits];
	memset(h, 0, sizeof *h);
	h->rule = rule;
	h->operation = opname;
	h->decision = dec;
	h->first_ns = h->last_ns = ts;
	mapput(&r->hitmap, key, r->nhits++);
	return h;
}

static void
armhit(struct sb_covrec *r, uint32_t rule, uint64_t hash, uint64_t count)
{
	uint32_t i, k;

	for (i = 0; i < r->narmrefs; i++)
		if (r->armrefs[i].rule == rule && r->armrefs[i].hash == hash)
			break;
	if (i == r->narmrefs)
		return;
	if (mapget(&r->armmap, ((uint64_t)rule << 20 | r->armrefs[i].arm) + 1,
	    &k)) {
		r->arms[k].matched += count;
		return;
	}
	if (r->narms == r->caparms)
		r->arms = xrealloc(r->arms, (r->caparms = r->caparms ?
		    2 * r->caparms : 16) * sizeof *r->arms);
	r->arms[r->narms].rule = rule;
	r->arms[r->narms].arm = r->armrefs[i].arm;
	r->arms[r->narms].matched = count;
	mapput(&r->armmap, ((uint64_t)rule << 20 | r->armrefs[i].arm) + 1,
	    r->narms++);
}

/* The process of PID: its start time, recorded on first sight. */
static int64_t
process(struct sb_covrec *r, const struct sb_access *a)
{
	uint32_t i;
	struct sb_covproc *p;

	if (a->pid < 0)
		return -1;
	if (mapget(&r->procmap, (uint64_t)a->pid + 1, &i))
		return r->procstart[i];
	if (r->nprocstart == r->capprocstart)
		r->procstart = xrealloc(r->procstart, (r->capprocstart =
		    r->capprocstart ? 2 * r->capprocstart : 64) *
		    sizeof *r->procstart);
	r->procstart[r->nprocstart] = a->ts;
	mapput(&r->procmap, (uint64_t)a->pid + 1, r->nprocstart++);
	if (r->nprocs == r->capprocs)
		r->procs = xrealloc(r->procs, (r->capprocs = r->capprocs ?
		    2 * r->capprocs : 16) * sizeof *r->procs);
	p = &r->procs[r->nprocs++];
	memset(p, 0, sizeof *p);
	p->pid = a->pid;
	p->start_ns = a->ts;
	p->start_known = 0;
	p->ppid = a->ppid;
	p->parent_start = -1;
	p->exe = bdup(r, a->exe);
	p->end_ns = -1;
	return a->ts;
}

int
sb_covrec_process(struct sb_covrec *r, const struct sb_covproc *p)
{
	struct sb_covproc *x;
	uint32_t i;

	if (mapget(&r->procmap, (uint64_t)p->pid + 1, &i)) {
		r->procstart[i] = p->start_ns;
	} else {
		if (r->nprocstart == r->capprocstart)
			r->procstart = xrealloc(r->procstart,
			    (r->capprocstart = r->capprocstart ?
			    2 * r->capprocstart : 64) * sizeof *r->procstart);
		r->procstart[r->nprocstart] = p->start_ns;
		mapput(&r->procmap, (uint64_t)p->pid + 1, r->nprocstart++);
	}
	if (r->nprocs == r->capprocs)
		r->procs = xrealloc(r->procs, (r->capprocs = r->capprocs ?
		    2 * r->capprocs : 16) * sizeof *r->procs);
	x = &r->procs[r->nprocs++];
	*x = *p;
	x->exe = bdup(r, p->exe);
	x->argv_json = bdup(r, p->argv_json);
	return sb_covrec_tick(r);
}

/* Whether this access's event row is kept (§2.5 --events). */
static int
keepevent(struct sb_covrec *r, const struct sb_access *a,
    const struct sb_attrib_result *res)
{
	uint64_t key, ah;
	struct sample *s;
	uint32_t i;

	if (r->o.events == SB_EVENTS_NONE)
		return 0;
	if (r->events_total >= r->o.max_events || r->nevents >= 100000) {
		r->pdropped++;
		r->st.events_dropped++;
		return 0;
	}
	if (r->o.events == SB_EVENTS_ALL)
		return 1;
	key = res->op >= 0 ? ((uint64_t)res->rule << 20 | (uint64_t)res->op) :
	    sb_hash_bytes(res->opname ? res->opname : "", res->opname ?
	    strlen(res->opname) : 0, 7) | (1ull << 63);
	key += 1;
	ah = sb_hash_bytes(a->argument ? a->argument : "", a->argument ?
	    strlen(a->argument) : 0, 11);
	if (!mapget(&r->samplemap, key, &i)) {
		if (r->nsamples == r->capsamples)
			r->samples = xrealloc(r->samples, (r->capsamples =
			    r->capsamples ? 2 * r->capsamples : 64) *
			    sizeof *r->samples);
		i = r->nsamples++;
		r->samples[i].n = 0;
		r->samples[i].args = xcalloc(r->o.samples, sizeof (uint64_t));
		mapput(&r->samplemap, key, i);
	}
	s = &r->samples[i];
	for (i = 0; i < s->n; i++)
		if (s->args[i] == ah)
			return 0;
	if (s->n >= r->o.samples)
		return 0;
	s->args[s->n++] = ah;
	return 1;
}

static const char *
factsjson(struct sb_covrec *r, const struct sb_access *a)
{
	struct sb_buf b = SB_BUF_INIT;
	const char *out;
	uint32_t i, n = 0;

	for (i = 0; i < a->nfacts; i++) {
		const char *s;
		int k;
		if (!a->facts[i].filter || !a->facts[i].value)
			continue;
		sb_buf_putc(&b, n++ ? ',' : '{');
		for (k = 0; k < 2; k++) {
			s = k ? a->facts[i].value : a->facts[i].filter;
			sb_buf_putc(&b, '"');
			for (; *s; s++) {
				if (*s == '"' || *s == '\\')
					sb_buf_printf(&b, "\\%c", *s);
				else if ((unsigned char)*s < 0x20)
					sb_buf_printf(&b, "\\u%04x",
					    (unsigned char)*s);
				else
					sb_buf_putc(&b, *s);
			}
			sb_buf_putc(&b, '"');
			if (!k)
				sb_buf_putc(&b, ':');
		}
	}
	if (!n)
		return NULL;
	sb_buf_putc(&b, '}');
	out = sb_arena_strndup(&r->ba, b.data, b.len);
	sb_buf_free(&b);
	return out;
}

static void
addevent(struct sb_covrec *r, const struct sb_access *a,
    const struct sb_attrib_result *res, int64_t start)
{
	struct sb_covevent *e;

	if (r->nevents == r->capevents)
		r->events = xrealloc(r->events, (r->capevents = r->capevents ?
		    2 * r->capevents : 256) * sizeof *r->events);
	e = &r->events[r->nevents++];
	memset(e, 0, sizeof *e);
	e->seq = r->seq;
	e->ts = a->ts;
	e->pid = a->pid;
	e->proc_start = a->pid >= 0 ? start : -1;
	e->operation = bdup(r, res->op >= 0 ? res->opname : a->operation ?
	    a->operation : "");
	e->argument = bdup(r, a->argument);
	e->kind = a->argument ? a->arg_kind : SB_ACC_NONE;
	e->literal_path = bdup(r, a->literal_path);
	e->facts_json = factsjson(r, a);
	e->syscall = bdup(r, a->syscall);
	e->err = a->err;
	e->approx = a->approx;
	e->reported = a->reported;
	e->decision = res->status == SB_MATCH_UNMATCHED ? SB_DEC_UNKNOWN :
	    res->decision;
	e->rule = res->rule;
	e->status = res->status;
	e->dup = a->count ? a->count : 1;
	e->message = bdup(r, a->message);
	e->input_line = a->in_line;
	if (res->ncands) {
		e->cands = sb_arena_memdup(&r->ba, res->cands, res->ncands *
		    sizeof *res->cands);
		e->ncands = res->ncands;
	}
	r->events_total++;
	r->st.events_kept++;
}

static void
warn(struct sb_covrec *r, const struct sb_access *a,
    const struct sb_attrib_result *res)
{
	FILE *f = r->o.warn ? r->o.warn : stderr;

	if (r->warned++ >= r->o.max_warnings)
		return;
	if (a->in_file && a->in_line)
		fprintf(f, "%s:%llu: ", a->in_file,
		    (unsigned long long)a->in_line);
	else
		fprintf(f, "%s: ", sb_progname());
	fprintf(f, "warning: inconsistent: %s: %s%s%s\n", res->why ? res->why :
	    "", a->operation ? a->operation : "", a->argument ? " " : "",
	    a->argument ? a->argument : "");
}

static int
commitnow(struct sb_covrec *r)
{
	struct sb_covbatch b;
	int rc;

	if (!r->pputs && !r->nprocs)
		return 0;
	memset(&b, 0, sizeof b);
	b.hits = r->hits;
	b.nhits = r->nhits;
	b.arms = r->arms;
	b.narms = r->narms;
	b.events = r->events;
	b.nevents = r->nevents;
	b.procs = r->procs;
	b.nprocs = r->nprocs;
	b.accesses = r->paccesses;
	b.inconsistent = r->pinconsistent;
	b.events_dropped = r->pdropped;
	rc = sb_covdb_commit(r->db, r->run_id, &b);
	if (rc == SB_COVDB_BUSY) {
		r->retry_ms = monoms() + r->backoff_ms;
		if (r->backoff_ms < 2000)
			r->backoff_ms *= 2;
		return SB_COVDB_BUSY;
	}
	if (rc < 0)
		return recerr(r, sb_covdb_errmsg(r->db));
	r->st.batches++;
	r->backoff_ms = 50;
	r->retry_ms = 0;
	r->nhits = r->narms = r->nevents = r->nprocs = 0;
	mapclear(&r->hitmap);
	mapclear(&r->armmap);
	r->paccesses = r->pinconsistent = r->pdropped = 0;
	r->pputs = 0;
	sb_arena_free(&r->ba);
	sb_arena_init(&r->ba);
	return 0;
}

int
sb_covrec_tick(struct sb_covrec *r)
{
	int64_t now;

	if (!r->pputs && !r->nprocs)
		return 0;
	now = monoms();
	if (r->retry_ms && now < r->retry_ms)
		return 0;
	if (r->pputs < r->o.batch_accesses && now - r->first_ms <
	    (int64_t)r->o.batch_ms && !r->retry_ms)
		return 0;
	return commitnow(r) < 0 ? -1 : 0;
}

int
sb_covrec_flush(struct sb_covrec *r)
{
	int64_t deadline = monoms() + 300000;
	int rc;

	while ((rc = commitnow(r)) == SB_COVDB_BUSY) {
		struct timespec ts;
		if (monoms() > deadline)
			return recerr(r, "coverage.db stayed locked for five "
			    "minutes");
		ts.tv_sec = r->backoff_ms / 1000;
		ts.tv_nsec = (r->backoff_ms % 1000) * 1000000;
		nanosleep(&ts, NULL);
	}
	return rc < 0 ? -1 : 0;
}

int
sb_covrec_put(struct sb_covrec *r, const struct sb_access *a)
{
	struct sb_attrib_result res;
	uint64_t n = a->count ? a->count : 1;
	int64_t start;
	uint32_t i;

	sb_attrib_access(r->at, a, &res);
	r->seq++;
	if (!r->pputs)
		r->first_ms = monoms();
	r->pputs++;
	r->paccesses += n;
	r->st.accesses += n;
	start = process(r, a);
	switch (res.status) {
	case SB_MATCH_UNMATCHED:
		r->st.unmatched += n;
		break;
	case SB_MATCH_INCONSISTENT: {
		struct sb_covhit *h = hitrow(r, res.rule, res.op, res.opname,
		    res.decision, a->ts);
		h->inconsistent += n;
		r->pinconsistent += n;
		r->st.inconsistent += n;
		warn(r, a, &res);
		break;
	}
	default: {
		struct sb_covhit *h = hitrow(r, res.rule, res.op, res.opname,
		    res.decision, a->ts);
		/* §5 step 5: approximate and ambiguous counts as ambiguous */
		if (res.status == SB_MATCH_AMBIGUOUS) {
			h->decided_ambiguous += n;
			r->st.ambiguous += n;
		} else {
			if (a->approx)
				h->decided_approx += n;
			else
				h->decided += n;
			r->st.exact += n;
		}
		if (!h->sample && a->argument)
			h->sample = bdup(r, a->argument);
		for (i = 0; i < res.nmatched; i++)
			hitrow(r, res.matched[i], res.op, res.opname,
			    res.decision, a->ts)->matched_overridden += n;
		for (i = 0; i < res.narms; i++)
			armhit(r, res.rule, res.arms[i], n);
		break;
	}
	}
	if (keepevent(r, a, &res))
		addevent(r, a, &res, start);
	return sb_covrec_tick(r);
}

static int
sinkput(void *ctx, const struct sb_access *a)
{
	return sb_covrec_put(ctx, a);
}

struct sb_access_sink
sb_covrec_sink(struct sb_covrec *r)
{
	struct sb_access_sink s;

	s.ctx = r;
	s.put = sinkput;
	return s;
}

int
sb_covrec_end(struct sb_covrec *r, enum sb_run_status status,
    const char *reasons, const int *exit_code)
{
	if (sb_covrec_flush(r) < 0)
		return -1;
	if (r->warned > r->o.max_warnings)
		fprintf(r->o.warn ? r->o.warn : stderr, "%s: %u more "
		    "inconsistent accesses not shown\n", sb_progname(),
		    r->warned - r->o.max_warnings);
	if (sb_covdb_run_end(r->db, r->run_id, status, reasons, exit_code) < 0)
		return recerr(r, sb_covdb_errmsg(r->db));
	return 0;
}

int
sb_covrec_abort(struct sb_covrec *r)
{
	if (!r->run_id)
		return 0;
	if (sb_covdb_run_delete(r->db, r->run_id) < 0)
		return recerr(r, sb_covdb_errmsg(r->db));
	r->run_id = 0;
	return 0;
}
