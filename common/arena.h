/*
** Bump allocator: one per compilation (DESIGN.md §9). Objects have no
** destructors; sb_arena_free() releases every chunk at once.
*/
#ifndef SB_COMMON_ARENA_H
#define SB_COMMON_ARENA_H

#include <stddef.h>
#include <stdint.h>

struct sb_chunk;

struct sb_arena {
	struct sb_chunk *head;  /* newest chunk; older ones follow ->prev */
	char *cur;              /* next free byte in head */
	char *end;              /* one past the last byte of head */
	size_t total;           /* bytes obtained from the system so far */
	size_t limit;           /* SB_LIMIT_ARENA_BYTES unless a test lowers it */
};

/* A saved allocation point, for sb_arena_reset(). */
struct sb_arena_mark {
	struct sb_chunk *head;
	char *cur;
};

void sb_arena_init(struct sb_arena *a);
void sb_arena_free(struct sb_arena *a);

/*
** Return N bytes aligned for any object, valid until sb_arena_free() or a
** reset to an earlier mark. Never returns NULL: exhausting memory or the
** arena limit is fatal.
*/
void *sb_arena_alloc(struct sb_arena *a, size_t n);
void *sb_arena_calloc(struct sb_arena *a, size_t n);
/* Copy N bytes of S and a NUL into the arena. */
char *sb_arena_strndup(struct sb_arena *a, const char *s, size_t n);
/* Copy N bytes of P into the arena. */
void *sb_arena_memdup(struct sb_arena *a, const void *p, size_t n);

struct sb_arena_mark sb_arena_mark(const struct sb_arena *a);
/* Release everything allocated since M; chunks made since are freed. */
void sb_arena_reset(struct sb_arena *a, struct sb_arena_mark m);

#endif
