/*
** SHA-256, the one identity hash of the project (DESIGN.md §3): blobs,
** sources, parameters, rule fingerprints, the inputs of generated
** tables. This header is the whole interface to nettle; nothing else
** includes a nettle header. Hex output is left to callers. Streaming is
** for inputs hashed piece by piece (coverage imports, COVERAGE.md §2.6).
*/
#ifndef SB_COMMON_SHA256_H
#define SB_COMMON_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SB_SHA256_SIZE 32

/*
** Hash the N bytes at P into OUT. Cannot fail; P may be NULL when N is 0.
*/
void sb_sha256(const void *p, size_t n, uint8_t out[SB_SHA256_SIZE]);

/*
** Streaming: sb_sha256_init(), any number of sb_sha256_update(), then
** sb_sha256_final(), which leaves the context to be initialised again.
** The state is opaque storage sized for nettle's context; it owns nothing.
*/
struct sb_sha256_ctx {
	union {
		uint64_t align;
		unsigned char bytes[256];
	} u;
};

void sb_sha256_init(struct sb_sha256_ctx *c);
void sb_sha256_update(struct sb_sha256_ctx *c, const void *p, size_t n);
void sb_sha256_final(struct sb_sha256_ctx *c, uint8_t out[SB_SHA256_SIZE]);

#endif
