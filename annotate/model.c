/*
** model.c: the annotate model (model.h) from a compiled unit, its
** identity rows (coverage/identity.c) and the counts of the readers' view
** (coverage/covview.h). Files are the identity's sources, indexed by
** src_no; each rule is placed once for the multi-file outputs and
** anchored for the single-file view of the file shown (COVERAGE.md §4.2).
*/
#define _DEFAULT_SOURCE         /* realpath */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "annotate/build.h"
#include "common/buf.h"
#include "common/json.h"
#include "common/source.h"
#include "compiler/compile.h"
#include "compiler/eval.h"
#include "compiler/profile.h"

static char *
adup(struct sb_arena *a, const char *s)
{
	return sb_arena_strndup(a, s ? s : "", s ? strlen(s) : 0);
}

/* PATH relative to ROOT when it lies below it, else as given. */
static const char *
relpath(struct sb_arena *a, const char *path, const char *root)
{
	char rp[PATH_MAX], rr[PATH_MAX];
	size_t n;

	if (!realpath(path, rp) || !realpath(root ? root : ".", rr))
		return adup(a, path);
	n = strlen(rr);
	if (strcmp(rr, "/") == 0 && rp[0] == '/')
		return adup(a, rp + 1);
	if (strncmp(rp, rr, n) == 0 && rp[n] == '/')
		return adup(a, rp + n + 1);
	return adup(a, path);
}

/* The unit's source table entry of recorded file S, or NULL. */
static struct sb_source *
ctxsource(struct sb_unit *u, const struct sb_covsource *s)
{
	uint32_t i;

	for (i = 0; i < u->ctx.sources.n; i++) {
		struct sb_source *x = u->ctx.sources.v[i];
		if (x->path && strcmp(x->path, s->path) == 0)
			return x;
	}
	return NULL;
}

static uint32_t
lineof(struct sb_unit *u, uint32_t src, uint32_t off)
{
	struct sb_source *s = sb_source_get(&u->ctx.sources, src);
	struct sb_pos pos;

	if (!s)
		return 0;
	sb_source_pos(s, off, &pos);
	return pos.line;
}

/*
** The bytes of PATH into A, for a --cpp source: the unit holds the
** preprocessor's output, the views show the file as written.
*/
static const char *
readfile(struct sb_arena *a, const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct sb_buf b = SB_BUF_INIT;
	const char *r;

	*len = 0;
	if (!f)
		return "";
	(void)sb_buf_read(&b, f);
	fclose(f);
	*len = b.len;
	r = sb_arena_strndup(a, b.data ? b.data : "", b.len);
	sb_buf_free(&b);
	return r;
}

static void
files(struct sb_ann_model *m, const struct sb_ann_build *b, uint32_t *srcid)
{
	const struct sb_covprofile *cur = b->cur;
	uint32_t i;

	m->nfiles = cur->nsources;
	m->files = sb_arena_calloc(&m->arena, (m->nfiles + 1) *
	    sizeof *m->files);
	for (i = 0; i < cur->nsources; i++) {
		const struct sb_covsource *s = &cur->sources[i];
		struct sb_ann_file *f = &m->files[s->src_no];
		struct sb_source *x = ctxsource(b->unit, s);
		f->origin = adup(&m->arena, s->origin);
		f->is_main = s->src_no == 0;
		f->is_library = strncmp(s->origin, "stdlib:", 7) == 0;
		f->reported = !f->is_library || b->include_stdlib;
		f->path = f->is_library ? adup(&m->arena, s->path) :
		    relpath(&m->arena, s->path, b->root);
		sb_cov_hex(s->sha256, 32, f->sha256);
		srcid[s->src_no] = x ? x->id : UINT32_MAX;
		if (s->src_no == b->show && b->show_text) {
			f->text = sb_arena_strndup(&m->arena, b->show_text,
			    b->show_len);
			f->len = b->show_len;
		} else if (x && x->kind == SB_SRC_CPP) {
			f->text = readfile(&m->arena, x->path, &f->len);
		} else if (x) {
			f->text = x->text;
			f->len = x->len;
		} else {
			f->text = "";
		}
	}
}

