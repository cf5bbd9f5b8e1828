/*
** Every limit that input controls, in one table (DESIGN.md §9). Each one
** has a diagnostic where it is enforced; grep for the name.
*/
#ifndef SB_COMMON_LIMITS_H
#define SB_COMMON_LIMITS_H

/* Largest source file read, in bytes (common/source.c). */
#define SB_LIMIT_SOURCE_BYTES (16u << 20)
/* Deepest nesting of lists and quote forms (parser/grammar.y). */
#define SB_LIMIT_NESTING 512
/* Longest token, in bytes (parser/grammar.y). */
#define SB_LIMIT_TOKEN_BYTES (1u << 20)
/* Evaluation steps per compilation (compiler/eval.c). */
#define SB_LIMIT_EVAL_STEPS 50000000u
/* Non-tail call depth (compiler/eval.c). */
#define SB_LIMIT_CALL_DEPTH 10000
/* Import depth (compiler/import.c). */
#define SB_LIMIT_IMPORT_DEPTH 32
/* Arena bytes per compilation (common/arena.c). */
#define SB_LIMIT_ARENA_BYTES (512ull << 20)
/* Rules per profile (compiler/primitives.c). */
#define SB_LIMIT_RULES 1000000u
/* Diagnostics kept per sink; later ones are counted, not stored. */
#define SB_LIMIT_DIAGNOSTICS 10000u

#endif
