/*
** libFuzzer entry for the unified-log importer (COVERAGE.md §7.3): the
** first byte picks the style (ndjson, json, syslog, compact, legacy) and
** --userland, the rest is the log. Any input must be read without a
** fault, and every access handed out must be well formed.
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
	if (!a->operation || a->count < 1 || a->pid < 0 ||
	    a->nfacts > SB_ACCESS_MAX_FACTS ||
	    (a->arg_kind != SB_ACC_NONE) != (a->argument != NULL) ||
	    a->reported == SB_DEC_UNKNOWN)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum sb_import_format styles[] = {
		SB_IMPORT_ULOG_NDJSON, SB_IMPORT_ULOG_JSON,
		SB_IMPORT_ULOG_SYSLOG, SB_IMPORT_ULOG_COMPACT,
		SB_IMPORT_ULOG_LEGACY,
	};
	struct sb_import_opts o;
	struct sb_import_stats st;
	struct sb_access_sink sink = { NULL, check };

	if (size < 1 || size > 1 << 16)
		return 0;
	memset(&o, 0, sizeof o);
	memset(&st, 0, sizeof st);
	o.file = "fuzz.log";
	o.userland = data[0] >> 7;
	if (sb_import_ulog(styles[data[0] % 5], (const char *)data + 1,
	    size - 1, &o, &sink, &st) != 0)
		abort();
	if (st.records > st.lines + 1 || !st.lower_bounds)
		abort();
	return 0;
}
