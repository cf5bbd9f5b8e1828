/*
** The intern table: linear probing over a power-of-two array, grown at
** half full.
*/
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/intern.h"
#include "common/util.h"

void
sb_intern_init(struct sb_intern *t, struct sb_arena *arena)
{
	t->arena = arena;
	t->cap = 256;
	t->n = 0;
	t->slots = xcalloc(t->cap, sizeof *t->slots);
}

void
sb_intern_free(struct sb_intern *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->n = 0;
}

static uint32_t
probe(struct sb_sym **slots, uint32_t cap, const char *s, size_t n,
    uint64_t h)
{
	uint32_t i = (uint32_t)h & (cap - 1);

	while (slots[i]) {
		struct sb_sym *y = slots[i];
		if (y->hash == h && y->len == n && memcmp(y->name, s, n) == 0)
			break;
		i = (i + 1) & (cap - 1);
	}
	return i;
}

static void
rehash(struct sb_intern *t)
{
	uint32_t cap = t->cap * 2, i;
	struct sb_sym **slots = xcalloc(cap, sizeof *slots);

	for (i = 0; i < t->cap; i++) {
		struct sb_sym *y = t->slots[i];
		if (y)
			slots[probe(slots, cap, y->name, y->len, y->hash)] = y;
	}
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
}

struct sb_sym *
sb_intern(struct sb_intern *t, const char *s, size_t n)
{
	uint64_t h = sb_hash_bytes(s, n, 0);
	uint32_t i = probe(t->slots, t->cap, s, n, h);
	struct sb_sym *y;

	if (t->slots[i])
		return t->slots[i];
	y = sb_arena_alloc(t->arena, sizeof *y);
	y->name = sb_arena_strndup(t->arena, s, n);
	y->len = (uint32_t)n;
	y->hash = h;
	y->global = NULL;
	t->slots[i] = y;
	if (++t->n * 2 > t->cap)
		rehash(t);
	return y;
}

struct sb_sym *
sb_intern_find(const struct sb_intern *t, const char *s, size_t n)
{
	uint64_t h = sb_hash_bytes(s, n, 0);

	return t->slots[probe(t->slots, t->cap, s, n, h)];
}
