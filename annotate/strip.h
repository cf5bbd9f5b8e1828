/*
** Annotated files (COVERAGE.md §3.3, §3.4): which form a text is in, the
** original bytes back, and the reserved-text check that keeps
** strip(annotate(x)) = x for every accepted x.
*/
#ifndef SB_ANNOTATE_STRIP_H
#define SB_ANNOTATE_STRIP_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

enum sb_ann_kind {
	SB_ANN_KIND_PLAIN,              /* neither form */
	SB_ANN_KIND_SBPL,               /* last line starts ";@cov-file " */
	SB_ANN_KIND_GCOV                /* first line matches ^ *-: *0:Source: */
};

enum sb_ann_kind sb_ann_kind_of(const char *text, size_t len);

/* Append the original of annotated TEXT to OUT: 0, or -1 (not annotated). */
int sb_ann_strip(const char *text, size_t len, struct sb_buf *out);

/*
** Whether plain TEXT already holds " ;@cov " on some line: 1 with the
** 1-based LINE and byte COL of its ';', else 0.
*/
int sb_ann_reserved(const char *text, size_t len, uint32_t *line,
    uint32_t *col);

#endif
