/*
** covview.c: the readers' view of coverage.db (covview.h). The key of the
** current compilation is looked up first; when it is absent the counts of
** every recorded version of the same main file are summed per fingerprint
** and carried to the current rules with that fingerprint (COVERAGE.md
** §3.2). Observability is always computed from the current rules against
** every counted run, so a new rule is observable exactly when an old one
** with its operations would have been.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "coverage/covview.h"

/* A fingerprint and the current rule carrying it. */
struct sb_covview_fp {
	const char *fp;
	uint32_t id;
};

static int
byfp(const void *a, const void *b)
{
	return strcmp(((const struct sb_covview_fp *)a)->fp,
	    ((const struct sb_covview_fp *)b)->fp);
}

/* Current rule id of fingerprint FP in the sorted index, or 0. */
static uint32_t
lookup(const struct sb_covview_fp *ix, uint32_t n, const char *fp)
{
	struct sb_covview_fp key = { fp, 0 };
	const struct sb_covview_fp *x = bsearch(&key, ix, n, sizeof *ix, byfp);

	return x ? x->id : 0;
}

/*
** Map a recorded rule (ROW_ID with fingerprint FP of a counted version)
** to a current rule id: by id when the key matched, else by fingerprint.
** Rule 0, the implicit decision, maps to itself. Returns -1 when absent.
*/
static int64_t
mapped(const struct sb_covview *v, uint32_t row_id, const char *fp)
{
	uint32_t id;

	if (row_id == 0)
		return 0;
	if (v->exact)
		return row_id < v->nrules ? (int64_t)row_id : -1;
	id = lookup(v->ix, v->nix, fp);
	return id ? (int64_t)id : -1;
}

/* Index of arm HASH among current rule ID's alternatives, or -1. */
static int
armof(const struct sb_covprofile *cur, uint32_t id, const char *hash)
{
	const struct sb_covrule *r = &cur->rules[id];
	uint32_t k;

	for (k = 0; r->arms && k < r->narms; k++)
		if (strcmp(r->arms[k].hash, hash) == 0)
			return (int)k;
	return -1;
}

/* The fingerprint of recorded rule ID in STATS (sorted by rule), or "". */
static const char *
fpof(const struct sb_covrule_stats *st, uint32_t n, uint32_t id)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (st[mid].rule == id)
			return st[mid].fingerprint;
		if (st[mid].rule < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return "";
}

static void
addstats(struct sb_covview_rule *x, const struct sb_covrule_stats *s)
{
	x->decided += s->decided;
	x->decided_approx += s->decided_approx;
	x->decided_ambiguous += s->decided_ambiguous;
	x->matched_overridden += s->matched_overridden;
	x->inconsistent += s->inconsistent;
	x->runs_hit += s->runs_hit;
	if (s->first_ns && (!x->first_ns || s->first_ns < x->first_ns))
		x->first_ns = s->first_ns;
	if (s->last_ns > x->last_ns)
		x->last_ns = s->last_ns;
}

/* Add an operation row to rule X (same operation and decision: summed). */
static void
addop(struct sb_covview *v, struct sb_covview_rule *x,
    const struct sb_covhit_row *h, uint32_t id)
{
	struct sb_covhit_row *o;
	uint32_t k;

	for (k = 0; k < x->nops; k++)
		if (x->ops[k].decision == h->decision &&
		    strcmp(x->ops[k].operation, h->operation) == 0)
			break;
	if (k == x->nops) {
		struct sb_covhit_row *grown = sb_arena_alloc(&v->arena,
		    (x->nops + 1) * sizeof *grown);
		if (x->nops)
			memcpy(grown, x->ops, x->nops * sizeof *grown);
		x->ops = grown;
		o = &x->ops[x->nops++];
		memset(o, 0, sizeof *o);
		o->rule = id;
		o->operation = sb_arena_strndup(&v->arena, h->operation,
		    strlen(h->operation));
		o->decision = h->decision;
		o->first_ns = h->first_ns;
	}
	o = &x->ops[k];
	o->decided += h->decided;
	o->decided_approx += h->decided_approx;
	o->decided_ambiguous += h->decided_ambiguous;
	o->matched_overridden += h->matched_overridden;
	o->inconsistent += h->inconsistent;
	if (h->first_ns && (!o->first_ns || h->first_ns < o->first_ns))
		o->first_ns = h->first_ns;
	if (h->last_ns > o->last_ns)
		o->last_ns = h->last_ns;
	if (!o->sample && h->sample)
		o->sample = sb_arena_strndup(&v->arena, h->sample,
		    strlen(h->sample));
}

