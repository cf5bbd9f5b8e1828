/*
** Context set-up and tear-down; the order matters only in that the
** diagnostics refer to the sources.
*/
#include <string.h>

#include "common/ctx.h"

void
sb_ctx_init(struct sb_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	sb_arena_init(&ctx->arena);
	sb_intern_init(&ctx->syms, &ctx->arena);
	sb_sources_init(&ctx->sources);
	sb_diag_init(&ctx->diag, &ctx->sources);
}

void
sb_ctx_free(struct sb_ctx *ctx)
{
	sb_diag_free(&ctx->diag);
	sb_sources_free(&ctx->sources);
	sb_intern_free(&ctx->syms);
	sb_arena_free(&ctx->arena);
}