static int
bycount(const void *a, const void *b)
{
	const struct sb_ann_op *x = a, *y = b;
	int c;

	if (x->decided != y->decided)
		return x->decided > y->decided ? -1 : 1;
	if ((c = strcmp(x->operation, y->operation)))
		return c;
	return strcmp(x->decision, y->decision);
}

static uint64_t
counted(const struct sb_ann_build *b, uint64_t exact, uint64_t approx,
    uint64_t ambiguous)
{
	return exact + (b->approx ? approx : 0) + (b->ambiguous ? ambiguous : 0);
}

static void
operations(struct sb_ann_model *m, const struct sb_ann_build *b,
    const struct sb_covview_rule *x, struct sb_ann_rule *r)
{
	uint32_t k;

	r->ops = sb_arena_calloc(&m->arena, (x->nops + 1) * sizeof *r->ops);
	for (k = 0; k < x->nops; k++) {
		const struct sb_covhit_row *h = &x->ops[k];
		struct sb_ann_op *o = &r->ops[k];
		o->operation = h->operation;
		o->decision = h->decision == SB_DEC_ALLOW ? "allow" :
		    "deny";
		o->decided = counted(b, h->decided, h->decided_approx,
		    h->decided_ambiguous);
		o->matched_overridden = h->matched_overridden;
	}
	r->nops_hit = x->nops;
	qsort(r->ops, r->nops_hit, sizeof *r->ops, bycount);
}

/* Where the single-file view of SHOW counts unit rule UR (line, or 0). */
static uint32_t
showline(struct sb_unit *u, const struct sb_rule *ur, uint32_t showsrc)
{
	const struct sb_frame *f;
	uint32_t line = 0;

	if (showsrc == UINT32_MAX)
		return 0;
	if (ur->site.src == showsrc)
		return lineof(u, ur->site.src, ur->site.off);
	for (f = ur->frames; f; f = f->up)
		if (f->span.src == showsrc)
			line = lineof(u, f->span.src, f->span.off);
	return line;
}

static int
rules(struct sb_ann_model *m, const struct sb_ann_build *b,
    const uint32_t *srcid)
{
	const struct sb_covprofile *cur = b->cur;
	const struct sb_profile *prof = b->unit->profile;
	struct sb_covview *v = b->view;
	uint32_t i, k;

	m->nrules = cur->nrules ? cur->nrules - 1 : 0;
	m->rules = sb_arena_calloc(&m->arena, (m->nrules + 1) *
	    sizeof *m->rules);
	for (i = 1; i < cur->nrules; i++) {
		const struct sb_covrule *c = &cur->rules[i];
		const struct sb_covview_rule *x = &v->rules[i];
		struct sb_ann_rule *r = &m->rules[i - 1];
		const char *sp;
		uint32_t line;

		r->id = c->id;
		r->fingerprint = adup(&m->arena, c->fingerprint);
		r->action = c->action;
		r->operations = c->operations;
		sp = strchr(c->operations, ' ');
		r->first_op = sb_arena_strndup(&m->arena, c->operations, sp ?
		    (size_t)(sp - c->operations) : strlen(c->operations));
		r->nops = 1;
		for (sp = c->operations; (sp = strchr(sp, ' ')); sp++)
			r->nops++;
		r->canonical = c->canonical;
		/* multi-file: the site when its file is reported */
		if (c->src_no >= 0 && m->files[c->src_no].reported) {
			r->file = (uint32_t)c->src_no;
			r->line = c->line;
			r->span = (struct sb_ann_span){ c->line, c->col,
			    c->end_line, c->end_col };
		} else if (c->anchor_src_no >= 0) {
			r->file = (uint32_t)c->anchor_src_no;
			r->line = c->anchor_line;
		} else {
			r->file = SB_ANN_NOFILE;
		}
		/* single-file view */
		line = i - 1 < prof->nrules ? showline(b->unit,
		    prof->rules[i - 1], srcid[b->show]) : 0;
		if (line) {
			r->anchor_file = b->show;
			r->anchor_line = line;
		} else if (c->anchor_src_no >= 0) {
			r->anchor_file = (uint32_t)c->anchor_src_no;
			r->anchor_line = c->anchor_line;
		} else {
			r->anchor_file = SB_ANN_NOFILE;
		}
		r->decided = x->decided;
		r->decided_approx = x->decided_approx;
		r->decided_ambiguous = x->decided_ambiguous;
		r->matched_overridden = x->matched_overridden;
		r->count = counted(b, x->decided, x->decided_approx,
		    x->decided_ambiguous);
		r->first_ns = x->first_ns;
		r->last_ns = x->last_ns;
		if (r->count)
			r->state = SB_ANN_HIT;
		else if (!x->history)
			r->state = SB_ANN_NEW;
		else if (!x->observable)
			r->state = SB_ANN_UNOBSERVABLE;
		else
			r->state = SB_ANN_NEVER;
		if (c->narms >= 2 && c->arms) {
			r->narms = c->narms;
			r->arms = sb_arena_calloc(&m->arena, r->narms *
			    sizeof *r->arms);
			for (k = 0; k < r->narms; k++) {
				const struct sb_covarm *a = &c->arms[k];
				if (a->src_no >= 0 && (uint32_t)a->src_no ==
				    r->file)
					r->arms[k].span = (struct sb_ann_span){
					    a->line, a->col, a->end_line,
					    a->end_col };
				r->arms[k].matched = x->arms ? x->arms[k] : 0;
				if (r->count && !r->arms[k].matched)
					r->partial = 1;
			}
		}
		if (b->details) {
			operations(m, b, x, r);
			if (sb_covview_samples(v, c->id, 8, &r->samples,
			    &r->nsamples) < 0)
				return -1;
		}
	}
	return 0;
}

