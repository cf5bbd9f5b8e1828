/*
** Coverage checks (LINT.md §3.6): rules that decided nothing in the
** recorded runs (C1) and rules that matched accesses but never decided
** one (C2), read through the interface of coverage_source.h. Rules
** already R2, R3 or R6 are not reported again; rules no run could observe
** are listed in one note per file.
*/
#include <string.h>

#include "common/buf.h"
#include "compiler/profile.h"
#include "lint/coverage_source.h"
#include "lint/lint.h"

static struct sb_span
first(struct sb_lint *L)
{
	const struct sb_unit *u = &L->cur->unit;
	const struct sb_cst *main = u->files[u->nfiles - 1];

	return main->nforms ? main->forms[0]->span :
	    (struct sb_span){ main->src, 0, 0 };
}

static void
rules(struct sb_lint *L, const struct sb_cov_source *src,
    const struct sb_cov_runs *runs)
{
	const struct sb_profile *p = L->cur->unit.profile;
	struct sb_buf evidence = SB_BUF_INIT, hidden = SB_BUF_INIT;
	uint32_t i, unobservable = 0;

	sb_buf_printf(&evidence, "%u run%s (%s to %s, %llu accesses "
	    "observed%s)", runs->runs, runs->runs == 1 ? "" : "s", runs->first,
	    runs->last, (unsigned long long)runs->accesses, runs->crashed ?
	    ", some runs crashed" : "");
	for (i = 0; i < p->nrules; i++) {
		const struct sb_rule *r = p->rules[i];
		struct sb_cov_rule c;
		struct sb_finding *f;
		if (!sb_lint_rule_in_target(L, r) ||
		    sb_lint_rule_has(L, r->id, SB_CHK_R2) ||
		    sb_lint_rule_has(L, r->id, SB_CHK_R3) ||
		    sb_lint_rule_has(L, r->id, SB_CHK_R6))
			continue;
		if (src->rule(src->ctx, r, &c) < 0 || c.decided)
			continue;
		if (!c.observable) {
			unobservable++;
			if (L->o->explain)
				sb_buf_printf(&hidden, "%s rule %u", hidden.len ?
				    "," : "", r->id);
			continue;
		}
		if (c.matched_overridden) {
			f = sb_lint_report(L, SB_CHK_C2, r->site, "rule matched "
			    "%llu accesses in %s but never decided one",
			    (unsigned long long)c.matched_overridden,
			    evidence.data);
		} else {
			f = sb_lint_report(L, SB_CHK_C1, r->site, "rule decided "
			    "no access in %s", evidence.data);
			if (r->action == SB_DENY)
				sb_lint_set_level(L, f, SB_LV_NOTE);
		}
		sb_lint_about(f, r);
	}
	if (unobservable) {
		struct sb_finding *f = sb_lint_report(L, SB_CHK_C1, first(L),
		    "%u rule%s could not be observed by any run%s%s",
		    unobservable, unobservable == 1 ? "" : "s", hidden.len ?
		    ":" : "", hidden.len ? hidden.data : "");
		sb_lint_set_level(L, f, SB_LV_NOTE);
		sb_lint_disc(f, "unobservable");
	}
	sb_buf_free(&evidence);
	sb_buf_free(&hidden);
}

int
sb_lint_check_coverage(struct sb_lint *L)
{
	const struct sb_cov_source *src = L->o->cov;
	struct sb_cov_runs runs;
	char err[256];
	int r = 0;

	if (!L->o->unused)
		return 0;
	if (!src) {
		fprintf(stderr, "%s: --unused: this build cannot read "
		    "coverage.db\n", sb_progname());
		return -1;
	}
	if (src->open(src->ctx, L->o->unused, err, sizeof err) < 0) {
		fprintf(stderr, "%s: %s\n", sb_progname(), err);
		return -1;
	}
	if (src->identify(src->ctx, &L->cur->unit, &L->o->co, L->cur->path,
	    L->o->remap, L->o->remap_from, err, sizeof err) != 0) {
		/* LINT.md §3.6: the input does not belong to this profile */
		fprintf(stderr, "%s: %s: %s\n", sb_progname(), L->o->unused,
		    err);
		r = -1;
		goto out;
	}
	memset(&runs, 0, sizeof runs);
	src->runs(src->ctx, &runs);
	if (runs.runs < L->o->min_runs) {
		struct sb_finding *f = sb_lint_report(L, SB_CHK_C1, first(L),
		    "only %u run%s recorded (--min-runs %u): coverage checks "
		    "report nothing", runs.runs, runs.runs == 1 ? "" : "s",
		    L->o->min_runs);
		sb_lint_set_level(L, f, SB_LV_NOTE);
		sb_lint_disc(f, "min-runs");
		goto out;
	}
	rules(L, src, &runs);
out:
	src->close(src->ctx);
	return r;
}