/*
** Sum the counts of profile PID over SEL into RULES (and, when ARMS, the
** per-arm matches; when OPS, the operation rows; when LOST, the recorded
** rules the current profile lacks).
*/
static int
gather(struct sb_covview *v, int64_t pid, const struct sb_covsel *sel, struct sb_covview_rule *rules,
    uint64_t **arms, int ops, int lost)
{
	struct sb_covrule_stats *st = NULL;
	struct sb_covarm_row *ar = NULL;
	struct sb_covhit_row *hr = NULL;
	uint32_t nst = 0, nar = 0, nhr = 0, i;
	int r = -1;

	if (sb_covdb_rule_stats_read(v->db, pid, sel, &st, &nst) < 0)
		goto out;
	for (i = 0; i < nst; i++) {
		int64_t id = mapped(v, st[i].rule, st[i].fingerprint);
		if (id >= 0) {
			addstats(&rules[id], &st[i]);
			rules[id].history = 1;
		}
	}
	if (arms) {
		if (sb_covdb_arms_read(v->db, pid, sel, &ar, &nar) < 0)
			goto out;
		for (i = 0; i < nar; i++) {
			int64_t id = mapped(v, ar[i].rule,
			    fpof(st, nst, ar[i].rule));
			int k;
			if (id <= 0 || !arms[id] ||
			    (k = armof(v->cur, (uint32_t)id, ar[i].hash)) < 0)
				continue;
			arms[id][k] += ar[i].matched;
		}
	}
	if (ops) {
		if (sb_covdb_hits_read(v->db, pid, sel, &hr, &nhr) < 0)
			goto out;
		for (i = 0; i < nhr; i++) {
			int64_t id = mapped(v, hr[i].rule,
			    fpof(st, nst, hr[i].rule));
			if (id >= 0)
				addop(v, &rules[id], &hr[i], (uint32_t)id);
		}
	}
	if (lost && !v->exact) {
		struct sb_covrule *rows;
		uint32_t nrows;
		if (sb_covdb_rules_read(v->db, pid, &v->arena, &rows,
		    &nrows) < 0)
			goto out;
		for (i = 0; i < nrows; i++) {
			struct sb_covview_lost *l = NULL;
			const struct sb_covrule_stats *s;
			uint32_t k;
			if (rows[i].id == 0 || lookup(v->ix, v->nix, rows[i].fingerprint))
				continue;
			for (k = 0; k < v->nlost; k++)
				if (strcmp(v->lost[k].row.fingerprint,
				    rows[i].fingerprint) == 0)
					l = &v->lost[k];
			if (!l) {
				struct sb_covview_lost *grown = xrealloc(v->lost,
				    (v->nlost + 1) * sizeof *grown);
				v->lost = grown;
				l = &v->lost[v->nlost++];
				memset(l, 0, sizeof *l);
			}
			l->row = rows[i];       /* the newest version's text */
			for (k = 0; k < nst; k++)
				if (st[k].rule == rows[i].id)
					break;
			if (k < nst) {
				s = &st[k];
				l->decided += s->decided;
				l->matched_overridden += s->matched_overridden;
			}
		}
	}
	r = 0;
out:
	free(st);
	free(ar);
	sb_covdb_hits_free(hr, nhr);
	return r;
}

/* The first recorded source of PID whose bytes differ from CUR's, or NULL. */
static const char *
differs(struct sb_covview *v, int64_t pid, int *err)
{
	const struct sb_covprofile *cur = v->cur;
	struct sb_covsource *rec;
	uint32_t nrec, i, k;

	*err = 0;
	if (sb_covdb_sources_read(v->db, pid, &v->arena, &rec, &nrec) < 0) {
		*err = 1;
		return NULL;
	}
	for (i = 0; i < cur->nsources; i++) {
		const struct sb_covsource *c = &cur->sources[i];
		for (k = 0; k < nrec; k++)
			if (strcmp(rec[k].origin, c->origin) == 0)
				break;
		if (k == nrec || memcmp(rec[k].sha256, c->sha256, 32) != 0)
			return i == 0 ? sb_basename(c->path) : c->origin;
	}
	return nrec != cur->nsources ? "the list of imported files" : NULL;
}

