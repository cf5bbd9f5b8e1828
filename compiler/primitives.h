/*
** The SBPL primitives and the target vocabulary (primitives.c), and the
** import and library-loading natives (import.c).
*/
#ifndef SB_COMPILER_PRIMITIVES_H
#define SB_COMPILER_PRIMITIVES_H

#include "compiler/eval.h"

/* Bind the target's vocabulary and the SBPL natives as globals. */
void sb_primitives_install(struct sb_eval *e);
/*
** Bind SYM when it names a constant of the target (LANGUAGE.md §7.4):
** constants are bound on first use, not one global each up front.
*/
void sb_prim_const(struct sb_eval *e, struct sb_sym *sym);
/* The name of the target's I-th constant, or NULL past the last. */
const char *sb_prim_constname(struct sb_eval *e, unsigned i);
/* Bind %import and %load-library. */
void sb_import_install(struct sb_eval *e);
/* Apply filter constructor CTOR to the N values in A. */
struct sb_value *sb_prim_filter(struct sb_eval *e, const struct sb_value *ctor,
    struct sb_value **a, uint32_t n, struct sb_span call);
/*
** Evaluate the embedded library file NAME ("sbpl/stub.sb") in the global
** environment; 0, or -1 after an error.
*/
int sb_import_library(struct sb_eval *e, const char *name, struct sb_span at);
/* Bind *entitlements* from --entitlements; 0, or -1 after an error. */
int sb_entitlements_load(struct sb_eval *e);
/* Mark the input PATH as being evaluated, for import cycles; and unmark. */
void sb_import_begin(struct sb_eval *e, const char *path);
void sb_import_end(struct sb_eval *e);
/* The origin key of source SRC (DESIGN.md §5): "", an import name, stdlib:N. */
const char *sb_import_origin(const struct sb_eval *e, uint32_t src);

#endif
