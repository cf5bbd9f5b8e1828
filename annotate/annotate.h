/*
** sbpl-annotate (COVERAGE.md §4): the options every output reads and the
** emitters. Each emitter writes the whole output for model M to OUT and
** returns 0, or -1 after an I/O error (the command exits 2).
*/
#ifndef SB_ANNOTATE_ANNOTATE_H
#define SB_ANNOTATE_ANNOTATE_H

#include <stdio.h>

#include "annotate/model.h"

enum sb_ann_format {
	SB_ANN_GCOV, SB_ANN_SBPL, SB_ANN_LCOV, SB_ANN_COBERTURA, SB_ANN_JSON,
	SB_ANN_HTML
};

struct sb_ann_opts {
	enum sb_ann_format format;
	uint32_t file;                  /* gcov, sbpl: the file shown (model index) */
	int branches;                   /* gcov: branch lines */
	const char *test_name;          /* lcov TN: ("" by default) */
	int per_run;                    /* lcov: one section per run */
};

int sb_ann_emit_gcov(struct sb_ann_model *m, const struct sb_ann_opts *o,
    FILE *out);
int sb_ann_emit_sbpl(struct sb_ann_model *m, const struct sb_ann_opts *o,
    FILE *out);
int sb_ann_emit_lcov(struct sb_ann_model *m, const struct sb_ann_opts *o,
    FILE *out);
int sb_ann_emit_cobertura(struct sb_ann_model *m,
    const struct sb_ann_opts *o, FILE *out);
int sb_ann_emit_json(struct sb_ann_model *m, const struct sb_ann_opts *o,
    FILE *out);
int sb_ann_emit_html(struct sb_ann_model *m, const struct sb_ann_opts *o,
    FILE *out);

#endif
