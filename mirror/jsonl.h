/*
** --trace-out: every access as one line of the generic JSONL of
** COVERAGE.md §7.2, with the run's own decision and deciding rule, so
** that `sbpl-mirror import --from=jsonl` can check them against its own.
*/
#ifndef SB_MIRROR_JSONL_H
#define SB_MIRROR_JSONL_H

#include <stdint.h>
#include <stdio.h>

#include "common/buf.h"
#include "coverage/access.h"
#include "mirror/verdict.h"

/* Longest line written (COVERAGE.md §7.2), the newline included. */
#define SB_JSONL_LINE_MAX 4096

struct sb_jsonl {
	FILE *f;
	const char *path;
	uint64_t nlines;        /* lines written */
	uint64_t ntoolong;      /* accesses left out: no line could hold them */
	struct sb_buf buf;      /* the line being built */
};

/* Create (truncate) PATH; "-" is standard output. 0, or -1 with errno. */
int sb_jsonl_open(struct sb_jsonl *w, const char *path);
/* Write A, with V's decision and rule when V is not NULL and known. */
void sb_jsonl_put(struct sb_jsonl *w, const struct sb_access *a,
    const struct sb_verdict *v);
/* S as a JSON string (quoted and escaped) onto B. */
void sb_jsonl_string(struct sb_buf *b, const char *s);

/* Flush and close; 0, or -1 when some write failed. */
int sb_jsonl_close(struct sb_jsonl *w);

#endif
