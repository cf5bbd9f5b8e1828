/*
** Unit tests of the daemon's portable half (kext/macos/drain.c,
** session.c; DESIGN.md §8, COVERAGE.md §8.3) against real temporary
** coverage.db files: counter snapshots become `decided` hits exactly
** once (a batch that was not committed is rebuilt, never added twice;
** a counter below its baseline counts from zero), samples read back as
** the accesses they were and become events whose overridden rules are
** those compiler/match.c finds for the kext's own query, and a whole
** session over a transport that calls the kext's side in-process:
** load, opt-in, hooks, polls, completion, unload, and a refused load
** with the kext's reason.
*/
#include <errno.h>

#include "tests/coverage/fixture.h"
#include "tests/unit/kext_fixture.h"

#include "compiler/match.h"
#include "coverage/attrib.h"
#include "coverage/covdb.h"
#include "kext/macos/ctl.h"
#include "kext/macos/drain.h"
#include "kext/macos/query_build.h"
#include "kext/macos/registry.h"
#include "kext/macos/session.h"

static const char prof_sb[] =
	"(version 1)\n"
	"(deny default)\n"
	"(allow file-read* (subpath \"/usr\"))\n"
	"(deny file-read-data (subpath \"/usr/secret\"))\n"
	"(allow file-read-data (literal \"/usr/secret/ok\"))\n"
	"(allow file-write-data (vnode-type REGULAR-FILE))\n"
	"(allow network-outbound (remote tcp \"localhost:*\"))\n";

struct env {
	char *dir, *db;
	struct sb_unit u;
	struct sb_options o;
	struct sb_covdb *cov;
	int64_t profile;
	struct kx_host host;
	struct sb_kreg reg;
};

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	struct sb_kenv env = kx_env(&e->host);
	char err[512];

	e->dir = fx_tmpdir();
	e->db = malloc(strlen(e->dir) + 8);
	sprintf(e->db, "%s/c.db", e->dir);
	fx_compile(&e->u, e->dir, "app.sb", prof_sb, &e->o);
	if (sb_covdb_open_unit(&e->cov, &e->profile, e->db, SB_COVDB_CREATE,
	    &e->u, &e->o, "app.sb", 0, err, sizeof err) < 0)
		fail_msg("%s", err);
	assert_int_equal(sb_kreg_init(&e->reg, &env, 1000, 8), 0);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;
	uint32_t pid;

	for (pid = 0; pid < e->reg.maxpid; pid++)
		if (e->reg.procs[pid].prof)
			sb_kreg_exit(&e->reg, (int32_t)pid,
			    e->reg.procs[pid].uniqueid);
	while (e->reg.profiles)
		sb_kreg_unload(&e->reg, e->reg.profiles->key);
	assert_int_equal(sb_kreg_fini(&e->reg), 0);
	assert_int_equal(e->host.allocs, e->host.frees);
	sb_covdb_close(e->cov);
	sb_unit_free(&e->u);
	fx_rmtree(e->dir);
	free(e->dir);
	free(e->db);
	free(e);
	return 0;
}

static int64_t
q(struct sb_covdb *db, const char *sql)
{
	int64_t v = -1;

	if (sb_covdb_query_i64(db, sql, &v) < 0)
		fail_msg("%s: %s", sql, sb_covdb_errmsg(db));
	return v;
}

static int64_t
newrun(struct env *e)
{
	struct sb_covrun r;
	int64_t run;

	memset(&r, 0, sizeof r);
	r.profile_id = e->profile;
	r.source = "macos-kext";
	assert_int_equal(sb_covdb_run_begin(e->cov, &r, &run, NULL), 0);
	return run;
}

static uint16_t
slot(struct env *e, const char *name)
{
	int op = sb_target_op_find(e->u.target, name, strlen(name));

	assert_true(op >= 0);
	return (uint16_t)op;
}

