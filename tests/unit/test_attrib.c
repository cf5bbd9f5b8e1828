/*
** Unit tests of attribution and the recorder (coverage/attrib.c,
** COVERAGE.md §5, §2.5): the deciding rule and the overridden ones, rule
** 0, alternatives, ambiguity from missing facts, unreported hosts and
** protocols and family names, unmatched records, inconsistency with what
** the source reported and with the graph evaluator (kext/eval.c on the
** unit's blob, and a fake that disagrees), the bounded cache, --path-map
** and --assume; then batches, sampling and processes through coverage.db.
*/
#include <unistd.h>

#include "tests/coverage/fixture.h"

#include "compiler/profile.h"
#include "coverage/attrib.h"
#include "coverage/covdb.h"

static const char prof_sb[] =
	"(version 1)\n"
	"(deny default)\n"                                              /* 1 */
	"(allow file-read* (subpath \"/usr/lib\") (literal \"/etc/hosts\"))\n"
	"(allow file-read-data (literal \"/usr/lib/secret\"))\n"        /* 3 */
	"(deny file-read-metadata (vnode-type DIRECTORY))\n"            /* 4 */
	"(allow network-outbound (remote tcp \"localhost:443\"))\n"     /* 5 */
	"(deny network-outbound (remote udp \"*:443\"))\n"              /* 6 */
	"(allow ipc-posix-shm-read-data)\n"                             /* 7 */
	"(allow signal (target self))\n"                                /* 8 */
	"(allow mach-lookup (global-name \"com.apple.x\"))\n";          /* 9 */

struct env {
	char *dir;
	struct sb_unit u;
	struct sb_attrib *a;
};

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);

	e->dir = fx_tmpdir();
	fx_compile(&e->u, e->dir, "prof.sb", prof_sb, NULL);
	e->a = sb_attrib_new(&e->u, NULL);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	sb_attrib_free(e->a);
	sb_unit_free(&e->u);
	fx_rmtree(e->dir);
	free(e->dir);
	free(e);
	return 0;
}

static struct sb_access
acc(const char *op, const char *arg, enum sb_arg_kind kind)
{
	struct sb_access a;

	memset(&a, 0, sizeof a);
	a.operation = op;
	a.argument = arg;
	a.arg_kind = arg ? kind : SB_ACC_NONE;
	a.pid = a.ppid = -1;
	a.count = 1;
	return a;
}

static struct sb_attrib_result
attr(struct sb_attrib *a, const struct sb_access *x)
{
	struct sb_attrib_result r;

	sb_attrib_access(a, x, &r);
	return r;
}

static void
attrib__decided_rule__is_the_last_matching_one(void **state)
{
	struct env *e = *state;
	struct sb_access x = acc("file-read-data", "/usr/lib/secret",
	    SB_ACC_PATH);
	struct sb_attrib_result r = attr(e->a, &x);
	const struct sb_filter *f = e->u.profile->rules[1]->filter;

	assert_int_equal(r.status, SB_MATCH_EXACT);
	assert_int_equal(r.rule, 3);
	assert_int_equal(r.decision, SB_DEC_ALLOW);
	assert_string_equal(r.opname, "file-read-data");
	assert_int_equal(r.nmatched, 2);
	assert_int_equal(r.matched[0], 2);
	assert_int_equal(r.matched[1], 1);
	/* rule 2 decides /etc/hosts through its literal alternative only */
	x = acc("file-read-data", "/etc/hosts", SB_ACC_PATH);
	r = attr(e->a, &x);
	assert_int_equal(r.rule, 2);
	assert_int_equal(r.narms, 1);
	assert_int_equal(f->kind, SB_F_ANY);
	assert_true(r.arms[0] == f->kids[0]->hash ||
	    r.arms[0] == f->kids[1]->hash);
	/* (deny default) decides the rest */
	x = acc("file-read-data", "/etc/passwd", SB_ACC_PATH);
	r = attr(e->a, &x);
	assert_int_equal(r.rule, 1);
	assert_int_equal(r.decision, SB_DEC_DENY);
	assert_int_equal(r.nmatched, 0);
	x = acc("signal", NULL, SB_ACC_NONE);
	x.facts[0].filter = "target";
	x.facts[0].value = "self";
	x.nfacts = 1;
	r = attr(e->a, &x);
	assert_int_equal(r.rule, 8);
	assert_int_equal(r.status, SB_MATCH_EXACT);
}

