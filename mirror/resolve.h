/*
** The deferred phase (DESIGN.md §7.1): after the target has been let go,
** resolve the symlinks in each path of a record inside the target's root
** (COVERAGE.md §6.5: macOS checks the vnode's path), and read the '#!'
** line of an executed script. Directories are resolved once and cached
** until the tree renames, removes or links something that could change
** them. A path whose directories are gone keeps its longest existing
** prefix resolved and the rest as written.
*/
#ifndef SB_MIRROR_RESOLVE_H
#define SB_MIRROR_RESOLVE_H

#include <stdint.h>

#include "mirror/strmap.h"
#include "mirror/sysrec.h"

struct sb_resolver {
	struct sb_strmap dirs;          /* directory → resolved (malloc'd) */
	struct sb_strmap links;         /* followed symlink → resolved */
	struct sb_strmap inodes;        /* directory (dev, ino) → its path */
	uint64_t lookups, misses;       /* directory cache statistics */
};

void sb_resolve_init(struct sb_resolver *r);
void sb_resolve_free(struct sb_resolver *r);

/*
** Set REC->path[i].resolved and REC->interp; strings go into REC's pool
** (or stay NULL when the pool is full: opmap then uses the joined path).
*/
void sb_resolve(struct sb_resolver *r, struct sb_sysrec *rec);

#endif
