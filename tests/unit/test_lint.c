/*
** lint/lint.c and friends, where goldens cannot reach: the coverage
** checks against a fake coverage.db (the real binding is not written
** yet), finding fingerprints across scripted edits (LINT.md §4, §10),
** configuration precedence and errors, and the baseline round trip.
*/
#define _DEFAULT_SOURCE
#include <unistd.h>

#include "tests/unit/fixture.h"

#include "compiler/profile.h"
#include "lint/coverage_source.h"
#include "lint/lint.h"

static char *
tempfile(const char *text, const char *suffix)
{
	char *path = malloc(64);
	int fd;
	FILE *f;

	snprintf(path, 64, "/tmp/test_lint_XXXXXX%s", suffix);
	fd = mkstemps(path, (int)strlen(suffix));
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

/* Lint TEXT with O; the findings of check C, their count in *N. */
static uint32_t
count(struct sb_lint *L, enum sb_check_id c)
{
	uint32_t i, n = 0;

	for (i = 0; i < L->files[0].nf; i++)
		n += L->files[0].f[i].check == c && !L->files[0].f[i].suppressed;
	return n;
}

static const struct sb_finding *
first(struct sb_lint *L, enum sb_check_id c)
{
	uint32_t i;

	for (i = 0; i < L->files[0].nf; i++)
		if (L->files[0].f[i].check == c)
			return &L->files[0].f[i];
	return NULL;
}

/* --- a fake coverage.db ----------------------------------------------- */

struct fake {
	uint32_t runs;
	int found;
};

static int
fopen_(void *ctx, const char *path, char *err, size_t n)
{
	(void)ctx;
	(void)path;
	(void)err;
	(void)n;
	return 0;
}

static int
fidentify(void *ctx, struct sb_unit *u, const struct sb_options *o,
    const char *main_file, int remap, const char *remap_from, char *err,
    size_t n)
{
	(void)u;
	(void)o;
	(void)main_file;
	(void)remap;
	(void)remap_from;
	snprintf(err, n, "coverage.db has no runs for this profile");
	return ((struct fake *)ctx)->found ? 0 : 1;
}

static void
fruns(void *ctx, struct sb_cov_runs *out)
{
	out->runs = ((struct fake *)ctx)->runs;
	snprintf(out->first, sizeof out->first, "2025-03-01");
	snprintf(out->last, sizeof out->last, "2025-03-04");
	out->accesses = 1204311;
}

/* Rule 2 decided accesses, rule 3 only matched, rule 4 is unobservable. */
static int
frule(void *ctx, const struct sb_rule *r, struct sb_cov_rule *out)
{
	(void)ctx;
	memset(out, 0, sizeof *out);
	out->observable = r->id != 4;
	out->decided = r->id == 2 ? 10 : 0;
	out->matched_overridden = r->id == 3 ? 5 : 0;
	return 0;
}

static void
fclose_(void *ctx)
{
	(void)ctx;
}

static void
lint__coverage__reports_unused_and_never_decisive_rules(void **state)
{
	struct fake fk = { 3, 1 };
	struct sb_cov_source src = { &fk, fopen_, fidentify, fruns, frule,
		fclose_ };
	char *path = tempfile("(version 1)\n(deny default)\n"
	    "(allow file-read* (subpath \"/usr\"))\n"
	    "(allow file-read* (subpath \"/opt\"))\n"
	    "(allow mach-lookup (global-name \"a\"))\n"
	    "(deny file-write* (subpath \"/opt\"))\n", ".sb");
	const char *in[1] = { path };
	struct sb_lint_opts o;
	struct sb_lint L;
	const struct sb_finding *f;

	(void)state;
	sb_lint_opts_init(&o);
	o.unused = "coverage.db";
	o.cov = &src;
	assert_int_equal(sb_lint_run(&L, &o, in, 1), 0);
	/* rule 1 (deny default) decided nothing: C1 at note level for a deny;
	** rule 5 is R2 and not reported again; rule 4 goes in the note */
	assert_int_equal(count(&L, SB_CHK_C2), 1);
	f = first(&L, SB_CHK_C2);
	assert_string_equal(f->msg, "rule matched 5 accesses in 3 runs "
	    "(2025-03-01 to 2025-03-04, 1204311 accesses observed) but never "
	    "decided one");
	assert_int_equal(count(&L, SB_CHK_C1), 2);
	f = first(&L, SB_CHK_C1);
	assert_int_equal(f->level, SB_LV_NOTE);
	sb_lint_free(&L);
	/* too few runs: one note, nothing else */
	fk.runs = 1;
	o.min_runs = 2;
	assert_int_equal(sb_lint_run(&L, &o, in, 1), 0);
	assert_int_equal(count(&L, SB_CHK_C1), 1);
	assert_int_equal(count(&L, SB_CHK_C2), 0);
	sb_lint_free(&L);
	/* another profile's database: exit 2 */
	fk.found = 0;
	assert_int_equal(sb_lint_run(&L, &o, in, 1), -1);
	sb_lint_free(&L);
	remove(path);
	free(path);
}

/* --- fingerprints --------------------------------------------------------- */

static uint64_t
r3print(const char *text)
{
	char *path = tempfile(text, ".sb");
	const char *in[1] = { path };
	struct sb_lint_opts o;
	struct sb_lint L;
	const struct sb_finding *f;
	uint64_t fp;

	sb_lint_opts_init(&o);
	assert_int_equal(sb_lint_run(&L, &o, in, 1), 0);
	f = first(&L, SB_CHK_R3);
	assert_non_null(f);
	fp = f->fingerprint;
	sb_lint_free(&L);
	remove(path);
	free(path);
	return fp;
}

static void
lint__fingerprint__survives_moves_and_changes_with_the_rule(void **state)
{
	uint64_t base = r3print("(version 1)\n(deny default)\n"
	    "(allow file-write* (subpath \"/Users/me/p/build\"))\n"
	    "(deny file-write* (subpath \"/Users/me/p\"))\n");

	(void)state;
	/* reformatted */
	assert_true(r3print("(version 1)\n(deny default)\n\n"
	    "(allow   file-write*\n    (subpath \"/Users/me/p/build\"))\n"
	    "(deny file-write* (subpath \"/Users/me/p\"))\n") == base);
	/* an unrelated rule inserted, the covering rule edited */
	assert_true(r3print("(version 1)\n(deny default)\n"
	    "(allow mach-lookup (global-name \"x\"))\n"
	    "(allow file-write* (subpath \"/Users/me/p/build\"))\n"
	    "(deny file-write* (subpath \"/Users/me\"))\n") == base);
	/* the rule itself edited */
	assert_true(r3print("(version 1)\n(deny default)\n"
	    "(allow file-write* (subpath \"/Users/me/p/out\"))\n"
	    "(deny file-write* (subpath \"/Users/me/p\"))\n") != base);
}

/* --- configuration and baseline ----------------------------------------- */

static void
lint__config__ids_beat_families_and_typos_are_errors(void **state)
{
	char *good = tempfile("# lint\n[levels]\nT4 = warning\nT = note ; all\n"
	    "R2 = off\n", ".conf");
	char *bad = tempfile("fail-levle = error\n", ".conf");
	struct sb_level_op op = { 'd', "R4", SB_LV_OFF };
	const char *base;
	struct sb_lint_opts o;

	(void)state;
	sb_lint_opts_init(&o);
	assert_int_equal(sb_lint_configure(&o, good, 0, NULL, &op, 1, 0, NULL,
	    &base), 0);
	assert_int_equal(o.levels[SB_CHK_T4], SB_LV_WARNING);
	assert_int_equal(o.levels[SB_CHK_T1], SB_LV_NOTE);
	assert_int_equal(o.levels[SB_CHK_R2], SB_LV_OFF);
	assert_int_equal(o.levels[SB_CHK_R4], SB_LV_OFF);
	sb_lint_opts_init(&o);
	assert_int_equal(sb_lint_configure(&o, bad, 0, NULL, NULL, 0, 0, NULL,
	    &base), -1);
	remove(good);
	remove(bad);
	free(good);
	free(bad);
}

static void
lint__baseline__hides_what_it_recorded(void **state)
{
	char *path = tempfile("(version 1)\n(deny default)\n"
	    "(allow mach-lookup)\n(allow file-read* (regex #\"/x/\"))\n", ".sb");
	char *base = tempfile("", ".json");
	const char *in[1] = { path };
	struct sb_lint_opts o;
	struct sb_lint L;
	uint32_t counts[4], sup, bl;

	(void)state;
	sb_lint_opts_init(&o);
	assert_int_equal(sb_lint_run(&L, &o, in, 1), 0);
	assert_int_equal(sb_lint_status(&L), 1);
	assert_int_equal(sb_lint_baseline_write(&L, base), 0);
	sb_lint_free(&L);
	assert_int_equal(sb_lint_run(&L, &o, in, 1), 0);
	assert_int_equal(sb_lint_baseline_apply(&L, base), 0);
	sb_lint_counts(&L, counts, &sup, &bl);
	assert_true(bl >= 2);
	assert_int_equal(counts[SB_LV_WARNING] + counts[SB_LV_ERROR], 0);
	assert_int_equal(sb_lint_status(&L), 0);
	sb_lint_free(&L);
	remove(path);
	remove(base);
	free(path);
	free(base);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    lint__coverage__reports_unused_and_never_decisive_rules),
		cmocka_unit_test(
		    lint__fingerprint__survives_moves_and_changes_with_the_rule),
		cmocka_unit_test(
		    lint__config__ids_beat_families_and_typos_are_errors),
		cmocka_unit_test(lint__baseline__hides_what_it_recorded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
