/*
** The unit tests' shared fixture (DESIGN.md §13.1): setup creates a
** struct sb_ctx and hands it to the test through cmocka's state; teardown
** frees it. Header-only, because the makefile links each test with its
** own object and libsbpl.a alone; every helper is static inline so a test
** that does not use one gets no warning.
**
** Also here: adding an in-memory source and rendering the diagnostic sink
** into a string, which several drivers need to assert messages verbatim.
*/
#ifndef SB_TESTS_UNIT_FIXTURE_H
#define SB_TESTS_UNIT_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/ctx.h"

/* cmocka setup: a fresh context in *STATE. */
static inline int
ctx_setup(void **state)
{
	struct sb_ctx *ctx = test_calloc(1, sizeof *ctx);

	if (!ctx)
		return -1;
	sb_ctx_init(ctx);
	*state = ctx;
	return 0;
}

/* cmocka teardown: release the context made by ctx_setup(). */
static inline int
ctx_teardown(void **state)
{
	struct sb_ctx *ctx = *state;

	sb_ctx_free(ctx);
	test_free(ctx);
	return 0;
}

/* Add the LEN bytes at TEXT as the memory source "t.sb"; its id. */
static inline uint32_t
add_source_n(struct sb_ctx *ctx, const char *text, size_t len)
{
	return sb_source_add(&ctx->sources, SB_SRC_MEMORY, "t.sb", text, len,
	    1);
}

/* Add the NUL-terminated TEXT as the memory source "t.sb". */
static inline uint32_t
add_source(struct sb_ctx *ctx, const char *text)
{
	return add_source_n(ctx, text, strlen(text));
}

/*
** Render CTX's diagnostics in STYLE, colour off, into a string the caller
** frees with free().
*/
static inline char *
render_diag(const struct sb_ctx *ctx, enum sb_diag_style style)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	sb_diag_render(&ctx->diag, f, style, 0);
	fclose(f);
	return out;
}

/* Assert that the text rendering of CTX's diagnostics is exactly WANT. */
static inline void
assert_rendered(const struct sb_ctx *ctx, enum sb_diag_style style,
    const char *want)
{
	char *got = render_diag(ctx, style);

	assert_string_equal(got, want);
	free(got);
}

#endif
