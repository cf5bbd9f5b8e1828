/*
** Unit tests of the unified-log importer (coverage/import_ulog.c,
** COVERAGE.md §7.3): the fixtures under tests/coverage/ulog/ in every
** style (ndjson, json, syslog, compact, legacy) against their .expect
** files, written by the project from the grammar of §7.3 (preamble and
** trailer lines, duplicates, names with spaces and parentheses, several
** spaces before the target, continuation lines, platform-policy lines,
** malformed records); --userland; and the message grammar case by case.
*/
#include "tests/coverage/fixture.h"

static void
import_ulog__each_style__matches_its_expected_accesses(void **state)
{
	static const struct {
		const char *suffix;
		enum sb_import_format fmt;
	} styles[] = {
		{ ".ndjson", SB_IMPORT_ULOG_NDJSON },
		{ ".json", SB_IMPORT_ULOG_JSON },
		{ ".syslog", SB_IMPORT_ULOG_SYSLOG },
		{ ".compact", SB_IMPORT_ULOG_COMPACT },
		{ ".legacy", SB_IMPORT_ULOG_LEGACY },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof styles / sizeof styles[0]; i++)
		assert_true(fx_all("tests/coverage/ulog", styles[i].suffix,
		    styles[i].fmt, NULL) >= 1);
}

static void
import_ulog__userland__keeps_reporters_only_when_asked(void **state)
{
	struct sb_import_opts o;

	(void)state;
	memset(&o, 0, sizeof o);
	o.userland = 1;
	assert_int_equal(fx_all("tests/coverage/ulog-userland", ".ndjson",
	    SB_IMPORT_ULOG_NDJSON, &o), 1);
}

/* One compact-style line with message MSG: the access, as fx_put prints it. */
static char *
one(const char *msg)
{
	struct sb_buf in = SB_BUF_INIT, out = SB_BUF_INIT;
	struct sb_import_opts o;
	struct sb_import_stats st;
	struct sb_access_sink sink = { &out, fx_put };

	memset(&o, 0, sizeof o);
	memset(&st, 0, sizeof st);
	o.diag = fx_diag;
	o.diagctx = &out;
	sb_buf_printf(&in, "2025-03-04 10:11:12 E  kernel[0:1] (Sandbox) %s\n",
	    msg);
	assert_int_equal(sb_import_ulog(SB_IMPORT_ULOG_COMPACT, in.data, in.len,
	    &o, &sink, &st), 0);
	sb_buf_free(&in);
	if (!out.data)
		sb_buf_putc(&out, 0);
	return sb_buf_take(&out);
}

static void
import_ulog__message_grammar__finds_pid_operation_and_target(void **state)
{
	static const struct {
		const char *msg, *want;
	} cases[] = {
		{ "Sandbox: a b (c)(12) deny(1) file-read-data /x y",
		  "1: op=file-read-data kind=path arg=/x y pid=12 "
		  "ts=1741083072000000000 reported=deny\n" },
		{ "Sandbox: x(1)(2) allow mach-lookup com.apple.z",
		  "1: op=mach-lookup kind=name arg=com.apple.z pid=2 "
		  "ts=1741083072000000000 reported=allow\n" },
		{ "Sandbox: x(1) deny(1) network-outbound remote:tcp:10.0.0.1:80",
		  "1: op=network-outbound kind=address arg=tcp:10.0.0.1:80 "
		  "pid=1 ts=1741083072000000000 reported=deny\n" },
		{ "Sandbox: x(1) deny(1) network-inbound local:*:57793",
		  "1: op=network-inbound kind=address arg=*:57793 pid=1 "
		  "ts=1741083072000000000 reported=deny\n" },
		{ "Sandbox: x(1) deny(1) system-fsctl (_IO \"h\" 47)",
		  "1: op=system-fsctl kind=number arg=536897583 pid=1 "
		  "ts=1741083072000000000 reported=deny\n" },
		{ "Sandbox: x(1) deny(1) signal",
		  "1: op=signal pid=1 ts=1741083072000000000 reported=deny\n" },
		{ "12 duplicate reports for Sandbox: x(1) deny(1) file-read-data /a",
		  "1: op=file-read-data kind=path arg=/a pid=1 "
		  "ts=1741083072000000000 count=12 reported=deny\n" },
		{ "Sandbox: x(1) deny(2",
		  "reject 1:64: not a sandbox report: unexpected text\n" },
		{ "Sandbox: x(1) deny(1)",
		  "reject 1:67: not a sandbox report: it ends early\n" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = one(cases[i].msg);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(import_ulog__each_style__matches_its_expected_accesses),
		cmocka_unit_test(import_ulog__userland__keeps_reporters_only_when_asked),
		cmocka_unit_test(import_ulog__message_grammar__finds_pid_operation_and_target),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