static struct sb_kcell
cell(uint32_t rule, uint16_t op, uint8_t deny, uint64_t count)
{
	struct sb_kcell c;

	c.rule = rule;
	c.op = op;
	c.deny = deny;
	c.count = count;
	return c;
}

/* decided in coverage.db for (RULE, operation OPNAME, DENY). */
static uint64_t
decided(struct env *e, uint32_t rule, const char *opname, int deny)
{
	struct sb_covhit_row *rows;
	uint32_t n, i;
	uint64_t sum = 0;

	assert_int_equal(sb_covdb_hits_read(e->cov, e->profile, NULL, &rows,
	    &n), 0);
	for (i = 0; i < n; i++)
		if (rows[i].rule == rule && strcmp(rows[i].operation,
		    opname) == 0 && rows[i].decision == (deny ? SB_DEC_DENY :
		    SB_DEC_ALLOW))
			sum += rows[i].decided;
	sb_covdb_hits_free(rows, n);
	return sum;
}

static void
kext_drain__snapshots__become_decided_hits_once(void **state)
{
	struct env *e = *state;
	uint16_t rd = slot(e, "file-read-data"), md = slot(e,
	    "file-read-metadata");
	/* before the run, then two polls; listed in no particular order */
	struct sb_kcell base[] = { cell(2, rd, 0, 5), cell(1, rd, 1, 1) };
	struct sb_kcell poll1[] = { cell(1, rd, 1, 4), cell(2, md, 0, 3),
		cell(2, rd, 0, 9) };
	struct sb_kcell poll2[] = { cell(2, rd, 0, 9), cell(1, rd, 1, 10),
		cell(2, md, 0, 3), cell(3, rd, 1, 2) };
	struct sb_drain *d = sb_drain_new(e->u.target, NULL);
	struct sb_covbatch b;
	struct sb_covrule_stats *st;
	int64_t run = newrun(e);
	uint32_t n, i;

	sb_drain_baseline(d, base, 2, 100);
	assert_int_equal(sb_drain_batch(d, poll1, 3, 200, &b),
	    (4 - 1) + 3 + (9 - 5));
	assert_int_equal(b.nhits, 3);
	for (i = 0; i < b.nhits; i++) {
		assert_int_equal(b.hits[i].first_ns, 100);
		assert_int_equal(b.hits[i].last_ns, 200);
	}
	assert_int_equal(sb_covdb_commit(e->cov, run, &b), 0);
	sb_drain_committed(d);
	assert_int_equal(sb_drain_batch(d, poll2, 4, 300, &b),
	    (10 - 4) + 2);
	assert_int_equal(sb_covdb_commit(e->cov, run, &b), 0);
	sb_drain_committed(d);
	/* each counter's growth since the baseline, once */
	assert_int_equal(decided(e, 1, "file-read-data", 1), 10 - 1);
	assert_int_equal(decided(e, 2, "file-read-data", 0), 9 - 5);
	assert_int_equal(decided(e, 2, "file-read-metadata", 0), 3);
	assert_int_equal(decided(e, 3, "file-read-data", 1), 2);
	assert_int_equal(q(e->cov, "SELECT accesses FROM runs"),
	    (10 - 1) + (9 - 5) + 3 + 2);
	assert_int_equal(sb_covdb_rule_stats_read(e->cov, e->profile, NULL,
	    &st, &n), 0);
	assert_int_equal(n, e->u.profile->nrules + 1);
	assert_int_equal(st[2].rule, 2);
	assert_int_equal(st[2].decided, (9 - 5) + 3);
	assert_int_equal(st[4].rule, 4);
	assert_int_equal(st[4].decided, 0);
	free(st);
	/* a poll with nothing new writes no hit */
	assert_int_equal(sb_drain_batch(d, poll2, 4, 400, &b), 0);
	assert_int_equal(b.nhits, 0);
	sb_drain_free(d);
}

