/*
** The graph evaluator (DESIGN.md §2.7, FORMAT.md §5.1) and the two
** matchers it uses: pattern bytecode (pattern_vm.c, FORMAT.md §8.5) and
** version 3 regex programs (regex_vm.c, §9). Freestanding; nothing is
** allocated; all working memory is the caller's struct sb_scratch.
**
** Work is bounded: the walk by the node count (edges go forward), each
** VM by a step budget shared by one sb_eval() call, so a hostile blob
** cannot make a query run for long. No fixture comes near the budget.
*/
#ifndef SB_KEXT_EVAL_H
#define SB_KEXT_EVAL_H

#include "kext/bin.h"
#include "kext/query.h"

/* Steps (VM instructions, regex state visits) per sb_eval() call. */
enum { SB_EVAL_BUDGET = 1u << 24 };

/* sb_eval() results. */
enum {
	SB_EVAL_OK = 0,
	SB_EVAL_BADQUERY = -1,  /* op, profile or fact count out of range */
	SB_EVAL_EXHAUSTED = -2  /* the step budget ran out */
};

/*
** Evaluate QUERY against the validated blob BIN (sb_decode()) and fill
** *OUT: from the entry of QUERY->op in QUERY->profile, follow match or
** unmatch edges until a terminal. Returns SB_EVAL_OK, SB_EVAL_BADQUERY
** or SB_EVAL_EXHAUSTED (then *OUT holds the partial walk's counters).
** SCRATCH belongs to the caller; nothing else is written.
*/
int sb_eval(const struct sb_bin *bin, const struct sb_query *query,
            struct sb_scratch *scratch, struct sb_verdict *out);

/* Values of variable INDEX for the pattern VM, or NULL when unknown. */
typedef const struct sb_qvar *(*sb_var_fn)(const void *ctx, uint32_t index);

/*
** Run the LEN-byte pattern program PROG (validated) on the SLEN bytes at
** S, with variables from VAR(CTX, index) (VAR may be NULL: no
** variables). Returns 1 on a match, 0 on none, -1 when *BUDGET runs out
** or the program exceeds the evaluator's limits (SB_BIN_PATTERN_MAX_*).
** *BUDGET is decremented per step.
*/
int sb_pattern_run(const uint8_t *prog, uint32_t len, const char *s,
                   uint32_t slen, sb_var_fn var, const void *ctx,
                   struct sb_scratch *scratch, uint32_t *budget);

/*
** Run the LEN-byte version 3 regex program PROG (validated, at most
** SB_BIN_REGEX_MAX_PROGRAM bytes) on the SLEN bytes at S: a Thompson
** simulation anchored at position 0 that accepts as soon as MATCH is
** reached. Returns 1, 0, or -1 when *BUDGET runs out.
*/
int sb_regex_run(const uint8_t *prog, uint32_t len, const char *s,
                 uint32_t slen, struct sb_scratch *scratch, uint32_t *budget);

#endif