static void
attrib__no_matching_rule__is_rule_0(void **state)
{
	struct env *e = *state;
	struct sb_unit u;
	struct sb_attrib *a;
	struct sb_access x = acc("file-read-data", "/y", SB_ACC_PATH);
	struct sb_attrib_result r;

	fx_compile(&u, e->dir, "open.sb", "(version 1)\n(deny file-read-data "
	    "(literal \"/x\"))\n", NULL);
	a = sb_attrib_new(&u, NULL);
	r = attr(a, &x);
	assert_int_equal(r.status, SB_MATCH_EXACT);
	assert_int_equal(r.rule, 0);
	assert_int_equal(r.decision, SB_DEC_ALLOW);
	sb_attrib_free(a);
	sb_unit_free(&u);
}

static int
has(const uint32_t *v, uint32_t n, uint32_t x)
{
	while (n--)
		if (v[n] == x)
			return 1;
	return 0;
}

static void
attrib__missing_fact__is_ambiguous_with_its_candidates(void **state)
{
	struct env *e = *state;
	struct sb_access x = acc("file-read-metadata", "/usr/lib/dir",
	    SB_ACC_PATH);
	struct sb_attrib_result r = attr(e->a, &x);

	assert_int_equal(r.status, SB_MATCH_AMBIGUOUS);
	assert_int_equal(r.rule, 2);
	assert_int_equal(r.ncands, 2);
	assert_true(has(r.cands, r.ncands, 2) && has(r.cands, r.ncands, 4));
	x.facts[0].filter = "vnode-type";
	x.facts[0].value = "DIRECTORY";
	x.nfacts = 1;
	r = attr(e->a, &x);
	assert_int_equal(r.status, SB_MATCH_EXACT);
	assert_int_equal(r.rule, 4);
	x.facts[0].value = "REGULAR-FILE";
	r = attr(e->a, &x);
	assert_int_equal(r.status, SB_MATCH_EXACT);
	assert_int_equal(r.rule, 2);
}

static void
attrib__unreported_host_and_protocol__are_ambiguous(void **state)
{
	struct env *e = *state;
	struct sb_access x = acc("network-outbound", "*:443", SB_ACC_ADDRESS);
	struct sb_attrib_result r = attr(e->a, &x);

	assert_int_equal(r.status, SB_MATCH_AMBIGUOUS);
	assert_int_equal(r.rule, 1);            /* tcp, host unknown */
	assert_true(has(r.cands, r.ncands, 1) && has(r.cands, r.ncands, 5) &&
	    has(r.cands, r.ncands, 6));
	/* a reported allow says which candidate allowed it */
	x.reported = SB_DEC_ALLOW;
	r = attr(e->a, &x);
	assert_int_equal(r.status, SB_MATCH_AMBIGUOUS);
	assert_int_equal(r.rule, 5);
	assert_int_equal(r.nmatched, 0);
	x = acc("network-outbound", "tcp:localhost:443", SB_ACC_ADDRESS);
	r = attr(e->a, &x);
	assert_int_equal(r.status, SB_MATCH_EXACT);
	assert_int_equal(r.rule, 5);
	x = acc("network-outbound", "udp4:*:443", SB_ACC_ADDRESS);
	r = attr(e->a, &x);
	assert_int_equal(r.status, SB_MATCH_EXACT);
	assert_int_equal(r.rule, 6);
}

static void
attrib__family_name__evaluates_each_member_or_itself(void **state)
{
	struct env *e = *state;
	struct sb_access x = acc("ipc-posix-shm-*", NULL, SB_ACC_NONE);
	struct sb_attrib_result r = attr(e->a, &x);

	assert_int_equal(r.status, SB_MATCH_AMBIGUOUS);
	assert_true(has(r.cands, r.ncands, 1) && has(r.cands, r.ncands, 7));
	/* a family that is an operation of the target is that operation */
	x = acc("file-read*", "/usr/lib/x", SB_ACC_PATH);
	r = attr(e->a, &x);
	assert_int_equal(r.status, SB_MATCH_EXACT);
	assert_int_equal(r.rule, 2);
	/* an alias the profile defines */
	x = acc("process-exec", "/bin/ls", SB_ACC_PATH);
	r = attr(e->a, &x);
	assert_int_equal(r.status, SB_MATCH_EXACT);
	assert_string_equal(r.opname, "process-exec*");
}