static void
kext_drain__an_uncommitted_batch__is_rebuilt_not_added(void **state)
{
	struct env *e = *state;
	uint16_t rd = slot(e, "file-read-data");
	struct sb_kcell s1[] = { cell(2, rd, 0, 7) };
	struct sb_kcell s2[] = { cell(2, rd, 0, 11) };
	struct sb_kcell reloaded[] = { cell(2, rd, 0, 3) };
	struct sb_drain *d = sb_drain_new(e->u.target, NULL);
	struct sb_covbatch b;
	int64_t run = newrun(e);

	sb_drain_baseline(d, NULL, 0, 0);
	/* the database was busy: this batch is never committed */
	assert_int_equal(sb_drain_batch(d, s1, 1, 10, &b), 7);
	assert_int_equal(sb_drain_batch(d, s2, 1, 20, &b), 11);
	assert_int_equal(sb_covdb_commit(e->cov, run, &b), 0);
	sb_drain_committed(d);
	assert_int_equal(decided(e, 2, "file-read-data", 0), 11);
	/* the kext was reloaded: its counter restarted below the baseline */
	assert_int_equal(sb_drain_batch(d, reloaded, 1, 30, &b), 3);
	assert_int_equal(sb_covdb_commit(e->cov, run, &b), 0);
	sb_drain_committed(d);
	assert_int_equal(decided(e, 2, "file-read-data", 0), 11 + 3);
	sb_drain_free(d);
}

/* --- the kext's side in-process ---------------------------------------------- */

/* Load the unit into the registry; its profile. */
static struct sb_kprof *
load(struct env *e)
{
	size_t len;
	uint8_t *m = kx_load_msg(&e->u, 8, 64, &len);

	assert_int_equal(sb_ctl_serve_set(&e->reg, m, len), SB_KST_OK);
	free(m);
	return sb_kreg_find(&e->reg, e->u.blob_sha256);
}

/* An access through hook H (operation K) on PATH, as the kext checks it. */
static void
hook_path(struct env *e, struct sb_kprof *p, unsigned h, unsigned k,
    const char *path, uint8_t vtype, int64_t ts)
{
	struct sb_kwork *w = sb_kreg_work_get(&e->reg);

	assert_non_null(w);
	w->args.path = path;
	w->args.pathlen = (uint32_t)strlen(path);
	w->args.vtype = vtype;
	assert_int_equal(sb_qb_build(&p->qb, h, k, &w->args, &w->q), 0);
	assert_int_equal(sb_kprof_check(p, w, 77, ts), 0);
	sb_kreg_work_put(&e->reg, w);
}

static void
hook_connect(struct env *e, struct sb_kprof *p, const uint8_t *addr,
    int32_t port)
{
	struct sb_kwork *w = sb_kreg_work_get(&e->reg);

	sb_qb_set_inet(&w->args, SB_QB_AF_INET, SB_QB_TP_TCP, addr, port);
	assert_int_equal(sb_qb_build(&p->qb, SB_HOOK_socket_check_connect, 0,
	    &w->args, &w->q), 0);
	assert_int_equal(sb_kprof_check(p, w, 77, 5), 0);
	sb_kreg_work_put(&e->reg, w);
}

struct taken {
	struct sb_ksample s[64];
	uint32_t n;
};

static int
take(void *ctx, const struct sb_ksample *s)
{
	struct taken *t = ctx;

	if (t->n == 64)
		return -1;
	t->s[t->n++] = *s;
	return 0;
}

/* The sample's facts back as a query, and compiler/match.c's answer. */
static struct sb_mresult
match_sample(struct sb_matcher *m, const struct sb_ksample *s,
    struct sb_mfact *f)
{
	struct sb_mquery mq;
	struct sb_mresult r;
	unsigned i;

