/*
** libFuzzer entry for the eslogger importer (COVERAGE.md §7.5): the
** first byte says whether --force-schema is given, the rest is the log.
** Any input must be read (or refused as a whole) without a fault, and
** every access handed out must be well formed.
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
	if (!a->operation || a->count != 1 ||
	    a->nfacts > SB_ACCESS_MAX_FACTS ||
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
	int r;

	if (size < 1 || size > 1 << 16)
		return 0;
	memset(&o, 0, sizeof o);
	memset(&st, 0, sizeof st);
	o.file = "fuzz.jsonl";
	o.force_schema = data[0] & 1;
	r = sb_import_eslogger((const char *)data + 1, size - 1, &o, &sink,
	    &st);
	if (r != 0 && !st.refused)
		abort();
	if (st.refused && o.force_schema)
		abort();
	return 0;
}
