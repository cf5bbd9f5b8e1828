/*
** Security checks (LINT.md §3.4). S2, S3 and S4 ask about the profile's
** final decisions ("is some request of this class allowed?"), answered on
** the sets of sets.c and located at the rule that decides the witness
** (compiler/match.c says which); S1 and S5 look at single rules. The
** sensitive paths are the table in sensitive.def plus the configuration's
** [sensitive-paths]. Also the helpers A1 and A2 share: the allowed set of
** an operation, and the rule that decides a witness.
*/
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "compiler/match.h"
#include "compiler/profile.h"
#include "compiler/regex.h"
#include "kext/target.h"
#include "lint/lint.h"
#include "lint/sets.h"

enum { RW, W };
enum { HOME, ROOT, ANY };

struct sens {
	char *label;                    /* "~/.ssh" */
	int write_only;
	const struct sb_filter *f;      /* a path regex */
};

struct matchcache {
	const struct sb_profile *p;
	struct sb_matcher *m;
};

struct allowcache {
	const struct sb_profile *p;
	uint32_t slot;
	int ns;
	uint32_t set;
};

struct secstate {
	struct allowcache *ac;          /* sb_lint_allowed() answers */
	uint32_t nac;
	struct sens *sens;
	uint32_t nsens;
	const struct sb_filter *lsd[2];         /* Launch Services names */
	const struct sb_filter *target[2];      /* target others, initproc */
	struct matchcache mc[4];
	uint32_t nmc;
};

static const struct {
	int access, where;
	const char *path;
	int subtree;
} table[] = {
#define SENSITIVE(a, w, p, s) { a, w, p, s },
#include "lint/sensitive.def"
#undef SENSITIVE
};

/* --- helpers shared with check_assert.c ------------------------------------ */

int
sb_lint_path_slot(const struct sb_target *t, uint32_t slot)
{
	int f = sb_target_op_find(t, "file*", 5);
	int x = sb_target_op_find(t, "process-exec*", 13);

	return (f >= 0 && sb_target_op_within(t, slot, (unsigned)f)) ||
	    (x >= 0 && sb_target_op_within(t, slot, (unsigned)x));
}

static int
nosandbox(const struct sb_target *t, const struct sb_rule *r)
{
	int ns = sb_target_modifier_find(t, "no-sandbox", 10);
	uint32_t i;

	for (i = 0; ns >= 0 && i < r->mods.n; i++)
		if (r->mods.v[i].id == ns)
			return 1;
	return 0;
}

static struct secstate *state(struct sb_lint *L);

int
sb_lint_implicit_known(const struct sb_lint *L, const struct sb_profile *p,
    uint32_t slot)
{
	/*
	** Only a terminal operation's fixed decision is known. What the
	** built-in default of a profile without a default rule is, and what a
	** fragment's host profile decides, are not for lint to assume; with
	** an unfiltered default rule the implicit decision never decides.
	*/
	(void)L;
	return p->ops[slot].terminal;
}

uint32_t
sb_lint_allowed(struct sb_lint *L, const struct sb_profile *p, uint32_t slot,
    int mode)
{
	const struct sb_oplist *l = &p->ops[slot];
	struct sb_sets *S = L->sets;
	struct secstate *st = state(L);
	int ns = mode == SB_ALLOWED_NS;
	uint32_t a, i;

	for (i = 0; i < st->nac; i++)
		if (st->ac[i].p == p && st->ac[i].slot == slot &&
		    st->ac[i].ns == mode)
			return st->ac[i].set;
	/* the implicit decision counts only when the profile says it
	** (a default rule, not a fragment) or the table fixes it */
	a = SB_SETS_FALSE;
	if (!ns && (l->implicit == SB_ALLOW || !sb_lint_implicit_known(L, p,
	    slot)) && (mode == SB_ALLOWED_MAYBE || sb_lint_implicit_known(L, p,
	    slot)))
		a = SB_SETS_TRUE;
	for (i = 0; i < l->n; i++) {
		const struct sb_rule *r = p->rules[l->rules[i] - 1];
		uint32_t m = sb_sets_of(S, r->filter);
		if (r->action == SB_ALLOW && (!ns || nosandbox(p->target, r)))
			a = sb_sets_or(S, a, m);
		else
			a = sb_sets_diff(S, a, m);
	}
	if ((st->nac & (st->nac - 1)) == 0)
		st->ac = xrealloc(st->ac, (st->nac ? 2 * st->nac : 1) *
		    sizeof *st->ac);
	st->ac[st->nac++] = (struct allowcache){ p, slot, mode, a };
	return a;
}

