/*
** sbplc --decompile: a compiled profile back to SBPL that compiles to a
** graph with the same decisions (DESIGN.md §2.7).
*/
#ifndef SB_COMPILER_DECOMPILE_H
#define SB_COMPILER_DECOMPILE_H

#include <stdio.h>

#include "common/diag.h"
#include "compiler/graph.h"

/*
** Print graph G (lifted from a validated blob) as SBPL to F. Returns 0,
** or -1 after reporting to D what it cannot express (a pattern that is
** not one of the canonical shapes, too many paths through one graph).
*/
int sb_decompile(const struct sb_graph *g, FILE *f, struct sb_diag *d);

#endif