static void
counted(struct sb_covview *v, int64_t pid)
{
	v->profiles = xrealloc(v->profiles, (v->nprofiles + 1) *
	    sizeof *v->profiles);
	v->profiles[v->nprofiles++] = pid;
}

/* The counted runs of every profile in V, and their chains. */
static int
readruns(struct sb_covview *v)
{
	uint32_t p, i, k;

	for (p = 0; p < v->nprofiles; p++) {
		struct sb_covrun_row *rows;
		uint32_t n;
		if (sb_covdb_runs_read(v->db, v->profiles[p], &v->sel, &rows,
		    &n) < 0)
			return -1;
		v->runs = xrealloc(v->runs, (v->nruns + n + 1) *
		    sizeof *v->runs);
		memcpy(v->runs + v->nruns, rows, n * sizeof *rows);
		v->nruns += n;
		free(rows);             /* the rows' strings moved to v->runs */
	}
	for (i = 0; i < v->nruns; i++) {
		int chained = 0;
		v->crashed += v->runs[i].status == SB_RUN_CRASHED;
		for (k = 0; k < v->nruns && v->runs[i].continues; k++)
			chained |= v->runs[k].id == v->runs[i].continues;
		v->chains += !chained;
	}
	return 0;
}

/* Per current rule with alternatives, a zeroed count per alternative. */
static uint64_t **
armtables(struct sb_covview *v)
{
	const struct sb_covprofile *cur = v->cur;
	uint64_t **arms = sb_arena_calloc(&v->arena, (cur->nrules + 1) *
	    sizeof *arms);
	uint32_t i;

	for (i = 0; i < cur->nrules; i++)
		if (cur->rules[i].narms >= 2)
			arms[i] = sb_arena_calloc(&v->arena,
			    cur->rules[i].narms * sizeof **arms);
	return arms;
}

/* The current rules by fingerprint, for counts carried by a remap. */
static void
fpindex(struct sb_covview *v)
{
	const struct sb_covprofile *cur = v->cur;
	uint32_t i;

	v->ix = sb_arena_calloc(&v->arena, (cur->nrules + 1) * sizeof *v->ix);
	for (i = 1; i < cur->nrules; i++)
		v->ix[v->nix++] = (struct sb_covview_fp){
			cur->rules[i].fingerprint, cur->rules[i].id };
	qsort(v->ix, v->nix, sizeof *v->ix, byfp);
}

int
sb_covview_load(struct sb_covview *v, struct sb_covdb *db,
    const struct sb_covprofile *cur, const struct sb_covsel *sel,
    unsigned flags, const char *remap_from, char *err, size_t errsize)
{
	struct sb_covprofile_row *prof = NULL;
	uint64_t **arms;
	uint32_t nprof = 0, i, p;
	const char *name = remap_from ? sb_basename(remap_from) :
	    cur->main_name;
	char blob[17], rules[17];
	int64_t pid;
	int found, r = -1;

	memset(v, 0, sizeof *v);
	sb_arena_init(&v->arena);
	v->cur = cur;
	v->db = db;
	if (sel)
		v->sel = *sel;
	v->nrules = cur->nrules;
	v->rules = sb_arena_calloc(&v->arena, (cur->nrules + 1) *
	    sizeof *v->rules);
	sb_cov_hex(cur->blob_sha256, 8, blob);
	sb_cov_hex(cur->rules_sha256, 8, rules);

	if ((found = sb_covdb_profile_find(db, cur->key, &pid)) < 0)
		goto dberr;
	if (sb_covdb_profiles_read(db, &prof, &nprof) < 0)
		goto dberr;
	if (found) {
		int e;
		v->exact = 1;
		counted(v, pid);
		v->sources_differ = differs(v, pid, &e) != NULL;
		if (e)
			goto dberr;
	} else {
		int64_t newest = 0;
		for (i = 0; i < nprof; i++)
			if (strcmp(prof[i].main_name, name) == 0) {
				counted(v, prof[i].id);
				newest = prof[i].id;
			}
		if (!v->nprofiles) {
			snprintf(err, errsize, "coverage.db has no runs for this "
			    "profile (blob %s…, rules %s…) and no recorded "
			    "version of '%s'%s%s%s", blob, rules, name,
			    nprof ? "; it holds '" : "", nprof ?
			    prof[nprof - 1].main_name : "", nprof ? "'" : "");
			r = 1;
			goto out;
		}
		if (flags & SB_COVVIEW_NOREMAP) {
			int e;
			const char *d = differs(v, newest, &e);
			if (e)
				goto dberr;
			snprintf(err, errsize, "coverage.db has no runs for this "
			    "profile (blob %s…, rules %s…); the nearest recorded "
			    "profile differs in '%s'", blob, rules, d ? d :
			    "its parameters or target");
			r = 1;
			goto out;
		}
		fpindex(v);
	}
	if (readruns(v) < 0)
		goto dberr;

	arms = armtables(v);
	for (i = 0; i < cur->nrules; i++)
		v->rules[i].arms = arms[i];
	for (p = 0; p < v->nprofiles; p++)
		if (gather(v, v->profiles[p], &v->sel, v->rules, arms,
		    (flags & SB_COVVIEW_OPS) != 0, 1) < 0)
			goto dberr;

	/* history and observability of the current rules */
	for (i = 0; i < cur->nrules; i++) {
		const struct sb_covrule *c = &cur->rules[i];
		struct sb_covview_rule *x = &v->rules[i];
		x->history |= v->exact || i == 0;
		if (!x->history)
			v->nnew++;
		x->observable = sb_cov_observable(cur->target, c->action,
		    i == 0 ? "" : c->operations, c->modifiers, v->runs,
		    v->nruns);
	}
	r = 0;
	goto out;
dberr:
	snprintf(err, errsize, "%s", sb_covdb_errmsg(db));
	r = -1;
out:
	sb_covdb_profiles_free(prof, nprof);
	return r;
}

