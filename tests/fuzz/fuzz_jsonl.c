/*
** libFuzzer entry for the generic JSONL importer and the JSON reader
** under every JSON importer (DESIGN.md §13.6). Any input must be read
** without a fault; coverage/jsondoc.c must accept exactly what jansson
** (common/json.c, JSON_REJECT_DUPLICATES) accepts, line by line and as
** a whole; every access handed out must be well formed.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "coverage/import.h"
#include "coverage/jsondoc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check(void *ctx, const struct sb_access *a)
{
	(void)ctx;
	if (!a->operation || !*a->operation || a->count < 1 ||
	    a->nfacts > SB_ACCESS_MAX_FACTS ||
	    (a->arg_kind != SB_ACC_NONE) != (a->argument != NULL))
		abort();
	return 0;
}

/*
** jsondoc and jansson agree on whether the LEN bytes at P are JSON. A NUL
** byte is always an error for jsondoc, while jansson's reader skips one
** that follows a token it had to look past ("1\0,"): such input is not
** compared.
*/
static void
agree(struct sb_jdoc *d, const char *p, size_t len)
{
	char err[256];
	struct sb_json *j;
	int ours = sb_jdoc_parse(d, p, len) == 0;

	if (memchr(p, 0, len))
		return;
	j = sb_json_parse(p, len, "fuzz", err, sizeof err);
	if (ours != (j != NULL))
		abort();
	sb_json_free(j);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct sb_import_opts o;
	struct sb_import_stats st;
	struct sb_access_sink sink = { NULL, check };
	struct sb_jdoc d = SB_JDOC_INIT;
	struct sb_lines it;

	if (size > 1 << 16)
		return 0;
	agree(&d, text, size);
	sb_lines_init(&it, text, size, 1);
	while (sb_lines_next(&it))
		agree(&d, it.line, it.len);
	sb_jdoc_free(&d);
	memset(&o, 0, sizeof o);
	memset(&st, 0, sizeof st);
	o.file = "fuzz.jsonl";
	if (sb_import_jsonl(text, size, &o, &sink, &st) != 0)
		abort();
	if (st.records + st.rejected + st.skipped != st.lines)
		abort();
	return 0;
}
