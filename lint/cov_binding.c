/*
** The coverage.db binding of --unused (lint/coverage_source.h): the
** profile is identified as sbpl-annotate identifies it (COVERAGE.md §2.3,
** through coverage/covview.h), remapping by fingerprint unless --no-remap.
** Only sbpl-lint links this file (and with it sqlite3); the library of
** checks reads coverage through the interface alone.
*/
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "compiler/compile.h"
#include "compiler/profile.h"
#include "coverage/covview.h"
#include "lint/coverage_source.h"

struct binding {
	struct sb_covdb *db;
	struct sb_covprofile p;
	int have_p;
	struct sb_covview v;
	int have_v;
};

static struct binding B;

static int
bopen(void *ctx, const char *path, char *err, size_t errsize)
{
	struct binding *b = ctx;

	memset(b, 0, sizeof *b);
	return sb_covdb_open(&b->db, path, SB_COVDB_READONLY, NULL, err,
	    errsize);
}

static int
bidentify(void *ctx, struct sb_unit *u, const struct sb_options *o,
    const char *main_file, int remap, const char *remap_from, char *err,
    size_t errsize)
{
	struct binding *b = ctx;
	int r;

	if (sb_cov_identity(&b->p, u, o, main_file, NULL, err, errsize) < 0) {
		sb_cov_identity_free(&b->p);
		return -1;
	}
	b->have_p = 1;
	r = sb_covview_load(&b->v, b->db, &b->p, NULL, remap ? 0 :
	    SB_COVVIEW_NOREMAP, remap_from, err, errsize);
	b->have_v = 1;
	return r;
}

static void
date(int64_t ns, char *out, size_t n)
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	if (!ns || !gmtime_r(&t, &tm) || !strftime(out, n, "%Y-%m-%d", &tm))
		snprintf(out, n, "?");
}

static void
bruns(void *ctx, struct sb_cov_runs *out)
{
	struct binding *b = ctx;
	int64_t first = 0, last = 0;
	uint32_t i;

	memset(out, 0, sizeof *out);
	out->runs = b->v.chains;
	out->crashed = b->v.crashed;
	for (i = 0; i < b->v.nruns; i++) {
		const struct sb_covrun_row *r = &b->v.runs[i];
		int64_t end = r->ended_at ? r->ended_at : r->heartbeat_at;
		out->accesses += r->accesses;
		if (!first || r->started_at < first)
			first = r->started_at;
		if (end > last)
			last = end;
	}
	date(first, out->first, sizeof out->first);
	date(last, out->last, sizeof out->last);
}

static int
brule(void *ctx, const struct sb_rule *r, struct sb_cov_rule *out)
{
	struct binding *b = ctx;
	const struct sb_covview_rule *x;

	memset(out, 0, sizeof *out);
	if (r->id >= b->v.nrules)
		return -1;
	x = &b->v.rules[r->id];
	/* a rule new since the recorded runs has no evidence either way */
	if (!x->history)
		return -1;
	out->decided = x->decided + x->decided_approx + x->decided_ambiguous;
	out->matched_overridden = x->matched_overridden;
	out->observable = x->observable;
	return 0;
}

static void
bclose(void *ctx)
{
	struct binding *b = ctx;

	if (b->have_v)
		sb_covview_free(&b->v);
	if (b->have_p)
		sb_cov_identity_free(&b->p);
	sb_covdb_close(b->db);
	memset(b, 0, sizeof *b);
}

static const struct sb_cov_source binding = {
	&B, bopen, bidentify, bruns, brule, bclose
};

const struct sb_cov_source *
sb_lint_cov_binding(void)
{
	return &binding;
}
