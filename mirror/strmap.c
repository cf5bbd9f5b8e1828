/*
** strmap.c: open addressing with linear probing, grown at half full.
** Nothing is removed one by one; caches are cleared whole.
*/
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/util.h"
#include "mirror/strmap.h"

static struct sb_strmap_slot *
find(const struct sb_strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);
	struct sb_strmap_slot *s;

	for (;; i = (i + 1) & (m->cap - 1)) {
		s = &m->slots[i];
		if (!s->key || (s->hash == h && s->len == len &&
		    memcmp(s->key, key, len) == 0))
			return s;
	}
}

void *
sb_strmap_get(const struct sb_strmap *m, const char *key, size_t len)
{
	struct sb_strmap_slot *s;

	if (m->cap == 0)
		return NULL;
	s = find(m, key, len, sb_hash_bytes(key, len, 0));
	return s->key ? s->val : NULL;
}

static void
grow(struct sb_strmap *m)
{
	struct sb_strmap_slot *old = m->slots, *s;
	size_t oldcap = m->cap, i;

	m->cap = oldcap ? 2 * oldcap : 64;
	m->slots = xcalloc(m->cap, sizeof *m->slots);
	for (i = 0; i < oldcap; i++) {
		if (!old[i].key)
			continue;
		s = find(m, old[i].key, old[i].len, old[i].hash);
		*s = old[i];
	}
	free(old);
}

const char *
sb_strmap_put(struct sb_strmap *m, const char *key, size_t len, void *val)
{
	struct sb_strmap_slot *s;
	uint64_t h = sb_hash_bytes(key, len, 0);

	if (2 * (m->n + 1) > m->cap)
		grow(m);
	s = find(m, key, len, h);
	if (s->key) {
		if (m->freeval && s->val != val)
			m->freeval(s->val);
		s->val = val;
		return s->key;
	}
	s->key = xmalloc(len + 1);
	memcpy(s->key, key, len);
	s->key[len] = 0;
	s->len = len;
	s->hash = h;
	s->val = val;
	m->n++;
	return s->key;
}

void
sb_strmap_clear(struct sb_strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++) {
		if (!m->slots[i].key)
			continue;
		if (m->freeval)
			m->freeval(m->slots[i].val);
		free(m->slots[i].key);
		m->slots[i].key = NULL;
	}
	m->n = 0;
}

void
sb_strmap_free(struct sb_strmap *m)
{
	sb_strmap_clear(m);
	free(m->slots);
	m->slots = NULL;
	m->cap = 0;
}
