/*
** Building the annotate model (model.h) from a compiled unit, its
** identity and the readers' view of coverage.db (coverage/covview.h).
*/
#ifndef SB_ANNOTATE_BUILD_H
#define SB_ANNOTATE_BUILD_H

#include "annotate/model.h"
#include "coverage/covview.h"

struct sb_unit;

struct sb_ann_build {
	struct sb_unit *unit;           /* compiled to SB_STAGE_EMIT */
	const struct sb_covprofile *cur;        /* its identity */
	struct sb_covview *view;        /* loaded for CUR */
	const char *data;               /* coverage.db as given */
	const char *root;               /* --root, or NULL: the current directory */
	const char *tool_version;
	uint32_t show;                  /* the file a single-file view shows (src_no) */
	const char *show_text;          /* its text when not the bytes read (an
	                                ** annotated input, stripped), or NULL */
	size_t show_len;
	int approx, ambiguous;          /* --approx, --ambiguous */
	int include_stdlib;             /* --include-stdlib */
	int details;                    /* operations and samples (json, html) */
	int per_run;                    /* by_run counts (lcov --per-run) */
};

/* Fill M; 0, or -1 with ERR filled (a database error). */
int sb_ann_build(struct sb_ann_model *m, const struct sb_ann_build *b,
    char *err, size_t errsize);

#endif
