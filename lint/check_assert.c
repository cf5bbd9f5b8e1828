/*
** Assertions and comparison (LINT.md §3.5). An assertion file is SBPL
** evaluated with the same library, parameters and target after a small
** prelude that defines never-allow and must-allow as procedures emitting
** deny and allow rules; each such rule is one assertion, named by the
** form it came from. --no-new-access compiles the old profile the same
** way. Both units' filters join the current file's request sets, so the
** questions are set questions: never-allow fails when its requests meet
** the allowed set, must-allow when they meet the denied set; A2 compares
** allowed sets per operation, with allow + no-sandbox as more access.
*/
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "compiler/eval.h"
#include "compiler/profile.h"
#include "kext/target.h"
#include "common/json_write.h"
#include "lint/lint.h"
#include "lint/sets.h"
#include "parser/cst.h"

static const char prelude[] =
    ";; sbpl-lint: assertion forms (LINT.md §3.5)\n"
    "(define (never-allow name . args) (apply deny args))\n"
    "(define (must-allow name . args) (apply allow args))\n";

struct assertion {
	const struct sb_rule *r;        /* in its unit */
	const char *name;
	const char *reason;             /* (with message …), or NULL */
	struct sb_span span;            /* the form, in the main unit */
};

struct astate {
	struct sb_unit *units;          /* assertion files */
	uint32_t nunits;
	struct assertion *as;
	uint32_t nas;
	struct sb_unit old;
	int hasold;
	uint32_t oldsrc;                /* OLD's main file in the main unit */
};

static struct astate *
state(struct sb_lint *L)
{
	if (!L->assert_state)
		L->assert_state = xcalloc(1, sizeof(struct astate));
	return L->assert_state;
}

void
sb_lint_assert_free(struct sb_lint *L)
{
	struct astate *st = L->assert_state;
	uint32_t i;

	if (!st)
		return;
	for (i = 0; i < st->nunits; i++)
		sb_unit_free(&st->units[i]);
	free(st->units);
	free(st->as);
	if (st->hasold)
		sb_unit_free(&st->old);
	free(st);
	L->assert_state = NULL;
}

/* Compile INPUTS as the current file is compiled; -1 after messages. */
static int
compile(struct sb_lint *L, struct sb_unit *u, const char **inputs,
    uint32_t n, const char *what)
{
	if (sb_compile(u, &L->o->co, inputs, n, SB_STAGE_EVAL) == 0)
		return 0;
	sb_diag_render(&u->ctx.diag, stderr, SB_DIAG_TEXT, 0);
	fprintf(stderr, "%s: %s '%s' does not compile\n", sb_progname(), what,
	    inputs[n - 1]);
	sb_unit_free(u);
	return -1;
}

/* The list node whose span is SPAN, anywhere under N. */
static const struct sb_node *
nodeat(const struct sb_node *n, struct sb_span span)
{
	uint32_t i;
	const struct sb_node *r;

	if (n->span.off == span.off && n->span.len == span.len &&
	    n->kind == SB_N_LIST)
		return n;
	if (n->kind != SB_N_LIST || span.off < n->span.off ||
	    span.off >= n->span.off + n->span.len)
		return NULL;
	for (i = 0; i < n->u.list.n; i++)
		if ((r = nodeat(n->u.list.items[i], span)) != NULL)
			return r;
	return NULL;
}

static const char *
reasonof(const struct sb_target *t, const struct sb_rule *r)
{
	int msg = sb_target_modifier_find(t, "message", 7);
	uint32_t i;

	for (i = 0; msg >= 0 && i < r->mods.n; i++)
		if (r->mods.v[i].id == msg && r->mods.v[i].arg.kind ==
		    SB_FA_STRING)
			return r->mods.v[i].arg.s;
	return NULL;
}

