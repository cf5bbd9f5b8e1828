/*
** Symbol interning: one struct sb_sym per distinct name, so symbols are
** compared by pointer (DESIGN.md §14). Symbols live in the arena given
** to sb_intern_init(); the table itself is freed by sb_intern_free().
*/
#ifndef SB_COMMON_INTERN_H
#define SB_COMMON_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "common/arena.h"

struct sb_sym {
	const char *name;       /* NUL-terminated, in the arena */
	uint32_t len;           /* bytes in name */
	uint64_t hash;          /* sb_hash_bytes(name, len, 0) */
	void *global;           /* the evaluator's global binding, or NULL */
};

struct sb_intern {
	struct sb_arena *arena; /* where symbols are allocated */
	struct sb_sym **slots;  /* open addressing; NULL is empty */
	uint32_t cap;           /* power of two */
	uint32_t n;             /* symbols held */
};

void sb_intern_init(struct sb_intern *t, struct sb_arena *arena);
void sb_intern_free(struct sb_intern *t);
/* The one symbol named by the N bytes at S; made on first use. */
struct sb_sym *sb_intern(struct sb_intern *t, const char *s, size_t n);
/* The symbol named S, or NULL when it was never interned. */
struct sb_sym *sb_intern_find(const struct sb_intern *t, const char *s,
    size_t n);

#endif