static struct secstate *
state(struct sb_lint *L)
{
	if (!L->security_state)
		L->security_state = xcalloc(1, sizeof(struct secstate));
	return L->security_state;
}

const struct sb_rule *
sb_lint_decider(struct sb_lint *L, const struct sb_profile *p, uint32_t slot,
    const struct sb_req *w)
{
	struct secstate *st = state(L);
	struct sb_matcher *m = NULL;
	struct sb_mquery q;
	struct sb_mresult res;
	uint32_t i;

	for (i = 0; i < st->nmc; i++)
		if (st->mc[i].p == p)
			m = st->mc[i].m;
	if (!m) {
		m = sb_matcher_new(&L->cur->unit.ctx.arena, p);
		if (st->nmc < countof(st->mc)) {
			st->mc[st->nmc].p = p;
			st->mc[st->nmc++].m = m;
		}
	}
	memset(&q, 0, sizeof q);
	q.op = (uint16_t)slot;
	q.facts = w->facts;
	q.nfacts = w->nfacts;
	sb_match(m, &q, &res);
	return res.rule ? p->rules[res.rule - 1] : NULL;
}

/* Where a finding about W goes: the deciding rule, else the first form. */
static struct sb_span
where(struct sb_lint *L, const struct sb_rule *r)
{
	const struct sb_unit *u = &L->cur->unit;
	const struct sb_cst *main = u->files[u->nfiles - 1];

	if (r)
		return r->site;
	return main->nforms ? main->forms[0]->span :
	    (struct sb_span){ main->src, 0, 0 };
}

/* --- registration -------------------------------------------------------- */

static void
escape(struct sb_buf *b, const char *s)
{
	for (; *s; s++) {
		if (strchr(".^$()[]|*+?{}\\", *s))
			sb_buf_putc(b, '\\');
		sb_buf_putc(b, *s);
	}
}

static const struct sb_filter *
regexfilter(struct sb_lint *L, uint16_t id, const char *pat)
{
	struct sb_arena *a = &L->cur->unit.ctx.arena;
	struct sb_regex *rx = sb_arena_alloc(a, sizeof *rx);
	struct sb_rx_error err;
	struct sb_farg arg;
	struct sb_filter *f;

	memset(&arg, 0, sizeof arg);
	arg.kind = SB_FA_STRING;
	arg.s = sb_arena_strndup(a, pat, strlen(pat));
	arg.len = (uint32_t)strlen(pat);
	if (sb_regex_compile(a, arg.s, arg.len, rx, &err) < 0)
		return NULL;
	f = (struct sb_filter *)sb_filter_test(a, id, SB_PAT_REGEX, &arg,
	    (struct sb_span){ SB_NOSRC, 0, 0 });
	f->rx = rx;
	return f;
}

static const struct sb_filter *
plainfilter(struct sb_lint *L, uint16_t id, uint8_t pat, const char *s,
    int64_t i, const char *cname)
{
	struct sb_arena *a = &L->cur->unit.ctx.arena;
	struct sb_farg arg;

	memset(&arg, 0, sizeof arg);
	if (s) {
		arg.kind = SB_FA_STRING;
		arg.s = sb_arena_strndup(a, s, strlen(s));
		arg.len = (uint32_t)strlen(s);
	} else {
		arg.kind = SB_FA_INT;
		arg.i = i;
		arg.cname = cname;
	}
	return sb_filter_test(a, id, pat, &arg, (struct sb_span){ SB_NOSRC, 0,
	    0 });
}

