/*
** A string-keyed hash map for the tracer's caches (resolved directories,
** interned executable names, attribution results). Keys are copied;
** values are the caller's, handed to FREEVAL (if set) when dropped.
*/
#ifndef SB_MIRROR_STRMAP_H
#define SB_MIRROR_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct sb_strmap_slot {
	char *key;              /* owned; NULL: empty */
	size_t len;
	uint64_t hash;
	void *val;
};

struct sb_strmap {
	struct sb_strmap_slot *slots;
	size_t cap, n;          /* cap is 0 or a power of two */
	void (*freeval)(void *val);
};

/* The value stored for the LEN bytes at KEY, or NULL. */
void *sb_strmap_get(const struct sb_strmap *m, const char *key, size_t len);
/*
** Store VAL for KEY (replacing and freeing an older value). Returns the
** map's own copy of the key, NUL-terminated, valid until sb_strmap_clear().
*/
const char *sb_strmap_put(struct sb_strmap *m, const char *key, size_t len,
    void *val);
/* Drop every entry; the map stays usable. */
void sb_strmap_clear(struct sb_strmap *m);
/* Drop everything and the table itself. */
void sb_strmap_free(struct sb_strmap *m);

#endif
