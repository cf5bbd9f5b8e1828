/*
** --cpp: run the C preprocessor over a WebKit-style .sb.in file and hand
** its output, with line markers, to the source table (LANGUAGE.md §3.3).
*/
#ifndef SB_COMPILER_CPP_H
#define SB_COMPILER_CPP_H

#include <stddef.h>
#include <stdint.h>

#include "common/ctx.h"

/*
** Preprocess PATH with the defaults of LANGUAGE.md §3.3 plus the NDEFS
** "-D" arguments in DEFS (each "NAME" or "NAME=VALUE"). The preprocessor
** is $SBPL_CPP if set, else "cc -E". Returns the new source id, or -1
** after printing why to stderr (the preprocessor's own messages included).
*/
int64_t sb_cpp_source(struct sb_ctx *ctx, const char *path,
    const char *const *defs, size_t ndefs);

#endif
