/*
** Unit tests of the SandboxMirror importer (coverage/import_sbmirror.c,
** COVERAGE.md §7.4): the fixtures under tests/coverage/sbmirror/ (time
** prefixes present and absent, process paths with spaces and
** parentheses, stack lines, "Initializing sandbox" and other reports,
** malformed records) against their .expect files.
*/
#include "tests/coverage/fixture.h"

static void
import_sbmirror__fixtures__match_their_expected_accesses(void **state)
{
	(void)state;
	assert_true(fx_all("tests/coverage/sbmirror", ".log",
	    SB_IMPORT_SANDBOXMIRROR, NULL) >= 1);
}

static void
import_sbmirror__observable__are_the_hooks_operations(void **state)
{
	const char *ops[512];
	uint32_t n, i;
	int lookup = 0, fork = 0, sysctl = 0, pref = 0;

	(void)state;
	n = sb_import_observable(SB_IMPORT_SANDBOXMIRROR, NULL, ops, 512);
	for (i = 0; i < n; i++) {
		lookup |= strcmp(ops[i], "mach-lookup") == 0;
		fork |= strcmp(ops[i], "process-fork") == 0;
		sysctl |= strcmp(ops[i], "sysctl-read") == 0;
		pref |= strcmp(ops[i], "user-preference-read") == 0;
	}
	assert_true(lookup && fork && sysctl);
	assert_false(pref);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(import_sbmirror__fixtures__match_their_expected_accesses),
		cmocka_unit_test(import_sbmirror__observable__are_the_hooks_operations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
