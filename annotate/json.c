/*
** json.c: the JSON export of sbpl-annotate (COVERAGE.md §4.6), the
** lossless one that our own tools and dashboards read. Keys come in the
** order of the §4.6 example; every reported file lists the rules counted
** in it (§4.2: each rule once, in the file of its site), then come the
** rules a remap lost and the ids of the rules it found new. What is
** counted is model.c's business; this file only writes it down through
** common/json_write.h, so any bytes in paths or samples give valid JSON.
*/
#include <stdio.h>
#include <string.h>

#include "annotate/annotate.h"
#include "common/json_write.h"

/* Times are ISO 8601 UTC; 0 (never, or not ended) is null. */
static void
ktime(struct sb_jw *w, const char *k, int64_t ns)
{
	char b[32];

	sb_jw_key(w, k);
	if (!ns) {
		sb_jw_null(w);
		return;
	}
	sb_ann_iso8601(ns, b, sizeof b);
	sb_jw_str(w, b);
}

static void
kuint(struct sb_jw *w, const char *k, uint64_t v)
{
	sb_jw_key(w, k);
	/* counts never reach 2^63; clamp rather than print a negative */
	sb_jw_int(w, v > INT64_MAX ? INT64_MAX : (long long)v);
}

/* The space-separated operation list S as an array of strings. */
static void
kops(struct sb_jw *w, const char *k, const char *s)
{
	size_t n;

	sb_jw_key(w, k);
	sb_jw_arr(w);
	while (s && *s) {
		n = strcspn(s, " ");
		if (n)
			sb_jw_strn(w, s, n);
		s += n;
		s += strspn(s, " ");
	}
	sb_jw_end(w, ']');
}

/* {"start": {"line", "column"}, "end": {…}}, or null when unknown. */
static void
kspan(struct sb_jw *w, const char *k, const struct sb_ann_span *s)
{
	sb_jw_key(w, k);
	if (!s->line) {
		sb_jw_null(w);
		return;
	}
	sb_jw_obj(w);
	sb_jw_key(w, "start");
	sb_jw_obj(w);
	sb_jw_kint(w, "line", s->line);
	sb_jw_kint(w, "column", s->col);
	sb_jw_end(w, '}');
	sb_jw_key(w, "end");
	sb_jw_obj(w);
	sb_jw_kint(w, "line", s->end_line);
	sb_jw_kint(w, "column", s->end_col);
	sb_jw_end(w, '}');
	sb_jw_end(w, '}');
}

/*
** The version part of the model's "sbpl-annotate 0.4.0"; SB_VERSION when
** the model names none.
*/
static const char *
toolversion(const struct sb_ann_model *m)
{
	const char *v = m->tool_version, *sp;

	if (!v || !*v)
		return SB_VERSION;
	sp = strrchr(v, ' ');
	return sp ? sp + 1 : v;
}

static void
profile(struct sb_jw *w, const struct sb_ann_model *m)
{
	uint32_t i;

	sb_jw_key(w, "profile");
	sb_jw_obj(w);
	sb_jw_kstr(w, "key", m->key);
	sb_jw_kstr(w, "blob_sha256", m->blob_sha256);
	sb_jw_kstr(w, "target", m->target);
	sb_jw_kstr(w, "main_file", m->main_file);
	sb_jw_key(w, "params");
	sb_jw_obj(w);
	for (i = 0; i < m->nparams; i++)
		sb_jw_kstr(w, m->params[i].name, m->params[i].value);
	sb_jw_end(w, '}');
	sb_jw_end(w, '}');
}

static void
run(struct sb_jw *w, const struct sb_ann_run *r)
{
	uint32_t i;

	sb_jw_obj(w);
	sb_jw_kint(w, "id", r->id);
	sb_jw_kstr(w, "uuid", r->uuid);
	sb_jw_kstr(w, "source", r->source);
	sb_jw_kstr(w, "label", r->label);
	sb_jw_kstr(w, "status", r->status);
	ktime(w, "started_at", r->started_at);
	ktime(w, "ended_at", r->ended_at);
	kuint(w, "accesses", r->accesses);
	kuint(w, "inconsistent", r->inconsistent);
	sb_jw_key(w, "observable");
	sb_jw_arr(w);
	for (i = 0; i < r->nobservable; i++)
		sb_jw_str(w, r->observable[i]);
	sb_jw_end(w, ']');
	sb_jw_end(w, '}');
}

/* "percent": one decimal, as the summary statement of §4.2 shows it. */
static void
summary(struct sb_jw *w, const struct sb_ann_model *m)
{
	char pct[32];

	sb_jw_key(w, "summary");
	sb_jw_obj(w);
	sb_jw_kint(w, "rules", m->total_rules);
	sb_jw_kint(w, "observable", m->total_observable);
	sb_jw_kint(w, "hit", m->total_hit);
	snprintf(pct, sizeof pct, "%.1f", sb_ann_percent(m->total_hit,
	    m->total_observable));
	sb_jw_key(w, "percent");
	sb_jw_raw(w, pct);
	sb_jw_end(w, '}');
}

static void
arm(struct sb_jw *w, const struct sb_ann_arm *a)
{
	sb_jw_obj(w);
	kspan(w, "span", &a->span);
	kuint(w, "matched", a->matched);
	sb_jw_end(w, '}');
}