static void
attrib__unknown_operations_and_platform_policy__are_unmatched(void **state)
{
	struct env *e = *state;
	struct sb_access x = acc("frobnicate", "/x", SB_ACC_PATH);
	struct sb_attrib_result r = attr(e->a, &x);

	assert_int_equal(r.status, SB_MATCH_UNMATCHED);
	assert_int_equal(r.decision, SB_DEC_UNKNOWN);
	assert_non_null(strstr(r.why, "not an operation"));
	assert_string_equal(r.opname, "frobnicate");
	x = acc("xpc-message-send", NULL, SB_ACC_NONE);
	r = attr(e->a, &x);
	assert_int_equal(r.status, SB_MATCH_UNMATCHED);
	x = acc("file-read-data", "/usr/lib/x", SB_ACC_PATH);
	x.facts[0].filter = SB_FACT_PLATFORM;
	x.facts[0].value = "1";
	x.nfacts = 1;
	r = attr(e->a, &x);
	assert_int_equal(r.status, SB_MATCH_UNMATCHED);
	assert_string_equal(r.why, "platform policy");
}

static void
attrib__what_the_source_reported__is_checked(void **state)
{
	struct env *e = *state;
	struct sb_access x = acc("file-read-data", "/usr/lib/x", SB_ACC_PATH);
	struct sb_attrib_result r;
	char fp[17], tag[128], hex[65];

	x.reported = SB_DEC_ALLOW;
	r = attr(e->a, &x);
	assert_int_equal(r.status, SB_MATCH_EXACT);
	x.reported = SB_DEC_DENY;
	r = attr(e->a, &x);
	assert_int_equal(r.status, SB_MATCH_INCONSISTENT);
	assert_non_null(strstr(r.why, "reported deny"));
	x.reported = SB_DEC_UNKNOWN;
	snprintf(fp, sizeof fp, "%016llx", (unsigned long long)
	    e->u.profile->rules[1]->fingerprint);
	x.reported_rule = fp;
	assert_int_equal(attr(e->a, &x).status, SB_MATCH_EXACT);
	x.reported_rule = "0000000000000001";
	assert_int_equal(attr(e->a, &x).status, SB_MATCH_INCONSISTENT);
	x.reported_rule = NULL;
	sb_cov_hex(e->u.blob_sha256, 4, hex);
	snprintf(tag, sizeof tag, "sbplcov:%s:%s", hex, fp);
	x.message = tag;
	assert_int_equal(attr(e->a, &x).status, SB_MATCH_EXACT);
	snprintf(tag, sizeof tag, "sbplcov:00000000:%s", fp);
	assert_int_equal(attr(e->a, &x).status, SB_MATCH_INCONSISTENT);
}

static int
wronggraph(void *ctx, const struct sb_mquery *q, int *deny, uint32_t *rule)
{
	(void)ctx;
	(void)q;
	*deny = 0;
	*rule = 999;
	return 0;
}

static void
attrib__graph_evaluator__agrees_or_makes_it_inconsistent(void **state)
{
	static const char *const paths[] = { "/usr/lib", "/usr/lib/secret",
		"/usr/libx", "/etc/hosts", "/etc/hosts/", "/", "/usr/lib/a/b" };
	static const char *const ops[] = { "file-read-data",
		"file-read-metadata", "file-write-data", "file-read-xattr" };
	struct env *e = *state;
	struct sb_attrib_opts o;
	struct sb_attrib *bad;
	struct sb_access x;
	size_t i, k;

	/* the default second opinion is kext/eval.c on the unit's blob */
	for (i = 0; i < countof(ops); i++)
		for (k = 0; k < countof(paths); k++) {
			x = acc(ops[i], paths[k], SB_ACC_PATH);
			assert_int_not_equal(attr(e->a, &x).status,
			    SB_MATCH_INCONSISTENT);
		}
	memset(&o, 0, sizeof o);
	o.graph = wronggraph;
	bad = sb_attrib_new(&e->u, &o);
	x = acc("file-read-data", "/usr/lib/x", SB_ACC_PATH);
	assert_int_equal(attr(bad, &x).status, SB_MATCH_INCONSISTENT);
	assert_non_null(strstr(attr(bad, &x).why, "evaluators disagree"));
	sb_attrib_free(bad);
}

