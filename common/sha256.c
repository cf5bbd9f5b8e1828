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
