/*
** The per-compilation context (DESIGN.md §9): one arena, the interned
** symbols, the sources read and the diagnostic sink. Everything allocated
** for a compilation lives until sb_ctx_free().
*/
#ifndef SB_COMMON_CTX_H
#define SB_COMMON_CTX_H

#include "common/arena.h"
#include "common/diag.h"
#include "common/intern.h"
#include "common/source.h"

struct sb_target;

struct sb_ctx {
	struct sb_arena arena;          /* every object of the compilation */
	struct sb_intern syms;          /* symbols, in the arena */
	struct sb_sources sources;      /* bytes read, owned here */
	struct sb_diag diag;            /* records about those bytes */
	const struct sb_target *target; /* vocabulary; NULL until chosen */
};

void sb_ctx_init(struct sb_ctx *ctx);
/* Release everything the context owns. */
void sb_ctx_free(struct sb_ctx *ctx);

#endif