static int
loadasserts(struct sb_lint *L, struct astate *st, const char *path,
    const char *pre)
{
	struct sb_unit *u;
	const char *inputs[2] = { pre, path };
	const struct sb_cst *cst;
	int64_t mainid;
	uint32_t i, k;

	st->units = xrealloc(st->units, (st->nunits + 1) * sizeof *st->units);
	u = &st->units[st->nunits];
	if (compile(L, u, inputs, 2, "assertion file") < 0)
		return -1;
	st->nunits++;
	cst = u->files[1];
	mainid = sb_source_read(&L->cur->unit.ctx.sources, path, NULL);
	for (i = 0; i < u->profile->nrules; i++) {
		const struct sb_rule *r = u->profile->rules[i];
		const struct sb_frame *fr, *form = NULL;
		const struct sb_node *n = NULL;
		struct assertion *a;
		for (fr = r->frames; fr; fr = fr->up)
			if (fr->span.src == cst->src)
				form = fr;
		for (k = 0; form && !n && k < cst->nforms; k++)
			n = nodeat(cst->forms[k], form->span);
		if (!n || n->u.list.n < 2 || n->u.list.items[1]->kind !=
		    SB_N_STRING) {
			fprintf(stderr, "%s: %s: a rule outside never-allow and "
			    "must-allow forms\n", sb_progname(), path);
			return -1;
		}
		for (k = 0; k < st->nas; k++)
			if (strcmp(st->as[k].name, n->u.list.items[1]->u.str.s) ==
			    0 && st->as[k].span.off != n->span.off) {
				fprintf(stderr, "%s: %s: assertion name '%s' is "
				    "used twice\n", sb_progname(), path,
				    st->as[k].name);
				return -1;
			}
		st->as = xrealloc(st->as, (st->nas + 1) * sizeof *st->as);
		a = &st->as[st->nas++];
		a->r = r;
		a->name = n->u.list.items[1]->u.str.s;
		a->reason = reasonof(u->target, r);
		a->span = mainid < 0 ? (struct sb_span){ SB_NOSRC, 0, 0 } :
		    (struct sb_span){ (uint32_t)mainid, n->span.off,
		    n->span.len };
		sb_sets_register(L->sets, r->filter);
	}
	return 0;
}

static int
loadold(struct sb_lint *L, struct astate *st)
{
	const char **inputs = xmalloc((L->o->npreludes + 2) * sizeof *inputs);
	uint32_t n = 0, i;
	int64_t id;
	int r;

	if (L->o->fragment && !(inputs[n++] = sb_lint_tempfile("(version 1)\n"))) {
		free(inputs);
		return -1;
	}
	for (i = 0; i < L->o->npreludes; i++)
		inputs[n++] = L->o->preludes[i];
	inputs[n++] = L->o->no_new_access;
	r = compile(L, &st->old, inputs, n, "baseline profile");
	free(inputs);
	if (r < 0)
		return -1;
	st->hasold = 1;
	id = sb_source_read(&L->cur->unit.ctx.sources, L->o->no_new_access,
	    NULL);
	st->oldsrc = id < 0 ? SB_NOSRC : (uint32_t)id;
	for (i = 0; i < st->old.profile->nrules; i++)
		sb_sets_register(L->sets, st->old.profile->rules[i]->filter);
	return 0;
}

int
sb_lint_assert_prepare(struct sb_lint *L)
{
	struct astate *st;
	const char *pre = NULL;
	uint32_t i;

	if (!L->o->nasserts && !L->o->no_new_access)
		return 0;
	st = state(L);
	if (L->o->nasserts && !(pre = sb_lint_tempfile(prelude)))
		return -1;
	for (i = 0; i < L->o->nasserts; i++)
		if (loadasserts(L, st, L->o->asserts[i], pre) < 0)
			return -1;
	if (L->o->no_new_access && loadold(L, st) < 0)
		return -1;
	return 0;
}

/* --- A1 ---------------------------------------------------------------- */

static struct sb_span
first(struct sb_lint *L)
{
	const struct sb_unit *u = &L->cur->unit;
	const struct sb_cst *main = u->files[u->nfiles - 1];

	return main->nforms ? main->forms[0]->span :
	    (struct sb_span){ main->src, 0, 0 };
}

static void
undecided(struct sb_lint *L, enum sb_check_id c, uint32_t set,
    const char *fmt, const char *name, struct sb_span related)
{
	struct sb_buf atoms = SB_BUF_INIT;
	struct sb_finding *f;

	sb_sets_opaque_names(L->sets, set, &atoms);
	f = sb_lint_report(L, c, first(L), fmt, name, atoms.len ? "it depends "
	    "on " : "the analysis ran out of its state budget", atoms.len ?
	    atoms.data : "");
	if (!(c == SB_CHK_A1 && L->o->strict_assertions))
		sb_lint_set_level(L, f, SB_LV_WARNING);
	sb_lint_disc(f, "%s undecided", name);
	if (related.src != SB_NOSRC)
		sb_lint_note(L, f, related, "written here");
	sb_buf_free(&atoms);
}

