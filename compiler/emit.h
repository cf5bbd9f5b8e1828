/*
** Emission (DESIGN.md §2.6): struct sb_graph -> the bytes of a compiled
** profile in the target's layout (FORMAT.md §3, §12), plus the rule map.
*/
#ifndef SB_COMPILER_EMIT_H
#define SB_COMPILER_EMIT_H

#include <stdint.h>

#include "common/buf.h"
#include "compiler/graph.h"

struct sb_diag;

enum sb_emit_mode {
	/*
	** What sbplc writes: only the nodes reachable from the op slots
	** (and policies), numbered so that every edge points forward and the
	** default terminal is last (FORMAT.md §4.5, §5.2 rule 5); items
	** deduplicated, 8-aligned, in order of first reference in the file
	** (tables first, then nodes in emitted order); no trailing padding.
	*/
	SB_EMIT_COMPACT,
	/*
	** For lifted graphs with placed items (sb_lift(..., preserve)):
	** every node at its own id, every item at its data offset, the
	** unreferenced runs and the data size as lifted. Reproduces the
	** lifted blob byte for byte (FORMAT.md §18.2).
	*/
	SB_EMIT_PRESERVE
};

/* An emitted blob. Owned by whoever called sb_emit(); sb_blob_free(). */
struct sb_blob {
	struct sb_buf bytes;    /* the file */
	uint32_t *rule_map;     /* per emitted node: a leaf's rule id, else 0 */
	uint32_t nnodes;        /* emitted nodes (entries in rule_map) */
	uint32_t *node_index;   /* per graph node id: emitted index or NONE */
	uint32_t ngraph;        /* entries in node_index */
};

#define SB_BLOB_INIT { SB_BUF_INIT, NULL, 0, NULL, 0 }

/*
** Write G for its target in MODE into *OUT (initialised with
** SB_BLOB_INIT; anything in it is replaced). Deterministic. Returns 0,
** or -1 after reporting every violated format limit of FORMAT.md §10 or
** inconsistency of G to D (may be NULL) as an error; *OUT is then empty.
*/
int sb_emit(const struct sb_graph *g, enum sb_emit_mode mode,
    struct sb_blob *out, struct sb_diag *d);

/* Release what sb_emit() put into B and reset it. */
void sb_blob_free(struct sb_blob *b);

#endif
