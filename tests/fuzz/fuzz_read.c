/*
** libFuzzer entry for the lexer and reader (DESIGN.md §13.6). Any input
** must be read or rejected with a diagnostic, never crash; an input that
** reads must print back to exactly its own bytes.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ctx.h"
#include "parser/cst.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sb_ctx ctx;
	struct sb_cst *cst;
	uint32_t id;

	sb_ctx_init(&ctx);
	id = sb_source_add(&ctx.sources, SB_SRC_MEMORY, "fuzz.sb",
	    (const char *)data, size, 1);
	cst = sb_read(&ctx, id);
	if (cst) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);
		if (sb_cst_print(&ctx, cst, f) < 0)
			abort();
		fclose(f);
		if (len != size || memcmp(out, data, size) != 0)
			abort();
		free(out);
		if (sb_diag_count(&ctx.diag, SB_ERROR) != 0)
			abort();
	} else if (sb_diag_count(&ctx.diag, SB_ERROR) == 0) {
		abort();        /* a failed read must say why */
	}
	sb_ctx_free(&ctx);
	return 0;
}
