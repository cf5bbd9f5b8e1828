/*
** libFuzzer entry for the SandboxMirror importer (COVERAGE.md §7.4):
** any input must be read without a fault; every access handed out must
** be well formed, and every line is counted exactly once.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "coverage/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check(void *ctx, const struct sb_access *a)
{
	(void)ctx;
	if (!a->operation || !a->exe || a->pid < 0 || a->count != 1 ||
	    (a->arg_kind != SB_ACC_NONE) != (a->argument != NULL))
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sb_import_opts o;
	struct sb_import_stats st;
	struct sb_access_sink sink = { NULL, check };

	if (size > 1 << 16)
		return 0;
	memset(&o, 0, sizeof o);
	memset(&st, 0, sizeof st);
	o.file = "fuzz.log";
	if (sb_import_sbmirror((const char *)data, size, &o, &sink, &st) != 0)
		abort();
	if (st.records + st.rejected + st.skipped > st.lines)
		abort();
	return 0;
}
