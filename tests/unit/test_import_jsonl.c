/*
** Unit tests of the generic JSONL importer (coverage/import_jsonl.c,
** COVERAGE.md §7.2) and of what every importer shares (coverage/import.c):
** the fixtures under tests/coverage/jsonl/ against their .expect files,
** strict keys with file:line:col, the time parsers and format detection.
*/
#include "tests/coverage/fixture.h"

#include "coverage/jsondoc.h"

static void
import_jsonl__fixtures__match_their_expected_accesses(void **state)
{
	(void)state;
	assert_true(fx_all("tests/coverage/jsonl", ".jsonl", SB_IMPORT_JSONL,
	    NULL) >= 2);
}

static void
import_jsonl__unknown_key__is_rejected_at_its_column(void **state)
{
	static const char in[] = "{\"v\":1,\"op\":\"file-read-data\","
	    "\"argg\":\"/x\"}\n";
	struct sb_buf out = SB_BUF_INIT;
	struct sb_import_opts o;
	struct sb_import_stats st;
	struct sb_access_sink sink = { &out, fx_put };

	(void)state;
	memset(&o, 0, sizeof o);
	memset(&st, 0, sizeof st);
	o.file = "t.jsonl";
	o.first_line = 7;
	o.diag = fx_diag;
	o.diagctx = &out;
	assert_int_equal(sb_import_jsonl(in, sizeof in - 1, &o, &sink, &st), 0);
	assert_int_equal(st.rejected, 1);
	assert_int_equal(st.records, 0);
	assert_string_equal(out.data, "reject 7:30: unknown key 'argg'\n");
	sb_buf_free(&out);
}