/*
** One sensitive entry: a path regex per home pattern of LINT.md §3.4
** (/Users/[^/]+ and each --home-param value), each with a fixed prefix so
** the set checks can tell most paths apart without automata; their union
** is the entry's set.
*/
static void
addsens(struct sb_lint *L, uint16_t path, int write_only, int where_,
    const char *p, int subtree)
{
	const struct sb_options *co = &L->o->co;
	struct secstate *st = state(L);
	struct sb_buf pat = SB_BUF_INIT, label = SB_BUF_INIT;
	const struct sb_filter *f;
	uint32_t h, k, first = st->nsens;
	int more = 1;

	if (where_ == HOME)
		sb_buf_printf(&label, "~%s", p);
	else
		sb_buf_printf(&label, "%s%s", where_ == ANY ? "…" : "", p);
	for (h = 0; more; h++) {
		pat.len = 0;
		more = 0;
		if (where_ != ANY)
			sb_buf_putc(&pat, '^');
		if (where_ == HOME && h == 0) {
			sb_buf_puts(&pat, "/Users/[^/]+");
			more = 1;
		} else if (where_ == HOME) {
			const char *v = NULL;
			for (; h - 1 < L->o->nhome_params && !v; h++)
				for (k = co->nparams; k-- > 0 && !v;)
					if (strcmp(co->params[k].name,
					    L->o->home_params[h - 1]) == 0)
						v = co->params[k].value;
			h--;
			if (!v)
				break;
			escape(&pat, v);
			more = 1;
		}
		escape(&pat, p);
		sb_buf_puts(&pat, subtree ? "(/|$)" : "$");
		if (!(f = regexfilter(L, path, pat.data)))
			continue;
		st->sens = xrealloc(st->sens, (st->nsens + 1) * sizeof *st->sens);
		st->sens[st->nsens].label = st->nsens == first ?
		    xstrdup(label.data) : NULL;
		st->sens[st->nsens].write_only = write_only;
		st->sens[st->nsens++].f = f;
		sb_sets_register(L->sets, f);
	}
	sb_buf_free(&pat);
	sb_buf_free(&label);
}

static int
constant(const struct sb_target *t, uint16_t id, const char *name,
    int64_t *v)
{
	unsigned n, i;
	const struct sb_value_info *vals = sb_target_filter_values(t, id, &n);

	for (i = 0; i < n; i++)
		if (strcmp(vals[i].name, name) == 0) {
			*v = vals[i].value;
			return 0;
		}
	return -1;
}

void
sb_lint_security_register(struct sb_lint *L)
{
	const struct sb_target *t = L->cur->unit.target;
	struct secstate *st = state(L);
	int path = sb_target_filter_find(t, "path", 4);
	int gn = sb_target_filter_find(t, "global-name", 11);
	int tg = sb_target_filter_find(t, "target", 6);
	uint32_t i;
	int64_t v;

	if (path >= 0 && sb_lint_level(L, SB_CHK_S3) != SB_LV_OFF) {
		for (i = 0; i < countof(table); i++)
			addsens(L, (uint16_t)path, table[i].access == W,
			    table[i].where, table[i].path, table[i].subtree);
		for (i = 0; i < L->o->nsens; i++) {
			const char *p = L->o->sens[i].path;
			addsens(L, (uint16_t)path, L->o->sens[i].write_only,
			    p[0] == '~' ? HOME : p[0] == '/' ? ROOT : ANY,
			    p[0] == '~' ? p + 1 : p, 1);
		}
	}
	if (gn >= 0) {
		st->lsd[0] = plainfilter(L, (uint16_t)gn, SB_PAT_LITERAL,
		    "com.apple.coreservices.launchservicesd", 0, NULL);
		st->lsd[1] = plainfilter(L, (uint16_t)gn, SB_PAT_PREFIX,
		    "com.apple.lsd.", 0, NULL);
		sb_sets_register(L->sets, st->lsd[0]);
		sb_sets_register(L->sets, st->lsd[1]);
	}
	if (tg >= 0 && constant(t, (uint16_t)tg, "others", &v) == 0) {
		st->target[0] = plainfilter(L, (uint16_t)tg, SB_PAT_NONE, NULL,
		    v, "others");
		sb_sets_register(L->sets, st->target[0]);
	}
	if (tg >= 0 && constant(t, (uint16_t)tg, "initproc", &v) == 0) {
		st->target[1] = plainfilter(L, (uint16_t)tg, SB_PAT_NONE, NULL,
		    v, "initproc");
		sb_sets_register(L->sets, st->target[1]);
	}
}

/* --- the checks ------------------------------------------------------------ */

static int
ondefault(const struct sb_rule *r)
{
	uint32_t i;

	for (i = 0; r && i < r->nops; i++)
		if (r->ops[i] == 0)
			return 1;
	return 0;
}

