/*
** FNV-1a over bytes with a final avalanche (from MurmurHash3's fmix64),
** which is fast enough for the short names and keys the tools hash.
*/
#include "common/hash.h"

static uint64_t
fmix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

uint64_t
sb_hash_bytes(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ull ^ seed;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ull;
	}
	return fmix(h ^ n);
}

uint64_t
sb_hash_mix(uint64_t a, uint64_t b)
{
	return fmix(a * 0x9e3779b97f4a7c15ull + b + 0x632be59bd9b4e019ull);
}
