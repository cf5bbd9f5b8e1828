/*
** A 64-bit non-cryptographic hash for interning, hash-consing and caches.
** Deterministic across runs and machines: output never depends on it
** except through equality, but tests and dumps stay reproducible.
*/
#ifndef SB_COMMON_HASH_H
#define SB_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t sb_hash_bytes(const void *p, size_t n, uint64_t seed);
/* Combine two hashes; order matters. */
uint64_t sb_hash_mix(uint64_t a, uint64_t b);

#endif
