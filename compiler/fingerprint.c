/*
** Rule fingerprints (DESIGN.md §5, COVERAGE.md §3.1): the first 8 bytes,
** big-endian, of SHA-256(canonical text ‖ 0x00 ‖ origin ‖ 0x00 ‖ ordinal),
** where the ordinal, written in decimal, counts earlier rules with the
** same text and origin.
*/
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/hash.h"
#include "common/sha256.h"
#include "compiler/profile.h"

struct seen {
	uint64_t hash;          /* of text ‖ origin; 0 marks an empty slot */
	const char *text;       /* the canonical text ‖ 0x00 ‖ origin */
	size_t len;
	uint32_t count;         /* rules seen with it */
};

void
sb_profile_fingerprint(struct sb_profile *p, const struct sb_target *t)
{
	struct sb_buf b = SB_BUF_INIT;
	uint32_t cap = 64, i, k;
	struct seen *tab;
	uint8_t md[SB_SHA256_SIZE];

	while (cap < 2 * p->nrules)
		cap *= 2;
	tab = xcalloc(cap, sizeof *tab);
	for (i = 0; i < p->nrules; i++) {
		struct sb_rule *r = p->rules[i];
		uint64_t h;
		size_t keylen;
		struct seen *s;

		b.len = 0;
		sb_rule_text(&b, t, r);
		sb_buf_putc(&b, 0);
		sb_buf_puts(&b, r->origin);
		keylen = b.len;
		h = sb_hash_bytes(b.data, keylen, 0) | 1;
		for (k = (uint32_t)h & (cap - 1); tab[k].hash; k = (k + 1) &
		    (cap - 1))
			if (tab[k].hash == h && tab[k].len == keylen &&
			    memcmp(tab[k].text, b.data, keylen) == 0)
				break;
		s = &tab[k];
		if (!s->hash) {
			s->hash = h;
			s->text = xmalloc(keylen);
			memcpy((char *)s->text, b.data, keylen);
			s->len = keylen;
		}
		sb_buf_putc(&b, 0);
		sb_buf_printf(&b, "%u", s->count++);
		sb_sha256(b.data, b.len, md);
		r->fingerprint = 0;
		for (k = 0; k < 8; k++)
			r->fingerprint = r->fingerprint << 8 | md[k];
	}
	for (i = 0; i < cap; i++)
		free((char *)tab[i].text);
	free(tab);
	sb_buf_free(&b);
}