static void
assertion(struct sb_lint *L, const struct assertion *a)
{
	const struct sb_profile *p = L->cur->unit.profile;
	const struct sb_target *t = p->target;
	int never = a->r->action == SB_DENY;
	uint32_t m = sb_sets_of(L->sets, a->r->filter), i, unk = 0;
	uint32_t unkset = SB_SETS_FALSE;

	for (i = 0; i < 2 * t->op_count; i++) {
		uint32_t x, mx, k, slot = i % t->op_count;
		int in = 0, path = sb_lint_path_slot(t, slot);
		/* specific operations first: they name the access */
		if ((i < t->op_count) == ((t->ops[slot].flags &
		    SB_OP_FAMILY) != 0))
			continue;
		struct sb_req w;
		struct sb_buf b = SB_BUF_INIT;
		const struct sb_rule *r;
		struct sb_finding *f;
		for (k = 0; k < a->r->nops && !in; k++)
			in = sb_target_op_within(t, slot, a->r->ops[k]);
		if (!in)
			continue;
		/* fails on requests certainly against it; passes when none
		** may be */
		x = never ? sb_lint_allowed(L, p, slot, SB_ALLOWED_DEF) :
		    sb_sets_not(L->sets, sb_lint_allowed(L, p, slot,
		    SB_ALLOWED_MAYBE));
		x = sb_sets_and(L->sets, x, m);
		mx = never ? sb_lint_allowed(L, p, slot, SB_ALLOWED_MAYBE) :
		    sb_sets_not(L->sets, sb_lint_allowed(L, p, slot,
		    SB_ALLOWED_DEF));
		mx = sb_sets_and(L->sets, mx, m);
		if (mx == SB_SETS_FALSE)
			continue;
		if (x == SB_SETS_FALSE || sb_sets_exists(L->sets, x, path, &w) !=
		    SB_TRI_YES) {
			if (sb_sets_empty(L->sets, mx, path) != SB_TRI_YES) {
				unk++;
				unkset = sb_sets_or(L->sets, unkset, mx);
			}
			continue;
		}
		sb_req_text(L->sets, &w, &b);
		r = sb_lint_decider(L, p, slot, &w);
		f = sb_lint_report(L, SB_CHK_A1, r ? r->site : first(L),
		    "assertion '%s' fails: %s %s is %s%s%s%s", a->name,
		    t->ops[slot].name, b.len ? b.data : "(any request)",
		    never ? "allowed" : "denied", a->reason ? " (" : "",
		    a->reason ? a->reason : "", a->reason ? ")" : "");
		sb_lint_about(f, r);
		sb_lint_disc(f, "%s", a->name);
		sb_lint_witness(f, t->ops[slot].name, b.data, r ?
		    r->fingerprint : 0);
		if (a->span.src != SB_NOSRC)
			sb_lint_note(L, f, a->span, "assertion '%s' written "
			    "here", a->name);
		sb_req_free(&w);
		sb_buf_free(&b);
		return;
	}
	if (unk)
		undecided(L, SB_CHK_A1, unkset, "assertion '%s' could not be "
		    "decided: %s%s", a->name, a->span);
}

/* --- A2 ---------------------------------------------------------------- */

struct seen {
	uint32_t newrule;               /* deciding rule id, 0 implicit */
};

static const char *
oldname(const struct sb_rule *r)
{
	uint32_t i;

	if (!r)
		return "implicit decision";
	for (i = 0; i < r->nops; i++)
		if (r->ops[i] == 0)
			return "default rule";
	return "rule";
}

