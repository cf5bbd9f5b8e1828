/*
** Unit tests for annotate/json.c (COVERAGE.md §4.6): the JSON of the
** hand-built model of ann_model.h against the files in tests/annotate/json/
** (UPDATE=1 rewrites them; review the diff), that it parses with jansson
** and reads back as written, and that it is deterministic.
*/
#include "tests/unit/fixture.h"
#include "tests/unit/ann_model.h"

#include "common/json.h"

#define GOLDEN "tests/annotate/json/"

/* Parse OUT or fail the test with jansson's message. */
static struct sb_json *
parse(const char *out, size_t len)
{
	char err[256];
	struct sb_json *root = sb_json_parse(out, len, "annotate.json", err,
	    sizeof err);

	if (!root)
		fail_msg("%s", err);
	return root;
}

static void
json__two_files__match_the_golden_file(void **state)
{
	struct sb_ann_model m;
	size_t len;
	char *out;

	(void)state;
	ann_model_build(&m);
	out = ann_emit(sb_ann_emit_json, &m, &len);
	ann_assert_golden(out, len, GOLDEN "two-files.json");
	free(out);
	sb_ann_model_free(&m);
}

static void
json__output__parses_and_reads_back_as_written(void **state)
{
	struct sb_ann_model m;
	struct sb_json *root, *v, *f, *r;
	long long n;
	size_t len;
	char *out;

	(void)state;
	ann_model_build(&m);
	out = ann_emit(sb_ann_emit_json, &m, &len);
	root = parse(out, len);
	assert_string_equal(sb_json_string(sb_json_get(root, "format")),
	    "sbpl-coverage");
	v = sb_json_get(root, "summary");
	assert_int_equal(sb_json_integer(sb_json_get(v, "hit"), &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(sb_json_typeof(sb_json_get(v, "percent")),
	    SB_JSON_REAL);
	v = sb_json_get(sb_json_get(root, "profile"), "params");
	assert_string_equal(sb_json_string(sb_json_get(v, "SVC")),
	    "com.example.\"svc\" <&>");
	v = sb_json_get(root, "files");
	assert_int_equal(sb_json_len(v), 2);   /* the library is not listed */
	f = sb_json_at(v, 1);
	assert_string_equal(sb_json_string(sb_json_get(f, "path")),
	    "profiles/net <&> \"q\".sb");
	/* main: rules 1, 2, 3, 4 (library, at its import), 7, 8, 9 */
	f = sb_json_at(v, 0);
	assert_int_equal(sb_json_len(sb_json_get(f, "rules")), 7);
	r = sb_json_at(sb_json_get(f, "rules"), 1);
	assert_string_equal(sb_json_string(sb_json_at(
	    sb_json_get(r, "samples"), 2)), "/usr/lib/bad\xef\xbf\xbd\x01name");
	assert_int_equal(sb_json_len(sb_json_get(r, "arms")), 2);
	r = sb_json_at(sb_json_get(f, "rules"), 2);
	assert_int_equal(sb_json_len(sb_json_get(r, "operations")), 2);
	assert_int_equal(sb_json_typeof(sb_json_get(r, "first_seen")),
	    SB_JSON_NULL);
	r = sb_json_at(sb_json_get(root, "new"), 0);
	assert_int_equal(sb_json_integer(sb_json_get(r, "id"), &n), 0);
	assert_int_equal(n, 9);
	assert_int_equal(sb_json_len(sb_json_get(root, "lost")), 1);
	sb_json_free(root);
	free(out);
	sb_ann_model_free(&m);
}

static void
json__empty_model__has_empty_lists_and_zero_percent(void **state)
{
	struct sb_ann_model m;
	struct sb_json *root;
	size_t len;
	char *out;

	(void)state;
	ann_model_empty(&m);
	out = ann_emit(sb_ann_emit_json, &m, &len);
	ann_assert_golden(out, len, GOLDEN "empty.json");
	root = parse(out, len);
	sb_json_free(root);
	free(out);
	sb_ann_model_free(&m);
}

static void
json__written_twice__is_byte_identical(void **state)
{
	struct sb_ann_model m;
	size_t len1, len2;
	char *a, *b;

	(void)state;
	ann_model_build(&m);
	a = ann_emit(sb_ann_emit_json, &m, &len1);
	b = ann_emit(sb_ann_emit_json, &m, &len2);
	assert_int_equal(len1, len2);
	assert_memory_equal(a, b, len1);
	free(a);
	free(b);
	sb_ann_model_free(&m);
}

static void
json__full_device__reports_the_write_error(void **state)
{
	struct sb_ann_model m;
	struct sb_ann_opts o;
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (!f) {
		printf("SKIP: /dev/full cannot be opened\n");
		skip();
	}
	memset(&o, 0, sizeof o);
	ann_model_build(&m);
	assert_int_equal(sb_ann_emit_json(&m, &o, f), -1);
	fclose(f);
	sb_ann_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json__two_files__match_the_golden_file),
		cmocka_unit_test(
		    json__output__parses_and_reads_back_as_written),
		cmocka_unit_test(
		    json__empty_model__has_empty_lists_and_zero_percent),
		cmocka_unit_test(json__written_twice__is_byte_identical),
		cmocka_unit_test(json__full_device__reports_the_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
