/*
** Unit tests of the lcov tracefile (annotate/lcov.c, COVERAGE.md §4.4)
** over the hand-built model of tests/annotate/fixture.h: the summed
** tracefile and the per-run sections against their golden files under
** tests/annotate/lcov/, test names as genhtml keeps them, --per-run
** without runs, and a write error. With SB_ANN_OUT set the tracefiles
** and their sources are also written there (tests/annotate/run-formats).
*/
#include "tests/annotate/fixture.h"

static int
setup(void **state)
{
	struct sb_ann_model *m = calloc(1, sizeof *m);

	fx_model(m);
	*state = m;
	return 0;
}

static int
teardown(void **state)
{
	sb_ann_model_free(*state);
	free(*state);
	return 0;
}

static void
lcov__summed__counts_each_rule_once_in_the_file_of_its_site(void **state)
{
	struct sb_ann_model *m = *state;
	struct sb_ann_opts o = { .format = SB_ANN_LCOV, .test_name = "" };
	char *got = fx_emit(sb_ann_emit_lcov, m, &o);

	fx_export("app.info", got, m);
	assert_int_equal(fx_golden("tests/annotate/lcov/app.info", got), 0);
	free(got);
}

static void
lcov__per_run__gives_each_run_a_section_named_by_label_or_id(void **state)
{
	struct sb_ann_model *m = *state;
	struct sb_ann_opts o = { .format = SB_ANN_LCOV, .per_run = 1 };
	char *got = fx_emit(sb_ann_emit_lcov, m, &o);

	fx_export("app-per-run.info", got, m);
	assert_int_equal(fx_golden("tests/annotate/lcov/app-per-run.info",
	    got), 0);
	free(got);
}

/* GOT with every "TN:" line replaced by "TN:" NAME; free() it. */
static char *
renamed(const char *got, const char *name)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	const char *p, *nl;

	assert_non_null(f);
	for (p = got; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		assert_non_null(nl);
		if (strncmp(p, "TN:", 3) == 0)
			fprintf(f, "TN:%s\n", name);
		else
			fwrite(p, 1, (size_t)(nl - p + 1), f);
	}
	fclose(f);
	return out;
}

static void
lcov__test_name__keeps_letters_digits_and_underscores(void **state)
{
	struct sb_ann_model *m = *state;
	struct sb_ann_opts o = { .format = SB_ANN_LCOV, .test_name = "" };
	char *plain = fx_emit(sb_ann_emit_lcov, m, &o), *want, *got;

	o.test_name = "ci run #1 \xc3\xa9t\xc3\xa9_2";
	got = fx_emit(sb_ann_emit_lcov, m, &o);
	want = renamed(plain, "ci_run__1__t__2");
	assert_string_equal(got, want);
	free(want);
	free(got);
	o.test_name = NULL;
	got = fx_emit(sb_ann_emit_lcov, m, &o);
	assert_string_equal(got, plain);
	free(got);
	free(plain);
}

static void
lcov__per_run_without_runs__is_one_section_under_the_test_name(
    void **state)
{
	struct sb_ann_model *m = *state;
	struct sb_ann_opts o = { .format = SB_ANN_LCOV, .test_name = "x" };
	char *summed, *got;

	m->nruns = 0;
	summed = fx_emit(sb_ann_emit_lcov, m, &o);
	o.per_run = 1;
	got = fx_emit(sb_ann_emit_lcov, m, &o);
	assert_string_equal(got, summed);
	assert_memory_equal(got, "TN:x\nSF:profiles/app.sb\n", 24);
	free(got);
	free(summed);
}

static void
lcov__unreported_files__have_no_record(void **state)
{
	struct sb_ann_model *m = *state;
	struct sb_ann_opts o = { .format = SB_ANN_LCOV, .test_name = "" };
	char *got;

	m->files[1].reported = 0;       /* as a library without its rules */
	got = fx_emit(sb_ann_emit_lcov, m, &o);
	assert_null(strstr(got, "SF:profiles/lib/net.sb"));
	assert_non_null(strstr(got, "SF:top.sb"));
	free(got);
}

static void
lcov__write_error__returns_minus_one(void **state)
{
	struct sb_ann_model *m = *state;
	struct sb_ann_opts o = { .format = SB_ANN_LCOV, .test_name = "" };
	FILE *f = fopen("/dev/full", "w");

	if (!f) {
		print_message("SKIP: /dev/full: %s\n", strerror(errno));
		skip();
	}
	assert_int_equal(sb_ann_emit_lcov(m, &o, f), -1);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(lcov__summed__counts_each_rule_once_in_the_file_of_its_site),
		T(lcov__per_run__gives_each_run_a_section_named_by_label_or_id),
		T(lcov__test_name__keeps_letters_digits_and_underscores),
		T(lcov__per_run_without_runs__is_one_section_under_the_test_name),
		T(lcov__unreported_files__have_no_record),
		T(lcov__write_error__returns_minus_one),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