static void
attrib__cache__stays_bounded_and_gives_the_same_answers(void **state)
{
	struct env *e = *state;
	struct sb_attrib_opts o;
	struct sb_attrib *small;
	uint64_t hits, misses;
	char path[64];
	int i, round;

	memset(&o, 0, sizeof o);
	o.cache_entries = 4;
	small = sb_attrib_new(&e->u, &o);
	for (round = 0; round < 2; round++)
		for (i = 0; i < 40; i++) {
			struct sb_access x;
			struct sb_attrib_result a, b;
			snprintf(path, sizeof path, "/usr/lib%s/%d", i % 3 ? "" :
			    "x", i % 10);
			x = acc("file-read-data", path, SB_ACC_PATH);
			b = attr(e->a, &x);
			a = attr(small, &x);
			assert_int_equal(a.rule, b.rule);
			assert_int_equal(a.status, b.status);
			assert_int_equal(a.nmatched, b.nmatched);
			a = attr(small, &x);    /* from the cache */
			assert_int_equal(a.rule, b.rule);
			assert_int_equal(a.nmatched, b.nmatched);
		}
	sb_attrib_cache_stats(small, &hits, &misses);
	assert_int_equal(hits + misses, 160);
	/* four entries cannot hold twenty keys: cleared, refilled */
	assert_true(hits >= 80 && misses > 20);
	sb_attrib_cache_stats(e->a, &hits, &misses);
	assert_int_equal(misses, 20);           /* distinct paths */
	sb_attrib_free(small);
}

static void
attrib__path_map_and_assume__shape_the_query(void **state)
{
	static const char *const maps[] = { "/lib=/usr/lib" };
	static const char *const assume[] = { "vnode-type=DIRECTORY" };
	struct env *e = *state;
	struct sb_attrib_opts o;
	struct sb_attrib *a;
	struct sb_access x;
	struct sb_attrib_result r;

	memset(&o, 0, sizeof o);
	o.path_map = maps;
	o.npath_map = 1;
	o.assume = assume;
	o.nassume = 1;
	a = sb_attrib_new(&e->u, &o);
	x = acc("file-read-data", "/lib/libz.dylib", SB_ACC_PATH);
	r = attr(a, &x);
	assert_int_equal(r.rule, 2);
	x = acc("file-read-data", "/library", SB_ACC_PATH);
	r = attr(a, &x);
	assert_int_equal(r.rule, 1);            /* a prefix, not a component */
	/* the assumption decides, so the answer is ambiguous */
	x = acc("file-read-metadata", "/usr/lib/d", SB_ACC_PATH);
	r = attr(a, &x);
	assert_int_equal(r.rule, 4);
	assert_int_equal(r.status, SB_MATCH_AMBIGUOUS);
	/* a fact the access gives wins over the assumption */
	x.facts[0].filter = "vnode-type";
	x.facts[0].value = "REGULAR-FILE";
	x.nfacts = 1;
	r = attr(a, &x);
	assert_int_equal(r.rule, 2);
	assert_int_equal(r.status, SB_MATCH_EXACT);
	sb_attrib_free(a);
}

/* --- the recorder through coverage.db ------------------------------------- */

static struct sb_covdb *
recdb(struct env *e, int64_t *profile_id)
{
	struct sb_covdb *db;
	char path[4096], err[512];

	snprintf(path, sizeof path, "%s/c.db", e->dir);
	if (sb_covdb_open_unit(&db, profile_id, path, 0, &e->u, NULL, "prof.sb",
	    0, err, sizeof err) < 0)
		fail_msg("%s", err);
	return db;
}

static int64_t
q(struct sb_covdb *db, const char *sql)
{
	int64_t v = -1;

	if (sb_covdb_query_i64(db, sql, &v) < 0)
		fail_msg("%s: %s", sql, sb_covdb_errmsg(db));
	return v;
}