/* S1 and S5: single rules. */
static void
s5walk(struct sb_lint *L, const struct sb_rule *r, const struct sb_filter *f,
    int neg, int path)
{
	struct sb_finding *x;
	uint32_t i;

	if (!f)
		return;
	if (f->kind != SB_F_TEST) {
		for (i = 0; i < f->nkids; i++)
			s5walk(L, r, f->kids[i], neg ^ (f->kind == SB_F_NOT),
			    path);
		return;
	}
	if (neg || (int)f->filter != path || f->pat != SB_PAT_REGEX ||
	    (f->arg.len && f->arg.s[0] == '^'))
		return;
	x = sb_lint_report(L, SB_CHK_S5, f->span.src == r->site.src ? f->span :
	    r->site, "path regex '%s' has no '^': it matches anywhere in the "
	    "path", f->arg.s);
	sb_lint_about(x, r);
	sb_lint_disc(x, "%s", f->arg.s);
}

static void
rules(struct sb_lint *L)
{
	const struct sb_profile *p = L->cur->unit.profile;
	int path = sb_target_filter_find(p->target, "path", 4);
	uint32_t i;

	for (i = 0; i < p->nrules; i++) {
		const struct sb_rule *r = p->rules[i];
		struct sb_finding *f;
		if (r->action != SB_ALLOW || !sb_lint_rule_in_target(L, r))
			continue;
		if (ondefault(r)) {
			f = sb_lint_report(L, SB_CHK_S1, r->site, "'allow default' "
			    "allows every operation that no later rule denies");
			sb_lint_about(f, r);
		}
		s5walk(L, r, r->filter, 0, path);
	}
}

static const char *const s2ops[] = {
	"file*", "network*", "file-write*", "process-exec*", "iokit-open*",
	"nvram*", "system-kext*", "mach-task*", "mach-lookup", "mach-register",
	"mach-priv-host-port", "mach-priv-task-port", "network-outbound",
	"network-inbound", "network-bind", "file-write-data",
	"file-write-create", "file-write-unlink", "iokit-set-properties",
	"sysctl-write", "signal", "appleevent-send", "user-preference-write",
};

/* S2: every request of a sensitive operation is allowed. */
static void
unfiltered(struct sb_lint *L)
{
	const struct sb_profile *p = L->cur->unit.profile;
	const struct sb_target *t = p->target;
	uint8_t *done = xcalloc(t->op_count, 1);
	uint32_t i, slot;

	for (i = 0; i < countof(s2ops); i++) {
		int op = sb_target_op_find(t, s2ops[i], strlen(s2ops[i]));
		int all = 1, fresh = 0;
		struct sb_req w;
		const struct sb_rule *r;
		struct sb_finding *f;
		if (op < 0)
			continue;
		for (slot = 0; slot < t->op_count && all; slot++) {
			if (!sb_target_op_within(t, slot, (unsigned)op))
				continue;
			fresh |= !done[slot];
			all = sb_sets_empty(L->sets, sb_sets_not(L->sets,
			    sb_lint_allowed(L, p, slot, SB_ALLOWED_DEF)),
			    sb_lint_path_slot(t, slot)) == SB_TRI_YES;
		}
		if (!all || !fresh)
			continue;
		for (slot = 0; slot < t->op_count; slot++)
			if (sb_target_op_within(t, slot, (unsigned)op))
				done[slot] = 1;
		if (sb_sets_exists(L->sets, SB_SETS_TRUE, sb_lint_path_slot(t,
		    (unsigned)op), &w) != SB_TRI_YES)
			continue;
		r = sb_lint_decider(L, p, (unsigned)op, &w);
		sb_req_free(&w);
		if (ondefault(r) && sb_lint_level(L, SB_CHK_S1) != SB_LV_OFF)
			continue;       /* S1 says it (LINT.md §3.9) */
		f = sb_lint_report(L, SB_CHK_S2, where(L, r), "every '%s' "
		    "request is allowed", s2ops[i]);
		sb_lint_about(f, r);
		sb_lint_disc(f, "%s", s2ops[i]);
	}
	free(done);
}