int
sb_covview_by_run(struct sb_covview *v, uint32_t run, uint64_t **decided,
    uint64_t ***arms)
{
	const struct sb_covprofile *cur = v->cur;
	struct sb_covview_rule *rules;
	struct sb_covsel one;
	uint32_t i;
	int r;

	rules = sb_arena_calloc(&v->arena, (cur->nrules + 1) * sizeof *rules);
	*arms = armtables(v);
	*decided = sb_arena_calloc(&v->arena, (cur->nrules + 1) *
	    sizeof **decided);
	memset(&one, 0, sizeof one);
	one.runs = &v->runs[run].id;
	one.nruns = 1;
	r = gather(v, v->runs[run].profile_id, &one, rules, *arms, 0, 0);
	for (i = 0; i < cur->nrules; i++)
		(*decided)[i] = rules[i].decided;
	return r;
}

int
sb_covview_samples(struct sb_covview *v, uint32_t id, uint32_t max,
    const char ***out, uint32_t *n)
{
	const char *fp = v->cur->rules[id].fingerprint;
	const char **got = sb_arena_calloc(&v->arena, (max + 1) *
	    sizeof *got);
	uint32_t p;

	*out = got;
	*n = 0;
	if (!v->exact && !v->vrows) {
		v->vrows = sb_arena_calloc(&v->arena, (v->nprofiles + 1) *
		    sizeof *v->vrows);
		v->nvrows = sb_arena_calloc(&v->arena, (v->nprofiles + 1) *
		    sizeof *v->nvrows);
	}
	for (p = v->nprofiles; p-- > 0 && *n < max;) {
		uint32_t i, k, rid = id;
		char **s;
		uint32_t ns;

		if (!v->exact) {
			/* the recorded id of this fingerprint in version p,
			** from its rule rows, read once for every rule */
			if (!v->vrows[p] && sb_covdb_rules_read(v->db,
			    v->profiles[p], &v->arena, &v->vrows[p],
			    &v->nvrows[p]) < 0)
				return -1;
			for (i = 0; i < v->nvrows[p]; i++)
				if (strcmp(v->vrows[p][i].fingerprint, fp) == 0)
					break;
			if (i == v->nvrows[p])
				continue;
			rid = v->vrows[p][i].id;
		}
		if (sb_covdb_samples_read(v->db, v->profiles[p], &v->sel, rid,
		    max, &s, &ns) < 0)
			return -1;
		for (i = 0; i < ns && *n < max; i++) {
			for (k = 0; k < *n; k++)
				if (strcmp(got[k], s[i]) == 0)
					break;
			if (k == *n)
				got[(*n)++] = sb_arena_strndup(&v->arena, s[i],
				    strlen(s[i]));
		}
		sb_covdb_strings_free(s, ns);
	}
	return 0;
}

void
sb_covview_free(struct sb_covview *v)
{
	sb_covdb_runs_free(v->runs, v->nruns);
	free(v->profiles);
	free(v->lost);
	sb_arena_free(&v->arena);
	memset(v, 0, sizeof *v);
}