static int
perrun(struct sb_ann_model *m, const struct sb_ann_build *b)
{
	struct sb_covview *v = b->view;
	uint32_t i, k, a;

	for (i = 0; i < m->nrules; i++) {
		struct sb_ann_rule *r = &m->rules[i];
		r->by_run = sb_arena_calloc(&m->arena, (v->nruns + 1) *
		    sizeof *r->by_run);
		if (r->narms)
			r->arm_by_run = sb_arena_calloc(&m->arena,
			    ((size_t)r->narms * v->nruns + 1) *
			    sizeof *r->arm_by_run);
	}
	for (k = 0; k < v->nruns; k++) {
		uint64_t *dec, **arms;
		if (sb_covview_by_run(v, k, &dec, &arms) < 0)
			return -1;
		for (i = 0; i < m->nrules; i++) {
			struct sb_ann_rule *r = &m->rules[i];
			r->by_run[k] = dec[r->id];
			for (a = 0; a < r->narms && arms[r->id]; a++)
				r->arm_by_run[(size_t)a * v->nruns + k] =
				    arms[r->id][a];
		}
	}
	return 0;
}

static void
runs(struct sb_ann_model *m, const struct sb_covview *v)
{
	uint32_t i, k;

	m->nruns = v->nruns;
	m->chains = v->chains;
	m->runs = sb_arena_calloc(&m->arena, (v->nruns + 1) * sizeof *m->runs);
	for (i = 0; i < v->nruns; i++) {
		const struct sb_covrun_row *x = &v->runs[i];
		struct sb_ann_run *r = &m->runs[i];
		r->id = x->id;
		r->uuid = adup(&m->arena, x->uuid);
		r->source = adup(&m->arena, x->source);
		r->label = x->label ? adup(&m->arena, x->label) : NULL;
		r->status = sb_run_status_name(x->status);
		r->partial_reasons = x->partial_reasons ?
		    adup(&m->arena, x->partial_reasons) : NULL;
		r->started_at = x->started_at;
		r->ended_at = x->ended_at;
		r->accesses = x->accesses;
		r->inconsistent = x->inconsistent;
		r->crashed = x->status == SB_RUN_CRASHED;
		r->nobservable = x->nobservable;
		r->observable = sb_arena_calloc(&m->arena, (x->nobservable + 1) *
		    sizeof *r->observable);
		for (k = 0; k < x->nobservable; k++)
			r->observable[k] = adup(&m->arena, x->observable[k]);
		if (x->ended_at / 1000000000 > m->timestamp)
			m->timestamp = x->ended_at / 1000000000;
	}
}

