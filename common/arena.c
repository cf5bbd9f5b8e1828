/*
** The arena: a list of chunks, newest first. A request larger than a
** quarter chunk gets a chunk of its own, linked behind the current one,
** so that a 1 MiB string does not waste the current chunk's tail.
*/
#include <stdlib.h>
#include <string.h>

#include "common/arena.h"
#include "common/limits.h"
#include "common/util.h"

enum { CHUNK_BYTES = 64 * 1024, ALIGN = 16 };

struct sb_chunk {
	struct sb_chunk *prev;  /* the chunk linked before this one */
	size_t size;            /* usable bytes after the header */
	_Alignas(16) char data[];
};

void
sb_arena_init(struct sb_arena *a)
{
	memset(a, 0, sizeof *a);
	a->limit = SB_LIMIT_ARENA_BYTES;
}

void
sb_arena_free(struct sb_arena *a)
{
	struct sb_chunk *c, *prev;

	for (c = a->head; c; c = prev) {
		prev = c->prev;
		free(c);
	}
	a->head = NULL;
	a->cur = a->end = NULL;
	a->total = 0;
}

static struct sb_chunk *
newchunk(struct sb_arena *a, size_t size)
{
	struct sb_chunk *c;

	if (a->total + size > a->limit)
		sb_fatal("arena limit of %zu bytes exceeded", a->limit);
	c = xmalloc(sizeof *c + size);
	c->size = size;
	a->total += size;
	return c;
}

void *
sb_arena_alloc(struct sb_arena *a, size_t n)
{
	struct sb_chunk *c;
	char *p;

	if (n > a->limit)
		sb_fatal("arena limit of %zu bytes exceeded", a->limit);
	n = n ? (n + ALIGN - 1) & ~(size_t)(ALIGN - 1) : ALIGN;
	if ((size_t)(a->end - a->cur) >= n) {
		p = a->cur;
		a->cur += n;
		return p;
	}
	if (n > CHUNK_BYTES / 4 && a->head) {
		c = newchunk(a, n);
		c->prev = a->head->prev;
		a->head->prev = c;
		return c->data;
	}
	c = newchunk(a, n > CHUNK_BYTES ? n : CHUNK_BYTES);
	c->prev = a->head;
	a->head = c;
	a->cur = c->data + n;
	a->end = c->data + c->size;
	return c->data;
}

void *
sb_arena_calloc(struct sb_arena *a, size_t n)
{
	return memset(sb_arena_alloc(a, n), 0, n);
}

char *
sb_arena_strndup(struct sb_arena *a, const char *s, size_t n)
{
	char *p = sb_arena_alloc(a, n + 1);

	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

void *
sb_arena_memdup(struct sb_arena *a, const void *p, size_t n)
{
	void *q = sb_arena_alloc(a, n);

	return n ? memcpy(q, p, n) : q;
}

struct sb_arena_mark
sb_arena_mark(const struct sb_arena *a)
{
	struct sb_arena_mark m = { a->head, a->cur };

	return m;
}

void
sb_arena_reset(struct sb_arena *a, struct sb_arena_mark m)
{
	struct sb_chunk *c, *prev;

	/*
	** Chunks made after the mark sit in front of m.head; big chunks
	** linked behind a newer head are freed with it. Big chunks linked
	** behind m.head itself after the mark are kept until the arena is
	** freed: they cannot be told apart cheaply, and resets are rare.
	*/
	for (c = a->head; c && c != m.head; c = prev) {
		prev = c->prev;
		a->total -= c->size;
		free(c);
	}
	a->head = m.head;
	a->cur = m.cur;
	a->end = m.head ? m.head->data + m.head->size : NULL;
}
