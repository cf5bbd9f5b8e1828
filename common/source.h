/*
** The source table: every byte the tools read, one buffer per file with a
** NUL after the last byte (the scanner's sentinel), a lazily built line
** table, and the "# N "file"" markers of cpp mode (DESIGN.md §2.1).
** Positions elsewhere are struct sb_span; line and column are computed here
** only when a diagnostic or an output needs them.
*/
#ifndef SB_COMMON_SOURCE_H
#define SB_COMMON_SOURCE_H

#include <stddef.h>
#include <stdint.h>

struct sb_span {
	uint32_t src;   /* source id */
	uint32_t off;   /* byte offset of the first byte */
	uint32_t len;   /* bytes covered; 0 for a point */
};

enum sb_source_kind {
	SB_SRC_FILE,            /* read from a path */
	SB_SRC_STDIN,           /* read from standard input */
	SB_SRC_EMBEDDED,        /* stdlib-sb/, compiled into the binary */
	SB_SRC_CPP,             /* C preprocessor output of a file */
	SB_SRC_MEMORY           /* made by a caller: tests, fuzzers */
};

/* A cpp line marker: from OFF on, the text is line LINE of FILE. */
struct sb_linemark {
	uint32_t off;           /* first byte of the line after the marker */
	uint32_t line;          /* its line number in FILE */
	const char *file;       /* the original file; owned by the source */
};

struct sb_source {
	uint32_t id;            /* index in the table */
	enum sb_source_kind kind;
	char *path;             /* name shown in diagnostics; owned */
	const char *text;       /* len bytes then a NUL */
	uint32_t len;           /* bytes of text */
	int owns_text;          /* free text with the source */
	uint32_t *lines;        /* start offset of each line; built on demand */
	uint32_t nlines;
	struct sb_linemark *marks;      /* cpp markers in offset order */
	uint32_t nmarks, capmarks;
};

struct sb_sources {
	struct sb_source **v;   /* by id */
	uint32_t n;
};

/* A position made readable: 1-based line and display column. */
struct sb_pos {
	const char *file;       /* path, or the cpp marker's file */
	uint32_t line;          /* line in that file */
	uint32_t col;           /* display column (tabs to 8, UTF-8 as one) */
	uint32_t cpcol;         /* code-point column, tabs as one (JSON, SARIF) */
	uint32_t line_off;      /* offset of the line's first byte in text */
	uint32_t line_len;      /* its bytes, the newline (and a CR) excluded */
};

void sb_sources_init(struct sb_sources *t);
void sb_sources_free(struct sb_sources *t);

/*
** Read PATH ("-" is standard input, shown as SHOWN or "<stdin>") into a new
** source. Returns its id, or -1 with errno set (EFBIG past
** SB_LIMIT_SOURCE_BYTES). The table owns the bytes.
*/
int64_t sb_source_read(struct sb_sources *t, const char *path,
    const char *shown);
/*
** Add LEN bytes at TEXT as a source named PATH. When COPY is set the
** bytes are copied; otherwise TEXT must be NUL-terminated at LEN and
** outlive the table (embedded sources). Returns the id.
*/
uint32_t sb_source_add(struct sb_sources *t, enum sb_source_kind kind,
    const char *path, const char *text, size_t len, int copy);
struct sb_source *sb_source_get(const struct sb_sources *t, uint32_t id);

/* Record a cpp line marker; OFF must not decrease. */
void sb_source_mark(struct sb_source *s, uint32_t off, uint32_t line,
    const char *file, size_t filelen);
/* Line and column of byte OFF (OFF may equal len: end of file). */
void sb_source_pos(struct sb_source *s, uint32_t off, struct sb_pos *pos);
/* Length of the valid UTF-8 sequence at S (1..4), or 0 if invalid. */
uint32_t sb_utf8_seq(const char *s, uint32_t n);
/* Display columns taken by the N bytes at P (tabs to 8, UTF-8 as one). */
uint32_t sb_display_width(const char *p, uint32_t n, uint32_t startcol);

#endif