static void
params(struct sb_ann_model *m, const char *json)
{
	struct sb_json *root;
	struct sb_json_iter *it;
	char err[128];
	uint32_t n = 0;

	if (!(root = sb_json_parse(json, strlen(json), "params", err,
	    sizeof err)))
		return;
	m->params = sb_arena_calloc(&m->arena, (sb_json_len(root) + 1) *
	    sizeof *m->params);
	for (it = sb_json_iter(root); it; it = sb_json_iter_next(root, it)) {
		const char *val = sb_json_string(sb_json_iter_value(it));
		m->params[n].name = adup(&m->arena, sb_json_iter_key(it));
		m->params[n++].value = adup(&m->arena, val ? val : "");
	}
	m->nparams = n;
	sb_json_free(root);
}

static void
lost(struct sb_ann_model *m, const struct sb_covview *v)
{
	uint32_t i;

	m->nlost = v->nlost;
	m->lost = sb_arena_calloc(&m->arena, (v->nlost + 1) * sizeof *m->lost);
	for (i = 0; i < v->nlost; i++) {
		const struct sb_covview_lost *x = &v->lost[i];
		struct sb_ann_lost *l = &m->lost[i];
		l->fingerprint = adup(&m->arena, x->row.fingerprint);
		l->action = adup(&m->arena, x->row.action);
		l->operations = adup(&m->arena, x->row.operations);
		l->canonical = adup(&m->arena, x->row.canonical);
		l->origin = adup(&m->arena, x->row.origin);
		l->line = x->row.line;
		l->decided = x->decided;
		l->matched_overridden = x->matched_overridden;
	}
}

static void
totals(struct sb_ann_model *m)
{
	uint32_t i;

	for (i = 0; i < m->nrules; i++) {
		const struct sb_ann_rule *r = &m->rules[i];
		int obs = r->state == SB_ANN_HIT || r->state == SB_ANN_NEVER;
		int hit = r->state == SB_ANN_HIT;
		if (r->file != SB_ANN_NOFILE) {
			struct sb_ann_file *f = &m->files[r->file];
			f->rules++;
			f->observable += obs;
			f->hit += hit;
		}
		/* rule coverage counts user-source rules (§4.2) */
		if (r->file != SB_ANN_NOFILE && r->span.line &&
		    !m->files[r->file].is_library) {
			m->total_rules++;
			m->total_observable += obs;
			m->total_hit += hit;
		}
		m->changed += r->state == SB_ANN_NEW;
	}
}

int
sb_ann_build(struct sb_ann_model *m, const struct sb_ann_build *b, char *err,
    size_t errsize)
{
	const struct sb_covprofile *cur = b->cur;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	uint32_t *srcid;
	int r = 0;

	memset(m, 0, sizeof *m);
	sb_arena_init(&m->arena);
	sb_cov_hex(cur->key, 32, m->key);
	sb_cov_hex(cur->blob_sha256, 32, m->blob_sha256);
	m->target = adup(&m->arena, cur->target);
	m->main_file = relpath(&m->arena, cur->main_file, b->root);
	m->data = adup(&m->arena, b->data);
	m->tool_version = adup(&m->arena, b->tool_version);
	m->remapped = !b->view->exact;
	m->versions = b->view->nprofiles;
	params(m, cur->params_json);
	srcid = sb_arena_calloc(&m->arena, (cur->nsources + 1) *
	    sizeof *srcid);
	files(m, b, srcid);
	runs(m, b->view);
	if (sde && *sde)
		m->timestamp = strtoll(sde, NULL, 10);
	if (rules(m, b, srcid) < 0 || (b->per_run && perrun(m, b) < 0)) {
		snprintf(err, errsize, "%s", sb_covdb_errmsg(b->view->db));
		r = -1;
	}
	lost(m, b->view);
	totals(m);
	return r;
}
