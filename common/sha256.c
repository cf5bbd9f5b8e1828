/*
** nettle adapter: the only file that includes a nettle header
** (DESIGN.md §3, one adapter per library). It owns nothing.
*/
#include <nettle/sha2.h>

#include "common/sha256.h"

void
sb_sha256(const void *p, size_t n, uint8_t out[SB_SHA256_SIZE])
{
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	if (n > 0)
		sha256_update(&ctx, n, p);
	sha256_digest(&ctx, SB_SHA256_SIZE, out);
}

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(struct sb_sha256_ctx),
    "struct sb_sha256_ctx is too small for nettle's context");

void
sb_sha256_init(struct sb_sha256_ctx *c)
{
	sha256_init((struct sha256_ctx *)(void *)c->u.bytes);
}

void
sb_sha256_update(struct sb_sha256_ctx *c, const void *p, size_t n)
{
	if (n > 0)
		sha256_update((struct sha256_ctx *)(void *)c->u.bytes, n, p);
}

void
sb_sha256_final(struct sb_sha256_ctx *c, uint8_t out[SB_SHA256_SIZE])
{
	sha256_digest((struct sha256_ctx *)(void *)c->u.bytes, SB_SHA256_SIZE,
	    out);
}
