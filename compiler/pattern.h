/*
** Pattern bytecode (FORMAT.md §8.3): literal, prefix and subpath
** arguments of pattern-kind filters as the small match programs the
** kernel runs, with ${NAME} placeholders as variable references.
*/
#ifndef SB_COMPILER_PATTERN_H
#define SB_COMPILER_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* Index of variable NAME (LEN bytes) in the profile's table, or -1. */
typedef int (*sb_pattern_var_fn)(void *ctx, const char *name, size_t len);

/*
** Append the complete pattern item (u16 length, then the bytecode) for
** string S of LEN bytes matched as PAT (enum sb_pat: literal, prefix or
** subpath) to OUT. VAR maps ${NAME} to variable indices. Returns 0, or -1
** with a static reason in *WHY (program too long, too many variables).
*/
int sb_pattern_item(struct sb_buf *out, uint8_t pat, const char *s,
    size_t len, sb_pattern_var_fn var, void *ctx, const char **why);

/* Whether S (LEN bytes) holds a ${NAME} placeholder. */
int sb_pattern_has_var(const char *s, size_t len);

#endif
