/*
** Lowering (DESIGN.md §2.5, FORMAT.md §5.2): the rule IR of a profile
** becomes a decision graph, one entry per op-table slot.
*/
#ifndef SB_COMPILER_LOWER_H
#define SB_COMPILER_LOWER_H

#include "common/diag.h"
#include "compiler/graph.h"
#include "compiler/profile.h"

/*
** Lower profile P into a new graph in arena A. Returns NULL after
** reporting to D what the format cannot express (an integer above 0xffff,
** a network host other than * and localhost, two argument-carrying
** modifiers on one rule, a message filter).
*/
struct sb_graph *sb_lower(struct sb_arena *a, const struct sb_profile *p,
    struct sb_diag *d);

#endif
