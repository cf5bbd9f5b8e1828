/*
** SHA-256, the one identity hash of the project (DESIGN.md §3): blobs,
** sources, parameters, rule fingerprints, the inputs of generated
** tables. This header is the whole interface to nettle; nothing else
** includes a nettle header. Streaming and hex output are left to callers
** until one needs them.
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

#endif