/* Report that SET is allowed on OP with message PREFIX; 1 when reported. */
static int
exposed(struct sb_lint *L, uint32_t slot, uint32_t set, enum sb_check_id c,
    const char *disc, const char *fmt, const char *what)
{
	const struct sb_profile *p = L->cur->unit.profile;
	const struct sb_target *t = p->target;
	struct sb_buf b = SB_BUF_INIT, m = SB_BUF_INIT;
	const struct sb_rule *r;
	struct sb_finding *f;
	struct sb_req w;

	if (set == SB_SETS_FALSE || sb_sets_exists(L->sets, set,
	    sb_lint_path_slot(t, slot), &w) != SB_TRI_YES)
		return 0;
	sb_req_text(L->sets, &w, &b);
	if (!b.len)
		sb_buf_puts(&b, "any request");
	r = sb_lint_decider(L, p, slot, &w);
	if (r == NULL && !sb_lint_implicit_known(L, p, slot)) {
		/* decided by an implicit decision no rule states: E12 */
		sb_req_free(&w);
		sb_buf_free(&b);
		return 0;
	}
	sb_buf_printf(&m, fmt, what, b.data ? b.data : "", t->ops[slot].name);
	f = sb_lint_report(L, c, where(L, r), "%s", m.data);
	sb_lint_about(f, r);
	sb_lint_disc(f, "%s", disc);
	sb_lint_witness(f, t->ops[slot].name, b.data, r ? r->fingerprint : 0);
	sb_req_free(&w);
	sb_buf_free(&b);
	sb_buf_free(&m);
	return 1;
}

/* The path of witness W, or NULL. */
static const char *
pathof(const struct sb_lint *L, const struct sb_req *w)
{
	int path = sb_target_filter_find(L->cur->unit.target, "path", 4);
	uint32_t i;

	for (i = 0; i < w->nfacts; i++)
		if ((int)w->facts[i].filter == path && w->facts[i].kind ==
		    SB_MF_STRING)
			return w->facts[i].s;
	return NULL;
}

/*
** Whether set E of sensitive paths is allowed on operation NAME; fills
** *W and *R (the deciding rule) when it is.
*/
static int
reaches(struct sb_lint *L, const char *name, uint32_t e, struct sb_req *w,
    const struct sb_rule **r, int *slot)
{
	const struct sb_profile *p = L->cur->unit.profile;
	int op = sb_target_op_find(p->target, name, strlen(name));
	uint32_t x;

	if (op < 0)
		return 0;
	x = sb_sets_and(L->sets, sb_lint_allowed(L, p, (uint32_t)op,
	    SB_ALLOWED_DEF), e);
	if (x == SB_SETS_FALSE || sb_sets_exists(L->sets, x, 1, w) !=
	    SB_TRI_YES)
		return 0;
	*r = sb_lint_decider(L, p, (uint32_t)op, w);
	*slot = op;
	return 1;
}

/* S3: credential and persistence paths, one finding per entry. */
static void
paths(struct sb_lint *L)
{
	struct secstate *st = state(L);
	static const char *const writes[] = { "file-write-data",
		"file-write-create" };
	uint32_t i, j, k;

	for (i = 0; i < st->nsens; i++) {
		const struct sens *s = &st->sens[i];
		uint32_t e = sb_sets_of(L->sets, s->f);
		struct sb_req rw, ww;
		const struct sb_rule *rr = NULL, *wr = NULL, *r;
		int rd = 0, wt = 0, rslot = 0, wslot = 0;
		struct sb_finding *f;
		const char *path;
		for (j = i + 1; j < st->nsens && !st->sens[j].label; j++)
			e = sb_sets_or(L->sets, e, sb_sets_of(L->sets,
			    st->sens[j].f));
		if (!s->label)
			continue;
		memset(&rw, 0, sizeof rw);
		memset(&ww, 0, sizeof ww);
		if (!s->write_only)
			rd = reaches(L, "file-read-data", e, &rw, &rr, &rslot);
		for (k = 0; !wt && k < countof(writes); k++)
			wt = reaches(L, writes[k], e, &ww, &wr, &wslot);
		if (!rd && !wt)
			continue;
		r = rd ? rr : wr;
		path = pathof(L, rd ? &rw : &ww);
		if (ondefault(r) && sb_lint_level(L, SB_CHK_S1) != SB_LV_OFF) {
			/* (allow default) is the cause: S1 says it (§3.9) */
			sb_req_free(&rw);
			sb_req_free(&ww);
			continue;
		}
		f = sb_lint_report(L, SB_CHK_S3, where(L, r), "sensitive path "
		    "'%s' is %s: '%s'%s", s->label, rd && wt ? "readable and "
		    "writable" : rd ? "readable" : "writable", path ? path :
		    "?", rd && wt && rr != wr ? " (two rules decide)" : "");
		sb_lint_about(f, r);
		sb_lint_disc(f, "%s", s->label);
		if (rd)
			sb_lint_witness(f, L->cur->unit.target->ops[rslot].name,
			    pathof(L, &rw), rr ? rr->fingerprint : 0);
		if (wt)
			sb_lint_witness(f, L->cur->unit.target->ops[wslot].name,
			    pathof(L, &ww), wr ? wr->fingerprint : 0);
		if (rd && wt && rr != wr && wr)
			sb_lint_note(L, f, wr->site, "writing is allowed here");
		sb_req_free(&rw);
		sb_req_free(&ww);
	}
}