static void
byop(struct sb_jw *w, const struct sb_ann_op *op)
{
	sb_jw_obj(w);
	sb_jw_kstr(w, "operation", op->operation);
	sb_jw_kstr(w, "decision", op->decision);
	kuint(w, "decided", op->decided);
	sb_jw_end(w, '}');
}

static void
rule(struct sb_jw *w, const struct sb_ann_rule *r)
{
	uint32_t i;

	sb_jw_obj(w);
	sb_jw_kint(w, "id", r->id);
	sb_jw_kstr(w, "fingerprint", r->fingerprint);
	sb_jw_kstr(w, "action", r->action);
	kops(w, "operations", r->operations);
	kspan(w, "span", &r->span);
	sb_jw_kint(w, "anchor_line", r->line);
	sb_jw_key(w, "observable");
	sb_jw_bool(w, r->state != SB_ANN_UNOBSERVABLE);
	kuint(w, "decided", r->decided);
	kuint(w, "decided_approx", r->decided_approx);
	kuint(w, "decided_ambiguous", r->decided_ambiguous);
	kuint(w, "matched_overridden", r->matched_overridden);
	ktime(w, "first_seen", r->first_ns);
	ktime(w, "last_seen", r->last_ns);
	sb_jw_key(w, "by_operation");
	sb_jw_arr(w);
	for (i = 0; i < r->nops_hit; i++)
		byop(w, &r->ops[i]);
	sb_jw_end(w, ']');
	sb_jw_key(w, "arms");
	sb_jw_arr(w);
	for (i = 0; i < r->narms; i++)
		arm(w, &r->arms[i]);
	sb_jw_end(w, ']');
	sb_jw_key(w, "samples");
	sb_jw_arr(w);
	for (i = 0; i < r->nsamples; i++)
		sb_jw_str(w, r->samples[i]);
	sb_jw_end(w, ']');
	sb_jw_end(w, '}');
}

/* A reported file and the rules counted in it (§4.2), in rule order. */
static void
file(struct sb_jw *w, const struct sb_ann_model *m, uint32_t fi)
{
	const struct sb_ann_file *f = &m->files[fi];
	uint32_t i;

	sb_jw_obj(w);
	sb_jw_kstr(w, "path", f->path);
	sb_jw_kstr(w, "sha256", f->sha256);
	sb_jw_key(w, "rules");
	sb_jw_arr(w);
	for (i = 0; i < m->nrules; i++)
		if (m->rules[i].file == fi)
			rule(w, &m->rules[i]);
	sb_jw_end(w, ']');
	sb_jw_end(w, '}');
}

static void
lost(struct sb_jw *w, const struct sb_ann_lost *l)
{
	sb_jw_obj(w);
	sb_jw_kstr(w, "fingerprint", l->fingerprint);
	sb_jw_kstr(w, "action", l->action);
	kops(w, "operations", l->operations);
	sb_jw_kstr(w, "canonical", l->canonical);
	sb_jw_kstr(w, "origin", l->origin);
	sb_jw_kint(w, "line", l->line);
	kuint(w, "decided", l->decided);
	kuint(w, "matched_overridden", l->matched_overridden);
	sb_jw_end(w, '}');
}

/* Rules with no history after a remap: their ids and fingerprints. */
static void
fresh(struct sb_jw *w, const struct sb_ann_model *m)
{
	uint32_t i;

	sb_jw_key(w, "new");
	sb_jw_arr(w);
	for (i = 0; i < m->nrules; i++) {
		if (m->rules[i].state != SB_ANN_NEW)
			continue;
		sb_jw_obj(w);
		sb_jw_kint(w, "id", m->rules[i].id);
		sb_jw_kstr(w, "fingerprint", m->rules[i].fingerprint);
		sb_jw_end(w, '}');
	}
	sb_jw_end(w, ']');
}

/*
** Write the JSON of M to OUT (COVERAGE.md §4.6). Returns 0, or -1 when
** writing failed. O is not read: JSON has no options of its own.
*/
int
sb_ann_emit_json(struct sb_ann_model *m, const struct sb_ann_opts *o,
    FILE *out)
{
	struct sb_jw w;
	uint32_t i;
	int rc;

	(void)o;
	sb_jw_init(&w);
	sb_jw_obj(&w);
	sb_jw_kstr(&w, "format", "sbpl-coverage");
	sb_jw_kint(&w, "version", 1);
	sb_jw_key(&w, "tool");
	sb_jw_obj(&w);
	sb_jw_kstr(&w, "name", "sbpl-annotate");
	sb_jw_kstr(&w, "version", toolversion(m));
	sb_jw_end(&w, '}');
	profile(&w, m);
	sb_jw_key(&w, "runs");
	sb_jw_arr(&w);
	for (i = 0; i < m->nruns; i++)
		run(&w, &m->runs[i]);
	sb_jw_end(&w, ']');
	summary(&w, m);
	sb_jw_key(&w, "files");
	sb_jw_arr(&w);
	for (i = 0; i < m->nfiles; i++)
		if (m->files[i].reported)
			file(&w, m, i);
	sb_jw_end(&w, ']');
	sb_jw_key(&w, "lost");
	sb_jw_arr(&w);
	for (i = 0; i < m->nlost; i++)
		lost(&w, &m->lost[i]);
	sb_jw_end(&w, ']');
	fresh(&w, m);
	sb_jw_end(&w, '}');
	rc = fwrite(w.b.data, 1, w.b.len, out) == w.b.len && fflush(out) == 0 ?
	    0 : -1;
	sb_jw_free(&w);
	return rc;
}
