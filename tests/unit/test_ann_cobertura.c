/*
** Unit tests of the Cobertura document (annotate/cobertura.c, COVERAGE.md
** §4.5) over the hand-built model of tests/annotate/fixture.h: the
** document against tests/annotate/cobertura/app.xml, a model without
** files, the time taken from the model alone, and a write error. With
** SB_ANN_OUT set the documents are also written there for
** tests/annotate/run-formats to validate against the coverage-04 DTD.
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
cobertura__document__has_packages_by_directory_and_classes_by_file(
    void **state)
{
	struct sb_ann_model *m = *state;
	struct sb_ann_opts o = { .format = SB_ANN_COBERTURA };
	char *got = fx_emit(sb_ann_emit_cobertura, m, &o);

	fx_export("app.xml", got, m);
	assert_int_equal(fx_golden("tests/annotate/cobertura/app.xml", got),
	    0);
	free(got);
}

static void
cobertura__no_files__is_still_a_valid_document(void **state)
{
	struct sb_ann_model *m = *state;
	struct sb_ann_opts o = { .format = SB_ANN_COBERTURA };
	char *got;

	m->nfiles = 0;
	m->nrules = 0;
	m->timestamp = 0;
	got = fx_emit(sb_ann_emit_cobertura, m, &o);
	fx_export("empty.xml", got, m);
	assert_int_equal(fx_golden("tests/annotate/cobertura/empty.xml",
	    got), 0);
	free(got);
}

static void
cobertura__timestamp__is_the_models_and_nothing_else(void **state)
{
	struct sb_ann_model *m = *state;
	struct sb_ann_opts o = { .format = SB_ANN_COBERTURA };
	char *a, *b;

	a = fx_emit(sb_ann_emit_cobertura, m, &o);
	b = fx_emit(sb_ann_emit_cobertura, m, &o);
	assert_string_equal(a, b);
	free(b);
	m->timestamp = 4102444800;      /* 2100-01-01: past 32 bits */
	b = fx_emit(sb_ann_emit_cobertura, m, &o);
	assert_non_null(strstr(b, " timestamp=\"4102444800\">"));
	assert_null(strstr(b, "1741111872"));
	free(b);
	free(a);
}

static void
cobertura__write_error__returns_minus_one(void **state)
{
	struct sb_ann_model *m = *state;
	struct sb_ann_opts o = { .format = SB_ANN_COBERTURA };
	FILE *f = fopen("/dev/full", "w");

	if (!f) {
		print_message("SKIP: /dev/full: %s\n", strerror(errno));
		skip();
	}
	assert_int_equal(sb_ann_emit_cobertura(m, &o, f), -1);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(cobertura__document__has_packages_by_directory_and_classes_by_file),
		T(cobertura__no_files__is_still_a_valid_document),
		T(cobertura__timestamp__is_the_models_and_nothing_else),
		T(cobertura__write_error__returns_minus_one),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
