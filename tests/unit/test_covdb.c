/*
** Unit tests of coverage.db (coverage/covdb.c, identity.c; COVERAGE.md
** §2): the schema and the file's identity, creation leaving nothing
** behind, refusals (another application id, a newer version, not a
** database, another main profile), the run lifecycle, crash marking by
** writers and in memory by readers (a fake clock and process table, and
** a real child killed mid-run), idempotent imports and tail lookups,
** merge twice, and the readers annotate and lint use.
*/
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/coverage/fixture.h"

#include "coverage/attrib.h"
#include "coverage/covdb.h"

static const char app_sb[] =
	"(version 1)\n"
	"(deny default)\n"
	"(allow file-read* (subpath \"/usr/lib\") (subpath \"/System\"))\n"
	"(allow file-write-data (literal \"/private/tmp/x\"))\n"
	"(deny mach-lookup (with no-report) (global-name \"com.apple.x\"))\n";

/* One test's directory, compiled profile and database. */
struct env {
	char *dir;
	char *db;                       /* DIR/c.db */
	struct sb_unit u;
	struct sb_covprofile p;
	struct sb_options o;
};

static int
setup(void **state)
{
	struct env *e = calloc(1, sizeof *e);
	char err[512];

	e->dir = fx_tmpdir();
	e->db = malloc(strlen(e->dir) + 8);
	sprintf(e->db, "%s/c.db", e->dir);
	fx_compile(&e->u, e->dir, "app.sb", app_sb, &e->o);
	assert_int_equal(sb_cov_identity(&e->p, &e->u, &e->o, "app.sb", NULL,
	    err, sizeof err), 0);
	*state = e;
	return 0;
}

static int
teardown(void **state)
{
	struct env *e = *state;

	sb_cov_identity_free(&e->p);
	sb_unit_free(&e->u);
	fx_rmtree(e->dir);
	free(e->dir);
	free(e->db);
	free(e);
	return 0;
}