static void
import_times__rfc3339_and_ulog__give_utc_nanoseconds(void **state)
{
	int64_t ns;
	size_t used;

	(void)state;
	assert_int_equal(sb_time_rfc3339("2025-03-04T18:11:12.345678Z", 27,
	    &ns), 0);
	assert_int_equal(ns, 1741111872345678000);
	assert_int_equal(sb_time_rfc3339("2025-03-04T10:11:12.345678-08:00",
	    32, &ns), 0);
	assert_int_equal(ns, 1741111872345678000);
	assert_int_equal(sb_time_rfc3339("2025-03-04T18:11:12", 19, &ns), -1);
	assert_int_equal(sb_time_ulog("2025-03-04 10:11:12.345678-0800  x", 34,
	    &ns, &used), 0);
	assert_int_equal(ns, 1741111872345678000);
	assert_int_equal(used, 31);
	assert_int_equal(sb_time_ulog("2025-03-04 18:11:12.345 E", 25, &ns,
	    &used), 0);
	assert_int_equal(ns, 1741111872345000000);
	assert_int_equal(sb_time_ctime("Tue Mar  4 18:11:12 2025", 24, &ns), 0);
	assert_int_equal(ns, 1741111872000000000);
	assert_int_equal(sb_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(sb_days_from_civil(2000, 3, 1), 11017);
}

static void
import_detect__first_lines__decide_the_format(void **state)
{
	static const struct {
		const char *text;
		int ulog_only;
		int want;
	} cases[] = {
		{ "{\"v\":1,\"op\":\"x\"}\n", 0, SB_IMPORT_JSONL },
		{ "\n\n{\"v\":1,\"op\":\"x\"}\n", 0, SB_IMPORT_JSONL },
		{ "{\"v\":1,\"op\":\"x\"}\n", 1, -1 },
		{ "Filtering the log data using \"x\"\n{\"timezoneName\":\"\","
		  "\"eventMessage\":\"m\"}\n", 0, SB_IMPORT_ULOG_NDJSON },
		{ "[{\"eventMessage\":\"m\"}]\n", 1, SB_IMPORT_ULOG_JSON },
		{ "2025-03-04 10:11:12.345678-0800  localhost kernel[0]: x\n", 1,
		  SB_IMPORT_ULOG_SYSLOG },
		{ "Timestamp               Ty Process[PID:TID]\n"
		  "2025-03-04 10:11:12.345 E  kernel[0:694a7] x\n", 1,
		  SB_IMPORT_ULOG_COMPACT },
		{ "Mar  4 10:11:12 buildhost kernel[0]: Sandbox: x\n", 1,
		  SB_IMPORT_ULOG_LEGACY },
		{ "(Tue Mar  4 10:11:12 2025) /bin/x(1) main[0x1] y\n", 0,
		  SB_IMPORT_SANDBOXMIRROR },
		{ "{\"schema_version\":1,\"event\":{\"fork\":{}}}\n", 0,
		  SB_IMPORT_ESLOGGER },
		{ "hello\n", 0, -1 },
		{ "", 0, -1 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(sb_import_detect(cases[i].text,
		    strlen(cases[i].text), cases[i].ulog_only), cases[i].want);
}

static void
import_format__names__round_trip(void **state)
{
	int f;

	(void)state;
	for (f = 0; f < SB_IMPORT_NFORMATS; f++)
		assert_int_equal(sb_import_format_find(sb_import_format_name(
		    (enum sb_import_format)f)), f);
	assert_int_equal(sb_import_format_find("auto"), SB_IMPORT_AUTO);
	assert_int_equal(sb_import_format_find("unified-log"),
	    SB_IMPORT_UNIFIED);
	assert_int_equal(sb_import_format_find("ulog"), -1);
	assert_string_equal(sb_import_source(SB_IMPORT_ULOG_COMPACT),
	    "macos-ulog-compact");
}

static void
jsondoc__documents__decode_like_jansson(void **state)
{
	static const char doc[] = " {\"a\":[1,-2.5e3,true,null],"
	    "\"b\":\"\\u00e9\\ud83d\\ude00\\/\"} ";
	struct sb_jdoc d = SB_JDOC_INIT;
	const struct sb_jnode *v;

	(void)state;
	assert_int_equal(sb_jdoc_parse(&d, doc, sizeof doc - 1), 0);
	v = sb_jdoc_get(&d, &d.v[0], "a");
	assert_non_null(v);
	assert_int_equal(v->n, 4);
	assert_int_equal(sb_jdoc_first(&d, v)->i, 1);
	assert_true(sb_jdoc_next(&d, sb_jdoc_first(&d, v))->d == -2500.0);
	assert_string_equal(sb_jdoc_str(sb_jdoc_get(&d, &d.v[0], "b")),
	    "\xc3\xa9\xf0\x9f\x98\x80/");
	assert_int_equal(sb_jdoc_parse(&d, "{\"a\":1,\"a\":2}", 13), -1);
	assert_string_equal(d.err, "duplicate object key");
	assert_int_equal(d.erroff, 7);
	assert_int_equal(sb_jdoc_parse(&d, "\"x\"", 3), -1);
	assert_int_equal(sb_jdoc_parse(&d, "[01]", 4), -1);
	assert_int_equal(sb_jdoc_parse(&d, "[9223372036854775808]", 21), -1);
	assert_int_equal(sb_jdoc_parse(&d, "[-9223372036854775808]", 22), 0);
	assert_int_equal(sb_jdoc_parse(&d, "[1e999]", 7), -1);
	assert_int_equal(sb_jdoc_parse(&d, "[\"\\ud800\"]", 10), -1);
	assert_int_equal(sb_jdoc_parse(&d, "[\"\\u0000\"]", 10), -1);
	assert_int_equal(sb_jdoc_parse(&d, "[\"\xc0\x80\"]", 6), -1);
	assert_int_equal(sb_jdoc_parse(&d, "[] x", 4), -1);
	sb_jdoc_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(import_jsonl__fixtures__match_their_expected_accesses),
		cmocka_unit_test(import_jsonl__unknown_key__is_rejected_at_its_column),
		cmocka_unit_test(import_times__rfc3339_and_ulog__give_utc_nanoseconds),
		cmocka_unit_test(import_detect__first_lines__decide_the_format),
		cmocka_unit_test(import_format__names__round_trip),
		cmocka_unit_test(jsondoc__documents__decode_like_jansson),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