static void
covrec__batches__commit_hits_with_their_events(void **state)
{
	struct env *e = *state;
	struct sb_covrec_opts o;
	struct sb_covrec_stats st;
	struct sb_covrun run;
	struct sb_covrec *rec;
	struct sb_covdb *db;
	struct sb_access x;
	int64_t id;
	int i;

	db = recdb(e, &id);
	memset(&o, 0, sizeof o);
	o.events = SB_EVENTS_ALL;
	o.batch_accesses = 2;
	o.batch_ms = 1000000;
	rec = sb_covrec_new(db, id, &e->u, &o);
	memset(&run, 0, sizeof run);
	run.source = "jsonl";
	assert_int_equal(sb_covrec_begin(rec, &run), 0);
	for (i = 0; i < 5; i++) {
		x = acc(i % 2 ? "file-read-data" : "frobnicate", "/usr/lib/x",
		    SB_ACC_PATH);
		x.count = 2;
		x.pid = 7;
		x.ts = 100 + i;
		assert_int_equal(sb_covrec_put(rec, &x), 0);
	}
	sb_covrec_stats(rec, &st);
	assert_int_equal(st.batches, 2);
	/* committed batches only: 4 of the 5 accesses */
	assert_int_equal(q(db, "SELECT accesses FROM runs"), 8);
	assert_int_equal(sb_covrec_end(rec, SB_RUN_COMPLETE, NULL, NULL), 0);
	sb_covrec_stats(rec, &st);
	assert_int_equal(st.accesses, 10);
	assert_int_equal(st.exact, 4);
	assert_int_equal(st.unmatched, 6);
	assert_int_equal(q(db, "SELECT decided FROM hits WHERE rule_id = 2"), 4);
	assert_int_equal(q(db, "SELECT count(*) FROM events WHERE "
	    "match_status = 'unmatched' AND rule_id = 0 AND decision = "
	    "'unknown'"), 3);
	assert_int_equal(q(db, "SELECT count(*) FROM processes WHERE pid = 7 "
	    "AND start_ns = 100 AND start_known = 0"), 1);
	assert_int_equal(q(db, "SELECT count(*) FROM runs WHERE status = "
	    "'complete' AND accesses = 10 AND events_kept = 5"), 1);
	assert_int_equal(sb_covdb_check(db, SB_COVCHECK_ALL_EVENTS, stderr), 0);
	sb_covrec_free(rec);
	sb_covdb_close(db);
}

static void
covrec__sample__keeps_k_distinct_arguments_per_rule_and_operation(void **state)
{
	struct env *e = *state;
	struct sb_covrec_opts o;
	struct sb_covrun run;
	struct sb_covrec *rec;
	struct sb_covdb *db;
	struct sb_covproc p;
	char path[64];
	int64_t id;
	int i;

	db = recdb(e, &id);
	memset(&o, 0, sizeof o);
	o.samples = 2;
	o.max_events = 5;
	rec = sb_covrec_new(db, id, &e->u, &o);
	memset(&run, 0, sizeof run);
	run.source = "linux-ptrace";
	assert_int_equal(sb_covrec_begin(rec, &run), 0);
	memset(&p, 0, sizeof p);
	p.pid = 9;
	p.start_ns = 55;
	p.start_known = 1;
	p.ppid = 1;
	p.parent_start = -1;
	p.exe = "/bin/true";
	p.end_ns = -1;
	assert_int_equal(sb_covrec_process(rec, &p), 0);
	for (i = 0; i < 10; i++) {
		struct sb_access x;
		snprintf(path, sizeof path, "/usr/lib/%d", i % 4);
		x = acc("file-read-data", path, SB_ACC_PATH);
		x.pid = 9;
		assert_int_equal(sb_covrec_put(rec, &x), 0);
		x = acc("mach-lookup", path, SB_ACC_NAME);
		x.pid = 9;
		assert_int_equal(sb_covrec_put(rec, &x), 0);
	}
	assert_int_equal(sb_covrec_end(rec, SB_RUN_COMPLETE, NULL, NULL), 0);
	/* two per (rule, operation): 2 + 2, the cap of 5 not reached */
	assert_int_equal(q(db, "SELECT count(*) FROM events"), 4);
	assert_int_equal(q(db, "SELECT count(DISTINCT argument) FROM events "
	    "WHERE operation = 'file-read-data'"), 2);
	assert_int_equal(q(db, "SELECT count(*) FROM events WHERE "
	    "proc_start_ns = 55"), 4);
	assert_int_equal(q(db, "SELECT count(*) FROM processes"), 1);
	assert_int_equal(q(db, "SELECT start_known FROM processes"), 1);
	assert_int_equal(q(db, "SELECT sum(decided) FROM hits"), 20);
	sb_covrec_free(rec);
	sb_covdb_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(attrib__decided_rule__is_the_last_matching_one),
		T(attrib__no_matching_rule__is_rule_0),
		T(attrib__missing_fact__is_ambiguous_with_its_candidates),
		T(attrib__unreported_host_and_protocol__are_ambiguous),
		T(attrib__family_name__evaluates_each_member_or_itself),
		T(attrib__unknown_operations_and_platform_policy__are_unmatched),
		T(attrib__what_the_source_reported__is_checked),
		T(attrib__graph_evaluator__agrees_or_makes_it_inconsistent),
		T(attrib__cache__stays_bounded_and_gives_the_same_answers),
		T(attrib__path_map_and_assume__shape_the_query),
		T(covrec__batches__commit_hits_with_their_events),
		T(covrec__sample__keeps_k_distinct_arguments_per_rule_and_operation),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