	for (i = 0; i < s->nfacts; i++) {
		memset(&f[i], 0, sizeof f[i]);
		f[i].filter = s->facts[i].filter;
		f[i].kind = s->facts[i].kind == SB_FACT_STRING ? SB_MF_STRING :
		    s->facts[i].kind == SB_FACT_NETWORK ? SB_MF_NETWORK :
		    SB_MF_INT;
		f[i].s = s->text + s->facts[i].off;
		f[i].len = s->facts[i].len;
		f[i].i = s->facts[i].i;
		f[i].port = s->facts[i].port;
	}
	memset(&mq, 0, sizeof mq);
	mq.op = s->op;
	mq.facts = f;
	mq.nfacts = s->nfacts;
	sb_match(m, &mq, &r);
	return r;
}

static void
kext_drain__samples__read_back_as_the_accesses_they_were(void **state)
{
	struct env *e = *state;
	struct sb_kprof *p = load(e);
	static const uint8_t lo[4] = { 127, 0, 0, 1 };
	struct taken t = { .n = 0 };
	struct sb_arena a;
	struct sb_access acc;
	uint32_t i, seen = 0;

	hook_path(e, p, SB_HOOK_vnode_check_truncate, 0, "/tmp/f", SB_QB_VREG,
	    1);
	hook_connect(e, p, lo, 443);
	sb_kcounters_take(&p->counters, take, &t);
	assert_int_equal(t.n, 2);
	sb_arena_init(&a);
	for (i = 0; i < t.n; i++) {
		sb_drain_access(e->u.target, &t.s[i], &a, &acc);
		assert_int_equal(acc.pid, 77);
		assert_int_equal(acc.count, 1);
		if (strcmp(acc.operation, "file-write-data") == 0) {
			assert_string_equal(acc.argument, "/tmp/f");
			assert_int_equal(acc.arg_kind, SB_ACC_PATH);
			assert_int_equal(acc.nfacts, 1);
			assert_string_equal(acc.facts[0].filter, "vnode-type");
			assert_string_equal(acc.facts[0].value, "REGULAR-FILE");
			seen |= 1;
		} else {
			assert_string_equal(acc.operation, "network-outbound");
			assert_string_equal(acc.argument, "tcp4:127.0.0.1:443");
			assert_int_equal(acc.arg_kind, SB_ACC_ADDRESS);
			assert_int_equal(acc.nfacts, 0);
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);
	sb_arena_free(&a);
}

static void
kext_drain__samples__become_events_with_their_overridden_rules(void **state)
{
	static const char *const paths[] = { "/usr/secret/ok", "/usr/secret/x",
		"/usr/lib/y", "/etc/z" };
	struct env *e = *state;
	struct sb_kprof *p = load(e);
	struct sb_attrib *at = sb_attrib_new(&e->u, NULL);
	struct sb_drain *d = sb_drain_new(e->u.target, at);
	struct taken t = { .n = 0 };
	struct sb_arena arena;
	struct sb_matcher *m;
	struct sb_covbatch b;
	uint64_t overridden[16] = { 0 };
	uint32_t i, k, ncells;
	struct sb_kcell cells[64];
	int64_t run = newrun(e);
	struct sb_covrule_stats *st;
	uint32_t n;

	sb_drain_baseline(d, NULL, 0, 0);
	for (i = 0; i < 4; i++)
		hook_path(e, p, SB_HOOK_vnode_check_open, 0, paths[i],
		    SB_QB_VREG, 100 + i);
	sb_kcounters_take(&p->counters, take, &t);
	assert_int_equal(t.n, 4);
	/* the expectation: match.c on the kext's own query */
	sb_arena_init(&arena);
	m = sb_matcher_new(&arena, e->u.profile);
	for (i = 0; i < t.n; i++) {
		struct sb_mfact f[SB_KSAMPLE_FACTS];
		struct sb_mresult r = match_sample(m, &t.s[i], f);
		assert_int_equal(r.rule, t.s[i].rule);
		for (k = 0; k < r.nmatched; k++)
			if (r.matched[k] != r.rule)
				overridden[r.matched[k]]++;
	}
	sb_drain_samples(d, t.s, t.n);
	{
		uint32_t next;
		ncells = sb_kcounters_read(&p->counters, 0, cells, 64, &next);
	}
	sb_drain_batch(d, cells, ncells, 1000, &b);
	assert_int_equal(b.nevents, 4);
	assert_int_equal(b.inconsistent, 0);
	for (i = 0; i < b.nevents; i++) {
		assert_int_equal(b.events[i].seq, i);
		assert_int_equal(b.events[i].status, SB_MATCH_EXACT);
		assert_string_equal(b.events[i].facts_json,
		    "{\"vnode-type\":\"REGULAR-FILE\"}");
	}
	assert_int_equal(sb_covdb_commit(e->cov, run, &b), 0);
	sb_drain_committed(d);
	assert_int_equal(sb_drain_pending(d), 0);
	assert_int_equal(q(e->cov, "SELECT count(*) FROM events WHERE "
	    "operation = 'file-read-data' AND arg_kind = 'path'"), 4);
	assert_int_equal(sb_covdb_rule_stats_read(e->cov, e->profile, NULL,
	    &st, &n), 0);
	for (i = 0; i < n; i++) {
		assert_true(st[i].rule < 16);
		assert_int_equal(st[i].matched_overridden,
		    overridden[st[i].rule]);
	}
	/* rule 2, file-read* over /usr, was overridden by both later rules */
	assert_true(overridden[kx_rule(&e->u, "file-read*", SB_ALLOW)] >= 2);
	free(st);
	sb_drain_free(d);
	sb_attrib_free(at);
	sb_arena_free(&arena);
}

/* --- a whole session ----------------------------------------------------------- */

struct fake {
	struct sb_kreg *reg;
	int fail_get;                   /* the socket breaks */
	int sets, gets;
};

static int
fake_set(void *ctx, const void *msg, size_t len)
{
	struct fake *f = ctx;
	int st;

	f->sets++;
	st = sb_ctl_serve_set(f->reg, msg, len);
	if (st != SB_KST_OK) {
		errno = st == SB_KST_NOTFOUND ? ENOENT : EINVAL;
		return -1;
	}
	return 0;
}

static int
fake_get(void *ctx, void *buf, size_t cap, size_t *len)
{
	struct fake *f = ctx;

	f->gets++;
	if (f->fail_get) {
		errno = ENOTCONN;
		return -1;
	}
	sb_ctl_serve_get(f->reg, buf, cap, len);
	return 0;
}

static void
kext_session__a_run__loads_counts_and_completes(void **state)
{
	struct env *e = *state;
	struct fake f = { .reg = &e->reg };
	struct sb_ktransport tr = { fake_set, fake_get, &f };
	struct sb_ksession_opts o;
	struct sb_ksession *s;
	struct sb_ksession_stats st;
	struct sb_kprof *p;
	struct sb_covrun_row *runs;
	struct sb_covrule_stats *rs;
	uint64_t want[16] = { 0 }, total = 0;
	char err[512], tag[17];
	uint32_t i, n;
	int64_t events;

	memset(&o, 0, sizeof o);
	o.samples = 2;
	o.label = "unit";
	assert_int_equal(sb_ksession_start(&s, e->cov, e->profile, &e->u, &tr,
	    &o, err, sizeof err), 0);
	for (i = 0; i < 8; i++)
		sprintf(tag + 2 * i, "%02x", e->u.blob_sha256[i]);
	assert_string_equal(sb_ksession_tag(s), tag);
	assert_non_null(p = sb_kreg_find(&e->reg, e->u.blob_sha256));
	assert_int_equal(p->counters.k, 2);
	/* accesses between polls: the tally of the kext's own verdicts */
	for (i = 0; i < 30; i++) {
		static const char *const paths[] = { "/usr/a", "/usr/secret/b",
			"/etc/c" };
		struct sb_kwork *w = sb_kreg_work_get(&e->reg);
		struct sb_verdict v;
		w->args.path = paths[i % 3];
		w->args.pathlen = (uint32_t)strlen(w->args.path);
		assert_int_equal(sb_qb_build(&p->qb, SB_HOOK_vnode_check_open,
		    0, &w->args, &w->q), 0);
		assert_int_equal(sb_eval(&p->bin, &w->q, &w->scratch, &v), 0);
		want[v.rule]++;
		total++;
		sb_kprof_check(p, w, 9, 50 + i);
		sb_kreg_work_put(&e->reg, w);
		if (i == 14)
			assert_int_equal(sb_ksession_poll(s), 0);
	}
	assert_int_equal(sb_ksession_end(s), 0);
	sb_ksession_stats(s, &st);
	assert_int_equal(st.accesses, total);
	assert_int_equal(st.lost, 0);
	events = st.events;
	sb_ksession_free(s);
	/* unloaded: no process held it, so it is gone */
	assert_null(sb_kreg_find(&e->reg, e->u.blob_sha256));

	assert_int_equal(sb_covdb_runs_read(e->cov, e->profile, NULL, &runs,
	    &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(runs[0].source, "macos-kext");
	assert_string_equal(runs[0].label, "unit");
	assert_int_equal(runs[0].status, SB_RUN_COMPLETE);
	assert_int_equal(runs[0].accesses, total);
	assert_int_equal(runs[0].events_kept, events);
	assert_true(runs[0].nobservable > 0);
	sb_covdb_runs_free(runs, n);
	/* samples: at most two per deciding rule */
	assert_true(events > 0);
	assert_int_equal(q(e->cov, "SELECT max(c) FROM (SELECT count(*) AS c "
	    "FROM events GROUP BY rule_id)"), 2);
	assert_int_equal(q(e->cov, "SELECT count(*) FROM run_observable WHERE "
	    "operation = 'file-read-data'"), 1);
	assert_int_equal(sb_covdb_rule_stats_read(e->cov, e->profile, NULL,
	    &rs, &n), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(rs[i].decided, want[rs[i].rule]);
	free(rs);
	assert_int_equal(sb_covdb_check(e->cov, 0, stderr), 0);
}

static void
kext_session__a_refused_load__gives_the_kexts_reason(void **state)
{
	struct env *e = *state;
	struct fake f = { .reg = &e->reg };
	struct sb_ktransport tr = { fake_set, fake_get, &f };
	struct sb_ksession *s;
	char err[512], want[512];
	uint8_t saved = e->u.blob_sha256[0];

	/* a unit whose recorded hash is not its blob's */
	e->u.blob_sha256[0] ^= 0xff;
	assert_int_equal(sb_ksession_start(&s, e->cov, e->profile, &e->u, &tr,
	    NULL, err, sizeof err), -1);
	e->u.blob_sha256[0] = saved;
	snprintf(want, sizeof want, "the kext refused the profile: %s",
	    sb_kstatus_text(SB_KST_HASH));
	assert_string_equal(err, want);
	assert_null(s);
	assert_int_equal(e->reg.nprofiles, 0);
	assert_int_equal(q(e->cov, "SELECT count(*) FROM runs"), 0);
	/* a socket that breaks after the load: nothing stays loaded */
	f.fail_get = 1;
	assert_int_equal(sb_ksession_start(&s, e->cov, e->profile, &e->u, &tr,
	    NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "cannot read the kext's counters"));
	assert_int_equal(e->reg.nprofiles, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(kext_drain__snapshots__become_decided_hits_once),
		T(kext_drain__an_uncommitted_batch__is_rebuilt_not_added),
		T(kext_drain__samples__read_back_as_the_accesses_they_were),
		T(kext_drain__samples__become_events_with_their_overridden_rules),
		T(kext_session__a_run__loads_counts_and_completes),
		T(kext_session__a_refused_load__gives_the_kexts_reason),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
