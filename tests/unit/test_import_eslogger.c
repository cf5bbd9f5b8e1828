/*
** Unit tests of the eslogger importer (coverage/import_eslogger.c,
** COVERAGE.md §7.5): every event of §7.5's table in
** tests/coverage/eslogger/basic.jsonl, sequence gaps (partial, dropped),
** malformed records, an untested schema_version refused as a whole, and
** read with --force-schema (tests/coverage/eslogger-force/).
*/
#include "tests/coverage/fixture.h"

static void
import_eslogger__fixtures__match_their_expected_accesses(void **state)
{
	(void)state;
	assert_true(fx_all("tests/coverage/eslogger", ".jsonl",
	    SB_IMPORT_ESLOGGER, NULL) >= 2);
}

static void
import_eslogger__force_schema__reads_an_untested_version(void **state)
{
	struct sb_import_opts o;

	(void)state;
	memset(&o, 0, sizeof o);
	o.force_schema = 1;
	assert_int_equal(fx_all("tests/coverage/eslogger-force", ".jsonl",
	    SB_IMPORT_ESLOGGER, &o), 1);
}

static void
import_eslogger__observable__leave_out_what_es_cannot_see(void **state)
{
	const char *ops[512];
	uint32_t n, i;
	int open = 0, sysctl = 0, tcp = 0;

	(void)state;
	n = sb_import_observable(SB_IMPORT_ESLOGGER, NULL, ops, 512);
	for (i = 0; i < n; i++) {
		open |= strcmp(ops[i], "file-read-data") == 0;
		sysctl |= strcmp(ops[i], "sysctl-read") == 0;
		tcp |= strcmp(ops[i], "network-inbound") == 0;
	}
	assert_true(open);
	assert_false(sysctl);
	assert_false(tcp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(import_eslogger__fixtures__match_their_expected_accesses),
		cmocka_unit_test(import_eslogger__force_schema__reads_an_untested_version),
		cmocka_unit_test(import_eslogger__observable__leave_out_what_es_cannot_see),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