/* S4: operations that act outside the sandbox. */
static void
escapes(struct sb_lint *L)
{
	const struct sb_profile *p = L->cur->unit.profile;
	const struct sb_target *t = p->target;
	struct secstate *st = state(L);
	struct sb_sets *S = L->sets;
	static const struct {
		const char *op;
		const char *msg;
	} plain[] = {
		{ "lsopen", "'%s' is allowed: it opens applications outside "
		    "the sandbox%.0s%.0s" },
		{ "file-mount", "'%s' is allowed: a mount changes what paths "
		    "name%.0s%.0s" },
		{ "file-mount-update", "'%s' is allowed: a mount changes what "
		    "paths name%.0s%.0s" },
		{ "system-kext-load", "'%s' is allowed: it loads code into the "
		    "kernel%.0s%.0s" },
	};
	uint32_t i, slot;
	int op;

	for (i = 0; i < countof(plain); i++) {
		if ((op = sb_target_op_find(t, plain[i].op,
		    strlen(plain[i].op))) < 0)
			continue;
		exposed(L, (uint32_t)op, sb_lint_allowed(L, p, (uint32_t)op, SB_ALLOWED_DEF),
		    SB_CHK_S4, plain[i].op, plain[i].msg, plain[i].op);
	}
	op = sb_target_op_find(t, "process-exec*", 13);
	for (slot = 0; op >= 0 && slot < t->op_count; slot++)
		if (sb_target_op_within(t, slot, (unsigned)op) &&
		    exposed(L, slot, sb_lint_allowed(L, p, slot, SB_ALLOWED_NS), SB_CHK_S4,
		    "no-sandbox", "'%s' is allowed with no-sandbox%.0s%.0s: "
		    "the new program runs unsandboxed",
		    "process-exec*"))
			break;
	op = sb_target_op_find(t, "mach-lookup", 11);
	if (op >= 0 && st->lsd[0])
		exposed(L, (uint32_t)op, sb_sets_and(S, sb_lint_allowed(L, p,
		    (uint32_t)op, SB_ALLOWED_DEF), sb_sets_or(S, sb_sets_of(S, st->lsd[0]),
		    sb_sets_of(S, st->lsd[1]))), SB_CHK_S4, "launchservices",
		    "'%s' of Launch Services is allowed: '%s' (%s) can open "
		    "applications outside the sandbox", "mach-lookup");
	op = sb_target_op_find(t, "mach-priv-task-port", 19);
	for (i = 0; op >= 0 && i < 2; i++) {
		uint32_t a;
		if (!st->target[i])
			continue;
		a = sb_sets_restrict(S, sb_lint_allowed(L, p, (uint32_t)op, SB_ALLOWED_DEF),
		    st->target[i], 1);
		exposed(L, (uint32_t)op, a, SB_CHK_S4, i ? "initproc" : "others",
		    "'%s' is allowed%.0s%.0s: the task port of another process "
		    "controls that process", i ? "mach-priv-task-port (target initproc)" :
		    "mach-priv-task-port (target others)");
	}
}

void
sb_lint_check_security(struct sb_lint *L)
{
	struct secstate *st = state(L);

	rules(L);
	if (!L->sets)
		return;
	if (sb_lint_level(L, SB_CHK_S2) != SB_LV_OFF)
		unfiltered(L);
	if (sb_lint_level(L, SB_CHK_S3) != SB_LV_OFF)
		paths(L);
	if (sb_lint_level(L, SB_CHK_S4) != SB_LV_OFF)
		escapes(L);
	(void)st;
}

void
sb_lint_security_free(struct sb_lint *L)
{
	struct secstate *st = L->security_state;
	uint32_t i;

	if (!st)
		return;
	for (i = 0; i < st->nsens; i++)
		free(st->sens[i].label);
	free(st->sens);
	free(st->ac);
	free(st);
	L->security_state = NULL;
}