static struct sb_covdb *
opendb(struct env *e, unsigned flags, const struct sb_covdb_ops *ops)
{
	struct sb_covdb *db;
	char err[512];

	if (sb_covdb_open(&db, e->db, flags, ops, err, sizeof err) < 0)
		fail_msg("open: %s", err);
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
covdb__create__sets_identity_wal_and_the_schema(void **state)
{
	struct env *e = *state;
	struct sb_covdb *db = opendb(e, SB_COVDB_CREATE, NULL);
	size_t n;
	char **left;

	assert_int_equal(q(db, "PRAGMA application_id"), 1396854851);
	assert_int_equal(q(db, "PRAGMA user_version"), 1);
	assert_int_equal(q(db, "SELECT count(*) FROM pragma_journal_mode "
	    "WHERE journal_mode = 'wal'"), 1);
	assert_int_equal(q(db, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table'"), 13);
	assert_int_equal(q(db, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'view' AND name = 'rule_totals'"), 1);
	assert_int_equal(q(db, "SELECT count(*) FROM meta WHERE key IN "
	    "('created_by', 'created_at', 'schema_history')"), 3);
	assert_int_equal(q(db, "PRAGMA foreign_keys"), 1);
	sb_covdb_close(db);
	/* the temporary file it was built as is gone */
	left = fx_list(e->dir, "", &n);
	while (n--) {
		assert_null(strstr(left[n], ".tmp"));
		free(left[n]);
	}
	free(left);
}

static void
covdb__open__refuses_what_is_not_ours(void **state)
{
	struct env *e = *state;
	struct sb_covdb *db = opendb(e, SB_COVDB_CREATE, NULL), *x;
	char err[512], *text;

	/* a newer schema version: both numbers named */
	assert_int_equal(sb_covdb_exec(db, "PRAGMA user_version = 7"), 0);
	sb_covdb_close(db);
	assert_int_equal(sb_covdb_open(&x, e->db, 0, NULL, err, sizeof err), -1);
	assert_null(x);
	assert_non_null(strstr(err, "schema version 7"));
	assert_non_null(strstr(err, "version 1"));
	/* another application id */
	db = NULL;
	{
		/* reopen raw through a temporary id change */
		char *other = malloc(strlen(e->dir) + 16);
		sprintf(other, "%s/o.db", e->dir);
		assert_int_equal(sb_covdb_open(&db, other, SB_COVDB_CREATE, NULL,
		    err, sizeof err), 0);
		assert_int_equal(sb_covdb_exec(db, "PRAGMA application_id = 42"),
		    0);
		sb_covdb_close(db);
		assert_int_equal(sb_covdb_open(&x, other, 0, NULL, err,
		    sizeof err), -1);
		assert_non_null(strstr(err, "is not a coverage database"));
		free(other);
	}
	/* not a database at all */
	text = fx_write(e->dir, "t.db", "hello, this is text\n");
	assert_int_equal(sb_covdb_open(&x, text, 0, NULL, err, sizeof err), -1);
	assert_non_null(strstr(err, "is not a coverage database"));
	free(text);
	/* a reader never creates */
	free(e->db);
	e->db = malloc(strlen(e->dir) + 16);
	sprintf(e->db, "%s/none.db", e->dir);
	assert_int_equal(sb_covdb_open(&x, e->db, SB_COVDB_READONLY, NULL, err,
	    sizeof err), -1);
	assert_int_equal(access(e->db, F_OK), -1);
}

static int64_t
profile(struct env *e, struct sb_covdb *db)
{
	int64_t id;

	if (sb_covdb_profile(db, &e->p, 0, &id) < 0)
		fail_msg("profile: %s", sb_covdb_errmsg(db));
	return id;
}

static void
covdb__profile__is_recorded_once_with_rules_and_sources(void **state)
{
	struct env *e = *state;
	struct sb_covdb *db = opendb(e, SB_COVDB_CREATE, NULL);
	int64_t a = profile(e, db), b = profile(e, db);

	assert_int_equal(a, b);
	assert_int_equal(q(db, "SELECT count(*) FROM profiles"), 1);
	/* rule 0 and the four rules of app.sb */
	assert_int_equal(q(db, "SELECT count(*) FROM rules"), 5);
	assert_int_equal(q(db, "SELECT narms FROM rules WHERE rule_id = 2"), 2);
	assert_int_equal(q(db, "SELECT count(*) FROM rule_arms"), 2);
	assert_int_equal(q(db, "SELECT line FROM rules WHERE rule_id = 3"), 4);
	assert_int_equal(q(db, "SELECT count(*) FROM profile_sources WHERE "
	    "src_no = 0 AND origin = '' AND path LIKE '%app.sb'"), 1);
	assert_int_equal(q(db, "SELECT count(*) FROM profile_sources WHERE "
	    "origin = 'stdlib:sbpl/v1.sb'"), 1);
	assert_int_equal(q(db, "SELECT rule_count FROM profiles"), 4);
	assert_int_equal(q(db, "SELECT length(fingerprint) FROM rules WHERE "
	    "rule_id = 1"), 16);
	sb_covdb_close(db);
}

static void
covdb__profile__of_another_main_file_is_refused(void **state)
{
	struct env *e = *state;
	struct sb_covdb *db = opendb(e, SB_COVDB_CREATE, NULL);
	struct sb_covprofile other;
	struct sb_unit u;
	char err[512];
	int64_t id;

	profile(e, db);
	fx_compile(&u, e->dir, "other.sb", "(version 1)\n(allow default)\n",
	    NULL);
	assert_int_equal(sb_cov_identity(&other, &u, &e->o, "other.sb", NULL,
	    err, sizeof err), 0);
	assert_int_equal(sb_covdb_profile(db, &other, 0, &id), -1);
	assert_non_null(strstr(sb_covdb_errmsg(db), "'app.sb'"));
	assert_non_null(strstr(sb_covdb_errmsg(db), "'other.sb'"));
	assert_int_equal(q(db, "SELECT count(*) FROM profiles"), 1);
	/* --force-profile adds it as another main file */
	assert_int_equal(sb_covdb_profile(db, &other, 1, &id), 0);
	assert_int_equal(q(db, "SELECT count(*) FROM profiles"), 2);
	assert_int_equal(q(db, "SELECT count(*) FROM meta WHERE key = "
	    "'main_files' AND value = '[\"app.sb\",\"other.sb\"]'"), 1);
	sb_cov_identity_free(&other);
	sb_unit_free(&u);
	sb_covdb_close(db);
}

static void
covdb__identity__key_follows_parameters_and_rules(void **state)
{
	struct env *e = *state;
	struct sb_covprofile p2;
	struct sb_options o;
	struct sb_define d[2] = { { "B", "2" }, { "A", "1" } };
	char err[512];

	memset(&o, 0, sizeof o);
	o.params = d;
	o.nparams = 2;
	assert_int_equal(sb_cov_identity(&p2, &e->u, &o, "app.sb", NULL, err,
	    sizeof err), 0);
	assert_string_equal(p2.params_json, "{\"A\":\"1\",\"B\":\"2\"}");
	assert_memory_not_equal(p2.key, e->p.key, 32);
	assert_memory_equal(p2.rules_sha256, e->p.rules_sha256, 32);
	/* the compiled blob's hash is the blob hash */
	assert_memory_equal(e->p.blob_sha256, e->u.blob_sha256, 32);
	assert_string_equal(e->p.rules[0].action, "implicit");
	assert_int_equal(e->p.rules[0].src_no, -1);
	sb_cov_identity_free(&p2);
}

static struct sb_covrun
newrun(int64_t profile_id, const char *const *obs, uint32_t nobs)
{
	struct sb_covrun r;

	memset(&r, 0, sizeof r);
	r.profile_id = profile_id;
	r.source = "linux-unotify";
	r.command_json = "[\"true\"]";
	r.observable = obs;
	r.nobservable = nobs;
	return r;
}

static void
covdb__run__goes_from_running_to_complete_with_its_batches(void **state)
{
	static const char *const obs[] = { "file-read-data",
		"file-write-data" };
	struct env *e = *state;
	struct sb_covdb *db = opendb(e, SB_COVDB_CREATE, NULL);
	struct sb_covrun r = newrun(profile(e, db), obs, 2);
	struct sb_covhit h[2];
	struct sb_covevent ev;
	struct sb_covbatch b;
	struct sb_covrun_row *rows;
	uint32_t n, cands[2] = { 2, 3 };
	int64_t run;
	int code = 3;
	char uuid[33];

	assert_int_equal(sb_covdb_run_begin(db, &r, &run, uuid), 0);
	assert_int_equal(strlen(uuid), 32);
	assert_int_equal(q(db, "SELECT count(*) FROM runs WHERE status = "
	    "'running' AND writer_pid > 0 AND boot_id <> ''"), 1);
	assert_int_equal(q(db, "SELECT count(*) FROM run_observable"), 2);
	memset(h, 0, sizeof h);
	h[0].rule = 2;
	h[0].operation = "file-read-data";
	h[0].decision = SB_DEC_ALLOW;
	h[0].decided = 5;
	h[0].first_ns = 10;
	h[0].last_ns = 20;
	h[0].sample = "/usr/lib/a";
	h[1] = h[0];
	h[1].rule = 1;
	h[1].decided = 0;
	h[1].matched_overridden = 5;
	memset(&ev, 0, sizeof ev);
	ev.seq = 1;
	ev.ts = 10;
	ev.pid = -1;
	ev.operation = "file-read-data";
	ev.argument = "/usr/lib/a";
	ev.kind = SB_ACC_PATH;
	ev.decision = SB_DEC_ALLOW;
	ev.rule = 2;
	ev.status = SB_MATCH_AMBIGUOUS;
	ev.dup = 5;
	ev.cands = cands;
	ev.ncands = 2;
	memset(&b, 0, sizeof b);
	b.hits = h;
	b.nhits = 2;
	b.events = &ev;
	b.nevents = 1;
	b.accesses = 5;
	assert_int_equal(sb_covdb_commit(db, run, &b), 0);
	/* a second batch adds to the same rows */
	h[0].first_ns = 5;
	h[0].last_ns = 30;
	h[0].sample = "/usr/lib/b";
	b.nevents = 0;
	assert_int_equal(sb_covdb_commit(db, run, &b), 0);
	assert_int_equal(q(db, "SELECT decided FROM hits WHERE rule_id = 2"), 10);
	assert_int_equal(q(db, "SELECT first_ns * 100 + last_ns FROM hits "
	    "WHERE rule_id = 2"), 530);
	assert_int_equal(q(db, "SELECT count(*) FROM hits WHERE "
	    "sample_argument = '/usr/lib/a'"), 2);
	assert_int_equal(q(db, "SELECT count(*) FROM event_candidates"), 2);
	assert_int_equal(sb_covdb_run_end(db, run, SB_RUN_COMPLETE, NULL, &code),
	    0);
	assert_int_equal(sb_covdb_runs_read(db, 0, NULL, &rows, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].status, SB_RUN_COMPLETE);
	assert_int_equal(rows[0].accesses, 10);
	assert_int_equal(rows[0].events_kept, 1);
	assert_true(rows[0].has_exit && rows[0].exit_code == 3);
	assert_true(rows[0].ended_at >= rows[0].started_at);
	assert_int_equal(rows[0].nobservable, 2);
	sb_covdb_runs_free(rows, n);
	assert_int_equal(sb_covdb_check(db, 0, stderr), 0);
	/* two batches, one event: the event check sees the difference */
	{
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		assert_int_equal(sb_covdb_check(db, SB_COVCHECK_ALL_EVENTS, f),
		    2);
		fclose(f);
		assert_string_equal(text, "run 1 accesses 10 events 5\n"
		    "run 1 hits 10 events 5\n");
		free(text);
	}
	sb_covdb_close(db);
}

/* The fake machine of the crash tests: every process is gone. */
static int
gone(void *ctx, int64_t pid, int64_t *start)
{
	(void)ctx;
	(void)pid;
	(void)start;
	return -1;
}

static void
covdb__crash__writers_mark_and_readers_see_runs_whose_writer_is_gone(void **state)
{
	struct env *e = *state;
	struct sb_covdb *db = opendb(e, SB_COVDB_CREATE, NULL);
	struct sb_covrun r = newrun(profile(e, db), NULL, 0);
	struct sb_covdb_ops ops;
	struct sb_covrun_row *rows;
	uint32_t n;
	int64_t run;

	assert_int_equal(sb_covdb_run_begin(db, &r, &run, NULL), 0);
	sb_covdb_close(db);
	/* a writer whose process is alive leaves it running */
	db = opendb(e, 0, NULL);
	assert_int_equal(sb_covdb_crashed(db), 0);
	sb_covdb_close(db);
	memset(&ops, 0, sizeof ops);
	ops.proc_start = gone;
	/* a reader applies the test in memory and writes nothing */
	db = opendb(e, SB_COVDB_READONLY, &ops);
	assert_int_equal(sb_covdb_runs_read(db, 0, NULL, &rows, &n), 0);
	assert_int_equal(rows[0].status, SB_RUN_CRASHED);
	assert_int_equal(rows[0].ended_at, rows[0].heartbeat_at);
	sb_covdb_runs_free(rows, n);
	assert_int_equal(q(db, "SELECT count(*) FROM runs WHERE status = "
	    "'running'"), 1);
	sb_covdb_close(db);
	/* a writer marks it */
	db = opendb(e, 0, &ops);
	assert_int_equal(sb_covdb_crashed(db), 1);
	assert_int_equal(q(db, "SELECT count(*) FROM runs WHERE status = "
	    "'crashed' AND ended_at = heartbeat_at"), 1);
	sb_covdb_close(db);
}

static void
covdb__crash__a_killed_writer_is_found_by_its_pid(void **state)
{
	struct env *e = *state;
	struct sb_covdb *db = opendb(e, SB_COVDB_CREATE, NULL);
	int64_t id = profile(e, db);
	int fds[2], status;
	pid_t pid;
	char c;

	sb_covdb_close(db);
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		struct sb_covrun r = newrun(id, NULL, 0);
		int64_t run;
		db = opendb(e, 0, NULL);
		if (sb_covdb_run_begin(db, &r, &run, NULL) < 0)
			_exit(1);
		(void)!write(fds[1], "x", 1);
		pause();
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(fds[0]);
	db = opendb(e, 0, NULL);
	assert_int_equal(sb_covdb_crashed(db), 1);
	assert_int_equal(q(db, "SELECT count(*) FROM runs WHERE status = "
	    "'crashed'"), 1);
	sb_covdb_close(db);
}

static void
covdb__import__digest_and_tail_make_imports_idempotent(void **state)
{
	struct env *e = *state;
	struct sb_covdb *db = opendb(e, SB_COVDB_CREATE, NULL);
	struct sb_covrun r = newrun(profile(e, db), NULL, 0);
	struct sb_covimport im;
	struct sb_covtail t;
	enum sb_run_status st;
	uint8_t digest[32], source[32];
	int64_t run, found;
	uint32_t dropped, ntails;

	memset(digest, 0xab, 32);
	memset(source, 0xcd, 32);
	r.source = "jsonl";
	r.import_digest = digest;
	assert_int_equal(sb_covdb_run_begin(db, &r, &run, NULL), 0);
	memset(&im, 0, sizeof im);
	im.format = "jsonl";
	memcpy(im.source_id, source, 32);
	im.path = "a.jsonl";
	im.byte_end = 100;
	im.line_start = 1;
	assert_int_equal(sb_covdb_import_put(db, run, &im), 0);
	assert_int_equal(sb_covdb_digest_find(db, digest, &found, &st), 1);
	assert_int_equal(found, run);
	assert_int_equal(st, SB_RUN_RUNNING);
	/* an unfinished import is no base for a tail */
	assert_int_equal(sb_covdb_import_tails(db, source, &t, 1, &ntails), 0);
	assert_int_equal(ntails, 0);
	/* the same digest cannot start a second run */
	assert_int_equal(sb_covdb_run_begin(db, &r, &found, NULL), -1);
	assert_int_equal(sb_covdb_run_end(db, run, SB_RUN_COMPLETE, NULL, NULL),
	    0);
	assert_int_equal(sb_covdb_import_tails(db, source, &t, 1, &ntails), 0);
	assert_int_equal(ntails, 1);
	assert_int_equal(t.run_id, run);
	assert_int_equal(t.chain, run);
	assert_int_equal(t.byte_end, 100);
	/* a crashed import of the same source is replaced */
	assert_int_equal(sb_covdb_exec(db, "UPDATE runs SET status = "
	    "'crashed'"), 0);
	assert_int_equal(sb_covdb_import_drop_crashed(db, source, 0, &dropped),
	    0);
	assert_int_equal(dropped, 1);
	assert_int_equal(q(db, "SELECT count(*) FROM runs"), 0);
	assert_int_equal(q(db, "SELECT count(*) FROM imports"), 0);
	assert_int_equal(sb_covdb_digest_find(db, digest, &found, &st), 0);
	sb_covdb_close(db);
}

/* A run with hits on rule 2 and one event, in a database at PATH. */
static void
filldb(struct env *e, const char *path, const char *label)
{
	static const char *const obs[] = { "file-read-data" };
	struct sb_covdb *db;
	struct sb_covrec *rec;
	struct sb_covrec_opts o;
	struct sb_covrun r;
	struct sb_access a;
	char err[512];
	int64_t id;

	assert_int_equal(sb_covdb_open(&db, path, SB_COVDB_CREATE, NULL, err,
	    sizeof err), 0);
	assert_int_equal(sb_covdb_profile(db, &e->p, 0, &id), 0);
	memset(&o, 0, sizeof o);
	o.events = SB_EVENTS_ALL;
	rec = sb_covrec_new(db, id, &e->u, &o);
	r = newrun(id, obs, 1);
	r.label = label;
	assert_int_equal(sb_covrec_begin(rec, &r), 0);
	memset(&a, 0, sizeof a);
	a.operation = "file-read-data";
	a.argument = "/usr/lib/libz.dylib";
	a.arg_kind = SB_ACC_PATH;
	a.pid = 7;
	a.ppid = -1;
	a.ts = 1000;
	a.count = 4;
	assert_int_equal(sb_covrec_put(rec, &a), 0);
	a.operation = "mach-lookup";
	a.argument = "com.apple.x";
	a.arg_kind = SB_ACC_NAME;
	a.count = 1;
	assert_int_equal(sb_covrec_put(rec, &a), 0);
	assert_int_equal(sb_covrec_end(rec, SB_RUN_COMPLETE, NULL, NULL), 0);
	sb_covrec_free(rec);
	sb_covdb_close(db);
}

static void
covdb__merge__copies_each_run_once(void **state)
{
	struct env *e = *state;
	char *a = malloc(strlen(e->dir) + 8), *b = malloc(strlen(e->dir) + 8);
	struct sb_covmerge_stats st;
	struct sb_covdb *db;

	sprintf(a, "%s/a.db", e->dir);
	sprintf(b, "%s/b.db", e->dir);
	filldb(e, a, "first");
	filldb(e, b, "second");
	db = opendb(e, SB_COVDB_CREATE, NULL);
	assert_int_equal(sb_covdb_merge(db, a, 1, 0, &st), 0);
	assert_int_equal(st.runs_added, 1);
	assert_int_equal(st.profiles_added, 1);
	assert_int_equal(st.events_copied, 2);
	assert_int_equal(sb_covdb_merge(db, b, 0, 0, &st), 0);
	assert_int_equal(st.runs_added, 1);
	assert_int_equal(st.profiles_added, 0);
	/* twice is harmless */
	assert_int_equal(sb_covdb_merge(db, a, 1, 0, &st), 0);
	assert_int_equal(st.runs_added, 0);
	assert_int_equal(st.runs_present, 1);
	assert_int_equal(q(db, "SELECT count(*) FROM runs"), 2);
	assert_int_equal(q(db, "SELECT count(*) FROM profiles"), 1);
	assert_int_equal(q(db, "SELECT sum(decided) FROM hits WHERE rule_id = "
	    "2"), 8);
	assert_int_equal(q(db, "SELECT count(*) FROM events"), 2);
	/* without --events the run says its events were dropped */
	assert_int_equal(q(db, "SELECT events_dropped FROM runs WHERE label = "
	    "'second'"), 2);
	assert_int_equal(q(db, "SELECT count(*) FROM run_observable"), 2);
	assert_int_equal(sb_covdb_merge(db, e->db, 0, 0, &st), -1);
	assert_non_null(strstr(sb_covdb_errmsg(db), "itself"));
	assert_int_equal(sb_covdb_check(db, 0, stderr), 0);
	sb_covdb_close(db);
	free(a);
	free(b);
}

static void
covdb__readers__count_rules_and_observability(void **state)
{
	struct env *e = *state;
	struct sb_covrule_stats *s;
	struct sb_covhit_row *h;
	struct sb_covarm_row *arms;
	struct sb_covdb *db;
	struct sb_covsel sel;
	char **samples;
	uint32_t n, nh, na, ns;
	int64_t id;

	filldb(e, e->db, "x");
	db = opendb(e, SB_COVDB_READONLY, NULL);
	assert_int_equal(sb_covdb_profile_find(db, e->p.key, &id), 1);
	assert_int_equal(sb_covdb_rule_stats_read(db, id, NULL, &s, &n), 0);
	assert_int_equal(n, 5);
	assert_int_equal(s[2].rule, 2);
	assert_int_equal(s[2].decided, 4);
	assert_int_equal(s[2].runs_hit, 1);
	assert_true(s[2].observable);
	/* (deny default) matched both; the no-report deny decided */
	assert_int_equal(s[1].matched_overridden, 5);
	assert_int_equal(s[1].decided, 0);
	assert_int_equal(s[4].decided, 1);
	/* the run observed file-read-data only: file-write-data and
	** mach-lookup are unobservable, never merely unused */
	assert_false(s[3].observable);
	assert_false(s[4].observable);
	assert_true(s[1].observable);
	free(s);
	assert_int_equal(sb_covdb_hits_read(db, id, NULL, &h, &nh), 0);
	assert_true(nh >= 2);
	sb_covdb_hits_free(h, nh);
	assert_int_equal(sb_covdb_arms_read(db, id, NULL, &arms, &na), 0);
	assert_int_equal(na, 2);
	assert_int_equal(arms[0].matched, 4);
	assert_int_equal(arms[1].matched, 0);
	free(arms);
	assert_int_equal(sb_covdb_samples_read(db, id, NULL, 2, 8, &samples,
	    &ns), 0);
	assert_int_equal(ns, 1);
	assert_string_equal(samples[0], "/usr/lib/libz.dylib");
	sb_covdb_strings_free(samples, ns);
	/* a selection that counts no run */
	memset(&sel, 0, sizeof sel);
	sel.label = "nothing";
	assert_int_equal(sb_covdb_rule_stats_read(db, id, &sel, &s, &n), 0);
	assert_int_equal(s[2].decided, 0);
	assert_false(s[2].observable);
	free(s);
	sb_covdb_close(db);
}

static void
covdb__readers__no_report_denies_are_unobservable_in_unified_logs(void **state)
{
	static const char *const obs[] = { "mach-lookup" };
	struct env *e = *state;
	struct sb_covdb *db = opendb(e, SB_COVDB_CREATE, NULL);
	struct sb_covrun r = newrun(profile(e, db), obs, 1);
	struct sb_covrule_stats *s;
	uint32_t n;
	int64_t run, id = r.profile_id;

	r.source = "macos-ulog-ndjson";
	assert_int_equal(sb_covdb_run_begin(db, &r, &run, NULL), 0);
	assert_int_equal(sb_covdb_run_end(db, run, SB_RUN_COMPLETE, NULL, NULL),
	    0);
	assert_int_equal(sb_covdb_rule_stats_read(db, id, NULL, &s, &n), 0);
	assert_false(s[4].observable);  /* (deny mach-lookup (with no-report)) */
	assert_true(s[1].observable);   /* (deny default) */
	free(s);
	r.source = "linux-unotify";
	assert_int_equal(sb_covdb_run_begin(db, &r, &run, NULL), 0);
	assert_int_equal(sb_covdb_rule_stats_read(db, id, NULL, &s, &n), 0);
	assert_true(s[4].observable);
	free(s);
	sb_covdb_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(covdb__create__sets_identity_wal_and_the_schema),
		T(covdb__open__refuses_what_is_not_ours),
		T(covdb__profile__is_recorded_once_with_rules_and_sources),
		T(covdb__profile__of_another_main_file_is_refused),
		T(covdb__identity__key_follows_parameters_and_rules),
		T(covdb__run__goes_from_running_to_complete_with_its_batches),
		T(covdb__crash__writers_mark_and_readers_see_runs_whose_writer_is_gone),
		T(covdb__crash__a_killed_writer_is_found_by_its_pid),
		T(covdb__import__digest_and_tail_make_imports_idempotent),
		T(covdb__merge__copies_each_run_once),
		T(covdb__readers__count_rules_and_observability),
		T(covdb__readers__no_report_denies_are_unobservable_in_unified_logs),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
