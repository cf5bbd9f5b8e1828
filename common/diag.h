/*
** The diagnostic sink every tool shares (DESIGN.md §10). Records are
** collected, not printed as they happen: commands render them at the end,
** lint sorts and formats them, tests assert on them directly.
*/
#ifndef SB_COMMON_DIAG_H
#define SB_COMMON_DIAG_H

#include <stdint.h>
#include <stdio.h>

#include "common/source.h"
#include "common/util.h"

/* ORDER: diag.c's level names and colours follow this enum. */
enum sb_level { SB_NOTE, SB_WARNING, SB_ERROR };

enum sb_diag_style {
	SB_DIAG_TEXT,           /* GNU line, source line, caret, notes */
	SB_DIAG_BRIEF           /* the first line of each record only */
};

enum sb_color { SB_COLOR_AUTO, SB_COLOR_ALWAYS, SB_COLOR_NEVER };

/* A span with this source id has no location (a whole-input problem). */
#define SB_NOSRC UINT32_MAX

struct sb_note {
	struct sb_span span;    /* where; src is SB_NOSRC for none */
	char *msg;              /* owned by the sink */
};

struct sb_record {
	enum sb_level level;
	const char *check;      /* a LINT.md check name, or NULL; static */
	struct sb_span span;    /* primary location; src SB_NOSRC for none */
	char *msg;              /* owned by the sink */
	struct sb_note *notes;  /* in the order they were added */
	uint32_t nnotes;
	uint64_t fingerprint;   /* lint's finding fingerprint, or 0 */
	int suppressed;         /* lint: matched a suppression or baseline */
};

struct sb_diag {
	const struct sb_sources *sources;       /* to render positions */
	struct sb_record *recs;
	uint32_t nrecs, cap;
	uint32_t counts[3];     /* by enum sb_level, dropped ones included */
	uint32_t dropped;       /* records past SB_LIMIT_DIAGNOSTICS */
	int show_checks;        /* append " [check]" when rendering */
};

void sb_diag_init(struct sb_diag *d, const struct sb_sources *sources);
void sb_diag_free(struct sb_diag *d);

/* Add a record. CHECK is NULL or a static check name. */
void sb_diag(struct sb_diag *d, enum sb_level level, const char *check,
    struct sb_span span, const char *fmt, ...) SB_PRINTF(5, 6);
/* Attach a note to the last record added. */
void sb_diag_note(struct sb_diag *d, struct sb_span span, const char *fmt,
    ...) SB_PRINTF(3, 4);
uint32_t sb_diag_count(const struct sb_diag *d, enum sb_level level);

/* Whether to colour output to F under MODE (auto: a terminal, no NO_COLOR). */
int sb_diag_want_color(FILE *f, enum sb_color mode);
/* Parse "auto", "always" or "never"; -1 for anything else. */
int sb_diag_parse_color(const char *s);
/* Render every record to F in STYLE, coloured when COLOR is set. */
void sb_diag_render(const struct sb_diag *d, FILE *f,
    enum sb_diag_style style, int color);
/* Render one record. */
void sb_diag_render_record(const struct sb_diag *d, const struct sb_record *r,
    FILE *f, enum sb_diag_style style, int color);
/* "line:col" of OFF in source SRC, into BUF of SIZE bytes. */
const char *sb_diag_linecol(const struct sb_diag *d, uint32_t src,
    uint32_t off, char *buf, size_t size);

#endif