static void
compare(struct sb_lint *L, struct astate *st)
{
	const struct sb_profile *p = L->cur->unit.profile;
	const struct sb_profile *o = st->old.profile;
	const struct sb_target *t = p->target;
	struct sb_sets *S = L->sets;
	uint32_t slot, more = 0, less = 0, unknown = 0, *reported, nrep = 0, k;
	uint32_t unkset = SB_SETS_FALSE;
	struct sb_jw jw;
	struct sb_buf line = SB_BUF_INIT;
	const char *answer;

	reported = xcalloc(p->nrules + 2, sizeof *reported);
	for (slot = 0; slot < t->op_count; slot++) {
		int path = sb_lint_path_slot(t, slot), isnew, isless;
		/* new access: certainly allowed now, and not possibly before */
		uint32_t an = sb_lint_allowed(L, p, slot, SB_ALLOWED_DEF);
		uint32_t ao = sb_lint_allowed(L, o, slot, SB_ALLOWED_DEF);
		uint32_t amn = sb_lint_allowed(L, p, slot, SB_ALLOWED_MAYBE);
		uint32_t amo = sb_lint_allowed(L, o, slot, SB_ALLOWED_MAYBE);
		uint32_t nn = sb_lint_allowed(L, p, slot, SB_ALLOWED_NS);
		uint32_t no = sb_lint_allowed(L, o, slot, SB_ALLOWED_NS);
		uint32_t W = sb_sets_or(S, sb_sets_diff(S, an, amo),
		    sb_sets_diff(S, nn, no));
		uint32_t N = sb_sets_or(S, sb_sets_diff(S, ao, amn),
		    sb_sets_diff(S, no, nn));
		uint32_t Wm = sb_sets_or(S, sb_sets_diff(S, amn, ao),
		    sb_sets_diff(S, nn, no));
		struct sb_req w;
		enum sb_tri e;
		if (Wm == SB_SETS_FALSE && N == SB_SETS_FALSE)
			continue;
		isnew = 0;
		e = W == SB_SETS_FALSE ? SB_TRI_NO : sb_sets_exists(S, W, path, &w);
		if (e == SB_TRI_YES) {
			const struct sb_rule *rn = sb_lint_decider(L, p, slot, &w);
			const struct sb_rule *ro = sb_lint_decider(L, o, slot, &w);
			uint32_t id = rn ? rn->id : 0;
			isnew = 1;
			more++;
			for (k = 0; k < nrep && reported[k] != id + 1; k++)
				;
			if (k == nrep) {
				struct sb_buf b = SB_BUF_INIT;
				struct sb_finding *f;
				reported[nrep++] = id + 1;
				sb_req_text(S, &w, &b);
				f = sb_lint_report(L, SB_CHK_A2, rn ? rn->site :
				    first(L), "new access: %s %s is allowed%s "
				    "(%s by the old profile's %s)",
				    t->ops[slot].name, b.len ? b.data :
				    "(any request)", sb_sets_and(S, nn,
				    sb_sets_not(S, no)) != SB_SETS_FALSE ?
				    " with no-sandbox" : "",
				    ro && ro->action == SB_ALLOW ? "allowed "
				    "without no-sandbox" : "denied", oldname(ro));
				sb_lint_about(f, rn);
				sb_lint_disc(f, "%s", t->ops[slot].name);
				sb_lint_witness(f, t->ops[slot].name, b.data,
				    rn ? rn->fingerprint : 0);
				if (ro && ro->site.src == st->old.files[
				    st->old.nfiles - 1]->src &&
				    st->oldsrc != SB_NOSRC)
					sb_lint_note(L, f, (struct sb_span){
					    st->oldsrc, ro->site.off,
					    ro->site.len }, "decided here in "
					    "the old profile");
				sb_buf_free(&b);
			}
			sb_req_free(&w);
		} else if (Wm != SB_SETS_FALSE && sb_sets_empty(S, Wm, path) !=
		    SB_TRI_YES) {
			unknown++;
			unkset = sb_sets_or(S, unkset, Wm);
			continue;
		}
		isless = N != SB_SETS_FALSE && sb_sets_empty(S, N, path) !=
		    SB_TRI_YES;
		if (isless && !isnew)
			less++;
		(void)isless;
	}
	if (unknown)
		undecided(L, SB_CHK_A2, unkset, "comparison with '%s' could "
		    "not be decided for some operations: %s%s",
		    L->o->no_new_access, (struct sb_span){ SB_NOSRC, 0, 0 });
	answer = unknown ? "unknown" : more && less ? "incomparable" : more ?
	    "more-permissive" : less ? "less-permissive" : "equivalent";
	sb_jw_init(&jw);
	jw.depth = 1;           /* spliced into the document at depth 1 */
	jw.afterkey = 1;
	sb_jw_obj(&jw);
	sb_jw_kstr(&jw, "baseline", L->o->no_new_access);
	sb_jw_kstr(&jw, "answer", answer);
	sb_jw_key(&jw, "operations");
	sb_jw_obj(&jw);
	sb_jw_kint(&jw, "more", more);
	sb_jw_kint(&jw, "less", less);
	sb_jw_kint(&jw, "unknown", unknown);
	sb_jw_end(&jw, '}');
	sb_jw_end(&jw, '}');
	L->cur->comparison = sb_buf_take(&jw.b);
	sb_buf_printf(&line, "%s: compared with '%s': %s (%u operations gain "
	    "access, %u lose access, %u undecided)", L->cur->path,
	    L->o->no_new_access, answer, more, less, unknown);
	L->cur->comparison_text = sb_buf_take(&line);
	free(reported);
}

int
sb_lint_check_assert(struct sb_lint *L)
{
	struct astate *st = L->assert_state;
	uint32_t i;

	if (!st || !L->sets)
		return 0;
	for (i = 0; i < st->nas; i++)
		assertion(L, &st->as[i]);
	if (st->hasold)
		compare(L, st);
	return 0;
}
